/**
 * The JSON error locator: it must accept exactly what `JSON.parse` accepts and, where
 * V8's message names a position, name the same one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import type { LocatedValue } from '../lib/toml/located.js';
import { jsonDuplicateName, jsonErrorOffset, locateJson } from '../lib/manifest/json-syntax.js';

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

describe('locateJson', () => {
  /**
   * Checks every node under `node` against the text: a scalar's span is its text (which
   * JSON.parse reads as its value), a container's span runs from its bracket to its
   * bracket, a member's span is its name; returns how many nodes it saw.
   */
  function checkSpans(text: string, node: LocatedValue): number {
    const written = text.slice(node.start, node.end);
    let nodes = 1;
    if (node.type === 'array') {
      assert.equal(written[0], '[');
      assert.equal(written[written.length - 1], ']');
      for (const item of node.items) nodes += checkSpans(text, item);
    } else if (node.type === 'table') {
      assert.equal(written[0], '{');
      assert.equal(written[written.length - 1], '}');
      for (let e = node.firstEntry; e !== null; e = e.next) {
        assert.equal(JSON.parse(text.slice(e.start, e.end)), e.key);
        assert.ok(e.end <= e.node.start);
        nodes += checkSpans(text, e.node);
      }
    } else {
      assert.deepEqual(JSON.parse(written), node.value, written);
      assert.equal(node.type, node.value === null ? 'null' : node.type);
    }
    return nodes;
  }

  it('reads what JSON.parse reads, locating every value and member name', () => {
    const random = new Random(11);
    let located = 0;
    for (let n = 0; n < 5_000; n++) {
      const text = ` ${randomJson(random)}\n`;
      const { error, root, repeated } = locateJson(text);
      assert.equal(error, -1, text);
      assert.deepStrictEqual(root!.value, JSON.parse(text), text);
      located += checkSpans(text, root!);
      assert.equal(repeated, null);
    }
    assert.ok(located > 20_000, `${located} nodes`);
  });

  it('keeps the last of a member name given twice and leaves null members out, as the builder reads them', () => {
    const text = '{"a": [1], "b": null, "__proto__": {"x": "\\u00e9"}, "a": 2.5}';
    const { root, repeated } = locateJson(text);
    assert.deepEqual(repeated, { offset: 52, name: 'a' });
    assert.deepStrictEqual(root!.value, JSON.parse(text));
    assert.equal(Object.getPrototypeOf(root!.value), Object.prototype);
    assert.ok(root !== null && root.type === 'table');
    const entries: string[] = [];
    for (let e = root.firstEntry; e !== null; e = e.next)
      entries.push(`${e.key}@${e.start}:${e.node.type}@${e.node.start}`);
    assert.deepEqual(entries, ['__proto__@22:table@35', 'a@52:float@57']);
    assert.deepEqual(locateJson('{"a": }'), { error: 6, root: null, repeated: null });
  });

  it('locates only so deep, and keeps its own stack: no nesting overflows it', () => {
    const depth = 1_000_000;
    const text = `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;
    const { error, root } = locateJson(text, 16);
    assert.equal(error, -1);
    let node = root!;
    let levels = 0;
    for (;;) {
      const next: LocatedValue | undefined =
        node.type === 'array'
          ? node.items[0]
          : node.type === 'table'
            ? node.firstEntry?.node
            : undefined;
      if (next === undefined) break;
      node = next;
      levels++;
    }
    // The 17th container (16 levels down) is located without its contents.
    assert.equal(levels, 16);
    assert.equal(node.start, 16 * 3);
    assert.equal(locateJson(`${'['.repeat(depth)}}`).error, depth);
  });
});
