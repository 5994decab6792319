/**
 * Token kinds. A `const enum`, so the hot path compares small integer literals;
 * `TokenKind` below is the same table as a value for tooling.
 */
export const enum Token {
  EOF = 0,
  Newline = 1,
  Whitespace = 2,
  Comment = 3,
  Equals = 4,
  Dot = 5,
  Comma = 6,
  LeftBracket = 7,
  RightBracket = 8,
  LeftBrace = 9,
  RightBrace = 10,
  BareKey = 11,
  BasicString = 12,
  LiteralString = 13,
  MultilineBasicString = 14,
  MultilineLiteralString = 15,
  /** An unquoted value: integer, float, boolean or date/time, decoded by the parser. */
  Scalar = 16,
  /** `[[` opening an array-of-tables header (tokenizer only; the parser sees two `[`). */
  DoubleLeftBracket = 17,
  /** `]]` closing an array-of-tables header (tokenizer only). */
  DoubleRightBracket = 18,
  /** Text the tokenizer could not lex; the token carries the error. */
  Invalid = 19,
}

/** The token kinds by name, for tooling that does not compile with TypeScript. */
export const TokenKind = {
  EOF: Token.EOF,
  Newline: Token.Newline,
  Whitespace: Token.Whitespace,
  Comment: Token.Comment,
  Equals: Token.Equals,
  Dot: Token.Dot,
  Comma: Token.Comma,
  LeftBracket: Token.LeftBracket,
  RightBracket: Token.RightBracket,
  LeftBrace: Token.LeftBrace,
  RightBrace: Token.RightBrace,
  BareKey: Token.BareKey,
  BasicString: Token.BasicString,
  LiteralString: Token.LiteralString,
  MultilineBasicString: Token.MultilineBasicString,
  MultilineLiteralString: Token.MultilineLiteralString,
  Scalar: Token.Scalar,
  DoubleLeftBracket: Token.DoubleLeftBracket,
  DoubleRightBracket: Token.DoubleRightBracket,
  Invalid: Token.Invalid,
} as const;

const names: string[] = [];
for (const [name, kind] of Object.entries(TokenKind)) names[kind] = name;

/** `tokenKindName(Token.Equals)` is `'Equals'`. */
export function tokenKindName(kind: number): string {
  return names[kind] ?? 'Unknown';
}

/** Scanner modes, combined as bits. */
export const enum Mode {
  /** Key position: unquoted text is a bare key (`A-Za-z0-9_-`). */
  Key = 0,
  /** Value position: unquoted text is a scalar (numbers, booleans, dates). */
  Value = 1,
  /** Return whitespace and comments as tokens instead of skipping them. */
  Trivia = 2,
}
