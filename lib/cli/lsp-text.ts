/**
 * An open document of the language server and the conversions between our positions and
 * the protocol's. Ours (diagnostics) are 1-based lines split at `\n` only and 1-based
 * columns in code points, not counting a byte-order mark that starts the document; the
 * located tree has UTF-16 offsets. The protocol's are 0-based lines split at `\r\n`, `\r`
 * and `\n`, and characters counted in the negotiated encoding (UTF-16 by default, UTF-8
 * or UTF-32 when the client offers them). Every conversion goes through the UTF-16 offset
 * into the text, so the two line models never have to agree.
 */

export type PositionEncoding = 'utf-16' | 'utf-8' | 'utf-32';

/** A protocol position: 0-based line, character in the negotiated encoding. */
export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** The units `text[i]` (and its low surrogate when a pair starts there) take in `encoding`. */
function unitsAt(
  text: string,
  i: number,
  encoding: PositionEncoding,
): { length: number; units: number } {
  const c = text.charCodeAt(i);
  const pair =
    c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
  if (pair) return { length: 2, units: encoding === 'utf-16' ? 2 : encoding === 'utf-8' ? 4 : 1 };
  if (encoding !== 'utf-8') return { length: 1, units: 1 };
  // A lone surrogate is written as U+FFFD (3 bytes) by a UTF-8 encoder.
  return { length: 1, units: c < 0x80 ? 1 : c < 0x800 ? 2 : 3 };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export class TextDocument {
  /** Starts of the protocol's lines (after `\r\n`, `\r` or `\n`), made on first use. */
  private lspLineStarts: number[] | null = null;
  /** Starts of our lines (after `\n`), made on first use. */
  private ourLineStarts: number[] | null = null;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly text: string,
  ) {}

  private lspLines(): number[] {
    if (this.lspLineStarts !== null) return this.lspLineStarts;
    // Without a carriage return the protocol's lines are ours: found by the engine's
    // `indexOf`, several times faster on a large text than a loop over every character
    // (this runs on every change: the edited text is a new document).
    if (!this.text.includes('\r')) return (this.lspLineStarts = this.ourLines());
    const starts = [0];
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      } else if (c === 0x0a) starts.push(i + 1);
    }
    this.lspLineStarts = starts;
    return starts;
  }

  private ourLines(): number[] {
    if (this.ourLineStarts !== null) return this.ourLineStarts;
    const starts = [0];
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) {
      starts.push(i + 1);
    }
    this.ourLineStarts = starts;
    return starts;
  }

  /** The end of the protocol line starting at `lineStart`: its line break or the text's end. */
  private lineContentEnd(line: number): number {
    const starts = this.lspLines();
    if (line + 1 >= starts.length) return this.text.length;
    const next = starts[line + 1]!;
    return this.text.charCodeAt(next - 1) === 0x0a && this.text.charCodeAt(next - 2) === 0x0d
      ? next - 2
      : next - 1;
  }

  /** The protocol position of the UTF-16 offset `offset`. */
  positionAt(offset: number, encoding: PositionEncoding): LspPosition {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lspLines();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    // Between the `\r` and `\n` of a line break: the protocol has no such place, the
    // line's end is the nearest one.
    const end = Math.min(at, this.lineContentEnd(lo));
    return { line: lo, character: this.units(starts[lo]!, end, encoding) };
  }

  /** The units of `text[from, to)` in `encoding`. */
  private units(from: number, to: number, encoding: PositionEncoding): number {
    if (encoding === 'utf-16') return to - from;
    let units = 0;
    for (let i = from; i < to;) {
      const step = unitsAt(this.text, i, encoding);
      // A pair cut by `to` (a UTF-16 offset inside it): its high half alone.
      if (i + step.length > to) return units + (encoding === 'utf-8' ? 3 : 1);
      units += step.units;
      i += step.length;
    }
    return units;
  }

  /**
   * The UTF-16 offset of a protocol position. A line past the end is the end of the text;
   * a character past the line's end is the line's end (as the protocol says); a character
   * inside a UTF-8 sequence is the start of its character.
   */
  offsetAt(position: LspPosition, encoding: PositionEncoding): number {
    const starts = this.lspLines();
    if (position.line >= starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = starts[position.line]!;
    const end = this.lineContentEnd(position.line);
    if (encoding === 'utf-16') return Math.min(start + Math.max(0, position.character), end);
    let units = 0;
    let i = start;
    while (i < end) {
      const step = unitsAt(this.text, i, encoding);
      if (units + step.units > position.character) break;
      units += step.units;
      i += step.length;
    }
    return i;
  }

  /**
   * The UTF-16 offset of our 1-based line and code-point column (as diagnostics give them).
   * Line 0 (no position) is the start; a place past the end of the text is its end.
   */
  offsetOfLineColumn(line: number, column: number): number {
    const starts = this.ourLines();
    if (line < 1) return 0;
    if (line > starts.length) return this.text.length;
    let i = starts[line - 1]!;
    // The byte-order mark that starts the document takes no column.
    if (line === 1 && this.text.charCodeAt(0) === 0xfeff) i = 1;
    for (let n = 1; n < column && i < this.text.length; n++) {
      i += unitsAt(this.text, i, 'utf-32').length;
    }
    return i;
  }

  /** The protocol range of our 1-based `[line:column, endLine:endColumn)`. */
  rangeOfLineColumns(
    place: { line: number; column: number; endLine: number; endColumn: number },
    encoding: PositionEncoding,
  ): LspRange {
    return {
      start: this.positionAt(this.offsetOfLineColumn(place.line, place.column), encoding),
      end: this.positionAt(this.offsetOfLineColumn(place.endLine, place.endColumn), encoding),
    };
  }

  /** The protocol range of the UTF-16 span `[start, end)`. */
  rangeOf(start: number, end: number, encoding: PositionEncoding): LspRange {
    return { start: this.positionAt(start, encoding), end: this.positionAt(end, encoding) };
  }

  /**
   * This document with `changes` applied in order (each range against the text the
   * changes before it left), at `version`. A change without a range replaces the text.
   */
  withChanges(
    changes: readonly { range?: LspRange; text: string }[],
    version: number,
    encoding: PositionEncoding,
  ): TextDocument {
    let doc: TextDocument = this;
    for (const change of changes) {
      let text: string;
      if (change.range === undefined) text = change.text;
      else {
        const start = doc.offsetAt(change.range.start, encoding);
        const end = Math.max(start, doc.offsetAt(change.range.end, encoding));
        text = doc.text.slice(0, start) + change.text + doc.text.slice(end);
      }
      doc = new TextDocument(this.uri, this.languageId, version, text);
    }
    return changes.length === 0
      ? new TextDocument(this.uri, this.languageId, version, this.text)
      : doc;
  }
}
