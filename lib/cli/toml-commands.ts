/** `volt-manifest toml decode|encode`: the toml-test decoder and encoder interfaces. */
import { LineIndex } from '../toml/errors.js';
import { jsonErrorOffset } from '../manifest/json-syntax.js';
import { TomlError, parse, stringify } from '../toml/index.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { floatText, fromTagged, toTagged } from '../toml/tagged.js';
import { LocalDate, LocalDateTime, LocalTime, OffsetDateTime } from '../toml/datetime.js';
import type { ParseOptions } from '../toml/options.js';
import { ManifestLoadError } from '../manifest/resolve.js';
import { readManifestFile } from '../node/load.js';
import { parseArgs, UsageError } from './args.js';
import type { Io } from './io.js';
import { escapeControl, jsonText } from './report.js';

export const tomlHelp = `Usage: volt-manifest toml <command> [options] [FILE|-]

Reads TOML from FILE, or from standard input when FILE is '-' or not given.

  toml json [FILE|-] [--integers number|bigint]
      Writes the document as plain JSON: tables as objects, arrays as arrays,
      integers as numbers (--integers bigint: every integer as a string of its
      exact digits), floats as numbers (nan, inf and -inf as the strings "nan",
      "inf" and "-inf", which JSON cannot hold as numbers), date/times as their
      RFC 3339 text.
  toml get FILE PATH [--raw] [--integers number|bigint]
      Prints the value at PATH as JSON (as 'toml json' writes it). PATH is keys
      joined by '.', each bare or quoted as in TOML, with [N] for an array element:
      workload.image, storage.volumes[0].host, 'labels."app.kubernetes.io/name"'.
      --raw prints a string value without quotes (control characters escaped).
  toml decode [FILE|-]
      Writes toml-test tagged JSON. On invalid input exits 1; the first line on
      stderr is 'FILE:LINE:COLUMN: error: MESSAGE' (<stdin> for standard input).
  toml encode [FILE|-]
      Reads toml-test tagged JSON, writes TOML.

Options:
  --toml-version V   TOML version to accept: 1.0 or 1.1 (default 1.1)
  --integers MODE    number (default; an integer beyond ±(2^53-1) is an error) or bigint
  --raw              (get) a string value without quotes
  -h, --help         Show this help
`;

/**
 * `file:line:column: error: message` and a code frame, as compilers print them; keys and
 * source lines quoted in them are escaped, as in every message on the terminal.
 */
export function formatTomlError(file: string, error: TomlError): string {
  return `${escapeControl(file)}:${error.line}:${error.column}: error: ${escapeControl(error.message)}\n${error.codeFrame()}\n`;
}

/** `:line:column` of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): string {
  const { line, column } = new LineIndex(text).position(offset);
  return `:${line}:${column}`;
}

/**
 * One step of a `toml get` path: a key, or an array index (`[0]`). Keys are bare
 * (`A-Za-z0-9_-`) or quoted as in TOML (`"a.b"` with basic-string escapes, `'a.b'`).
 */
type PathStep = string | number;

/** The steps of `path`; a usage error (naming the column) when it is not a path. */
export function parseValuePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const fail = (at: number, what: string): never => {
    throw new UsageError(
      `bad PATH '${escapeControl(path)}' at column ${at + 1}: ${what} (keys are bare or quoted as in TOML, joined by '.', with [N] for array elements)`,
    );
  };
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const c = path.charCodeAt(i);
    if (c === 0x5b /* [ */) {
      if (steps.length === 0) fail(i, 'a path starts with a key');
      let end = i + 1;
      while (end < path.length && path.charCodeAt(end) >= 0x30 && path.charCodeAt(end) <= 0x39)
        end++;
      if (end === i + 1 || path.charCodeAt(end) !== 0x5d /* ] */) fail(i, 'expected [N]');
      steps.push(Number(path.slice(i + 1, end)));
      i = end + 1;
      expectKey = false;
      continue;
    }
    if (!expectKey) {
      if (c !== 0x2e /* . */) fail(i, "expected '.' or '[' after a key");
      i++;
      expectKey = true;
      if (i === path.length) fail(i, "expected a key after '.'");
      continue;
    }
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const key = quotedKey(path, i);
      if (key === null) fail(i, 'unterminated or invalid quoted key');
      steps.push(key!.key);
      i = key!.end;
    } else {
      let end = i;
      while (end < path.length && isBareKeyChar(path.charCodeAt(end))) end++;
      if (end === i) fail(i, `'${escapeControl(path[i]!)}' cannot start a bare key`);
      steps.push(path.slice(i, end));
      i = end;
    }
    expectKey = false;
  }
  if (steps.length === 0) fail(0, 'the path is empty');
  return steps;
}

function isBareKeyChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x2d
  );
}

/** A quoted key starting at `start`, read by the TOML engine itself (one way to read keys). */
function quotedKey(path: string, start: number): { key: string; end: number } | null {
  const quote = path[start]!;
  let end = start + 1;
  while (end < path.length && path[end] !== quote)
    end += path[end] === '\\' && quote === '"' ? 2 : 1;
  if (end >= path.length) return null;
  try {
    const table = parse(`${path.slice(start, end + 1)} = 0`);
    const key = Object.keys(table)[0];
    return key === undefined ? null : { key, end: end + 1 };
  } catch {
    return null;
  }
}

/** `storage.volumes[0].host` again, for messages: the steps up to `count`. */
function pathText(steps: readonly PathStep[], count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const step = steps[i]!;
    if (typeof step === 'number') out += `[${step}]`;
    else {
      const bare = step.length > 0 && [...step].every((ch) => isBareKeyChar(ch.charCodeAt(0)));
      out += (i === 0 ? '' : '.') + (bare ? step : jsonText(step));
    }
  }
  return out;
}

/** The value at `steps`, or why there is none. */
function valueAt(
  root: unknown,
  steps: readonly PathStep[],
): { value: unknown } | { missing: string } {
  let value = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const where = i === 0 ? 'the document' : `'${pathText(steps, i)}'`;
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return { missing: `${where} is not an array` };
      if (step >= value.length) {
        return { missing: `${where} has ${value.length} element${value.length === 1 ? '' : 's'}` };
      }
      value = value[step];
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isDateTime(value)) {
      return { missing: `${where} is not a table` };
    }
    if (!Object.hasOwn(value, step)) return { missing: `${where} has no key ${jsonText(step)}` };
    value = (value as Record<string, unknown>)[step];
  }
  return { value };
}

function isDateTime(value: object): boolean {
  return (
    value instanceof OffsetDateTime ||
    value instanceof LocalDateTime ||
    value instanceof LocalDate ||
    value instanceof LocalTime
  );
}

/**
 * JSON text of a parsed value: bigints (`--integers bigint`) as strings of their digits,
 * floats JSON has no number for as `"nan"`, `"inf"`, `"-inf"`; date/times by their
 * `toJSON` (RFC 3339). Tables are written as they are, so a key named `__proto__` stays a key.
 */
function plainJson(value: unknown, indent?: number): string {
  return jsonText(value, indent, (_key: string, v: unknown) =>
    typeof v === 'bigint'
      ? v.toString()
      : typeof v === 'number' && !Number.isFinite(v)
        ? floatText(v)
        : v,
  );
}

/** The text of FILE, or of standard input for '-' or no FILE; `name` is what messages say. */
async function readSource(
  file: string | undefined,
  io: Io,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (file === undefined || file === '-') return { bytes: await io.readStdin(), name: '<stdin>' };
  return { bytes: await readManifestFile(file), name: file };
}

/** Parses a source as TOML, printing the error (exit 1) when it is not. */
function parseSource(
  source: { bytes: Uint8Array; name: string },
  options: ParseOptions,
  io: Io,
): Record<string, unknown> | null {
  try {
    return parse(source.bytes, options);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    io.stderr(formatTomlError(source.name, error));
    if (error.code === 'unsafe-integer') {
      io.stderr(
        'hint: --integers bigint writes every integer exactly, as a string of its digits\n',
      );
    }
    return null;
  }
}

const SUBCOMMANDS = ['json', 'get', 'decode', 'encode'];

export async function tomlCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    'toml-version': { value: true, choices: ['1.0', '1.1'] },
    integers: { value: true, choices: ['number', 'bigint'] },
    raw: {},
    help: {},
    h: {},
  });
  const [sub, ...rest] = args.positionals;
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(tomlHelp);
    return 0;
  }
  if (sub === undefined)
    throw new UsageError("'toml' needs a subcommand: json, get, decode or encode");
  if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown subcommand 'toml ${sub}'`);
  const files = sub === 'get' ? 2 : 1;
  if (rest.length > files) throw new UsageError(`unexpected argument '${rest[files]}'`);
  if (sub === 'get' && rest.length < 2) throw new UsageError("'toml get' takes FILE and PATH");
  if (sub !== 'get' && args.options.has('raw'))
    throw new UsageError("'--raw' is an option of 'toml get'");
  if ((sub === 'decode' || sub === 'encode') && args.options.has('integers')) {
    throw new UsageError(`'--integers' is an option of 'toml json' and 'toml get'`);
  }
  const version = (args.options.get('toml-version') ?? '1.1') as '1.0' | '1.1';
  const integers = (args.options.get('integers') ?? 'number') as 'number' | 'bigint';
  // A bad PATH is found before any input is read.
  const steps = sub === 'get' ? parseValuePath(rest[1]!) : [];
  let source;
  try {
    source = await readSource(rest[0], io);
  } catch (error) {
    if (!(error instanceof ManifestLoadError)) throw error;
    io.stderr(`${escapeControl(error.message)}\n`);
    return 1;
  }
  switch (sub) {
    case 'json': {
      const value = parseSource(source, { version, integers }, io);
      if (value === null) return 1;
      io.stdout(`${plainJson(value, 2)}\n`);
      return 0;
    }
    case 'get': {
      const value = parseSource(source, { version, integers }, io);
      if (value === null) return 1;
      const found = valueAt(value, steps);
      if ('missing' in found) {
        io.stderr(
          `${escapeControl(source.name)}: error: no value at ${pathText(steps, steps.length)}: ${found.missing}\n`,
        );
        return 1;
      }
      if (args.options.has('raw') && typeof found.value === 'string') {
        // Raw, but a terminal still never sees a control character: each is escaped.
        io.stdout(`${found.value.split('\n').map(escapeControl).join('\n')}\n`);
      } else io.stdout(`${plainJson(found.value, 2)}\n`);
      return 0;
    }
    case 'decode': {
      const value = parseSource(source, { version, integers: 'bigint' }, io);
      if (value === null) return 1;
      io.stdout(`${jsonText(toTagged(value))}\n`);
      return 0;
    }
    default: {
      const { text: input, error: badBytes } = decodeStrictUtf8(source.bytes);
      const name = escapeControl(source.name);
      if (badBytes !== null) {
        io.stderr(
          `${name}${lineAndColumn(input, input.length)}: error: ${escapeControl(badBytes.message)}\n`,
        );
        return 1;
      }
      let tagged: unknown;
      try {
        tagged = JSON.parse(input);
      } catch (error) {
        const offset = jsonErrorOffset(input);
        const where = offset < 0 ? '' : lineAndColumn(input, offset);
        io.stderr(
          `${name}${where}: error: invalid JSON: ${escapeControl((error as Error).message)}\n`,
        );
        return 1;
      }
      try {
        const value = fromTagged(tagged);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new TypeError('the top level must be a table');
        }
        io.stdout(stringify(value as Record<string, unknown>, { numbers: 'float' }));
        return 0;
      } catch (error) {
        if (!(error instanceof TypeError) && !(error instanceof TomlError)) throw error;
        io.stderr(`${name}: error: ${escapeControl(error.message)}\n`);
        return 1;
      }
    }
  }
}
