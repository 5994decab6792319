/**
 * Where a statement with an error ends: where the recovering parse resumes, and where an
 * array or inline table left open ends, for the error that says so. The text after an
 * error is not parsed, only scanned: strings and comments as the stream splitter scans
 * them (a bracket inside one counts for nothing), and the brackets still open.
 *
 * A statement ends at a newline outside brackets, as in a valid document. While brackets
 * are open, it also ends before a line that starts a statement and closes none of them:
 * a table header (`[a.b]`, `[[a]]`, alone on its line but for a comment) always, and a
 * `key =` unless the innermost open bracket is an inline table written over lines (its
 * `{` ends its line), whose lines are `key = value` (TOML 1.1). Without that, an array
 * or inline table left open (`ports = ["a", "b"`) took every line after it into its
 * statement, and the recovering parse lost them all.
 */
import { Ch, isBareKeyChar } from '../../lexer/scanner.js';

/** What a line starts. */
export const enum LineKind {
  Other,
  /** A table header alone on its line: `[a.b]`, `[[a]]`, then at most a comment. */
  Header,
  /** A key (dotted or quoted) and `=`. */
  Key,
}

/** Where a statement ends: before a line that ends its open brackets, or after a newline. */
export interface StatementEnd {
  /** Where the next line starts. */
  at: number;
  /** What that line starts (`Other` after a newline outside brackets). */
  kind: LineKind;
  /** Where the innermost bracket open at the line is (`[` or `{`); -1 when none is. */
  opener: number;
}

/**
 * Where the recovering parse goes on after an error at `errorAt` in the statement that
 * starts at `from` (outside any string): after the first newline outside brackets from
 * the error on, or at the first line after the error's that ends open brackets (see the
 * module comment); the end of the text when neither comes.
 */
export function failedStatementEnd(text: string, from: number, errorAt: number): number {
  const newline = text.indexOf('\n', errorAt);
  if (newline === -1) return text.length;
  const end = scanStatement(text, from, newline + 1, errorAt, Infinity);
  return end === null ? text.length : end.at;
}

/**
 * The line, up to the one `errorAt` is on, that ends brackets left open by the statement
 * that starts at `from` (outside any string; see the module comment), or null. A parse
 * that failed on such a line, or after it, failed because the brackets were never closed.
 */
export function lineEndingOpenBrackets(
  text: string,
  from: number,
  errorAt: number,
): StatementEnd | null {
  const errorLine = text.lastIndexOf('\n', errorAt - 1) + 1;
  if (errorLine <= from) return null;
  return scanStatement(text, from, from, Infinity, errorLine);
}

const enum In {
  Normal,
  Comment,
  Basic,
  Literal,
  MultilineBasic,
  MultilineLiteral,
}

/**
 * Scans from `from` (outside any string) for the end of a statement: a newline outside
 * brackets at or after `newlinesFrom` (then `opener` is -1), or a line starting at or
 * after `linesFrom` and at most at `linesUntil` that ends open brackets. Strings and
 * comments are read as `StatementSplitter` reads them.
 */
function scanStatement(
  text: string,
  from: number,
  linesFrom: number,
  newlinesFrom: number,
  linesUntil: number,
): StatementEnd | null {
  const len = text.length;
  const openers: number[] = [];
  let state = In.Normal;
  /** A line that ends the open brackets unless it closes one of them before its end. */
  let candidate: StatementEnd | null = null;
  let candidateDepth = 0;
  let p = from;
  while (p < len) {
    const c = text.charCodeAt(p);
    switch (state) {
      case In.Normal:
        switch (c) {
          case Ch.LF: {
            if (candidate !== null) return candidate;
            const next = p + 1;
            if (next > linesUntil) return null;
            if (openers.length === 0) {
              if (p >= newlinesFrom) return { at: next, kind: LineKind.Other, opener: -1 };
            } else if (next >= linesFrom) {
              const innermost = openers[openers.length - 1]!;
              const kind = lineKind(text, next);
              if (
                kind === LineKind.Header ||
                (kind === LineKind.Key && !isBlockInlineTable(text, innermost))
              ) {
                candidate = { at: next, kind, opener: innermost };
                candidateDepth = openers.length;
              }
            }
            break;
          }
          case Ch.Hash:
            state = In.Comment;
            break;
          case Ch.Quote:
          case Ch.Apostrophe:
            if (text.charCodeAt(p + 1) === c) {
              if (text.charCodeAt(p + 2) === c) {
                state = c === Ch.Quote ? In.MultilineBasic : In.MultilineLiteral;
                p += 3;
              } else {
                p += 2;
              }
              continue;
            }
            state = c === Ch.Quote ? In.Basic : In.Literal;
            break;
          case Ch.LeftBracket:
          case Ch.LeftBrace:
            openers.push(p);
            break;
          case Ch.RightBracket:
          case Ch.RightBrace:
            if (openers.length > 0) openers.pop();
            // The line closes a bracket open before it: it goes on the statement.
            if (openers.length < candidateDepth) candidate = null;
            break;
        }
        p++;
        continue;
      case In.Comment:
        if (c === Ch.LF) state = In.Normal;
        else p++;
        continue;
      case In.Basic:
      case In.Literal:
        if (c === Ch.LF) {
          state = In.Normal;
          continue;
        }
        if (c === Ch.Backslash && state === In.Basic) p++;
        else if (c === (state === In.Basic ? Ch.Quote : Ch.Apostrophe)) state = In.Normal;
        p++;
        continue;
      default: {
        const quote = state === In.MultilineBasic ? Ch.Quote : Ch.Apostrophe;
        if (c === Ch.Backslash && state === In.MultilineBasic) {
          p += 2;
          continue;
        }
        if (c !== quote) {
          p++;
          continue;
        }
        let run = 1;
        while (run < 5 && text.charCodeAt(p + run) === quote) run++;
        if (run >= 3) state = In.Normal;
        p += run;
        continue;
      }
    }
  }
  return candidate;
}

/** What the line starting at `p` starts (see `LineKind`). */
function lineKind(text: string, p: number): LineKind {
  p = skipBlanks(text, p);
  if (text.charCodeAt(p) === Ch.LeftBracket) {
    p++;
    const double = text.charCodeAt(p) === Ch.LeftBracket;
    if (double) p++;
    p = keyPathEnd(text, p);
    if (p < 0 || text.charCodeAt(p) !== Ch.RightBracket) return LineKind.Other;
    p++;
    if (double) {
      if (text.charCodeAt(p) !== Ch.RightBracket) return LineKind.Other;
      p++;
    }
    p = skipBlanks(text, p);
    const c = text.charCodeAt(p);
    const alone =
      p >= text.length ||
      c === Ch.LF ||
      c === Ch.Hash ||
      (c === Ch.CR && text.charCodeAt(p + 1) === Ch.LF);
    return alone ? LineKind.Header : LineKind.Other;
  }
  p = keyPathEnd(text, p);
  return p >= 0 && text.charCodeAt(p) === Ch.Equals ? LineKind.Key : LineKind.Other;
}

/** Is the bracket at `opener` a `{` that ends its line (an inline table written over lines)? */
function isBlockInlineTable(text: string, opener: number): boolean {
  if (text.charCodeAt(opener) !== Ch.LeftBrace) return false;
  const p = skipBlanks(text, opener + 1);
  const c = text.charCodeAt(p);
  return p >= text.length || c === Ch.LF || c === Ch.CR || c === Ch.Hash;
}

function skipBlanks(text: string, p: number): number {
  let c = text.charCodeAt(p);
  while (c === Ch.Space || c === Ch.Tab) c = text.charCodeAt(++p);
  return p;
}

/** The offset after a dotted key at `p` and the blanks after it, or -1. */
function keyPathEnd(text: string, p: number): number {
  for (;;) {
    p = keyEnd(text, skipBlanks(text, p));
    if (p < 0) return -1;
    p = skipBlanks(text, p);
    if (text.charCodeAt(p) !== Ch.Dot) return p;
    p++;
  }
}

/** The offset after a bare or quoted key at `p`, or -1. */
function keyEnd(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (isBareKeyChar(c)) {
    while (isBareKeyChar(text.charCodeAt(p))) p++;
    return p;
  }
  if (c !== Ch.Quote && c !== Ch.Apostrophe) return -1;
  for (p++; p < text.length; p++) {
    const d = text.charCodeAt(p);
    if (d === c) return p + 1;
    if (d === Ch.LF) return -1;
    if (d === Ch.Backslash && c === Ch.Quote) p++;
  }
  return -1;
}
