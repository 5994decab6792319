/**
 * Text helpers of the editor: lines, comment blocks and the separators between the
 * statements of an inline table or the items of an array. They read only characters a
 * located tree puts between its spans (whitespace, newlines, commas, comments), so they
 * never have to parse a key or a value themselves.
 */

/** A replacement of `[start, end)` by `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The offset where the line holding `offset` starts. */
export function lineStart(source: string, offset: number): number {
  return offset === 0 ? 0 : source.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The offset after the rest of the line at `offset` when that rest is only whitespace
 * and an optional comment: past its newline, or the end of the text. A statement's line
 * ends there.
 */
export function afterLine(source: string, offset: number): number {
  let p = offset;
  while (p < source.length && (source[p] === ' ' || source[p] === '\t')) p++;
  if (source[p] === '#') {
    const newline = source.indexOf('\n', p);
    return newline === -1 ? source.length : newline + 1;
  }
  if (source[p] === '\r' && source[p + 1] === '\n') return p + 2;
  if (source[p] === '\n') return p + 1;
  return p;
}

/** True when the line starting at `start` holds only whitespace (a blank line). */
export function isBlankLine(source: string, start: number): boolean {
  let p = start;
  while (p < source.length && (source[p] === ' ' || source[p] === '\t')) p++;
  return source[p] === '\n' || (source[p] === '\r' && source[p + 1] === '\n');
}

/** True when the line starting at `start` holds a comment and nothing else. */
function isCommentLine(source: string, start: number): boolean {
  let p = start;
  while (p < source.length && (source[p] === ' ' || source[p] === '\t' || source[p] === '\uFEFF')) {
    p++;
  }
  return source[p] === '#';
}

/**
 * The start of the block of comment lines directly above the line starting at `start`
 * (no blank line between), or `start` when there is none: a comment there is about the
 * line below it, and goes when that line goes.
 */
export function commentBlockStart(source: string, start: number): number {
  let block = start;
  while (block > 0) {
    const previous = lineStart(source, block - 1);
    if (!isCommentLine(source, previous)) break;
    block = previous;
  }
  return block;
}

/** The spaces and tabs before `offset` on its line (a statement's indentation). */
export function indentBefore(source: string, offset: number): string {
  let p = offset;
  while (p > 0 && (source[p - 1] === ' ' || source[p - 1] === '\t')) p--;
  return source.slice(p, offset);
}

/** The first offset from `offset` that is not whitespace, a newline, a comma or a comment. */
export function skipSeparators(source: string, offset: number): number {
  let p = offset;
  while (p < source.length) {
    const c = source[p];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',') p++;
    else if (c === '#') {
      const newline = source.indexOf('\n', p);
      p = newline === -1 ? source.length : newline + 1;
    } else break;
  }
  return p;
}

/** The offset after a comma following `offset` (across whitespace and comments), or -1. */
export function commaAfter(source: string, offset: number): number {
  let p = offset;
  while (p < source.length) {
    const c = source[p];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') p++;
    else if (c === '#') {
      const newline = source.indexOf('\n', p);
      p = newline === -1 ? source.length : newline + 1;
    } else return c === ',' ? p + 1 : -1;
  }
  return -1;
}

/** The line ending a document uses: that of its first line, else LF. */
export function lineEndingOf(source: string): string {
  const newline = source.indexOf('\n');
  return newline > 0 && source[newline - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * The ranges that remove the members `removed` (indexes, ascending) of a list written
 * between brackets (an array's items, an inline table's statements), each member
 * `[start, end)`, so the rest stays valid: a member and the separator after it, the
 * last ones with the separator before them, all of them with everything between the
 * brackets (`inside`).
 */
export function memberRemovals(
  members: readonly { start: number; end: number }[],
  removed: readonly number[],
  inside: { start: number; end: number },
  source: string,
): Splice[] {
  if (removed.length === members.length) return [{ ...inside, text: '' }];
  const splices: Splice[] = [];
  const gone = new Set(removed);
  let lastKept = members.length - 1;
  while (gone.has(lastKept)) lastKept--;
  for (const index of removed) {
    if (index < lastKept) {
      splices.push({ start: members[index]!.start, end: members[index + 1]!.start, text: '' });
    }
  }
  if (lastKept < members.length - 1) {
    // The trailing members go with the separator before them; a trailing comma stays.
    const last = members[members.length - 1]!;
    const trailingComma = commaAfter(source, last.end);
    splices.push({
      start: members[lastKept]!.end,
      end: trailingComma === -1 ? last.end : trailingComma - 1,
      text: '',
    });
  }
  return splices;
}
