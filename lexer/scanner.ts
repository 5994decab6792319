/**
 * The scanner: turns source text into tokens on demand, one `next()` call at a time.
 *
 * It keeps offsets only (no line counting) and decodes strings in the same pass that
 * finds their end, so a string without escapes costs one `slice`. Everything that is
 * not a string, a bare key or punctuation is a `Scalar` whose text the parser decodes.
 */
import { describeChar, errorAt, type TomlErrorCode } from '../lib/toml/errors.js';
import { Mode, Token } from './tokens.js';

/** Character codes the scanner (and the encoder) name. */
export const enum Ch {
  Tab = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Hash = 0x23,
  Apostrophe = 0x27,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Slash = 0x2f,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  Equals = 0x3d,
  LeftBracket = 0x5b,
  Backslash = 0x5c,
  RightBracket = 0x5d,
  Underscore = 0x5f,
  LeftBrace = 0x7b,
  RightBrace = 0x7d,
  Del = 0x7f,
}

const BARE = 1;
const SCALAR = 2;
/** ASCII classes: bare-key characters and the characters of unquoted values. */
const charClass = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (alnum || c === Ch.Minus || c === Ch.Underscore) charClass[c] = BARE | SCALAR;
  else if (c === Ch.Plus || c === Ch.Dot || c === Ch.Colon) charClass[c] = SCALAR;
}

/**
 * Bare keys seen recently, by a hash of their characters. Documents repeat the same few
 * keys; handing out the same string again saves a copy per key, and lets the engine
 * store properties under it without looking it up in its string table each time (the
 * copy is a new string; the cached one is already known to the engine as a key).
 */
const KEY_CACHE_SIZE = 512;
const keyCache: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');

/** Longer keys are not kept: the cache must not hold on to big strings. */
const MAX_CACHED_KEY = 64;

/** The cached bare key `src[start, end)` whose characters hash to `hash`, or null. */
function cachedKey(src: string, start: number, end: number, hash: number): string | null {
  if (end - start > MAX_CACHED_KEY) return null;
  const cached = keyCache[hash & (KEY_CACHE_SIZE - 1)]!;
  return cached.length === end - start && src.startsWith(cached, start) ? cached : null;
}

/** `src.slice(start, end)`, a bare key not in the cache, put there (when short). */
function newKey(src: string, start: number, end: number, hash: number): string {
  const key = src.slice(start, end);
  if (end - start <= MAX_CACHED_KEY) keyCache[hash & (KEY_CACHE_SIZE - 1)] = key;
  return key;
}

/** True for a character of a bare key (`A-Za-z0-9_-`). */
export function isBareKeyChar(c: number): boolean {
  return c < 128 && (charClass[c]! & BARE) !== 0;
}

/** Where the scanned text sits in the whole stream (for error positions). */
export interface SourceBase {
  offset: number;
  line: number;
}

export class Scanner {
  /** The text being scanned: a whole document, or complete statements of a stream. */
  src = '';
  pos = 0;
  len = 0;
  /** Start offset of the last token. */
  tokenStart = 0;
  /** Decoded text of the last string or bare-key token. */
  value = '';
  /**
   * The last bare key was not among the keys seen recently (see `keyCache`): a table
   * that gets it as its first key likely has a key layout of its own.
   */
  keyIsNew = false;
  /** TOML 1.1 syntax (`\e`, `\xHH`) allowed. */
  v11 = true;
  /** Stream offset and line of `src[0]`. */
  baseOffset = 0;
  baseLine = 1;
  /**
   * A line start in `src` at or before every error to come, and its line: error
   * positions are counted from there. A caller that keeps scanning after errors (the
   * lexer) moves it along, so each error costs only its own line.
   */
  lineStart = 0;
  lineStartLine = 1;

  reset(src: string, pos = 0, baseOffset = 0, baseLine = 1): void {
    this.src = src;
    this.pos = pos;
    this.len = src.length;
    this.tokenStart = pos;
    this.value = '';
    this.baseOffset = baseOffset;
    this.baseLine = baseLine;
    this.lineStart = 0;
    this.lineStartLine = baseLine;
  }

  /** Throws a TomlError for `src[start, end)`. */
  fail(code: TomlErrorCode, message: string, start: number, end = start + 1): never {
    throw errorAt(
      code,
      message,
      this.src,
      start,
      end,
      this.baseOffset,
      this.baseLine,
      undefined,
      this.lineStart,
      this.lineStartLine,
    );
  }

  /** `describeChar` of the character at `offset`. */
  charAt(offset: number): string {
    return describeChar(this.src, offset);
  }

  /** Scans the next token. `mode` is a combination of `Mode` bits. */
  next(mode: number): Token {
    const src = this.src;
    const len = this.len;
    let p = this.pos;
    for (;;) {
      this.tokenStart = p;
      if (p >= len) return Token.EOF;
      const c = src.charCodeAt(p);
      switch (c) {
        case Ch.Space:
        case Ch.Tab:
          p++;
          while (p < len) {
            const d = src.charCodeAt(p);
            if (d !== Ch.Space && d !== Ch.Tab) break;
            p++;
          }
          if (mode & Mode.Trivia) {
            this.pos = p;
            return Token.Whitespace;
          }
          continue;
        case Ch.LF:
          this.pos = p + 1;
          return Token.Newline;
        case Ch.CR:
          if (src.charCodeAt(p + 1) !== Ch.LF) {
            this.fail('bare-carriage-return', 'carriage return must be followed by a newline', p);
          }
          this.pos = p + 2;
          return Token.Newline;
        case Ch.Hash:
          p = this.skipComment(p);
          if (mode & Mode.Trivia) {
            this.pos = p;
            return Token.Comment;
          }
          continue;
        case Ch.Equals:
          this.pos = p + 1;
          return Token.Equals;
        case Ch.Dot:
          this.pos = p + 1;
          return Token.Dot;
        case Ch.Comma:
          this.pos = p + 1;
          return Token.Comma;
        case Ch.LeftBracket:
          this.pos = p + 1;
          return Token.LeftBracket;
        case Ch.RightBracket:
          this.pos = p + 1;
          return Token.RightBracket;
        case Ch.LeftBrace:
          this.pos = p + 1;
          return Token.LeftBrace;
        case Ch.RightBrace:
          this.pos = p + 1;
          return Token.RightBrace;
        case Ch.Quote:
          if (src.charCodeAt(p + 1) === Ch.Quote) {
            if (src.charCodeAt(p + 2) === Ch.Quote) {
              this.pos = this.scanMultiline(p, Ch.Quote);
              return Token.MultilineBasicString;
            }
            this.value = '';
            this.pos = p + 2;
            return Token.BasicString;
          }
          this.pos = this.scanBasic(p);
          return Token.BasicString;
        case Ch.Apostrophe:
          if (src.charCodeAt(p + 1) === Ch.Apostrophe) {
            if (src.charCodeAt(p + 2) === Ch.Apostrophe) {
              this.pos = this.scanMultiline(p, Ch.Apostrophe);
              return Token.MultilineLiteralString;
            }
            this.value = '';
            this.pos = p + 2;
            return Token.LiteralString;
          }
          this.pos = this.scanLiteral(p);
          return Token.LiteralString;
        default:
          if (c < 128) {
            if (mode & Mode.Value) {
              if (charClass[c]! & SCALAR) {
                this.pos = this.scanScalar(p);
                return Token.Scalar;
              }
            } else if (charClass[c]! & BARE) {
              let q = p + 1;
              let hash = c;
              while (q < len) {
                const d = src.charCodeAt(q);
                if (d >= 128 || !(charClass[d]! & BARE)) break;
                hash = (hash * 31 + d) | 0;
                q++;
              }
              const cached = cachedKey(src, p, q, hash);
              this.keyIsNew = cached === null;
              this.value = cached ?? newKey(src, p, q, hash);
              this.pos = q;
              return Token.BareKey;
            }
          }
          this.fail(
            c < 0x20 || c === Ch.Del ? 'control-character' : 'invalid-character',
            mode & Mode.Value || c < 0xa1
              ? `unexpected ${this.charAt(p)}`
              : `unexpected ${this.charAt(p)} (bare keys allow only A-Z a-z 0-9 _ -; quote other keys)`,
            p,
            p + (c >= 0xd800 && c <= 0xdbff && p + 1 < len ? 2 : 1),
          );
      }
    }
  }

  /**
   * `next(Mode.Value)` for the usual shapes: one space, then a basic string or a scalar.
   * Anything else goes through `next`.
   */
  nextValue(): Token {
    const src = this.src;
    let p = this.pos;
    if (src.charCodeAt(p) === Ch.Space) p++;
    const c = src.charCodeAt(p);
    if (c === Ch.Quote) {
      if (src.charCodeAt(p + 1) !== Ch.Quote) {
        this.tokenStart = p;
        this.pos = this.scanBasic(p);
        return Token.BasicString;
      }
    } else if (c < 128 && charClass[c]! & SCALAR && c !== Ch.Dot) {
      this.tokenStart = p;
      this.pos = this.scanScalar(p);
      return Token.Scalar;
    }
    return this.next(Mode.Value);
  }

  /** `next(Mode.Key)` where a newline is expected: `\n` right away skips the general loop. */
  nextAfterValue(): Token {
    const p = this.pos;
    if (this.src.charCodeAt(p) === Ch.LF) {
      this.tokenStart = p;
      this.pos = p + 1;
      return Token.Newline;
    }
    return this.next(Mode.Key);
  }

  /** Skips a comment starting at `#` (`p`); returns the offset of its line ending. */
  private skipComment(p: number): number {
    const src = this.src;
    const len = this.len;
    for (p++; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c >= Ch.Space && c < Ch.Del) continue;
      if (c === Ch.LF) break;
      if (c === Ch.Tab) continue;
      if (c === Ch.CR) {
        if (src.charCodeAt(p + 1) === Ch.LF) break;
        this.fail('bare-carriage-return', 'carriage return must be followed by a newline', p);
      }
      if (c < Ch.Space || c === Ch.Del) {
        this.fail('control-character', `control character ${this.charAt(p)} in comment`, p);
      }
      if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
    }
    return p;
  }

  /** Checks the surrogate at `p` starts a valid pair; returns the offset of its low half. */
  private checkSurrogate(p: number): number {
    const c = this.src.charCodeAt(p);
    if (c <= 0xdbff) {
      const d = this.src.charCodeAt(p + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return p + 1;
    }
    this.fail('lone-surrogate', `lone surrogate ${this.charAt(p)} is not valid Unicode`, p);
  }

  /** Rejects a character not allowed inside a string; `what` names the string kind. */
  private badStringChar(p: number, c: number, start: number, what: string): never {
    if (c === Ch.LF || (c === Ch.CR && this.src.charCodeAt(p + 1) === Ch.LF)) {
      this.fail('newline-in-string', `${what} must end on the line it starts on`, start, p);
    }
    if (c === Ch.CR) {
      this.fail('bare-carriage-return', 'carriage return must be followed by a newline', p);
    }
    this.fail('control-character', `control character ${this.charAt(p)} in ${what}`, p);
  }

  /** `"…"` at `start`. Returns the end offset; the decoded text goes to `value`. */
  private scanBasic(start: number): number {
    const src = this.src;
    const len = this.len;
    let p = start + 1;
    for (; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c === Ch.Quote) {
        this.value = src.slice(start + 1, p);
        return p + 1;
      }
      if (c === Ch.Backslash) return this.scanBasicEscaped(start, p);
      if (c < Ch.Space) {
        if (c !== Ch.Tab) this.badStringChar(p, c, start, 'basic string');
      } else if (c >= Ch.Del) {
        if (c === Ch.Del) this.badStringChar(p, c, start, 'basic string');
        if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
      }
    }
    this.fail('unterminated-string', 'unterminated basic string', start, p);
  }

  /** The slow path of `scanBasic` from the first backslash at `p`. */
  private scanBasicEscaped(start: number, p: number): number {
    const src = this.src;
    const len = this.len;
    let out = src.slice(start + 1, p);
    let blocks: string[] | null = null;
    let chunk = p;
    for (; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c === Ch.Quote) {
        out += src.slice(chunk, p);
        this.value = blocks === null ? flatten(out) : joinBlocks(blocks, out);
        return p + 1;
      }
      if (c === Ch.Backslash) {
        out += src.slice(chunk, p);
        p = this.readEscape(p);
        out += this.value;
        chunk = p + 1;
        if (out.length > BLOCK) {
          (blocks ??= []).push(flatten(out));
          out = '';
        }
      } else if (c < Ch.Space) {
        if (c !== Ch.Tab) this.badStringChar(p, c, start, 'basic string');
      } else if (c >= Ch.Del) {
        if (c === Ch.Del) this.badStringChar(p, c, start, 'basic string');
        if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
      }
    }
    this.fail('unterminated-string', 'unterminated basic string', start, p);
  }

  /**
   * Decodes the escape sequence whose backslash is at `p` into `value`; returns the
   * offset of its last character.
   */
  private readEscape(p: number): number {
    const c = this.src.charCodeAt(p + 1);
    switch (c) {
      case 0x62: // b
        this.value = '\b';
        return p + 1;
      case 0x74: // t
        this.value = '\t';
        return p + 1;
      case 0x6e: // n
        this.value = '\n';
        return p + 1;
      case 0x66: // f
        this.value = '\f';
        return p + 1;
      case 0x72: // r
        this.value = '\r';
        return p + 1;
      case Ch.Quote:
        this.value = '"';
        return p + 1;
      case Ch.Backslash:
        this.value = '\\';
        return p + 1;
      case 0x65: // e
        if (!this.v11) this.fail('version-1.1-only', 'the \\e escape needs TOML 1.1', p, p + 2);
        this.value = '\x1b';
        return p + 1;
      case 0x78: // x
        if (!this.v11) this.fail('version-1.1-only', 'the \\x escape needs TOML 1.1', p, p + 2);
        return this.readHexEscape(p, 2);
      case 0x75: // u
        return this.readHexEscape(p, 4);
      case 0x55: // U
        return this.readHexEscape(p, 8);
    }
    this.fail('invalid-escape', this.invalidEscapeMessage(p + 1), p, p + 2);
  }

  /**
   * `invalid escape sequence \q` for a visible ASCII character at `p` (after the
   * backslash); any other is named: `invalid escape sequence: '\' followed by newline`.
   */
  private invalidEscapeMessage(p: number): string {
    const c = this.src.charCodeAt(p);
    if (c > 0x20 && c < Ch.Del) return `invalid escape sequence \\${this.src[p]!}`;
    return `invalid escape sequence: '\\' followed by ${this.charAt(p)}`;
  }

  /** `\xHH`, `\uHHHH`, `\UHHHHHHHH` at `p`: exactly `digits` hex digits, a Unicode scalar value. */
  private readHexEscape(p: number, digits: number): number {
    const src = this.src;
    let code = 0;
    const first = p + 2;
    for (let i = first; i < first + digits; i++) {
      const d = i < this.len ? hexValue(src.charCodeAt(i)) : -1;
      if (d < 0) {
        this.fail(
          'invalid-escape',
          `\\${src[p + 1]} escape needs ${digits} hexadecimal digits`,
          p,
          Math.min(i + 1, this.len),
        );
      }
      code = code * 16 + d;
    }
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      this.fail(
        'invalid-escape',
        `\\${src.slice(p + 1, first + digits)} is not a Unicode scalar value`,
        p,
        first + digits,
      );
    }
    this.value = String.fromCodePoint(code);
    return first + digits - 1;
  }

  /** `'…'` at `start`. */
  private scanLiteral(start: number): number {
    const src = this.src;
    const len = this.len;
    let p = start + 1;
    for (; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c === Ch.Apostrophe) {
        this.value = src.slice(start + 1, p);
        return p + 1;
      }
      if (c < Ch.Space) {
        if (c !== Ch.Tab) this.badStringChar(p, c, start, 'literal string');
      } else if (c >= Ch.Del) {
        if (c === Ch.Del) this.badStringChar(p, c, start, 'literal string');
        if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
      }
    }
    this.fail('unterminated-string', 'unterminated literal string', start, p);
  }

  /** Offset after the newline that directly follows an opening `"""`/`'''`, if any. */
  private skipFirstNewline(p: number): number {
    const c = this.src.charCodeAt(p);
    if (c === Ch.LF) return p + 1;
    if (c === Ch.CR && this.src.charCodeAt(p + 1) === Ch.LF) return p + 2;
    return p;
  }

  /**
   * Length of the run of `quote` characters at `p` that closes a multi-line string, or 0.
   * Up to two quotes before the closing three belong to the content.
   */
  private closingRun(p: number, quote: number): number {
    const src = this.src;
    if (src.charCodeAt(p + 1) !== quote || src.charCodeAt(p + 2) !== quote) return 0;
    let run = 3;
    while (run < 5 && src.charCodeAt(p + run) === quote) run++;
    return run;
  }

  /**
   * `"""…"""` or `\'\'\'…\'\'\'` at `start` (by `quote`); escapes only in the basic kind.
   * CRLF in the content reads as LF.
   */
  private scanMultiline(start: number, quote: number): number {
    const src = this.src;
    const len = this.len;
    const basic = quote === Ch.Quote;
    const what = basic ? 'multi-line basic string' : 'multi-line literal string';
    let p = this.skipFirstNewline(start + 3);
    let out = '';
    let blocks: string[] | null = null;
    let chunk = p;
    for (; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c === quote) {
        const run = this.closingRun(p, quote);
        if (run !== 0) {
          const last = src.slice(chunk, p + run - 3);
          if (blocks !== null) this.value = joinBlocks(blocks, out + last);
          else this.value = out === '' ? last : flatten(out + last);
          return p + run;
        }
      } else if (c === Ch.Backslash && basic) {
        out += src.slice(chunk, p);
        const d = src.charCodeAt(p + 1);
        if (d === Ch.Space || d === Ch.Tab || d === Ch.LF || d === Ch.CR) {
          p = this.skipLineEndingBackslash(p);
          chunk = p;
          p--;
        } else {
          p = this.readEscape(p);
          out += this.value;
          chunk = p + 1;
        }
        if (out.length > BLOCK) {
          (blocks ??= []).push(flatten(out));
          out = '';
        }
      } else if (c < Ch.Space) {
        if (c === Ch.CR) {
          if (src.charCodeAt(p + 1) !== Ch.LF) {
            this.fail('bare-carriage-return', 'carriage return must be followed by a newline', p);
          }
          out += src.slice(chunk, p);
          chunk = p + 1;
          p++;
          if (out.length > BLOCK) {
            (blocks ??= []).push(flatten(out));
            out = '';
          }
        } else if (c !== Ch.Tab && c !== Ch.LF) {
          this.badStringChar(p, c, start, what);
        }
      } else if (c >= Ch.Del) {
        if (c === Ch.Del) this.badStringChar(p, c, start, what);
        if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
      }
    }
    this.fail('unterminated-string', `unterminated ${what}`, start, start + 3);
  }

  /**
   * A backslash at `p` followed by whitespace: only whitespace may follow up to the line
   * end; then all whitespace and newlines are trimmed. Returns the first kept offset.
   */
  private skipLineEndingBackslash(p: number): number {
    const src = this.src;
    const len = this.len;
    let q = p + 1;
    while (q < len && (src.charCodeAt(q) === Ch.Space || src.charCodeAt(q) === Ch.Tab)) q++;
    const c = src.charCodeAt(q);
    if (c !== Ch.LF && !(c === Ch.CR && src.charCodeAt(q + 1) === Ch.LF)) {
      this.fail(
        'invalid-escape',
        'a backslash followed by whitespace must end the line (line-ending backslash)',
        p,
        p + 2,
      );
    }
    while (q < len) {
      const d = src.charCodeAt(q);
      if (d === Ch.Space || d === Ch.Tab || d === Ch.LF) q++;
      else if (d === Ch.CR && src.charCodeAt(q + 1) === Ch.LF) q += 2;
      else break;
    }
    return q;
  }

  /**
   * An unquoted value at `start`: the run of `A-Za-z0-9_+-.:` characters, plus the space
   * that separates date and time in `1979-05-27 07:32:00`.
   */
  private scanScalar(start: number): number {
    const src = this.src;
    const len = this.len;
    let p = start + 1;
    for (;;) {
      while (p < len) {
        const c = src.charCodeAt(p);
        if (c >= 128 || !(charClass[c]! & SCALAR)) break;
        p++;
      }
      if (
        p - start === 10 &&
        src.charCodeAt(p) === Ch.Space &&
        src.charCodeAt(start + 4) === Ch.Minus &&
        src.charCodeAt(start + 7) === Ch.Minus &&
        isDigit(src.charCodeAt(p + 1))
      ) {
        p += 2;
        continue;
      }
      return p;
    }
  }
}

/**
 * Decoded text is flattened in blocks of about this many characters: one long chain of
 * pieces grows slower than linearly to build and flatten (measured: 2.7× the time for
 * twice the escapes), while bounded blocks stay linear.
 */
const BLOCK = 8192;

/** The blocks and the last piece as one flat string. */
function joinBlocks(blocks: string[], last: string): string {
  blocks.push(last);
  return blocks.join('');
}

/**
 * A string built piece by piece is a tree of pieces in V8 (a million escapes keep ten
 * times the text's memory); reading one character turns it into one flat string.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

export function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** Value of a hexadecimal digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
