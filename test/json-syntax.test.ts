/**
 * The JSON error locator: it must accept exactly what `JSON.parse` accepts and, where
 * V8's message names a position, name the same one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import { jsonDuplicateName, jsonErrorOffset } from '../lib/manifest/json-syntax.js';

/** A random JSON text: every value kind, escapes, spacing. */
function randomJson(random: Random, depth = 0): string {
  const atoms = [
    '"a\\n\\u00e9b"',
    '"x"',
    '""',
    '0',
    '-1.5e+3',
    '12',
    '2E-7',
    'true',
    'false',
    'null',
  ];
  const kind = random.int(0, depth > 3 ? 0 : 2);
  if (kind === 0) return atoms[random.int(0, atoms.length - 1)]!;
  const count = random.int(0, 3);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = randomJson(random, depth + 1);
    parts.push(kind === 1 ? item : `"k${i}"${random.chance(0.5) ? ':' : ' :\n '}${item}`);
  }
  const separator = random.chance(0.5) ? ',' : ' ,\t';
  return kind === 1 ? `[${parts.join(separator)}]` : `{${parts.join(separator)}}`;
}

const PIECES = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '-',
  '.',
  'e',
  '0',
  '1',
  ' ',
  '\n',
  't',
  'n',
  '\u0001',
  'x',
  '+',
];

describe('jsonErrorOffset', () => {
  it('accepts what JSON.parse accepts and names the position V8 names', () => {
    const random = new Random(5);
    let invalid = 0;
    let positioned = 0;
    for (let n = 0; n < 30_000; n++) {
      let text = randomJson(random);
      for (let edits = random.int(0, 3); edits > 0; edits--) {
        const at = random.int(0, text.length);
        const edit = random.int(0, 2);
        if (edit === 0) text = text.slice(0, at) + text.slice(at + 1);
        else if (edit === 1)
          text = text.slice(0, at) + PIECES[random.int(0, PIECES.length - 1)]! + text.slice(at);
        else text = text.slice(0, at);
      }
      let message: string | null = null;
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const offset = jsonErrorOffset(text);
      assert.equal(offset === -1, message === null, JSON.stringify(text));
      if (message === null) continue;
      invalid++;
      assert.ok(offset >= 0 && offset <= text.length, JSON.stringify(text));
      const named = /at position (\d+)/.exec(message);
      if (named !== null) {
        positioned++;
        assert.equal(offset, Number(named[1]), `${JSON.stringify(text)}: ${message}`);
      }
    }
    // Both kinds tried, and many positions compared.
    assert.ok(invalid > 10_000 && invalid < 29_000, `${invalid} invalid`);
    assert.ok(positioned > 5_000, `${positioned} with a position`);
  });

  it('names the place where V8 names none', () => {
    const cases: [string, number][] = [
      ['{"a":}', 5],
      ['{"a": tru}', 9],
      ['', 0],
      ['   ', 3],
      ['{"a": [1, 2', 11],
      ['"abc', 4],
      ['\uFEFF{}', 0],
      ['{} x', 3],
      ['[1,]', 3],
      ['{"a" 1}', 5],
      ['[01]', 2],
      ['"\\x"', 2],
      ['"\\u12g4"', 5],
      ['[-]', 2],
      ['[1.]', 3],
      ['[1e]', 3],
      ['"a\nb"', 2],
      ['nul', 3],
    ];
    for (const [text, offset] of cases) {
      assert.throws(() => JSON.parse(text) as unknown, SyntaxError, JSON.stringify(text));
      assert.equal(jsonErrorOffset(text), offset, JSON.stringify(text));
    }
    for (const text of ['{}', ' [ ] ', '{"a":[1,-0.5E+2,"\\ud800",true,false,null,{}]}', '"\\/"']) {
      assert.equal(jsonErrorOffset(text), -1, text);
    }
  });

  it('keeps its own stack: no nesting overflows it', () => {
    const depth = 1_000_000;
    assert.equal(jsonErrorOffset('['.repeat(depth)), depth);
    assert.equal(jsonErrorOffset(`${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`), -1);
    assert.equal(jsonErrorOffset(`${'['.repeat(depth)}}`), depth);
  });
});

describe('jsonDuplicateName', () => {
  it('finds the first member name its object already has, escapes decoded', () => {
    const cases: [string, { offset: number; name: string } | null][] = [
      ['{"a": 1, "b": 2}', null],
      ['{"a": 1, "a": 2}', { offset: 9, name: 'a' }],
      ['{"a": {"a": 1}, "b": {"a": 2}}', null],
      ['[{"a": 1}, {"a": 2}]', null],
      ['{"x": [{"k": 1, "k": 2}]}', { offset: 16, name: 'k' }],
      ['{"name": 1, "n\\u0061me": 2}', { offset: 12, name: 'name' }],
      ['{"a:b": 1, "a:b": 2}', { offset: 11, name: 'a:b' }],
      ['{"a": {}, "b": [], "a": null}', { offset: 19, name: 'a' }],
      ['"a"', null],
    ];
    for (const [text, expected] of cases) assert.deepEqual(jsonDuplicateName(text), expected, text);
  });

  it('keeps its own stack: no nesting overflows it', () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    assert.equal(jsonDuplicateName(deep), null);
    const twice = `${'{"a":'.repeat(100_000)}{"b": 1, "b": 2}${'}'.repeat(100_000)}`;
    assert.deepEqual(jsonDuplicateName(twice), { offset: 500_009, name: 'b' });
  });
});
