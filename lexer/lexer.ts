/**
 * The streaming lexer for tooling: feed it chunks (strings or UTF-8 bytes, split
 * anywhere), pull tokens with kind, span, line and column. A token is produced only once
 * the statement holding it is complete, so a token split across chunks lexes exactly as
 * if the input had come in one piece; `next()` says `NEED_MORE` until then.
 *
 * Tokens cover the input without gaps (whitespace and comments included), so a
 * highlighter or formatter can rebuild the text from them. A leading byte-order mark is
 * skipped (tokens start at offset 1).
 */
import { TomlError } from '../lib/toml/errors.js';
import { checkOptionsObject, isVersion11 } from '../lib/toml/options.js';
import { Scanner } from './scanner.js';
import { StatementSplitter } from './splitter.js';
import { Mode, Token } from './tokens.js';
import { Utf8Decoder } from './utf8.js';

export interface LexToken {
  kind: Token;
  /** UTF-16 offsets into the decoded input, `[start, end)`. */
  start: number;
  end: number;
  /** 1-based line and column (in code points) of `start`. */
  line: number;
  column: number;
  /** Line and column of `end`. */
  endLine: number;
  endColumn: number;
  /** The token's source text. */
  text: string;
  /** Decoded text of strings and bare keys. */
  value?: string;
  /** Why an `Invalid` token could not be lexed. */
  error?: TomlError;
}

/** Returned by `Lexer.next()` when the buffered input holds no complete token yet. */
export const NEED_MORE: unique symbol = Symbol('NEED_MORE');

const enum Container {
  Array,
  InlineTable,
}

export interface LexerOptions {
  /** `'1.0'` lexes `\e` and `\xHH` escapes as errors. Default `'1.1'`. */
  version?: '1.0' | '1.1';
}

export class Lexer {
  private readonly scanner = new Scanner();
  private readonly splitter = new StatementSplitter();
  private readonly decoder = new Utf8Decoder();
  /** Decoded text not yet consumed; `buffer[0]` is at stream offset `base`. */
  private buffer = '';
  private base = 0;
  /** End of the complete statements in `buffer`. */
  private ready = 0;
  /** Splitter offset of `buffer[0]`. */
  private bufferStart = 0;
  /** Where the next token starts, in `buffer`. */
  private pos = 0;
  private ended = false;
  private started = false;
  private failed = false;
  private line = 1;
  private column = 1;
  /** Offset in `buffer` where the line of `pos` starts. */
  private lineStart = 0;
  /** Line of `buffer[0]`, which always starts a line. */
  private bufferLine = 1;
  // Context: which kind of unquoted text comes next.
  private valueNext = false;
  private statementStart = true;
  private headerBrackets = 0;
  private readonly containers: Container[] = [];

  constructor(options?: LexerOptions) {
    checkOptionsObject(options);
    this.scanner.v11 = isVersion11(options?.version ?? '1.1');
  }

  /** Adds input. */
  write(chunk: string | Uint8Array): void {
    if (this.ended) {
      if (this.decoder.error !== null) return;
      throw new Error('Lexer.write() after end()');
    }
    let text: string;
    if (typeof chunk === 'string') {
      text = this.decoder.takeText(chunk);
    } else if (chunk instanceof Uint8Array) {
      text = this.decoder.decode(chunk, false);
    } else {
      throw new TypeError('Lexer input must be a string or a Uint8Array');
    }
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
        this.base = 1;
      }
    }
    this.buffer += text;
    if (this.decoder.error !== null) {
      // Nothing after an invalid byte can be lexed: what came before is the last statement.
      this.end();
      return;
    }
    const boundary = this.splitter.push(text, false);
    if (boundary >= 0) this.ready = boundary - this.bufferStart;
  }

  /** Marks the end of input: what remains is lexed as the last statement. */
  end(): void {
    if (this.ended) return;
    if (this.decoder.error === null) this.buffer += this.decoder.finish();
    this.ended = true;
    this.ready = this.buffer.length;
  }

  /** The next token, `NEED_MORE` if more input is needed first, or `null` at the end. */
  next(): LexToken | typeof NEED_MORE | null {
    if (this.pos >= this.ready) {
      this.compact();
      if (this.failed) return null;
      if (this.decoder.error !== null) return this.utf8Error();
      return this.ended ? null : NEED_MORE;
    }
    const scanner = this.scanner;
    scanner.reset(this.buffer, this.pos, this.base, this.bufferLine);
    scanner.len = this.ready;
    scanner.lineStart = this.lineStart;
    scanner.lineStartLine = this.line;
    const start = this.pos;
    let kind: Token;
    try {
      kind = scanner.next(Mode.Trivia | (this.valueNext ? Mode.Value : Mode.Key));
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      return this.invalid(start, error);
    }
    const token = this.makeToken(kind, start, scanner.pos);
    this.track(token);
    return token;
  }

  /** All tokens available now (up to `NEED_MORE` or the end). */
  *drain(): Generator<LexToken> {
    for (;;) {
      const token = this.next();
      if (token === null || token === NEED_MORE) return;
      yield token;
    }
  }

  private makeToken(kind: Token, start: number, end: number): LexToken {
    const buffer = this.buffer;
    if (
      kind === Token.LeftBracket &&
      this.statementStart &&
      !this.valueNext &&
      buffer.charCodeAt(end) === 0x5b
    ) {
      kind = Token.DoubleLeftBracket;
      end++;
    } else if (
      kind === Token.RightBracket &&
      this.headerBrackets === 2 &&
      buffer.charCodeAt(end) === 0x5d
    ) {
      kind = Token.DoubleRightBracket;
      end++;
    }
    const line = this.line;
    const column = this.column;
    this.advancePosition(start, end);
    this.pos = end;
    const token: LexToken = {
      kind,
      start: this.base + start,
      end: this.base + end,
      line,
      column,
      endLine: this.line,
      endColumn: this.column,
      text: buffer.slice(start, end),
    };
    if (kind >= Token.BareKey && kind <= Token.MultilineLiteralString)
      token.value = this.scanner.value;
    return token;
  }

  /** Updates the statement context after `token`. */
  private track(token: LexToken): void {
    const containers = this.containers;
    const top = containers.length === 0 ? -1 : containers[containers.length - 1]!;
    switch (token.kind) {
      case Token.Whitespace:
      case Token.Comment:
        return;
      case Token.Newline:
        if (containers.length === 0) {
          this.statementStart = true;
          this.valueNext = false;
          this.headerBrackets = 0;
        }
        return;
      case Token.DoubleLeftBracket:
        this.headerBrackets = 2;
        break;
      case Token.LeftBracket:
        if (this.valueNext) containers.push(Container.Array);
        else if (this.statementStart) this.headerBrackets = 1;
        break;
      case Token.DoubleRightBracket:
        this.headerBrackets = 0;
        break;
      case Token.RightBracket:
        if (this.headerBrackets === 1) this.headerBrackets = 0;
        else if (top === Container.Array) containers.pop();
        this.valueNext = false;
        break;
      case Token.LeftBrace:
        if (this.valueNext) containers.push(Container.InlineTable);
        this.valueNext = false;
        break;
      case Token.RightBrace:
        if (top === Container.InlineTable) containers.pop();
        this.valueNext = false;
        break;
      case Token.Equals:
        this.valueNext = true;
        break;
      case Token.Comma:
        this.valueNext = top === Container.Array;
        break;
      default:
        this.valueNext = false;
    }
    this.statementStart = false;
  }

  /** An `Invalid` token from the error to the end of its line; lexing resumes after it. */
  private invalid(start: number, error: TomlError): LexToken {
    let end = this.buffer.indexOf('\n', Math.max(start, error.offset - this.base));
    end = end === -1 || end >= this.ready ? this.ready : end;
    if (end <= start) end = Math.min(start + 1, this.ready);
    const token = this.makeToken(Token.Invalid, start, end);
    token.error = error;
    this.containers.length = 0;
    this.valueNext = false;
    this.statementStart = false;
    this.headerBrackets = 0;
    return token;
  }

  private utf8Error(): LexToken {
    this.failed = true;
    const problem = this.decoder.error!;
    const at = { offset: this.base + this.pos, line: this.line, column: this.column };
    const error = new TomlError({
      code: 'invalid-utf8',
      message: problem.message,
      start: at,
      end: at,
      lineText: '',
      byteOffset: problem.byteOffset,
    });
    const token: LexToken = {
      kind: Token.Invalid,
      start: this.base + this.pos,
      end: this.base + this.pos,
      line: this.line,
      column: this.column,
      endLine: this.line,
      endColumn: this.column,
      text: '',
      error,
    };
    return token;
  }

  /** Drops consumed text from the buffer. */
  private compact(): void {
    if (this.pos === 0) return;
    this.buffer = this.buffer.slice(this.pos);
    this.bufferStart += this.pos;
    this.base += this.pos;
    this.ready -= this.pos;
    this.lineStart = Math.max(0, this.lineStart - this.pos);
    this.pos = 0;
    this.bufferLine = this.line;
  }

  private advancePosition(start: number, end: number): void {
    const buffer = this.buffer;
    for (let i = start; i < end; i++) {
      const c = buffer.charCodeAt(i);
      if (c === 0x0a) {
        this.line++;
        this.column = 1;
        this.lineStart = i + 1;
      } else if (!(
        c >= 0xdc00 &&
        c <= 0xdfff &&
        i > start &&
        isHighSurrogate(buffer.charCodeAt(i - 1))
      )) {
        this.column++;
      }
    }
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * The tokens of a whole document, in order, with positions. Lexical errors become
 * `Invalid` tokens (with `error`) and lexing goes on at the next line.
 */
export function* tokenize(
  source: string | Uint8Array,
  options?: LexerOptions,
): Generator<LexToken> {
  const lexer = new Lexer(options);
  lexer.write(source);
  lexer.end();
  yield* lexer.drain();
}
