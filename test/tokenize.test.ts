import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  Lexer,
  type LexToken,
  TokenKind,
  parse,
  tokenKindName,
  tokenize,
} from '../lib/toml/index.js';
import { needsTomlTest, tomlTestCases } from './helpers.js';

function kinds(source: string): string[] {
  return [...tokenize(source)].map((t) => `${tokenKindName(t.kind)} ${JSON.stringify(t.text)}`);
}

describe('tokenize', () => {
  it('yields every token with kind, span, line and column', () => {
    const tokens = [...tokenize('a.b = 1.5 # c\n[[t]]\nx = [1, "s"]\n')];
    assert.deepEqual(
      tokens.map((t) => [tokenKindName(t.kind), t.text, t.line, t.column]),
      [
        ['BareKey', 'a', 1, 1],
        ['Dot', '.', 1, 2],
        ['BareKey', 'b', 1, 3],
        ['Whitespace', ' ', 1, 4],
        ['Equals', '=', 1, 5],
        ['Whitespace', ' ', 1, 6],
        ['Scalar', '1.5', 1, 7],
        ['Whitespace', ' ', 1, 10],
        ['Comment', '# c', 1, 11],
        ['Newline', '\n', 1, 14],
        ['DoubleLeftBracket', '[[', 2, 1],
        ['BareKey', 't', 2, 3],
        ['DoubleRightBracket', ']]', 2, 4],
        ['Newline', '\n', 2, 6],
        ['BareKey', 'x', 3, 1],
        ['Whitespace', ' ', 3, 2],
        ['Equals', '=', 3, 3],
        ['Whitespace', ' ', 3, 4],
        ['LeftBracket', '[', 3, 5],
        ['Scalar', '1', 3, 6],
        ['Comma', ',', 3, 7],
        ['Whitespace', ' ', 3, 8],
        ['BasicString', '"s"', 3, 9],
        ['RightBracket', ']', 3, 12],
        ['Newline', '\n', 3, 13],
      ],
    );
    assert.equal(tokens[0]!.kind, TokenKind.BareKey);
    assert.equal(tokens[22]!.value, 's');
    assert.deepEqual(
      [tokens[6]!.start, tokens[6]!.end, tokens[6]!.endLine, tokens[6]!.endColumn],
      [6, 9, 1, 10],
    );
  });

  it('tells keys from values by context', () => {
    assert.deepEqual(kinds('1.5 = 1.5'), [
      'BareKey "1"',
      'Dot "."',
      'BareKey "5"',
      'Whitespace " "',
      'Equals "="',
      'Whitespace " "',
      'Scalar "1.5"',
    ]);
    assert.deepEqual(
      kinds('t = {k = [[1]], j = 2}').filter((k) => !k.startsWith('White')),
      [
        'BareKey "t"',
        'Equals "="',
        'LeftBrace "{"',
        'BareKey "k"',
        'Equals "="',
        'LeftBracket "["',
        'LeftBracket "["',
        'Scalar "1"',
        'RightBracket "]"',
        'RightBracket "]"',
        'Comma ","',
        'BareKey "j"',
        'Equals "="',
        'Scalar "2"',
        'RightBrace "}"',
      ],
    );
    assert.deepEqual(kinds('d = 1979-05-27 07:32:00Z'), [
      'BareKey "d"',
      'Whitespace " "',
      'Equals "="',
      'Whitespace " "',
      'Scalar "1979-05-27 07:32:00Z"',
    ]);
  });

  it(
    'rebuilds the source from the token texts, for every toml-test document',
    needsTomlTest,
    () => {
      for (const testCase of tomlTestCases('1.1')) {
        if (!testCase.valid) continue;
        const bytes = readFileSync(testCase.tomlPath);
        const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
        const tokens = [...tokenize(new Uint8Array(bytes))];
        assert.equal(tokens.map((t) => t.text).join(''), text, testCase.name);
        assert.ok(
          tokens.every((t) => t.kind !== TokenKind.Invalid),
          testCase.name,
        );
      }
    },
  );

  it('turns lexical errors into Invalid tokens and goes on', () => {
    const tokens = [...tokenize('a = "unterminated\nb = 2\n')];
    const invalid = tokens.find((t) => t.kind === TokenKind.Invalid)!;
    assert.equal(invalid.text, '"unterminated');
    assert.equal(invalid.error?.code, 'newline-in-string');
    assert.deepEqual(
      tokens.slice(-6).map((t) => t.text),
      ['b', ' ', '=', ' ', '2', '\n'],
    );
  });

  it('reports invalid UTF-8 as a final Invalid token', () => {
    const tokens = [...tokenize(Uint8Array.of(0x61, 0x3d, 0x31, 0x0a, 0x62, 0xff))];
    const last = tokens.at(-1)!;
    assert.equal(last.kind, TokenKind.Invalid);
    assert.equal(last.error?.code, 'invalid-utf8');
    assert.equal(last.error?.byteOffset, 5);
    assert.deepEqual([last.line, last.column], [2, 2]);
  });

  it('skips a leading byte-order mark', () => {
    const [first] = tokenize('\uFEFFa = 1');
    assert.deepEqual([first!.text, first!.start, first!.column], ['a', 1, 1]);
  });

  it('lexes 1.0 escapes as errors in 1.0 mode', () => {
    const tokens = [...tokenize('a = "\\e"', { version: '1.0' })];
    assert.equal(tokens.at(-1)!.error?.code, 'version-1.1-only');
  });

  it('rejects a version other than 1.0 and 1.1 with a TypeError, as parse does', () => {
    // 1.1 as a number, or '2', lexed silently as 1.0.
    for (const version of [1.1, '2', ''] as unknown as '1.1'[]) {
      assert.throws(() => parse('', { version }), TypeError);
      assert.throws(() => [...tokenize('a = "\\e"', { version })], TypeError);
      assert.throws(() => new Lexer({ version }), TypeError);
    }
  });

  it('rejects input that is neither a string nor bytes with a TypeError', () => {
    // A number or an ArrayBuffer gave no tokens at all; null crashed reading its length.
    for (const source of [42, null, {}, new ArrayBuffer(4)]) {
      assert.throws(() => [...tokenize(source as unknown as string)], TypeError);
      assert.throws(() => new Lexer().write(source as unknown as string), TypeError);
    }
  });

  it('ends a character left unfinished by bytes when a string chunk comes next', () => {
    // The string was lexed as if it came before the unfinished bytes: `a = ""`, then an
    // error at the end of the input. The input ends at the bad byte, as in parseStream.
    const bytes = Uint8Array.of(0x61, 0x3d, 0x22, 0xc3);
    const lexer = new Lexer();
    lexer.write(bytes);
    lexer.write('"\n');
    lexer.end();
    const describe = (t: LexToken) =>
      `${tokenKindName(t.kind)} ${t.text} ${t.start} ${t.error?.message}`;
    assert.deepEqual([...lexer.drain()].map(describe), [...tokenize(bytes)].map(describe));
  });

  it('names token kinds', () => {
    assert.equal(tokenKindName(TokenKind.Scalar), 'Scalar');
    assert.equal(tokenKindName(999), 'Unknown');
  });
});
