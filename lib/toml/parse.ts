/**
 * The entry points of the TOML reader: `parse` (plain values), `parseLocated` (plain
 * values plus spans for everything) and `parseStream` (chunks in, the same result out).
 */
import { StatementSplitter } from '../../lexer/splitter.js';
import { Utf8Decoder, type Utf8Problem } from '../../lexer/utf8.js';
import { type TomlError, errorAt } from './errors.js';
import { LocatedDocument } from './located.js';
import type { ParseOptions } from './options.js';
import { Parser, needsDefinitionContext } from './parser.js';
import { decodeStrictUtf8 } from './utf8-text.js';

export type TomlTable = Record<string, unknown>;

/** Where parsing starts: after a byte-order mark, if there is one. */
function bodyStart(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/**
 * One parser kept for the synchronous entry points. Reusing it saves the allocations of
 * a new one per document, and keeping it reachable keeps the engine's optimized code: V8
 * throws optimized code away when a full garbage collection finds no object of the shapes
 * it was specialised for (measured: 10× slower parsing right after such a collection).
 */
let spare: Parser | null = null;

function acquire(options: ParseOptions | undefined, locate: boolean, track: boolean): Parser {
  const parser = spare;
  if (parser === null) return new Parser(options, locate, track);
  spare = null;
  parser.begin(options, locate, track);
  return parser;
}

function release(parser: Parser): void {
  parser.detach();
  spare = parser;
}

/**
 * Runs the parser over a whole text. Messages about duplicates name the first
 * definition; tracking those costs time, so a failed fast run is repeated with tracking
 * to produce the detailed error (only when the error is of that kind).
 */
function run<T>(
  text: string,
  options: ParseOptions | undefined,
  locate: boolean,
  result: (parser: Parser) => T,
): T {
  const parser = acquire(options, locate, false);
  try {
    parser.feed(text, 0, 1, bodyStart(text));
    return result(parser);
  } catch (error) {
    if (!locate && needsDefinitionContext(error)) {
      new Parser(options, false, true).feed(text, 0, 1, bodyStart(text));
    }
    throw error;
  } finally {
    release(parser);
  }
}

/**
 * Rejects a source that is neither text nor bytes: the platform decoder would take an
 * ArrayBuffer or a DataView, and a number would read as an empty document.
 */
function checkSource(source: unknown): asserts source is string | Uint8Array {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
    throw new TypeError('source must be a string or a Uint8Array');
  }
}

/** Text of a source; bytes are decoded as strict UTF-8. */
function sourceText(source: string | Uint8Array, options: ParseOptions | undefined): string {
  checkSource(source);
  if (typeof source === 'string') return source;
  const { text, error } = decodeStrictUtf8(source);
  if (error !== null) failUtf8(text, 0, 1, error, options, bodyStart(text), null);
  return text;
}

/**
 * Invalid UTF-8 ends the document at the bad byte. Complete statements before it are
 * parsed first, so an earlier syntax error is reported first, as a stream would.
 */
function failUtf8(
  text: string,
  baseOffset: number,
  baseLine: number,
  problem: Utf8Problem,
  options: ParseOptions | undefined,
  start: number,
  parser: Parser | null,
): never {
  const cut = Math.max(0, new StatementSplitter().push(text, false));
  if (cut > 0) {
    (parser ?? new Parser(options, false, true)).feed(
      text.slice(0, cut),
      baseOffset,
      baseLine,
      start,
    );
  }
  const rest = text.slice(cut);
  throw errorAt(
    'invalid-utf8',
    problem.message,
    rest,
    rest.length,
    rest.length + 1,
    baseOffset + cut,
    baseLine + countNewlines(text.slice(0, cut)),
    problem.byteOffset,
  );
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Parses a TOML document into plain objects. Tables are plain objects whose keys are
 * all own data properties; arrays are arrays; strings, numbers (or bigints, see
 * `integers`), booleans; date/times are `OffsetDateTime`, `LocalDateTime`, `LocalDate`
 * and `LocalTime`. Throws `TomlError` (and nothing else) for invalid input.
 */
export function parse(source: string | Uint8Array, options?: ParseOptions): TomlTable {
  const text = sourceText(source, options);
  return run(text, options, false, documentOf);
}

/** The result of `parse` (a function made once: a closure per call is garbage per call). */
function documentOf(parser: Parser): TomlTable {
  return parser.document() as TomlTable;
}

/** Parses like `parse`, and also gives the span of every key, header and value. */
export function parseLocated(source: string | Uint8Array, options?: ParseOptions): LocatedDocument {
  const text = sourceText(source, options);
  return run(
    text,
    options,
    true,
    (parser) => new LocatedDocument(text, parser.locatedRoot(text.length)),
  );
}

/**
 * Parses a document that arrives in chunks (strings or UTF-8 bytes, split anywhere).
 * The result, or the error and its position, is the same as `parse` of the whole
 * input. Only the unfinished statement is buffered; besides the result, the parser
 * keeps where each key was defined, for messages about duplicates.
 */
export async function parseStream(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options?: ParseOptions,
): Promise<TomlTable> {
  const parser = new Parser(options, false, true);
  const splitter = new StatementSplitter();
  const decoder = new Utf8Decoder();
  // Text not yet parsed, in pieces: joined once a statement in it is complete, so a
  // long statement arriving in many chunks is copied once, not once per chunk.
  let pieces: string[] = [];
  let pending = 0;
  let baseOffset = 0;
  let baseLine = 1;
  let start = -1;
  const feed = (text: string) => {
    if (start < 0) start = bodyStart(text);
    parser.feed(text, baseOffset, baseLine, start);
    start = 0;
    baseOffset += text.length;
    baseLine += countNewlines(text);
  };
  const add = (text: string) => {
    if (text === '') return;
    pieces.push(text);
    pending += text.length;
    const boundary = splitter.push(text, false);
    if (boundary < 0) return;
    const joined = pieces.join('');
    const cut = boundary - (splitter.pushed - pending);
    feed(joined.slice(0, cut));
    const rest = joined.slice(cut);
    pieces = rest === '' ? [] : [rest];
    pending = rest.length;
  };
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      add(decoder.takeText(chunk));
      if (decoder.error !== null) break;
    } else if (chunk instanceof Uint8Array) {
      add(decoder.decode(chunk, false));
      if (decoder.error !== null) break;
    } else {
      throw new TypeError('parseStream chunks must be strings or Uint8Arrays');
    }
  }
  if (decoder.error === null) add(decoder.finish());
  const rest = pieces.join('');
  if (start < 0) start = bodyStart(rest);
  if (decoder.error !== null) {
    failUtf8(rest, baseOffset, baseLine, decoder.error, options, start, parser);
  }
  feed(rest);
  return parser.document() as TomlTable;
}

export interface RecoveringParse {
  /** Everything that parsed: statements with errors are left out. */
  document: LocatedDocument;
  /** Every syntax error, in document order (at most `maxErrors`). */
  errors: TomlError[];
}

/**
 * A located parse that does not stop at the first error: a statement with an error is
 * skipped and parsing goes on with the next one, so tools can report every syntax error
 * at once and still use what parsed. Invalid UTF-8 ends the input at the bad byte.
 */
export function parseLocatedRecovering(
  source: string | Uint8Array,
  options?: ParseOptions,
  maxErrors = 100,
): RecoveringParse {
  checkSource(source);
  // Infinity is a count here: no limit.
  if (!(maxErrors >= 1 && (Number.isInteger(maxErrors) || maxErrors === Infinity))) {
    throw new TypeError(`maxErrors must be a positive integer, got ${String(maxErrors)}`);
  }
  let text: string;
  let utf8Error: TomlError | null = null;
  if (typeof source === 'string') text = source;
  else {
    const decoded = decodeStrictUtf8(source);
    text = decoded.text;
    if (decoded.error !== null) {
      utf8Error = errorAt(
        'invalid-utf8',
        decoded.error.message,
        text,
        text.length,
        text.length + 1,
        0,
        1,
        decoded.error.byteOffset,
      );
    }
  }
  // Invalid UTF-8 ends the text at the bad byte. As in `parse`, the statement it cuts
  // short is left out: parsed, its cut would be reported as an error of its own (an
  // unterminated string where the file has none).
  const end =
    utf8Error === null ? text.length : Math.max(0, new StatementSplitter().push(text, false));
  const parser = acquire(options, true, false);
  try {
    const errors: TomlError[] = [];
    parser.feedRecovering(
      end === text.length ? text : text.slice(0, end),
      errors,
      maxErrors,
      Math.min(bodyStart(text), end),
    );
    if (utf8Error !== null && errors.length < maxErrors) errors.push(utf8Error);
    return { document: new LocatedDocument(text, parser.locatedRoot(text.length)), errors };
  } finally {
    release(parser);
  }
}
