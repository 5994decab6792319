/**
 * The parts of the issue 16 benchmark that decide what is measured: which corpus files
 * are lockfiles, the distinct-keys documents, the scaling rule and the targets table.
 * Speed is never asserted here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distinctKeysDocument } from '../bench/generate.js';
import { baseName, isLockfile } from '../bench/realworld.js';
import { type ShapeResult, scalingExcess, scalingLimit } from '../bench/scaling.js';
import { evaluateIssue16 } from '../bench/targets.js';
import type { SuiteResult } from '../bench/throughput.js';
import { suites } from '../bench/suites.js';
import { parse } from '../lib/toml/index.js';

test('a lockfile is named *.lock or pylock(.NAME).toml; every other file is a config file', () => {
  assert.equal(baseName('astral-sh+uv/crates__uv__tests__fixtures__uv.lock'), 'uv.lock');
  for (const name of [
    'rust-lang+cargo/Cargo.lock',
    'jdx+mise/e2e__cli__06_Cargo.lock',
    'astral-sh+uv/scripts__check_docs_formatted.py.lock',
    'python-poetry+poetry/tests__fixtures__poetry.lock',
    'pdm-project+pdm/tests__fixtures__pdm.no_groups.lock',
    'astral-sh+uv/scripts__pylock.toml',
    'astral-sh+uv/x__pylock.dev.toml',
  ]) {
    assert.equal(isLockfile(name), true, name);
  }
  for (const name of [
    'rust-lang+cargo/Cargo.toml',
    'astral-sh+uv/crates__x__lock-without-metadata.toml',
    'python+typeshed/stubs__x__METADATA.toml',
    // The directory is not the name: only the file's own name counts.
    'a+b/locks.lock__Cargo.toml',
    'a+b/pylock.a.b.toml',
  ]) {
    assert.equal(isLockfile(name), false, name);
  }
});

type Table = Record<string, unknown>;

/** Every table of a parse result (inline or not), depth first. */
function tablesOf(value: unknown, out: Table[] = []): Table[] {
  if (Array.isArray(value)) for (const item of value) tablesOf(item, out);
  else if (typeof value === 'object' && value !== null && value.constructor === Object) {
    out.push(value as Table);
    for (const key of Object.keys(value)) tablesOf((value as Table)[key], out);
  }
  return out;
}

/** Of the tables with at least `min` keys: how many, and how many share their key set. */
function layouts(value: unknown, min: number): { tables: number; shared: number } {
  const counts = new Map<string, number>();
  const tables = tablesOf(value).filter((t) => Object.keys(t).length >= min);
  for (const t of tables) {
    const layout = Object.keys(t).join(',');
    counts.set(layout, (counts.get(layout) ?? 0) + 1);
  }
  let shared = 0;
  for (const count of counts.values()) if (count > 1) shared += count;
  return { tables: tables.length, shared };
}

test('the distinct-keys document: header, dotted-key and inline tables, each with its own names', () => {
  const text = distinctKeysDocument(200_000);
  assert.ok(text.length >= 200_000 && text.length < 201_000, `${text.length} characters`);
  assert.equal(distinctKeysDocument(200_000), text, 'seeded: the same text every time');
  assert.match(text, /^\[section_\d+\]$/m);
  assert.match(text, /^\[i18n\.[a-z]{2}_\d+\]$/m);
  assert.match(text, /^features_\d+\.[a-z_]+\.(enabled|rollout) = /m);
  assert.match(text, /^[a-z_]+ = \{ [a-z_]+ = /m);
  const { tables, shared } = layouts(parse(text), 3);
  assert.ok(tables > 500, `${tables} tables of three keys or more`);
  // A key set almost never recurs (the `{ version, features }` dependency tables do).
  assert.ok(shared / tables < 0.2, `${shared} of ${tables} tables share their key set`);
});

test('the inline-tables-only variant is one inline table of distinct names per line', () => {
  const text = distinctKeysDocument(100_000, true);
  const lines = text.trimEnd().split('\n');
  assert.ok(lines[0]!.startsWith('# '));
  for (const line of lines.slice(1)) assert.match(line, /^entry_\d+ = \{ [a-z_]+ = .* \}$/);
  const { tables, shared } = layouts(parse(text), 2);
  assert.ok(tables >= lines.length - 1, `${tables} inline tables`);
  assert.ok(shared / tables < 0.05, `${shared} of ${tables} tables share their key set`);
});

test('issue 16 scaling rule: max(2.3, 1.15 × JSON.parse ratio of the same doubling)', () => {
  assert.equal(scalingLimit(undefined), 2.3);
  assert.equal(scalingLimit(1.9), 2.3);
  assert.equal(scalingLimit(6.99), 1.15 * 6.99);
  const shape = (ratios: number[], jsonRatios?: number[]): ShapeResult => ({
    shape: { name: 's', unit: 'lines', full: 1, quick: 1, build: () => '' },
    sizes: [1, 2, 4],
    ms: [1, 1, 1],
    ratios,
    withoutGcRatios: ratios,
    ...(jsonRatios === undefined ? {} : { jsonRatios }),
  });
  assert.deepEqual(scalingExcess(shape([2.01, 8.0], [1.99, 6.99])), []);
  assert.deepEqual(scalingExcess(shape([2.01, 8.89], [1.99, 6.99])), [
    { ratio: 8.89, limit: 1.15 * 6.99 },
  ]);
  // Each doubling against its own JSON ratio, not the worse of the two.
  assert.deepEqual(scalingExcess(shape([2.6, 2.0], [1.9, 6.99])), [{ ratio: 2.6, limit: 2.3 }]);
  assert.deepEqual(scalingExcess(shape([2.4, 2.0])), [{ ratio: 2.4, limit: 2.3 }]);
});

test('issue 16 targets: every target 1-7 has a row; a missing corpus says skipped', () => {
  const none = evaluateIssue16(null, null, null, null);
  assert.deepEqual(
    [...new Set(none.map((s) => s.target.split('.')[0]))],
    ['1', '2', '3', '4', '5', '6', '7'],
  );
  assert.ok(none.every((s) => s.status === 'not measured'));
  const realworld = suites().find((s) => s.id === 'realworld')!;
  const skipped: SuiteResult = {
    suite: realworld,
    skipped: 'the real-world corpus is missing',
    heading: realworld.title,
    bytes: 0,
    documents: 0,
    groups: [],
  };
  const row = evaluateIssue16([skipped], null, null, null).find((s) =>
    s.target.includes('real-world corpus, every file'),
  )!;
  assert.equal(row.status, 'not measured');
  assert.equal(row.measured, 'skipped: the real-world corpus is missing');
});
