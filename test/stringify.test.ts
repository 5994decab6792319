import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import {
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  TomlError,
  parse,
  stringify,
  type StringifyOptions,
} from '../lib/toml/index.js';
import { bytesToString, stringToUtf8, utf8Decoder, utf8Encoder } from '../lib/toml/utf8-text.js';
import { fromTagged, toTagged } from '../lib/toml/tagged.js';
import { needsTomlTest, projectRoot, taggedEqual, tomlTestCases } from './helpers.js';

const bigint = { integers: 'bigint' } as const;

function validCases() {
  const seen = new Map<
    string,
    ReturnType<typeof tomlTestCases>[number] & { version: '1.0' | '1.1' }
  >();
  for (const version of ['1.0', '1.1'] as const) {
    for (const testCase of tomlTestCases(version)) {
      if (testCase.valid && !seen.has(testCase.name))
        seen.set(testCase.name, { ...testCase, version });
    }
  }
  return [...seen.values()];
}

describe('stringify on every valid toml-test document', needsTomlTest, () => {
  const cases = validCases();

  it('covers both version lists', () => {
    assert.ok(cases.length >= 230, String(cases.length));
  });

  it('is lossless: parse(stringify(x)) deep-equals x (integers: bigint, numbers: float)', () => {
    for (const testCase of cases) {
      const value = parse(readFileSync(testCase.tomlPath, 'utf8'), {
        ...bigint,
        version: testCase.version,
      });
      const text = stringify(value, { numbers: 'float' });
      assert.deepStrictEqual(
        parse(text, { ...bigint, version: '1.0' }),
        value,
        `${testCase.name}\n${text}`,
      );
    }
  });

  it('is idempotent and deterministic, with and without sorted keys', () => {
    for (const testCase of cases) {
      const value = parse(readFileSync(testCase.tomlPath, 'utf8'), {
        ...bigint,
        version: testCase.version,
      });
      for (const options of [
        { numbers: 'float' as const },
        { numbers: 'float' as const, sortKeys: true },
      ]) {
        const once = stringify(value, options);
        assert.equal(stringify(value, options), once, testCase.name);
        assert.equal(stringify(parse(once, bigint), options), once, testCase.name);
      }
    }
  });

  it('passes the toml-test encoder check: tagged JSON → TOML (1.0) → tagged JSON', () => {
    for (const testCase of cases) {
      const expected: unknown = JSON.parse(readFileSync(testCase.jsonPath!, 'utf8'));
      const text = stringify(fromTagged(expected) as Record<string, unknown>, { numbers: 'float' });
      const actual = toTagged(parse(text, { ...bigint, version: '1.0' }));
      assert.equal(taggedEqual(expected, actual), null, `${testCase.name}\n${text}`);
    }
  });
});

describe('stringify layout', () => {
  it('writes key/values, then [tables], then [[arrays of tables]]', () => {
    const text = stringify({
      title: 'x',
      server: { host: 'h', tls: { on: true } },
      port: 80,
      volumes: [{ host: '/a' }, { host: '/b', opts: { ro: true } }],
      matrix: [[1, 2], [{ a: 1 }]],
      empty: {},
      none: [],
      skip: undefined,
      nothing: null,
      'needs quotes': 'q',
      nested: { only: { deeper: 1 } },
    });
    assert.equal(
      text,
      [
        'title = "x"',
        'port = 80',
        'matrix = [[1, 2], [{ a = 1 }]]',
        'none = []',
        '"needs quotes" = "q"',
        '',
        '[server]',
        'host = "h"',
        '',
        '[server.tls]',
        'on = true',
        '',
        '[[volumes]]',
        'host = "/a"',
        '',
        '[[volumes]]',
        'host = "/b"',
        '',
        '[volumes.opts]',
        'ro = true',
        '',
        '[empty]',
        '',
        '[nested.only]',
        'deeper = 1',
        '',
      ].join('\n'),
    );
  });

  it('writes numbers: integers as integers by default, floats always as floats', () => {
    assert.equal(
      stringify({
        i: 1,
        f: 1.5,
        z: -0,
        big: 2 ** 60,
        tiny: 5e-324,
        n: NaN,
        p: Infinity,
        m: -Infinity,
      }),
      'i = 1\nf = 1.5\nz = -0.0\nbig = 1152921504606847000.0\ntiny = 5e-324\nn = nan\np = inf\nm = -inf\n',
    );
    assert.equal(stringify({ i: 1, b: 7n }, { numbers: 'float' }), 'i = 1.0\nb = 7\n');
    assert.equal(parse(stringify({ big: 2 ** 60 }))['big'], 2 ** 60);
    // Integers are written digit by digit: every length, both signs, both ends.
    const integers = [0, 7, -7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (let power = 1; power <= 1e15; power *= 10) integers.push(power - 1, power, -power);
    for (const i of integers) assert.equal(stringify({ i }), `i = ${String(i)}\n`);
    // A float that is an integer gets '.0', up to where JavaScript writes an exponent.
    assert.equal(
      stringify({ a: 1e20, b: 1e21, c: -1e21, d: 2 ** 53, e: -5, f: 0.5 }, { numbers: 'float' }),
      'a = 100000000000000000000.0\nb = 1e+21\nc = -1e+21\nd = 9007199254740992.0\ne = -5.0\nf = 0.5\n',
    );
  });

  it('writes strings with every control character escaped and keys quoted when needed', () => {
    const s = 'tab\there "q" back\\slash \u0000 \u001b \u007f é 😀\r\n';
    const text = stringify({ s, 'a.b': 1, '': 2, é: 3 });
    assert.equal(
      text,
      's = "tab\\there \\"q\\" back\\\\slash \\u0000 \\u001B \\u007F é 😀\\r\\n"\n"a.b" = 1\n"" = 2\n"é" = 3\n',
    );
    assert.deepEqual(parse(text, { version: '1.0' }), { s, 'a.b': 1, '': 2, é: 3 });
  });

  it('escapes C1 controls, line separators and bidirectional characters, in values and keys', () => {
    // Valid raw in TOML, but printed raw they drive a terminal (U+009B is CSI) or reorder
    // the line (U+202E): the output of `resolve` is printed.
    const hostile =
      'a\u0080b\u009b2J\u0085\u2028\u2029\u202a\u202e\u2066\u2069\u200e\u200f\u061c é \u00a0 😀';
    const value = { s: hostile, [hostile]: 1, list: [hostile] };
    const text = stringify(value);
    assert.equal(
      text.split('\n')[0],
      's = "a\\u0080b\\u009B2J\\u0085\\u2028\\u2029\\u202A\\u202E\\u2066\\u2069\\u200E\\u200F\\u061C é \u00a0 😀"',
    );
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const unsafe =
        (c >= 0x80 && c <= 0x9f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      assert.ok(!unsafe, `raw U+${c.toString(16)} at ${i}`);
    }
    assert.deepEqual(parse(text), value);
    assert.deepEqual(parse(text, { version: '1.0' }), value);
  });

  it('keeps every date/time kind and precision', () => {
    const value = {
      odt: new OffsetDateTime(1979, 5, 27, 7, 32, 0, '999999999', '-08:00'),
      ldt: new LocalDateTime(1979, 5, 27, 7, 32, 5, '5'),
      ld: new LocalDate(1979, 5, 27),
      lt: new LocalTime(7, 32),
    };
    const text = stringify(value);
    assert.equal(
      text,
      'odt = 1979-05-27T07:32:00.999999999-08:00\nldt = 1979-05-27T07:32:05.5\nld = 1979-05-27\nlt = 07:32:00\n',
    );
    assert.deepStrictEqual(parse(text), value);
  });

  it('sorts keys on request', () => {
    assert.equal(
      stringify({ b: 1, a: { d: 1, c: 2 }, A: 0 }, { sortKeys: true }),
      'A = 0\nb = 1\n\n[a]\nc = 2\nd = 1\n',
    );
  });

  it('writes big outputs and long escaped strings whole, and small ones after them', () => {
    // Output grows its buffer and is cut into blocks at table ends; the buffer shrinks
    // back for the next document.
    const tables: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) tables[`t${i}`] = { i, s: `value ${i} é😀` };
    const escaped = 'a"\\\n\u0001é😀'.repeat(30_000);
    const big = { escaped, list: [escaped, 'x'], tables };
    const text = stringify(big);
    assert.ok(text.length > 300_000);
    assert.deepEqual(parse(text), big);
    assert.equal(stringify({ a: 1 }), 'a = 1\n');
    assert.equal(stringify({ t: { 'k"': 'v' } }), '[t]\n"k\\"" = "v"\n');
  });

  it('turns output bytes into text the same way without a platform decoder', () => {
    const text = `ascii é 😀 ${'\u2028'.repeat(5000)} \uFEFF ${'x'.repeat(70_000)} end`;
    const bytes = new Uint8Array([...new TextEncoder().encode(text), 0x41, 0x42]);
    const length = bytes.length - 2;
    assert.equal(bytesToString(bytes, length), text);
    assert.equal(bytesToString(bytes, length, null), text);
    assert.equal(bytesToString(bytes, 0, null), '');
  });

  it('uses the platform decoder only where it can make one', () => {
    assert.notEqual(utf8Decoder(), null);
    assert.equal(utf8Decoder(null), null);
    class Refuses {
      constructor() {
        throw new RangeError('unsupported encoding');
      }
    }
    assert.equal(utf8Decoder(Refuses), null);
  });

  it('turns text into UTF-8 bytes the same way without a platform encoder', () => {
    const texts = [
      '',
      'ascii',
      `é 😀 ${'\u2028'.repeat(50)} \uFEFF end`,
      'lone \uD800 and \uDC00 and last \uD83D',
      'x'.repeat(70_000),
    ];
    for (const text of texts) {
      const expected = Buffer.from(text, 'utf8');
      for (const encoder of [undefined, null]) {
        const out = new Uint8Array(expected.length + 3).fill(0xee);
        const written = stringToUtf8(text, out, encoder);
        assert.equal(written, expected.length, JSON.stringify(text.slice(0, 20)));
        assert.deepEqual(Buffer.from(out.subarray(0, written)), expected);
        // One byte short: refused, whatever was written.
        if (expected.length > 0) {
          assert.equal(stringToUtf8(text, new Uint8Array(expected.length - 1), encoder), -1);
        }
      }
    }
  });

  it('uses the platform encoder only where it can make one', () => {
    assert.notEqual(utf8Encoder(), null);
    assert.equal(utf8Encoder(null), null);
    class Refuses {
      constructor() {
        throw new TypeError('no encoder here');
      }
    }
    assert.equal(utf8Encoder(Refuses), null);
  });

  it('reads each member of a table once, sub-tables and arrays of tables included', () => {
    const reads: string[] = [];
    const table = {};
    const members: [string, unknown][] = [
      ['s', 'x'],
      ['t', { u: 1 }],
      ['a', [{ v: 2 }]],
      ['i', [1]],
    ];
    for (const [key, value] of members) {
      Object.defineProperty(table, key, {
        enumerable: true,
        get: () => {
          reads.push(key);
          return value;
        },
      });
    }
    assert.equal(stringify(table), 's = "x"\ni = [1]\n\n[t]\nu = 1\n\n[[a]]\nv = 2\n');
    assert.deepEqual(reads, ['s', 't', 'a', 'i']);
  });

  it('writes a table of thousands of sub-tables in order, and a small one after it', () => {
    const big: Record<string, unknown> = {};
    let expected = '';
    for (let i = 0; i < 3000; i++) {
      big[`t${i}`] = { n: i, s: { x: true } };
      expected += `${i === 0 ? '' : '\n'}[t${i}]\nn = ${i}\n\n[t${i}.s]\nx = true\n`;
    }
    assert.equal(stringify(big), expected);
    assert.equal(stringify({ a: { b: 1 } }), '[a]\nb = 1\n');
  });

  it('writes own keys only, even if a prototype has enumerable ones', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['inherited'] = 1;
    try {
      assert.equal(stringify({ a: 1, t: { b: 2 } }), 'a = 1\n\n[t]\nb = 2\n');
    } finally {
      delete proto['inherited'];
    }
  });

  it('keeps __proto__ and other special keys as plain keys', () => {
    const value = parse('"__proto__" = 1\nconstructor = 2\n[prototype]\nx = 3');
    const text = stringify(value);
    assert.deepEqual(parse(text), value);
    assert.match(text, /^__proto__ = 1$/m);
  });
});

describe('stringify errors', () => {
  function rejects(value: unknown, pattern: RegExp, options?: Parameters<typeof stringify>[1]) {
    try {
      stringify(value as Record<string, unknown>, options);
    } catch (error) {
      assert.ok(error instanceof TomlError, String(error));
      assert.equal(error.code, 'unencodable-value');
      assert.match(error.message, pattern);
      return;
    }
    assert.fail('expected a TomlError');
  }

  it('names the key path of what cannot be encoded', () => {
    rejects({ a: { fn: () => 1 } }, /cannot encode a function at a\.fn/);
    rejects({ '': () => 1 }, /cannot encode a function at ""$/);
    rejects({ list: [{ 'a b': [1, undefined] }] }, /undefined at list\[0\]\."a b"\[1\]$/);
    rejects({ s: Symbol('x') }, /a symbol at s/);
    rejects({ list: [1, null] }, /cannot encode null at list\[1\]/);
    rejects({ list: [undefined] }, /undefined at list\[0\]/);
    // A hole reads as undefined; the message said 'a undefined'.
    rejects({ list: [1, , 3] }, /^cannot encode undefined at list\[1\]$/);
    rejects({ when: new Date(0) }, /Date \(use OffsetDateTime/);
    rejects({ m: new Map() }, /class Map at m/);
    rejects({ s: 'lone \uD800' }, /lone surrogate U\+D800 at s/);
    rejects({ 'k\uDC00': 1 }, /lone surrogate/);
    rejects({ 't\uD800': { a: 1 } }, /key with a lone surrogate at "t\\ud800"/);
    rejects({ t: { 'k\uD800x': 1 } }, /key with a lone surrogate/);
    rejects({ s: 'a\uD800b' }, /lone surrogate U\+D800 at s/);
    rejects({ s: 'a\uDBFF' }, /lone surrogate U\+DBFF at s/);
    rejects({ n: 2n ** 64n }, /64-bit at n/);
    rejects([] as unknown, /must be a table \(a plain object\) at the top level/);
    rejects(null, /must be a table \(a plain object\) at the top level/);
    rejects('text', /must be a table \(a plain object\) at the top level/);
    // An array that starts like an array of tables is written inline, and fails there.
    rejects({ list: [{ a: 1 }, null] }, /cannot encode null at list\[1\]/);
    rejects(
      { t: { deep: { deeper: { x: 1 } } } },
      /maximum of 2 \(option maxDepth\) at t.deep.deeper/,
      { maxDepth: 2 },
    );
    assert.equal(stringify({ t: { deep: { x: 1 } } }, { maxDepth: 2 }), '[t.deep]\nx = 1\n');
    // No source position to show: the text is the message with its key path alone.
    assert.throws(
      () => stringify({ a: { fn: () => 1 } }),
      (error: unknown) =>
        String(error) === 'TomlError: cannot encode a function at a.fn' &&
        (error as TomlError).line === 0,
    );
    rejects(
      { aot: [{ x: [[[1]]] }] },
      /deeper than the maximum of 3 \(option maxDepth\) at aot\[0\]\.x\[0\]$/,
      {
        maxDepth: 3,
      },
    );
  });

  it('writes a date/time from its fields, checked, not from toString()', () => {
    // The fields are writable at run time and an object can be made from the prototype
    // alone: the output was `d = 123456-01-01` or `t = undefined:undefined:undefined…`.
    const date = new LocalDate(2024, 1, 2);
    (date as { year: number }).year = 123456;
    rejects({ d: date }, /year must be an integer from 0 to 9999, got 123456 at d$/);
    const time = new LocalTime(1, 2, 3);
    (time as { fraction: string }).fraction = '1\n[x]';
    rejects({ list: [time] }, /fraction must be decimal digits, got '1\\n\[x\]' at list\[0\]$/);
    rejects({ t: Object.create(LocalTime.prototype) }, /hour must be an integer/);
    const offset = new OffsetDateTime(2024, 1, 2, 3, 4, 5, '', '+01:00');
    (offset as { offset: string }).offset = '+1:00';
    rejects({ o: offset }, /offset must be 'Z' or ±HH:MM/);
    // A subclass's toString() cannot write a line of its own (a header, here).
    class Shifted extends LocalDateTime {
      override toString(): string {
        return '2024-01-02T03:04:05\n[injected]';
      }
    }
    const text = stringify({ a: new Shifted(2024, 1, 2, 3, 4, 5, '5') });
    assert.equal(text, 'a = 2024-01-02T03:04:05.5\n');
    assert.deepEqual(Object.keys(parse(text)), ['a']);
  });

  it('detects cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    rejects(cyclic, /cycle at self/);
    const arr: unknown[] = [];
    arr.push(arr);
    rejects({ arr }, /cycle at arr\[0\]/);
    const shared = { x: 1 };
    assert.equal(stringify({ a: shared, b: shared }), '[a]\nx = 1\n\n[b]\nx = 1\n');
  });

  it('encodes plain objects and arrays made in another realm, as JSON.stringify does', () => {
    // A vm context (or an iframe) has an Object.prototype of its own; its plain objects
    // were rejected as "class Object".
    const foreign = runInNewContext(
      '({ name: "web", ports: [80, 443], tls: { on: true }, servers: [{ a: 1 }, { a: 2 }] })',
    ) as Record<string, unknown>;
    const local = {
      name: 'web',
      ports: [80, 443],
      tls: { on: true },
      servers: [{ a: 1 }, { a: 2 }],
    };
    assert.equal(stringify(foreign), stringify(local));
    // Its class instances are still not plain data.
    assert.throws(
      () => stringify({ m: runInNewContext('new Map()') }),
      /cannot encode an object of class Map at m/,
    );
    const underNullPrototype = Object.create(Object.create(null) as object) as object;
    assert.throws(() => stringify({ odd: underNullPrototype }), /at odd$/);
  });

  it('rejects bad options with a TypeError', () => {
    assert.throws(() => stringify({}, { numbers: 'int' as 'auto' }), TypeError);
    assert.throws(() => stringify({}, { maxDepth: -1 }), TypeError);
    // Not an object: `true` meant as sortKeys was ignored without a word.
    assert.throws(
      () => stringify({ b: 1, a: 2 }, true as unknown as StringifyOptions),
      /options must be an object, got boolean true/,
    );
  });

  it('rejects a sortKeys that is not a boolean with a TypeError', () => {
    // 'no' sorted the keys, being truthy.
    for (const sortKeys of ['no', 'false', 0, 1] as unknown as boolean[]) {
      assert.throws(() => stringify({ b: 1, a: 2 }, { sortKeys }), TypeError);
    }
    assert.equal(stringify({ b: 1, a: 2 }, { sortKeys: true }), 'a = 2\nb = 1\n');
  });

  it('starts every call afresh after a failed one (the encoder is reused)', () => {
    const value = { a: 1, t: { b: [1, 2] } };
    const expected = 'a = 1\n\n[t]\nb = [1, 2]\n';
    assert.equal(stringify(value), expected);
    assert.throws(() => stringify({ x: 1, t: { y: 2, bad: () => 1 } }), /function at t\.bad/);
    assert.equal(stringify(value), expected);
    assert.throws(() => stringify({ t: { u: { v: 1 } } }, { maxDepth: 1 }), /maxDepth/);
    assert.throws(() => stringify({}, { maxDepth: 0 }), TypeError);
    assert.equal(stringify({ i: 1, t: { u: { v: 2 } } }), 'i = 1\n\n[t.u]\nv = 2\n');
    // A call made while another is running (from a getter) gets an encoder of its own.
    const inner = { z: 3 };
    const outer = {
      a: 1,
      get b() {
        return stringify(inner);
      },
    };
    assert.equal(stringify(outer), 'a = 1\nb = "z = 3\\n"\n');
    assert.equal(stringify(value), expected);
  });
});

describe('volt-manifest toml encode', () => {
  const cli = `${projectRoot}dist/lib/cli/main.js`;
  const run = (input: string) =>
    spawnSync(process.execPath, [cli, 'toml', 'encode'], { input, encoding: 'utf8' });

  it('turns tagged JSON into TOML that decodes back to it', needsTomlTest, () => {
    for (const testCase of validCases().filter((_, i) => i % 25 === 0)) {
      const json = readFileSync(testCase.jsonPath!, 'utf8');
      const result = run(json);
      assert.equal(result.status, 0, `${testCase.name}: ${result.stderr}`);
      const actual = toTagged(parse(result.stdout, { ...bigint, version: '1.0' }));
      assert.equal(taggedEqual(JSON.parse(json), actual), null, testCase.name);
    }
  });

  it('reports bad input with exit status 1', () => {
    const badJson = run('{');
    assert.equal(badJson.status, 1);
    assert.match(badJson.stderr, /^<stdin>:1:2: error: invalid JSON/);
    assert.match(run('{"a": 1,\n "b": }').stderr, /^<stdin>:2:7: error: invalid JSON/);
    const notUtf8 = spawnSync(process.execPath, [cli, 'toml', 'encode'], {
      input: Buffer.from([...Buffer.from('{"a": "x'), 0xc0, 0x80, 0x22, 0x7d]),
      encoding: 'utf8',
    });
    assert.equal(notUtf8.status, 1);
    assert.match(notUtf8.stderr, /^<stdin>:1:9: error: invalid UTF-8: /);
    const badTag = run('{"a": {"type": "integer", "value": "x"}}');
    assert.equal(badTag.status, 1);
    assert.match(badTag.stderr, /invalid integer 'x' at a/);
    assert.equal(run('[]').status, 1);
    assert.match(
      run('{"d": {"type": "datetime", "value": "1979-05-27"}}').stderr,
      /is not a datetime/,
    );
    assert.match(run('{"d": {"type": "date-local", "value": "nope!"}}').stderr, /error: /);
    assert.match(run('{"d": {"type": "color", "value": "red"}}').stderr, /unknown type 'color'/);
    assert.match(run('{"d": {"type": "float", "value": "x"}}').stderr, /invalid float/);
    assert.match(run('{"d": {"type": "bool", "value": "yes"}}').stderr, /invalid bool/);
    assert.match(run('{"d": 5}').stderr, /expected a tagged value/);
  });
});
