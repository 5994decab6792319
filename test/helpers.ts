import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ManifestLoadError, type ManifestHost } from '../lib/index.js';
import type { TomlError } from '../lib/toml/index.js';
import { fileURLToPath } from 'node:url';

/** The project root (tests run from `dist/test`). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** `../shared` from the project root. */
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const tomlTestDir = `${sharedDir}toml-test/tests/`;

/**
 * Why the tests that read the toml-test corpus are skipped here, or null when it is there.
 * The corpus comes from `../shared` next to the checkout; CI always has it, a fresh clone
 * alone does not, and there these tests are skipped, each saying so (the test reporter
 * prints the reason and counts them).
 */
export const tomlTestMissing: string | null = (['1.0', '1.1'] as const).every((version) =>
  existsSync(`${tomlTestDir}files-toml-${version}.0`),
)
  ? null
  : `needs the toml-test corpus, not found at ${tomlTestDir} (../shared next to the checkout; CI always has it)`;

/** Options for a test or suite that reads the toml-test corpus: skipped, saying why, without it. */
export const needsTomlTest: { skip?: string } =
  tomlTestMissing === null ? {} : { skip: tomlTestMissing };

export interface TomlTestCase {
  /** Path relative to the tests directory, without extension: `valid/array/empty`. */
  name: string;
  valid: boolean;
  tomlPath: string;
  jsonPath: string | null;
}

/** The cases toml-test lists for a TOML version. */
export function tomlTestCases(version: '1.0' | '1.1'): TomlTestCase[] {
  const listPath = `${tomlTestDir}files-toml-${version}.0`;
  if (!existsSync(listPath)) {
    throw new Error(
      `the toml-test corpus is not at ${listPath}: the tests read it from ../shared, next to the project checkout`,
    );
  }
  const list = readFileSync(listPath, 'utf8');
  const cases: TomlTestCase[] = [];
  for (const line of list.split('\n')) {
    if (!line.endsWith('.toml')) continue;
    const name = line.slice(0, -'.toml'.length);
    const valid = name.startsWith('valid/');
    cases.push({
      name,
      valid,
      tomlPath: `${tomlTestDir}${line}`,
      jsonPath: valid ? `${tomlTestDir}${name}.json` : null,
    });
  }
  return cases;
}

/** Compares tagged JSON as toml-test does: floats by value, date/times by instant text. */
export function taggedEqual(expected: unknown, actual: unknown, path = ''): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array`;
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} elements, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const diff = taggedEqual(expected[i], actual[i], `${path}[${i}]`);
      if (diff !== null) return diff;
    }
    return null;
  }
  if (typeof expected !== 'object' || expected === null) return `${path}: bad expectation`;
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    return `${path}: expected an object`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const isScalar =
    Object.keys(e).length === 2 && typeof e['type'] === 'string' && typeof e['value'] === 'string';
  if (isScalar) {
    if (a['type'] !== e['type'])
      return `${path}: expected type ${e['type']}, got ${String(a['type'])}`;
    if (!scalarEqual(e['type'] as string, e['value'] as string, String(a['value']))) {
      return `${path}: expected ${e['type']} ${e['value']}, got ${String(a['value'])}`;
    }
    return null;
  }
  const ek = Object.keys(e).sort();
  const ak = Object.keys(a).sort();
  if (ek.join('\u0000') !== ak.join('\u0000')) {
    return `${path}: expected keys [${ek.join(', ')}], got [${ak.join(', ')}]`;
  }
  for (const k of ek) {
    const diff = taggedEqual(e[k], a[k], `${path}.${k}`);
    if (diff !== null) return diff;
  }
  return null;
}

function scalarEqual(type: string, expected: string, actual: string): boolean {
  if (type === 'float') {
    const ev = floatValue(expected);
    const av = floatValue(actual);
    if (Number.isNaN(ev)) return Number.isNaN(av);
    return Object.is(ev, av) || ev === av;
  }
  if (type === 'datetime' || type === 'datetime-local' || type === 'time-local') {
    return normalizeTime(expected) === normalizeTime(actual);
  }
  return expected === actual;
}

function floatValue(text: string): number {
  if (text === 'nan' || text === '+nan' || text === '-nan') return NaN;
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** Trailing zeros of the fraction are not significant; `z`/`+00:00` read as `Z`. */
function normalizeTime(text: string): string {
  return text
    .replace(/\.(\d*?)0+(?=$|[Zz+-])/, (_, digits: string) => (digits === '' ? '' : `.${digits}`))
    .replace(/[zZ]$|[+-]00:00$/, 'Z');
}

/** Every `*.toml` file under `dir`, recursively. */
export function manifestFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? manifestFiles(path)
      : name.endsWith('.toml')
        ? [path]
        : [];
  });
}

/** The fields of an error that every way of parsing the same input must agree on. */
export function errorFields(error: TomlError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    offset: error.offset,
    line: error.line,
    column: error.column,
    endOffset: error.endOffset,
    endLine: error.endLine,
    endColumn: error.endColumn,
    byteOffset: error.byteOffset,
  };
}

/** Every TypeScript source of the library (`lexer/`, `lib/`), project-relative with `/`. */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(projectRoot, 'lexer'));
  walk(join(projectRoot, 'lib'));
  return out.map((path) => relative(projectRoot, path).split(sep).join('/'));
}

/** A host that reads bases from `files` (and `cas://` objects from `cas`), for resolve tests. */
export function memoryHost(
  files: Record<string, string>,
  cas?: Record<string, string>,
): ManifestHost {
  const host: ManifestHost = {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new ManifestLoadError('not-found', `${path} does not exist`);
      return text;
    },
  };
  if (cas !== undefined) host.cas = { get: async (digest) => cas[digest] ?? null };
  return host;
}
