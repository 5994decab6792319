/**
 * Property tests of the editor over every valid toml-test document and a fixed sample of
 * the real-world corpus: random sequences of set / insert / delete / append give a text
 * that parses to what the same operations make of the plain value, lines outside the
 * entries touched stay as they were, `patch(text, parse(text))` is the text, and the same
 * set or delete a second time changes nothing.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  EditableDocument,
  LocalDate,
  type LocatedTable,
  type LocatedValue,
  parse,
  parseLocated,
  patch,
  type ParseOptions,
} from '../lib/toml/index.js';
import { afterLine, commentBlockStart, lineStart } from '../lib/toml/edit-text.js';
import { Rng, seedFor, valueDiff } from './fuzz-support.js';
import { needsTomlTest, projectRoot, sharedDir, tomlTestCases } from './helpers.js';

type Path = (string | number)[];
type Table = Record<string, unknown>;

interface Sample {
  name: string;
  text: string;
  options: ParseOptions;
}

const SEED = 20;
/** Operations per document. */
const OPS = 4;
/** Real-world files taken (a fixed sample: the whole corpus would take minutes). */
const REALWORLD_SAMPLE = 250;
/** Real-world files longer than this are left out of the sample (time). */
const REALWORLD_MAX = 8000;

function tomlTestSamples(): Sample[] {
  const seen = new Set<string>();
  const out: Sample[] = [];
  for (const version of ['1.0', '1.1'] as const) {
    for (const c of tomlTestCases(version)) {
      if (!c.valid || seen.has(c.tomlPath)) continue;
      seen.add(c.tomlPath);
      out.push({
        name: `${version} ${c.name}`,
        text: readFileSync(c.tomlPath, 'utf8'),
        options: { version, integers: 'auto' },
      });
    }
  }
  return out;
}

const corpusPath = `${sharedDir}realworld/corpus.jsonl.gz`;
const needsRealworld = existsSync(corpusPath)
  ? {}
  : { skip: `needs the real-world corpus, not found at ${corpusPath}` };

function realworldSamples(): Sample[] {
  const lines = gunzipSync(readFileSync(corpusPath)).toString('utf8').split('\n');
  const rng = new Rng(SEED);
  const out: Sample[] = [];
  const order = rng.shuffle(lines.filter((line) => line !== ''));
  for (const line of order) {
    if (out.length === REALWORLD_SAMPLE) break;
    const { file, b64 } = JSON.parse(line) as { file: string; b64: string };
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > REALWORLD_MAX) continue;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    for (const version of ['1.0', '1.1'] as const) {
      const options: ParseOptions = { version, integers: 'auto' };
      try {
        parse(text, options);
      } catch {
        continue;
      }
      out.push({ name: file, text, options });
      break;
    }
  }
  return out;
}

// ---- the plain model -----------------------------------------------------------------------

function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isTable(value)) {
    const out: Table = {};
    for (const key of Object.keys(value)) define(out, key, clone(value[key]));
    return out;
  }
  return value;
}

function define(table: Table, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function at(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) value = (value as Record<string | number, unknown>)[step];
  return value;
}

function modelSet(root: Table, path: Path, value: unknown): void {
  const parent = at(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (typeof last === 'number') (parent as unknown as unknown[])[last] = value;
  else define(parent, last, value);
}

function modelDelete(root: Table, path: Path): void {
  const parent = at(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Table)[last as string];
}

/** Every path in a value (not the root), with its value. */
function pathsOf(
  value: unknown,
  prefix: Path = [],
  out: [Path, unknown][] = [],
): [Path, unknown][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([[...prefix, i], item]);
      pathsOf(item, [...prefix, i], out);
    });
  } else if (isTable(value)) {
    for (const key of Object.keys(value)) {
      out.push([[...prefix, key], value[key]]);
      pathsOf(value[key], [...prefix, key], out);
    }
  }
  return out;
}

function randomScalar(rng: Rng): unknown {
  switch (rng.int(7)) {
    case 0:
      return rng.int(100000) - 500;
    case 1:
      return rng.pick([0.5, -2.25, 1e300, Infinity, NaN]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return new LocalDate(2000 + rng.int(30), 1 + rng.int(12), 1 + rng.int(28));
    case 4:
      return rng.pick(["it's", 'two\nlines', 'tab\there', 'quote " and \\', 'é ✓ 😀']);
    case 5:
      return [rng.int(10), 'x'];
    default:
      return `v${rng.int(1000)}`;
  }
}

// ---- the lines an edit may touch ---------------------------------------------------------

/** 0-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function addLines(text: string, lines: Set<number>, start: number, end: number): void {
  // One line more either side: a blank line tidied away with a section, a comma added
  // to the line of the item before.
  for (let line = lineOf(text, start) - 1; line <= lineOf(text, end) + 1; line++) lines.add(line);
}

/** The located node at a path, and the nodes on the way. */
function nodesAt(root: LocatedTable, path: Path): LocatedValue[] {
  const nodes: LocatedValue[] = [root];
  for (const step of path) {
    const node = nodes[nodes.length - 1]!;
    if (typeof step === 'number') {
      if (node.type !== 'array' || node.items[step] === undefined) break;
      nodes.push(node.items[step]!);
    } else {
      const entry = node.type === 'table' ? node.entry(step) : undefined;
      if (entry === undefined) break;
      nodes.push(entry.node);
    }
  }
  return nodes;
}

/** The lines of a value's text: its span, or for a table every section and key under it. */
function valueLines(text: string, root: LocatedTable, path: Path, lines: Set<number>): void {
  const nodes = nodesAt(root, path);
  const node = nodes[nodes.length - 1]!;
  // Inside an inline table or array, the whole of the outermost one may change.
  for (const outer of nodes.slice(0, -1)) {
    if (
      (outer.type === 'table' && outer.origin === 'inline') ||
      (outer.type === 'array' && !outer.ofTables)
    ) {
      addLines(text, lines, lineStart(text, outer.start), outer.end);
      return;
    }
  }
  const visit = (value: LocatedValue, keyStart: number) => {
    if (value.type === 'table' && value.origin !== 'inline' && value.origin !== 'root') {
      if (value.origin === 'header' || value.origin === 'array-element') {
        addLines(text, lines, commentBlockStart(text, lineStart(text, value.start)), value.end);
      }
      for (let e = value.firstEntry; e !== null; e = e.next) visit(e.node, e.start);
    } else if (value.type === 'array' && value.ofTables) {
      for (const item of value.items) visit(item, item.start);
    } else if (value.type !== 'table' || value.origin === 'inline') {
      const start = commentBlockStart(text, lineStart(text, keyStart));
      addLines(text, lines, start, afterLine(text, value.end) - 1);
    } else {
      for (let e = value.firstEntry; e !== null; e = e.next) visit(e.node, e.start);
    }
  };
  if (node.type === 'table' && node.origin === 'root') return;
  const parent = nodes[nodes.length - 2];
  const keyStart =
    parent?.type === 'table'
      ? (parent.entry(path[path.length - 1] as string)?.start ?? node.start)
      : node.start;
  visit(node, keyStart);
}

/** True when the old lines outside `allowed` are, in order, lines of `after`. */
function keepsOtherLines(before: string, after: string, allowed: Set<number>): string | null {
  const old = before.split('\n');
  const now = after.split('\n');
  // A line written after a last line that had no line break ends that line: with LF the
  // split does not show it, with CRLF the line gains its '\r' (the same change).
  const last = old.length - 1;
  const same = (i: number, line: string) =>
    line === old[i] || (i === last && line === `${old[i]}\r`);
  let j = 0;
  for (let i = 0; i < old.length; i++) {
    if (allowed.has(i)) continue;
    while (j < now.length && !same(i, now[j]!)) j++;
    if (j === now.length) return `line ${i + 1} ${JSON.stringify(old[i])} is gone or moved`;
    j++;
  }
  return null;
}

// ---- the operations ----------------------------------------------------------------------------

interface Outcome {
  ops: number;
  refused: string[];
}

function runDocument(sample: Sample, index: number, outcome: Outcome): void {
  const { text, options } = sample;
  assert.equal(
    patch(text, parse(text, options), options),
    text,
    `${sample.name}: patch of its own value`,
  );
  const rng = new Rng(seedFor(SEED, 1, index));
  const doc = new EditableDocument(text, options);
  const model = clone(parse(text, options)) as Table;
  const log: string[] = [];
  for (let n = 0; n < OPS; n++) {
    const before = doc.toString();
    const located = parseLocated(before, options);
    const paths = pathsOf(model);
    const tables: Path[] = [[], ...paths.filter(([, v]) => isTable(v)).map(([p]) => p)];
    const arrays = paths.filter(([, v]) => Array.isArray(v)).map(([p]) => p);
    const allowed = new Set<number>();
    const kind = rng.int(4);
    let op: () => void;
    let again: (() => void) | null = null;
    let describe: string;
    if (kind === 0 && paths.length > 0) {
      // set an existing value (a scalar, or a whole container)
      const [path] = rng.pick(paths);
      const value = randomScalar(rng);
      describe = `set ${JSON.stringify(path)}`;
      // An item of an array of tables set to a value that is not a table: the array is
      // written inline instead.
      const parent = at(model, path.slice(0, -1));
      const whole = Array.isArray(parent) && parent.every(isTable) ? path.slice(0, -1) : path;
      valueLines(before, located.root, whole, allowed);
      op = () => doc.set(path, value);
      again = op;
      modelSet(model, path, value);
    } else if (kind === 1) {
      // insert a new key, sometimes with a new table on the way
      const table = rng.pick(tables);
      const path = rng.chance(0.3) ? [...table, `new${n}`, 'key'] : [...table, `new${n}`];
      const value = rng.chance(0.2) ? { inner: randomScalar(rng) } : randomScalar(rng);
      describe = `insert ${JSON.stringify(path)}`;
      valueLines(before, located.root, table, allowed);
      op = () => doc.set(path, value);
      again = op;
      if (path.length > table.length + 1) modelSet(model, path.slice(0, -1), {});
      modelSet(model, path, clone(value));
    } else if (kind === 2 && paths.length > 0) {
      const [path] = rng.pick(paths);
      describe = `delete ${JSON.stringify(path)}`;
      valueLines(before, located.root, path, allowed);
      op = () => void doc.delete(path);
      // Deleting an array item again deletes the next one; a key, nothing.
      if (typeof path[path.length - 1] === 'string') again = op;
      modelDelete(model, path);
    } else if (arrays.length > 0) {
      const path = rng.pick(arrays);
      const array = at(model, path) as unknown[];
      const value =
        array.length > 0 && array.every(isTable) ? { added: randomScalar(rng) } : randomScalar(rng);
      describe = `append ${JSON.stringify(path)}`;
      valueLines(before, located.root, path, allowed);
      op = () => void doc.append(path, value);
      array.push(clone(value));
    } else {
      continue;
    }
    log.push(describe);
    const where = () =>
      `${sample.name}: ${log.join(', ')}\n--- before\n${before}\n--- after\n${doc.toString()}`;
    try {
      op();
    } catch (error) {
      // Every edit here is one TOML can hold: a refusal is a failure, listed at the end.
      assert.equal((error as Error).name, 'TomlError', `${where()}\n${String(error)}`);
      assert.equal(doc.toString(), before, `${where()}\na refused edit changed the text`);
      outcome.refused.push(`${sample.name}: ${describe}: ${String(error)}`);
      return;
      continue;
    }
    outcome.ops++;
    const after = doc.toString();
    const diff = valueDiff(parse(after, options), model);
    assert.equal(diff, null, `${where()}\n${diff}`);
    const moved = keepsOtherLines(before, after, allowed);
    assert.equal(moved, null, `${where()}\n${moved}`);
    if (again !== null) {
      again();
      assert.equal(
        doc.toString(),
        after,
        `${where()}\nthe same edit a second time changed the text`,
      );
    }
  }
  assert.equal(patch(text, model, options), patch(text, model, options));
  const patched = patch(text, model, options);
  assert.equal(
    valueDiff(parse(patched, options), model),
    null,
    `${sample.name}: patch to the edited value`,
  );
}

describe('editing: random edits over every valid toml-test document', needsTomlTest, () => {
  test('each result reads as the edited value, other lines stay, patch of the same value is the text', (t) => {
    const samples = tomlTestSamples();
    const outcome: Outcome = { ops: 0, refused: [] };
    samples.forEach((sample, i) => runDocument(sample, i, outcome));
    t.diagnostic(
      `${samples.length} documents, ${outcome.ops} edits, ${outcome.refused.length} refused`,
    );
    assert.deepEqual(outcome.refused, []);
    assert.ok(samples.length > 250, `${samples.length} documents`);
    assert.ok(outcome.ops > samples.length * 2, `${outcome.ops} edits ran`);
  });
});

describe('editing: random edits over a sample of the real-world corpus', needsRealworld, () => {
  test('each result reads as the edited value, other lines stay, patch of the same value is the text', (t) => {
    const samples = realworldSamples();
    const outcome: Outcome = { ops: 0, refused: [] };
    samples.forEach((sample, i) => runDocument(sample, 100000 + i, outcome));
    t.diagnostic(
      `${samples.length} documents, ${outcome.ops} edits, ${outcome.refused.length} refused`,
    );
    assert.deepEqual(outcome.refused, []);
    assert.equal(samples.length, REALWORLD_SAMPLE);
    assert.ok(outcome.ops > samples.length * 2, `${outcome.ops} edits ran`);
  });
});

/**
 * Documents of the project itself, so that the editor's properties are checked on a clone
 * without ../shared too: every example manifest and a set written for the syntax the
 * corpora hold (dotted keys, inline tables, arrays of tables, every string style, comments
 * in arrays, a last line without a newline), each also with CRLF line endings.
 */
function ownSamples(): Sample[] {
  const texts: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.toml'))
        texts.push([path.slice(projectRoot.length), readFileSync(path, 'utf8')]);
    }
  };
  walk(join(projectRoot, 'examples'));
  const written = [
    'a = 1\nb.c = "x"\nb.d = \'lit\'  # after\n\n# above e\ne = [1, 2, # two\n  3,\n]\n',
    '[t]\nx = { y = 1, z = [true, false] }\n\n[[arr]]\nname = "a"\n\n[[arr]]\nname = "b"\n[arr.sub]\nk = 1.5\n',
    's1 = """\nmulti\nline"""\ns2 = \'\'\'raw\\n\'\'\'\ns3 = "é😀\\u0001"\nd = 1979-05-27\nt = 07:32:00\n',
    '# only a comment\n[empty]\n\n[a.b.c]\nk = "v" # last line without a newline',
    '"quoted key" = 1\n\'lit key\' = 2\n[ "spaced table" ]\n"a.b" = 3\nn = 0x10\n',
    'arr = [\n  { a = 1 },\n  { a = 2 },  # second\n]\nnested = [[1, 2], ["x"]]\n',
  ];
  written.forEach((text, i) => texts.push([`written ${i + 1}`, text]));
  const out: Sample[] = [];
  for (const [name, text] of texts) {
    for (const version of ['1.0', '1.1'] as const) {
      const options: ParseOptions = { version, integers: 'auto' };
      out.push({ name: `${version} ${name}`, text, options });
      out.push({
        name: `${version} ${name} (CRLF)`,
        text: text.replace(/\r?\n/g, '\r\n'),
        options,
      });
    }
  }
  return out;
}

describe("editing: random edits over the project's own TOML files", () => {
  test('each result reads as the edited value, other lines stay, patch of the same value is the text', (t) => {
    const samples = ownSamples();
    const outcome: Outcome = { ops: 0, refused: [] };
    // Several seeds each: there are few documents.
    for (let round = 0; round < 8; round++)
      samples.forEach((sample, i) => runDocument(sample, 200000 + round * 1000 + i, outcome));
    t.diagnostic(
      `${samples.length} documents x 8 seeds, ${outcome.ops} edits, ${outcome.refused.length} refused`,
    );
    assert.deepEqual(outcome.refused, []);
    assert.ok(samples.length >= 60, `${samples.length} documents`);
    assert.ok(outcome.ops > samples.length * 8 * 2, `${outcome.ops} edits ran`);
  });
});
