/**
 * Scaling mode: for each pathological shape, inputs of size N, 2N and 4N; the time ratio
 * per doubling must stay at or under 2.3 (linear, with room for noise and cache effects).
 */
import {
  DEFAULT_MAX_DEPTH,
  parse,
  parseLocatedRecovering,
  parseStream,
} from '../lib/toml/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceCache, formatHuman } from '../lib/cli/report.js';
import { parseManifest } from '../lib/index.js';
import { flat } from './inputs.js';
import { type RunFn, interleaved } from './measure.js';

/** A doubling that takes longer than this factor counts as non-linear. */
export const LINEAR_LIMIT = 2.3;

/** Issue 16's scaling rule: a doubling may cost up to 1.15 × what it costs `JSON.parse`. */
export const JSON_SCALING_FACTOR = 1.15;

/**
 * The largest doubling ratio issue 16 allows for a shape: LINEAR_LIMIT, or 1.15 × the
 * ratio of `JSON.parse` on the same data at the same sizes in the same run when larger.
 */
export function scalingLimit(jsonRatio: number | undefined): number {
  return jsonRatio === undefined
    ? LINEAR_LIMIT
    : Math.max(LINEAR_LIMIT, JSON_SCALING_FACTOR * jsonRatio);
}

/** Each doubling of the shape against its limit: the doublings over it, with their limits. */
export function scalingExcess(result: ShapeResult): { ratio: number; limit: number }[] {
  return result.ratios
    .map((ratio, i) => ({ ratio, limit: scalingLimit(result.jsonRatios?.[i]) }))
    .filter(({ ratio, limit }) => ratio > limit);
}

/** Shapes of untrusted input with a target of their own (see targets.ts). */
export const ERRORS_AT_END_PARSE = 'errors near the end of a large file, parse (throws)';
export const ERRORS_AT_END_RECOVERING = 'errors near the end of a large file, recovering parse';
export const ERROR_PER_LINE = 'an error on every line, recovering parse with no error limit';
export const DUPLICATE_KEYS = 'a key defined again on every line, recovering parse, no limit';
export const DUPLICATE_TABLES = 'a table defined again on every line, recovering parse, no limit';
export const HUMAN_ONE_LINE = 'diagnostics on one line, human format (code frames)';

/**
 * A run that prints every diagnostic of the manifest `input` in the human format, with its
 * code frame, as `check` does: the file is written once (the frames read it), the parse is
 * not timed.
 */
function humanFormat(input: string): RunFn {
  const dir = mkdtempSync(join(tmpdir(), 'volt-bench-human-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'one-line.toml');
  writeFileSync(file, input);
  const { diagnostics } = parseManifest(input, { path: file });
  if (diagnostics.length < 2) throw new Error('the one-line manifest has no diagnostics');
  return () => {
    const sources = new SourceCache();
    let length = 0;
    for (const d of diagnostics) length += formatHuman(d, false, sources).length;
    return length;
  };
}

/** The errors at the end of the "errors near the end" shapes (the recovering parse's limit). */
const LATE_ERRORS = 100;

export interface Shape {
  name: string;
  /** What N counts, e.g. "keys". */
  unit: string;
  /** N for the full run and for the quick smoke run. */
  full: number;
  quick: number;
  /** The input of size `n`. */
  build(n: number): string;
  /**
   * The same data as JSON, for a control: JSON.parse builds the same objects, so a ratio
   * it shares comes from V8 (collector, hash tables, caches), not from our parser.
   */
  json?: (n: number) => string;
  /** One timed run over `input` (default: `parse`). */
  run?: (input: string) => RunFn;
}

export interface ShapeResult {
  shape: Shape;
  sizes: number[];
  /** Median ms per size. */
  ms: number[];
  /** `ms[i + 1] / ms[i]`. */
  ratios: number[];
  /** The same ratios with the GC pauses V8 reported taken out of each run. */
  withoutGcRatios: number[];
  /** The ratios of JSON.parse on the same data, when the shape has a JSON form. */
  jsonRatios?: number[];
  /** A ratio over the limit was measured again; this is the first measurement's ratios. */
  firstRatios?: number[];
}

/** The deepest nesting `make(depth)` can have with the default maxDepth. */
function allowedDepth(make: (depth: number) => string): number {
  for (let depth = DEFAULT_MAX_DEPTH; depth > 1; depth--) {
    try {
      parse(make(depth));
      return depth;
    } catch {
      // Too deep for the default maxDepth: one level less.
    }
  }
  throw new Error('no nesting depth parses');
}

/** A run that parses with `parseLocatedRecovering` and no limit on the errors. */
function recoveringAll(input: string): RunFn {
  return () => parseLocatedRecovering(input, undefined, Infinity);
}

/** `n` valid lines, then `LATE_ERRORS` lines with an error each. */
function errorsAtEnd(n: number): string {
  return `${lines(n, (i) => `key_${i} = ${i}`)}\n${lines(LATE_ERRORS, (i) => `late_${i} = ?`)}\n`;
}

function lines(n: number, line: (i: number) => string, separator = '\n'): string {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = line(i);
  return out.join(separator);
}

/** A JSON object of `n` members. */
function jsonObject(n: number, member: (i: number) => string): string {
  return `{${lines(n, member, ',')}}`;
}

function nestedArray(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

function dottedKey(segments: number): string {
  return `k${'.a'.repeat(segments - 1)}`;
}

/** Plain text of `n` characters for the long string (words and spaces). */
function longText(n: number): string {
  const word = 'lorem ipsum dolor sit amet ';
  return word.repeat(Math.ceil(n / word.length)).slice(0, n);
}

export function shapes(): Shape[] {
  const arrayDepth = allowedDepth((d) => `a = ${nestedArray(d)}\n`);
  const dottedSegments = allowedDepth((d) => `${dottedKey(d)} = 1\n`);
  const nestedObject = (i: number) =>
    `"k${i}":${'{"a":'.repeat(dottedSegments - 2)}{"a":${i}}${'}'.repeat(dottedSegments - 2)}`;
  const escapes = (n: number) => '\\n\\t\\"\\\\\\u00e9'.repeat(n / 5);
  return [
    {
      name: `nested arrays at depth ${arrayDepth}, repeated`,
      unit: 'lines',
      full: 500,
      quick: 20,
      build: (n) => `${lines(n, (i) => `k${i} = ${nestedArray(arrayDepth)}`)}\n`,
      json: (n) => jsonObject(n, (i) => `"k${i}":${nestedArray(arrayDepth)}`),
    },
    {
      name: 'keys in one table',
      unit: 'keys',
      full: 100_000,
      quick: 1_000,
      build: (n) => `[table]\n${lines(n, (i) => `key_${i} = ${i}`)}\n`,
      json: (n) => `{"table":${jsonObject(n, (i) => `"key_${i}":${i}`)}}`,
    },
    {
      name: 'tables',
      unit: 'tables',
      full: 100_000,
      quick: 1_000,
      build: (n) => `${lines(n, (i) => `[table_${i}]\nvalue = ${i}`)}\n`,
      json: (n) => jsonObject(n, (i) => `"table_${i}":{"value":${i}}`),
    },
    {
      name: `dotted keys of ${dottedSegments} parts, repeated`,
      unit: 'lines',
      full: 500,
      quick: 10,
      build: (n) => `${lines(n, (i) => `k${i}${dottedKey(dottedSegments).slice(1)} = ${i}`)}\n`,
      json: (n) => jsonObject(n, nestedObject),
    },
    {
      name: 'one long string',
      unit: 'characters',
      full: 10_000_000,
      quick: 100_000,
      build: (n) => `s = "${longText(n)}"\n`,
      json: (n) => `{"s":"${longText(n)}"}`,
    },
    {
      name: 'escapes in one string',
      unit: 'escapes',
      full: 1_000_000,
      quick: 10_000,
      build: (n) => `s = "${escapes(n)}"\n`,
      json: (n) => `{"s":"${escapes(n)}"}`,
    },
    {
      name: 'one huge array',
      unit: 'elements',
      full: 1_000_000,
      quick: 10_000,
      build: (n) => `a = [${lines(n, (i) => String(i), ', ')}]\n`,
      json: (n) => `{"a":[${lines(n, (i) => String(i), ',')}]}`,
    },
    {
      name: ERRORS_AT_END_PARSE,
      unit: 'lines',
      full: 200_000,
      quick: 2_000,
      build: errorsAtEnd,
      run: (input) => () => {
        try {
          parse(input);
        } catch (error) {
          return error;
        }
        throw new Error('the document parsed');
      },
    },
    {
      name: ERRORS_AT_END_RECOVERING,
      unit: 'lines',
      full: 200_000,
      quick: 2_000,
      build: errorsAtEnd,
      run: (input) => () => parseLocatedRecovering(input),
    },
    {
      name: ERROR_PER_LINE,
      unit: 'lines',
      full: 10_000,
      quick: 200,
      build: (n) => `${lines(n, (i) => `key_${i} = nope`)}\n`,
      run: recoveringAll,
    },
    {
      name: DUPLICATE_KEYS,
      unit: 'lines',
      full: 10_000,
      quick: 200,
      build: (n) => `key = -1\n${lines(n, (i) => `key = ${i}`)}\n`,
      run: recoveringAll,
    },
    {
      name: DUPLICATE_TABLES,
      unit: 'lines',
      full: 10_000,
      quick: 200,
      build: (n) => `[table]\n${lines(n, () => '[table]')}\n`,
      run: recoveringAll,
    },
    {
      name: HUMAN_ONE_LINE,
      unit: 'diagnostics',
      full: 8_000,
      quick: 200,
      // One line of capabilities, each after the first a duplicate (a warning each).
      build: (n) =>
        `[workload]\nname = "w"\nmode = "container"\nimage = "i"\n[security]\ncapabilities = [${lines(n + 1, () => '"CAP_CHOWN"', ', ')}]\n`,
      run: humanFormat,
    },
    {
      name: 'long string via parseStream, 64 KB byte chunks',
      unit: 'characters',
      full: 10_000_000,
      quick: 100_000,
      build: (n) => `s = "${longText(n)}"\n`,
      run: (input) => {
        const bytes = Buffer.from(input, 'utf8');
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
        return () => parseStream(chunks);
      },
    },
  ];
}

function ratiosOf(ms: readonly number[]): number[] {
  return [ms[1]! / ms[0]!, ms[2]! / ms[1]!];
}

async function measureShape(
  shape: Shape,
  n: number,
  rounds: number,
  warmup: number,
): Promise<ShapeResult> {
  const sizes = [n, 2 * n, 4 * n];
  const runs = sizes.map((size) => {
    const input = flat(shape.build(size));
    return shape.run ? shape.run(input) : () => parse(input);
  });
  const timed = await interleaved(runs, rounds, warmup, true);
  const ms = timed.map((t) => t.ms);
  const result: ShapeResult = {
    shape,
    sizes,
    ms,
    ratios: ratiosOf(ms),
    withoutGcRatios: ratiosOf(timed.map((t) => t.withoutGcMs!)),
  };
  if (shape.json !== undefined) {
    const json = shape.json;
    const controls = sizes.map((size) => {
      const text = flat(json(size));
      return () => JSON.parse(text) as unknown;
    });
    const control = await interleaved(controls, rounds, warmup);
    result.jsonRatios = ratiosOf(control.map((t) => t.ms));
  }
  return result;
}

export async function runScaling(
  quick: boolean,
  log: (line: string) => void,
): Promise<ShapeResult[]> {
  const rounds = quick ? 1 : 3;
  const results: ShapeResult[] = [];
  for (const shape of shapes()) {
    const n = quick ? shape.quick : shape.full;
    log(`scaling: ${shape.name}...`);
    let result = await measureShape(shape, n, rounds, quick ? 0 : 1);
    if (!quick && result.ratios.some((r) => r > LINEAR_LIMIT)) {
      // One noisy round on a shared machine can look like a bad doubling; measure again
      // with more rounds and report both.
      log(
        `  a ratio over ${LINEAR_LIMIT}: ${result.ratios.map((r) => r.toFixed(2)).join(', ')}; measuring again`,
      );
      const again = await measureShape(shape, n, rounds + 2, 1);
      result = { ...again, firstRatios: result.ratios };
    }
    results.push(result);
  }
  return results;
}

export function nonLinear(results: readonly ShapeResult[]): ShapeResult[] {
  return results.filter((r) => r.ratios.some((x) => x > LINEAR_LIMIT));
}
