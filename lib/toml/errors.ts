/**
 * The one error type of the TOML engine, and the position arithmetic it needs.
 *
 * Offsets are UTF-16 indexes into the decoded source (what `String#slice` takes);
 * lines and columns are 1-based and columns count Unicode code points, so an
 * editor and a terminal agree on where a caret goes.
 */

/** Stable machine-readable error codes. Messages may improve; codes do not change. */
export type TomlErrorCode =
  | 'invalid-utf8'
  | 'invalid-character'
  | 'control-character'
  | 'lone-surrogate'
  | 'bare-carriage-return'
  | 'unterminated-string'
  | 'newline-in-string'
  | 'invalid-escape'
  | 'unexpected-token'
  | 'expected-key'
  | 'expected-equals'
  | 'expected-value'
  | 'expected-newline'
  | 'expected-comma'
  | 'unterminated-array'
  | 'unterminated-inline-table'
  | 'unterminated-table-header'
  | 'invalid-integer'
  | 'integer-overflow'
  | 'unsafe-integer'
  | 'invalid-float'
  | 'invalid-datetime'
  | 'invalid-value'
  | 'duplicate-key'
  | 'duplicate-table'
  | 'key-is-value'
  | 'dotted-key-redefines-table'
  | 'inline-table-extended'
  | 'max-depth'
  | 'version-1.1-only'
  | 'unencodable-value';

export interface Position {
  /** UTF-16 offset into the decoded source. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, in Unicode code points. */
  column: number;
}

export interface TomlErrorDetails {
  code: TomlErrorCode;
  message: string;
  start: Position;
  end: Position;
  /** The text of the line `start` is on, for code frames. */
  lineText: string;
  /** For `invalid-utf8`: the offset of the offending byte in the input bytes. */
  byteOffset?: number;
}

export class TomlError extends Error {
  override readonly name = 'TomlError';
  // `declare`d and set by the constructor: a declared class field is one more copy of
  // its name in every bundle (it is defined as undefined before the constructor sets it).
  declare readonly code: TomlErrorCode;
  /** UTF-16 offset of the first offending character. */
  declare readonly offset: number;
  declare readonly line: number;
  declare readonly column: number;
  /** End of the offending span (exclusive). */
  declare readonly endOffset: number;
  declare readonly endLine: number;
  declare readonly endColumn: number;
  /** The source line the error starts on (without its newline). */
  declare readonly lineText: string;
  /** Byte offset into the input, for `invalid-utf8` errors on byte input. */
  declare readonly byteOffset: number | undefined;

  constructor(details: TomlErrorDetails) {
    super(details.message);
    this.code = details.code;
    this.offset = details.start.offset;
    this.line = details.start.line;
    this.column = details.start.column;
    this.endOffset = details.end.offset;
    this.endLine = details.end.line;
    this.endColumn = details.end.column;
    this.lineText = details.lineText;
    this.byteOffset = details.byteOffset;
  }

  /**
   * The offending line with a caret under the exact span, e.g.
   *
   * ```
   *  3 | port = 80x
   *    |          ^
   * ```
   */
  codeFrame(): string {
    return renderCodeFrame(this.lineText, this.line, this.column, this.endLine, this.endColumn);
  }

  override toString(): string {
    // Encoder errors have no source position (line 0): their message names a key path.
    if (this.line === 0) return `${this.name}: ${this.message}`;
    return `${this.name}: ${this.message} (line ${this.line}, column ${this.column})`;
  }
}

/**
 * Lines longer than this (UTF-16 units) are shown as a window of about this many around
 * the column, with `…` where they are cut: a tool printing one problem per entry of a
 * list written on one long line would otherwise print the whole line each time (output
 * quadratic in the line's length).
 */
const FRAME_WIDTH = 160;
/** How much of a long line is shown before the column. */
const FRAME_LEAD = 60;

/**
 * Is UTF-16 unit `c` a character a terminal acts on instead of showing: C0 (line breaks,
 * ESC, BEL…), DEL, C1 (0x9b is a one-byte CSI on some terminals) or the Unicode line and
 * paragraph separators? Or a bidirectional formatting character (marks, embeddings,
 * overrides, isolates)? Those reorder how the rest of the line displays, so a quoted key
 * or file name could read as something else than it is ("Trojan Source").
 */
export function isTerminalControl(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

/**
 * Is the character at `i` of `text` one that a terminal or a CI log acts on: a control
 * character (isTerminalControl), or the second `#` of `##[`, which GitHub's runner takes
 * anywhere in a line of the log as the start of a workflow command (`##[error]…`, its
 * older syntax, still read)?
 */
function isActedOn(text: string, i: number, c: number): boolean {
  return (
    isTerminalControl(c) ||
    (c === 0x23 && text.charCodeAt(i - 1) === 0x23 && text.charCodeAt(i + 1) === 0x5b)
  );
}

const SHORT = new Map([
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
]);

/** The escape shown for control character `c`: `\n`, `\u001b`; also valid in JSON text. */
function escapeOf(c: number): string {
  return SHORT.get(c) ?? `\\u${c.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character written as an escape (`\u001b`, `\n`), for messages
 * that quote manifest values, keys or file names: raw, they could retitle or clear the
 * terminal, or start a line that CI takes as a command (`::error::…` on GitHub Actions).
 * So is what GitHub's runner reads as a command in a line that holds `text`: `##[` anywhere,
 * and `::` at its start (where messages that start with a file name put it).
 */
export function escapeControl(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lineCommand = i === 0 && c === 0x3a && text.charCodeAt(1) === 0x3a;
    if (!lineCommand && !isActedOn(text, i, c)) continue;
    out += text.slice(from, i) + escapeOf(c);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Renders one source line with carets under columns [column, endColumn) (or to the end of
 * the line when the span continues on later lines). Tabs before the caret are kept so the
 * caret lines up in a terminal. Other control characters (often the reason a line is
 * reported) are escaped as in messages, and the caret moves to stay under the same
 * characters: printed raw, they could drive the terminal of whoever reads the error.
 */
export function renderCodeFrame(
  lineText: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): string {
  return new CodeFrameLine(lineText).render(line, column, endLine, endColumn);
}

/**
 * One source line made ready for code frames (`renderCodeFrame`): the line as shown, with
 * its control characters escaped, and where each column went, worked out once. A tool that
 * frames many problems on one line keeps one of these per line: each frame then costs its
 * window, where escaping and measuring the whole line for each problem was quadratic.
 */
export class CodeFrameLine {
  /** The line as shown: control characters escaped, tabs kept. */
  declare private readonly text: string;
  /** The shown column of each column of the line (index: column - 1), when escaped. */
  declare private readonly shownColumns: number[] | null;
  /** Columns (code points) of the line as written, and as shown. */
  declare private readonly columns: number;
  declare private readonly shownWidth: number;
  /** 0-based shown columns of the surrogate pairs in `text`, ascending. */
  declare private readonly pairColumns: number[];

  constructor(lineText: string) {
    let escaped = false;
    for (let i = 0; i < lineText.length && !escaped; i++) {
      const c = lineText.charCodeAt(i);
      escaped = c !== 0x09 && isActedOn(lineText, i, c);
    }
    const shownColumns: number[] | null = escaped ? [] : null;
    const pairColumns: number[] = [];
    let text = '';
    let from = 0;
    let columns = 0;
    // Columns count code points; an escape is ASCII, so its length is its width.
    let width = 0;
    for (let i = 0; i < lineText.length; i++) {
      const c = lineText.charCodeAt(i);
      shownColumns?.push(width + 1);
      columns++;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < lineText.length) {
        const d = lineText.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          pairColumns.push(width);
          i++;
        }
      } else if (escaped && c !== 0x09 && isActedOn(lineText, i, c)) {
        const shown = escapeOf(c);
        text += lineText.slice(from, i) + shown;
        from = i + 1;
        width += shown.length;
        continue;
      }
      width++;
    }
    this.text = escaped ? text + lineText.slice(from) : lineText;
    this.shownColumns = shownColumns;
    this.columns = columns;
    this.shownWidth = width;
    this.pairColumns = pairColumns;
  }

  /** The frame of columns [column, endColumn) on line number `line` (see renderCodeFrame). */
  render(line: number, column: number, endLine: number, endColumn: number): string {
    // A span that goes on to later lines ends after this one.
    const from = this.shownColumn(column);
    const to = this.shownColumn(endLine === line ? endColumn : Infinity);
    if (this.text.length > FRAME_WIDTH)
      return longLineFrame(this.text, this.pairColumns, line, from, to);
    const chars = Array.from(this.text);
    const gutter = String(line);
    const pad = ' '.repeat(gutter.length);
    let indent = '';
    for (let i = 0; i < from - 1 && i < chars.length; i++) indent += chars[i] === '\t' ? '\t' : ' ';
    const lastColumn = to === Infinity ? chars.length + 1 : to;
    const width = Math.max(1, lastColumn - from);
    return `${gutter} | ${this.text}\n${pad} | ${indent}${'^'.repeat(width)}`;
  }

  /** Where `column` of the line is shown (the caret moves past escapes before it). */
  private shownColumn(column: number): number {
    if (this.shownColumns === null || column < 1 || column === Infinity) return column;
    if (column - 1 < this.columns) return this.shownColumns[column - 1]!;
    return this.shownWidth + 1 + (column - 1 - this.columns);
  }
}

/**
 * The UTF-16 index of 1-based code-point `column` of `lineText`, whose surrogate pairs are
 * at the 0-based code-point columns `pairColumns` (ascending).
 */
function codeUnitIndex(lineText: string, pairColumns: readonly number[], column: number): number {
  // Each pair before the column puts it one unit further.
  const index = column - 1 + firstAtOrAfter(pairColumns, column - 1);
  return Math.min(index, lineText.length);
}

/** Is `c` the second half of a surrogate pair? (A cut must not fall between the halves.) */
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** `renderCodeFrame` for a long line: a window around the column. */
function longLineFrame(
  lineText: string,
  pairColumns: readonly number[],
  line: number,
  column: number,
  endColumn: number,
): string {
  const at = codeUnitIndex(lineText, pairColumns, column);
  let start = Math.max(0, at - FRAME_LEAD);
  if (start > 0 && isLowSurrogate(lineText.charCodeAt(start))) start--;
  let end = Math.min(lineText.length, start + FRAME_WIDTH);
  if (end < lineText.length && isLowSurrogate(lineText.charCodeAt(end))) end++;
  const spanEnd =
    endColumn === Infinity ? lineText.length : codeUnitIndex(lineText, pairColumns, endColumn);
  const shownText = `${start > 0 ? '…' : ''}${lineText.slice(start, end)}${end < lineText.length ? '…' : ''}`;
  let indent = start > 0 ? ' ' : '';
  for (const c of lineText.slice(start, Math.min(at, end))) indent += c === '\t' ? '\t' : ' ';
  const width = Math.max(
    1,
    Array.from(lineText.slice(at, Math.min(Math.max(spanEnd, at), end))).length,
  );
  const gutter = String(line);
  return `${gutter} | ${shownText}\n${' '.repeat(gutter.length)} | ${indent}${'^'.repeat(width)}`;
}

/**
 * Characters read to turn offsets into lines and columns (walked, indexed, counted), over
 * the life of the process. It only grows; tests read it before and after a parse to show
 * that finding the positions of many errors costs in proportion to the text, not to the
 * text times the number of errors.
 */
export const positionWork = { characters: 0 };

/**
 * Line and column of `offset` in `text`, whose first character sits at stream offset
 * `baseOffset` on line `baseLine` (a line start). Walks the text from `from`, a line start
 * at or before `offset` known to be on line `fromLine` (by default the start of `text`),
 * so a caller that knows the current line pays only for the text after it.
 */
export function positionIn(
  text: string,
  offset: number,
  baseOffset = 0,
  baseLine = 1,
  from = 0,
  fromLine = baseLine,
): Position {
  let line = fromLine;
  let lineStart = from;
  const stop = Math.min(offset, text.length);
  positionWork.characters += Math.max(0, stop - from);
  for (let i = text.indexOf('\n', from); i !== -1 && i < stop; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = columnOf(text, lineStart, offset, baseOffset === 0);
  return { offset: baseOffset + offset, line, column };
}

/**
 * 1-based column of `offset` on the line starting at `lineStart`, in code points. A
 * byte-order mark at the very start of the document takes no column, as in editors;
 * `documentStart` says whether `text` starts the document (a streamed piece does not).
 */
export function columnOf(
  text: string,
  lineStart: number,
  offset: number,
  documentStart = true,
): number {
  const bom =
    documentStart && lineStart === 0 && offset > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return codePointCount(text, lineStart + bom, offset) + 1;
}

/** Number of code points in `text[start, end)`; a lone surrogate counts as one. */
export function codePointCount(text: string, start: number, end: number): number {
  positionWork.characters += Math.max(0, end - start);
  let count = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/**
 * The line of `text` containing `offset`, without its line ending, nor the byte-order
 * mark that starts the document (`documentStart`, as for `columnOf`): columns do not
 * count it, so a code frame showing it would put the caret off by one where it is drawn.
 */
export function lineAt(text: string, offset: number, documentStart = true): string {
  return lineFrom(text, text.lastIndexOf('\n', offset - 1) + 1, offset, documentStart);
}

/** `lineAt`, for an offset on the line that starts at `lineStart`. */
function lineFrom(text: string, lineStart: number, offset: number, documentStart: boolean): string {
  let start = lineStart;
  if (documentStart && start === 0 && offset > 0 && text.charCodeAt(0) === 0xfeff) start = 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  positionWork.characters += end - lineStart;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  return text.slice(start, end);
}

/**
 * Builds a TomlError for the span [start, end) of `text`, where `text[0]` is at
 * stream offset `baseOffset` on line `baseLine`. `lineStart` and `lineStartLine` may
 * name a known line start at or before `start` (see `positionIn`).
 */
export function errorAt(
  code: TomlErrorCode,
  message: string,
  text: string,
  start: number,
  end: number = start + 1,
  baseOffset = 0,
  baseLine = 1,
  byteOffset?: number,
  lineStart = 0,
  lineStartLine = baseLine,
): TomlError {
  const clampedStart = Math.min(Math.max(start, 0), text.length);
  const clampedEnd = Math.min(Math.max(end, clampedStart), text.length);
  const from = positionIn(text, clampedStart, baseOffset, baseLine, lineStart, lineStartLine);
  const to =
    clampedEnd === clampedStart
      ? { offset: from.offset, line: from.line, column: from.column + (end > start ? 1 : 0) }
      : positionIn(text, clampedEnd, baseOffset, baseLine, lineStart, lineStartLine);
  return new TomlError({
    code,
    message,
    start: from,
    end: to,
    lineText: lineAt(text, clampedStart, baseOffset === 0),
    byteOffset,
  });
}

/**
 * `errorAt` with the positions looked up in `lines`, an index of the text (`lines.text`)
 * that a caller reporting many errors in one text builds once: counted from the start of
 * the text each time, the errors of a large file cost its length each (quadratic).
 */
export function errorIn(
  lines: LineIndex,
  code: TomlErrorCode,
  message: string,
  start: number,
  end: number = start + 1,
  baseOffset = 0,
  baseLine = 1,
): TomlError {
  const length = lines.text.length;
  const clampedStart = Math.min(Math.max(start, 0), length);
  const clampedEnd = Math.min(Math.max(end, clampedStart), length);
  const from = lines.position(clampedStart);
  const to =
    clampedEnd === clampedStart
      ? { offset: from.offset, line: from.line, column: from.column + (end > start ? 1 : 0) }
      : lines.position(clampedEnd);
  return new TomlError({
    code,
    message,
    start: {
      offset: baseOffset + from.offset,
      line: baseLine + from.line - 1,
      column: from.column,
    },
    end: { offset: baseOffset + to.offset, line: baseLine + to.line - 1, column: to.column },
    lineText: lines.lineTextAt(clampedStart),
  });
}

/**
 * How far into a line a column is counted character by character; further in, LineIndex
 * looks the surrogate pairs up instead.
 */
const COUNTED_COLUMNS = 256;

/**
 * Offset to line/column for many lookups over one text: a table of line starts, then a
 * binary search per lookup. The table grows as lookups reach further into the text, so
 * an error near the start of a large file does not index all of it.
 */
export class LineIndex {
  declare readonly text: string;
  /** Whether `text` starts the document (see `columnOf`): a streamed piece does not. */
  declare private readonly documentStart: boolean;
  /** Starts of the lines up to `next`. */
  declare private readonly starts: number[];
  /** The first newline not yet in `starts`, or -1 once every line is. */
  declare private next: number;
  /** Offsets of the second halves of surrogate pairs, found on the first far lookup. */
  declare private pairEnds: number[] | null;

  constructor(text: string, documentStart = true) {
    this.text = text;
    this.documentStart = documentStart;
    this.starts = [0];
    this.next = text.indexOf('\n');
    this.pairEnds = null;
  }

  /** Adds the starts of the lines that begin at or before `offset`. */
  private indexTo(offset: number): void {
    const text = this.text;
    const starts = this.starts;
    let next = this.next;
    if (next === -1 || next >= offset) return;
    const from = next;
    while (next !== -1 && next < offset) {
      starts.push(next + 1);
      next = text.indexOf('\n', next + 1);
    }
    this.next = next;
    positionWork.characters += (next === -1 ? text.length : next) - from;
  }

  get lineCount(): number {
    this.indexTo(Infinity);
    return this.starts.length;
  }

  position(offset: number): Position {
    this.indexTo(offset);
    const line = this.lineOf(offset);
    return { offset, line, column: this.column(this.starts[line - 1]!, offset) };
  }

  /** The 1-based line of `offset` (the lines up to it are indexed). */
  private lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /**
   * `columnOf`, without walking the line up to `offset` when that is far: each of the
   * 20,000 diagnostics of an array written on one line would walk it again (quadratic).
   * A column is the number of UTF-16 units before `offset` less the pairs among them.
   */
  private column(lineStart: number, offset: number): number {
    if (offset - lineStart <= COUNTED_COLUMNS) {
      return columnOf(this.text, lineStart, offset, this.documentStart);
    }
    if (this.pairEnds === null) {
      this.pairEnds = surrogatePairEnds(this.text);
      positionWork.characters += this.text.length;
    }
    const bom = this.documentStart && lineStart === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const from = lineStart + bom;
    // codePointCount(from, offset) counts a pair as one when both halves are in range.
    const pairs = firstAtOrAfter(this.pairEnds, offset) - firstAtOrAfter(this.pairEnds, from + 1);
    return offset - from - pairs + 1;
  }

  /** The text of 1-based line `line`, without its line ending. */
  lineText(line: number): string {
    // Lines are indexed until this one is, or every line is.
    while (this.starts.length < line && this.next !== -1) this.indexTo(this.next + 1);
    // A line that does not exist has no text (its start used to default to the end of the
    // text, which gave the last line's).
    const start = this.starts[line - 1];
    if (start === undefined || !Number.isInteger(line)) {
      throw new RangeError(`line must be an integer from 1 to ${this.lineCount}, got ${line}`);
    }
    // Asked at the first character, so the first line leaves out a byte-order mark.
    const bom = start === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    return lineFrom(this.text, start, start + bom, this.documentStart);
  }

  /** `lineAt(text, offset)`: the line `offset` is on, as a code frame shows it. */
  lineTextAt(offset: number): string {
    this.indexTo(offset);
    return lineFrom(this.text, this.starts[this.lineOf(offset) - 1]!, offset, this.documentStart);
  }
}

/** The offsets of the low surrogates that follow a high surrogate, ascending. */
function surrogatePairEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const h = text.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff) ends.push(i);
    }
  }
  return ends;
}

/** The index of the first element of the ascending `list` that is at least `value`. */
function firstAtOrAfter(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * True for the error a JavaScript engine throws when its call stack runs out (V8 and
 * JavaScriptCore: a RangeError; QuickJS and SpiderMonkey: an InternalError). Nesting
 * that a raised `maxDepth` allows but the stack does not is reported as `max-depth`
 * (parse) or `unencodable-value` (stringify), never as a crash.
 */
export function isStackOverflow(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error instanceof RangeError || error.name === 'InternalError') &&
    /stack|recursion/i.test(error.message)
  );
}

/** Describes a character for messages: `'x'`, `U+0007`, `end of input`. */
export function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const c = text.codePointAt(offset)!;
  if (c === 0x0a) return 'newline';
  if (c === 0x0d) return 'carriage return';
  if (c === 0x09) return 'tab';
  if (c === 0xfeff) return 'U+FEFF (byte-order mark)';
  const invisible =
    c < 0x20 ||
    (c >= 0x7f && c <= 0xa0) ||
    (c >= 0x2000 && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202f) ||
    (c >= 0xd800 && c <= 0xdfff);
  if (invisible) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(c)}'`;
}
