/**
 * Where JSON text goes wrong. `JSON.parse` says what is wrong but, depending on the
 * engine and the mistake, not always where (V8: "Unexpected token '}', …" has no
 * position), so after it fails this scanner finds the offset of the first error
 * (RFC 8259 syntax, the one `JSON.parse` accepts; the offset V8 names when it names one).
 * It runs on text `JSON.parse` refused (and, for member names given twice, on text it
 * accepted), and keeps its own stack, so no nesting depth can overflow it.
 */
import { Ch } from '../../lexer/scanner.js';

const enum Container {
  Array,
  Object,
}

function skipSpace(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c !== Ch.Space && c !== Ch.LF && c !== Ch.CR && c !== Ch.Tab) return p;
    p++;
  }
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * The string starting at the quote at `p`: the offset after its closing quote, or the
 * bitwise complement (`~offset`, negative) of where it goes wrong.
 */
function scanString(text: string, p: number): number {
  for (p++; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === Ch.Quote) return p + 1;
    if (c < Ch.Space) return ~p;
    if (c === Ch.Backslash) {
      const e = text.charCodeAt(p + 1);
      if (e === 0x75) {
        for (let i = 2; i < 6; i++) if (!isHexDigit(text.charCodeAt(p + i))) return ~(p + i);
        p += 5;
      } else if (
        e === Ch.Quote ||
        e === Ch.Backslash ||
        e === Ch.Slash ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        p++;
      } else {
        return ~(p + 1);
      }
    }
  }
  return ~p;
}

/** The number at `p`: the offset after it, or `~offset` of where it goes wrong. */
function scanNumber(text: string, p: number): number {
  if (text.charCodeAt(p) === Ch.Minus) p++;
  const first = text.charCodeAt(p);
  if (first === Ch.Zero) p++;
  else if (isDigit(first)) while (isDigit(text.charCodeAt(++p)));
  else return ~p;
  if (text.charCodeAt(p) === Ch.Dot) {
    if (!isDigit(text.charCodeAt(++p))) return ~p;
    while (isDigit(text.charCodeAt(++p)));
  }
  if ((text.charCodeAt(p) | 0x20) === 0x65) {
    const sign = text.charCodeAt(++p);
    if (sign === Ch.Plus || sign === Ch.Minus) p++;
    if (!isDigit(text.charCodeAt(p))) return ~p;
    while (isDigit(text.charCodeAt(++p)));
  }
  return p;
}

/** The value at `p` when it is not an object or array: as `scanString`. */
function scanScalar(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === Ch.Quote) return scanString(text, p);
  if (c === Ch.Minus || isDigit(c)) return scanNumber(text, p);
  for (const word of ['true', 'false', 'null']) {
    if (c !== word.charCodeAt(0)) continue;
    for (let i = 1; i < word.length; i++)
      if (text.charCodeAt(p + i) !== word.charCodeAt(i)) return ~(p + i);
    return p + word.length;
  }
  return ~p;
}

/**
 * The member name and colon of an object member at `p` (after spaces): the offset of its
 * value (after spaces), or `~offset` of where it goes wrong.
 */
function scanMemberName(text: string, p: number): number {
  if (text.charCodeAt(p) !== Ch.Quote) return ~p;
  const end = scanString(text, p);
  if (end < 0) return end;
  const colon = skipSpace(text, end);
  if (text.charCodeAt(colon) !== Ch.Colon) return ~colon;
  return skipSpace(text, colon + 1);
}

/** The offset of the first syntax error in `text` as JSON, or -1 when it is valid JSON. */
export function jsonErrorOffset(text: string): number {
  return scanJson(text, false);
}

/**
 * The first member name in `text` (valid JSON) that its object already has, and where
 * it is; null when there is none. `JSON.parse` keeps only the last value of a name given twice; a manifest
 * must not lose the other without a word, as a TOML file cannot.
 */
export function jsonDuplicateName(text: string): { offset: number; name: string } | null {
  const offset = scanJson(text, true);
  if (offset < 0) return null;
  return { offset, name: JSON.parse(text.slice(offset, scanString(text, offset))) as string };
}

/**
 * The offset of the first syntax error, or with `duplicates` of the first member name its
 * object already has (-1 when there is none). Containers are kept on a stack of our own.
 */
function scanJson(text: string, duplicates: boolean): number {
  const open: Container[] = [];
  // With `duplicates`: the names of each open object so far (null for arrays).
  const names: (Set<string> | null)[] = [];
  const firstName = (at: number): number => {
    if (duplicates) names[names.length - 1] = new Set();
    return nextName(at);
  };
  // The name at `at`, recorded; `~at` when its object already has it.
  const nextName = (at: number): number => {
    const end = scanMemberName(text, at);
    if (!duplicates || end < 0) return end;
    const set = names[names.length - 1]!;
    const name = JSON.parse(text.slice(at, scanString(text, at))) as string;
    if (set.has(name)) return ~at;
    set.add(name);
    return end;
  };
  let p = skipSpace(text, 0);
  for (;;) {
    // A value at `p`.
    const c = text.charCodeAt(p);
    if (c === Ch.LeftBracket || c === Ch.LeftBrace) {
      const isObject = c === Ch.LeftBrace;
      p = skipSpace(text, p + 1);
      if (text.charCodeAt(p) !== (isObject ? Ch.RightBrace : Ch.RightBracket)) {
        open.push(isObject ? Container.Object : Container.Array);
        names.push(null);
        if (isObject) {
          p = firstName(p);
          if (p < 0) return ~p;
        }
        continue;
      }
      p++;
    } else {
      p = scanScalar(text, p);
      if (p < 0) return ~p;
    }
    // After a value: close what it ends, or go on to the next element or member.
    for (;;) {
      p = skipSpace(text, p);
      if (open.length === 0) return p === text.length ? -1 : p;
      const inObject = open[open.length - 1] === Container.Object;
      const c = text.charCodeAt(p);
      if (c === (inObject ? Ch.RightBrace : Ch.RightBracket)) {
        open.pop();
        names.pop();
        p++;
        continue;
      }
      if (c !== Ch.Comma) return p;
      p = skipSpace(text, p + 1);
      if (inObject) {
        p = nextName(p);
        if (p < 0) return ~p;
      }
      break;
    }
  }
}
