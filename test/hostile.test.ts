/**
 * Hostile input: prototype pollution, depth and width bombs, huge inputs, invalid UTF-8,
 * lone surrogates, NUL and every other control character in every context. Every case
 * goes through `parse` (text and bytes), `parseLocated` and `parseStream`, and errors
 * are checked at their exact line and column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ParseOptions,
  TokenKind,
  TomlError,
  type TomlErrorCode,
  parse,
  parseLocated,
  parseStream,
  stringify,
  tokenize,
} from '../lib/toml/index.js';
import { Random } from '../bench/random.js';
import { fromTagged, toTagged } from '../lib/toml/tagged.js';
import { decodeStrictUtf8 } from '../lib/toml/utf8-text.js';
import { blowUpMs } from './fuzz-support.js';

const encoder = new TextEncoder();

type Source = string | Uint8Array;

/** The TomlError `run` throws; fails on success or on any other error. */
function errorFrom(run: () => unknown, what: string): TomlError {
  try {
    run();
  } catch (error) {
    if (error instanceof TomlError) return error;
    assert.fail(`${what}: threw ${String(error)} instead of a TomlError`);
  }
  assert.fail(`${what}: accepted`);
}

async function streamError(chunks: Source[], options: ParseOptions): Promise<TomlError> {
  try {
    await parseStream(chunks, options);
  } catch (error) {
    if (error instanceof TomlError) return error;
    assert.fail(`parseStream threw ${String(error)} instead of a TomlError`);
  }
  assert.fail('parseStream accepted');
}

function chunks(source: Source, size: number): Source[] {
  const out: Source[] = [];
  for (let i = 0; i < source.length; i += size) out.push(source.slice(i, i + size));
  return out;
}

interface Expected {
  code: TomlErrorCode;
  line: number;
  column: number;
  byteOffset?: number;
}

/**
 * `source` is rejected with `expected` by every entry point: parse (1.1 and 1.0, as
 * given and, for text without lone surrogates, as UTF-8 bytes), parseLocated and
 * parseStream (one unit at a time, and in two halves).
 */
async function rejects(source: Source, expected: Expected, label = labelOf(source)) {
  const sources: Source[] = [source];
  if (
    typeof source === 'string' &&
    !/[\uD800-\uDFFF]/u.test(source.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
  ) {
    sources.push(encoder.encode(source));
  }
  for (const input of sources) {
    const kind = typeof input === 'string' ? 'text' : 'bytes';
    const errors: [string, TomlError][] = [];
    for (const version of ['1.1', '1.0'] as const) {
      errors.push([
        `parse ${version} (${kind})`,
        errorFrom(() => parse(input, { version }), `${label} parse ${version}`),
      ]);
    }
    errors.push([
      `parseLocated (${kind})`,
      errorFrom(() => parseLocated(input), `${label} parseLocated`),
    ]);
    if (input.length <= 4096)
      errors.push([`parseStream by 1 (${kind})`, await streamError(chunks(input, 1), {})]);
    const half = Math.ceil(input.length / 2);
    errors.push([
      `parseStream in halves (${kind})`,
      await streamError(chunks(input, Math.max(1, half)), {}),
    ]);
    for (const [how, error] of errors) {
      const actual: Expected = { code: error.code, line: error.line, column: error.column };
      const wanted: Expected = {
        code: expected.code,
        line: expected.line,
        column: expected.column,
      };
      if (expected.byteOffset !== undefined && kind === 'bytes') {
        actual.byteOffset = error.byteOffset;
        wanted.byteOffset = expected.byteOffset;
      }
      assert.deepEqual(actual, wanted, `${label} via ${how}: ${error.message}`);
    }
  }
}

function labelOf(source: Source): string {
  return typeof source === 'string'
    ? JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source)
    : `bytes ${Buffer.from(source.subarray(0, 40)).toString('hex')}`;
}

// ---- prototype pollution ----------------------------------------------------------------

function ownNames(object: object): string {
  return [
    ...Object.getOwnPropertyNames(object),
    ...Object.getOwnPropertySymbols(object).map(String),
  ]
    .sort()
    .join(',');
}

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** Every table in a parse result is a plain object, every array a plain array. */
function checkShapes(value: unknown, path = 'root'): void {
  if (Array.isArray(value)) {
    assert.equal(Object.getPrototypeOf(value), Array.prototype, path);
    value.forEach((item, i) => checkShapes(item, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype) {
      for (const key of Object.keys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
        assert.ok(
          'value' in descriptor && descriptor.enumerable,
          `${path}.${key} is a data property`,
        );
        checkShapes(descriptor.value, `${path}.${key}`);
      }
    } else {
      // Only the four date/time classes.
      assert.match(
        (proto as { constructor: { name: string } }).constructor.name,
        /^(OffsetDateTime|LocalDateTime|LocalDate|LocalTime)$/,
        path,
      );
    }
  }
}

describe('prototype pollution', () => {
  const before = PROTOTYPES.map(([name, proto]) => [name, ownNames(proto)]);
  const originals = [
    Object.prototype.toString,
    Object.prototype.hasOwnProperty,
    Array.prototype.push,
  ];

  function untouched(label: string): void {
    assert.deepEqual(
      PROTOTYPES.map(([name, proto]) => [name, ownNames(proto)]),
      before,
      `${label}: a prototype gained or lost a property`,
    );
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, label);
    assert.equal(([] as unknown as Record<string, unknown>)['polluted'], undefined, label);
    assert.deepEqual(
      [Object.prototype.toString, Object.prototype.hasOwnProperty, Array.prototype.push],
      originals,
      label,
    );
    assert.equal(Object.getPrototypeOf({}), Object.prototype, label);
  }

  /** Documents and the JSON of what they must give: the keys are ordinary own keys. */
  const accepted: [string, string][] = [
    ['__proto__ = { polluted = true }', '{"__proto__":{"polluted":true}}'],
    ['__proto__.polluted = true', '{"__proto__":{"polluted":true}}'],
    ['"__proto__".polluted = true', '{"__proto__":{"polluted":true}}'],
    ["'__proto__'.polluted = true", '{"__proto__":{"polluted":true}}'],
    ['"\\u005F_proto__".polluted = true', '{"__proto__":{"polluted":true}}'],
    ['[__proto__]\npolluted = true', '{"__proto__":{"polluted":true}}'],
    ['["__proto__"]\npolluted = true', '{"__proto__":{"polluted":true}}'],
    ['[[__proto__]]\npolluted = true', '{"__proto__":[{"polluted":true}]}'],
    ['[[__proto__]]\n[[__proto__]]\npolluted = 1', '{"__proto__":[{},{"polluted":1}]}'],
    ['[__proto__.__proto__]\npolluted = true', '{"__proto__":{"__proto__":{"polluted":true}}}'],
    ['a = { __proto__ = { polluted = true } }', '{"a":{"__proto__":{"polluted":true}}}'],
    ['a = { __proto__.polluted = true }', '{"a":{"__proto__":{"polluted":true}}}'],
    ['a = [{ __proto__ = { polluted = 1 } }]', '{"a":[{"__proto__":{"polluted":1}}]}'],
    ['constructor.prototype.polluted = true', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['[constructor.prototype]\npolluted = true', '{"constructor":{"prototype":{"polluted":true}}}'],
    [
      '[[constructor.prototype]]\npolluted = true',
      '{"constructor":{"prototype":[{"polluted":true}]}}',
    ],
    [
      'a = { constructor = { prototype = { polluted = true } } }',
      '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
    ],
    [
      'a = { constructor.prototype.polluted = true }',
      '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
    ],
    [
      '[a]\n__proto__.polluted = 1\n[a.__proto__.b]\nc = 1',
      '{"a":{"__proto__":{"polluted":1,"b":{"c":1}}}}',
    ],
    ['[[a]]\n[a.__proto__]\npolluted = 1', '{"a":[{"__proto__":{"polluted":1}}]}'],
    [
      '__proto__ = 1\nconstructor = 2\nprototype = 3',
      '{"__proto__":1,"constructor":2,"prototype":3}',
    ],
    [
      'toString = 1\nvalueOf = 2\nhasOwnProperty = 3\nisPrototypeOf = 4\n__defineGetter__ = 5\n__lookupGetter__ = 6\npropertyIsEnumerable = 7\ntoLocaleString = 8',
      '{"toString":1,"valueOf":2,"hasOwnProperty":3,"isPrototypeOf":4,"__defineGetter__":5,"__lookupGetter__":6,"propertyIsEnumerable":7,"toLocaleString":8}',
    ],
    [
      '[toString]\n[valueOf.x]\n[[hasOwnProperty]]',
      '{"toString":{},"valueOf":{"x":{}},"hasOwnProperty":[{}]}',
    ],
    ['length = 1\n0 = 2\n[a]\nlength = 3', '{"0":2,"length":1,"a":{"length":3}}'],
  ];

  for (const [source, json] of accepted) {
    it(`${JSON.stringify(source)} gives own keys and pollutes nothing`, async () => {
      const values: [string, unknown][] = [
        ['parse', parse(source)],
        ['parse bytes', parse(encoder.encode(source))],
        ['parse 1.0', parse(source, { version: '1.0' })],
        ['parseLocated', parseLocated(source).value],
        ['parseStream', await parseStream(chunks(source, 1))],
      ];
      untouched(source);
      for (const [how, value] of values) {
        assert.equal(JSON.stringify(value), json, how);
        checkShapes(value);
      }
      // And through the encoder and the tagged JSON of the CLI, both ways.
      const value = values[0]![1] as Record<string, unknown>;
      const text = stringify(value);
      assert.deepEqual(parse(text), value);
      const tagged = toTagged(parse(source, { integers: 'bigint' }));
      const back = fromTagged(JSON.parse(JSON.stringify(tagged))) as Record<string, unknown>;
      assert.deepEqual(back, parse(source, { integers: 'bigint' }));
      checkShapes(back);
      untouched(`${source} (stringify, tagged)`);
    });
  }

  it('finds duplicates among the dangerous keys like among any others', async () => {
    await rejects('__proto__ = 1\n__proto__ = 2', { code: 'duplicate-key', line: 2, column: 1 });
    await rejects('[__proto__]\n[__proto__]', { code: 'duplicate-table', line: 2, column: 1 });
    await rejects('__proto__ = {}\n__proto__.polluted = 1', {
      code: 'inline-table-extended',
      line: 2,
      column: 1,
    });
    await rejects('__proto__ = []\n[[__proto__]]', {
      code: 'inline-table-extended',
      line: 2,
      column: 3,
    });
    await rejects('constructor = 1\nconstructor.prototype = 2', {
      code: 'key-is-value',
      line: 2,
      column: 1,
    });
    await rejects('[a]\nconstructor = 1\n[a.constructor.prototype]', {
      code: 'key-is-value',
      line: 3,
      column: 4,
    });
    untouched('duplicates');
  });

  it('stringify writes an own __proto__ key and does not follow inherited ones', () => {
    const value = JSON.parse(
      '{"__proto__": {"polluted": true}, "a": {"__proto__": [1]}}',
    ) as Record<string, unknown>;
    const text = stringify(value);
    assert.equal(text, '[__proto__]\npolluted = true\n\n[a]\n__proto__ = [1]\n');
    const back = parse(text);
    assert.equal(JSON.stringify(back), JSON.stringify(value));
    // Inherited properties are not part of a table.
    const child = Object.create({ inherited: 1 }) as Record<string, unknown>;
    assert.throws(() => stringify(child), TomlError);
    untouched('stringify');
  });
});

// ---- depth and width bombs ----------------------------------------------------------------

const MILLION = 1_000_000;

describe('depth bombs', () => {
  const bombs: [string, string, Expected][] = [
    [
      'a million [ at a statement start',
      '['.repeat(MILLION),
      { code: 'expected-key', line: 1, column: 3 },
    ],
    [
      'a million [ as a value',
      `a = ${'['.repeat(MILLION)}`,
      { code: 'max-depth', line: 1, column: 261 },
    ],
    [
      'a million {a=',
      `a = ${'{a='.repeat(MILLION)}`,
      { code: 'max-depth', line: 1, column: 5 + 3 * 256 },
    ],
    [
      'half a million [{a=',
      `a = ${'[{a='.repeat(MILLION / 2)}`,
      { code: 'max-depth', line: 1, column: 5 + 4 * 128 },
    ],
    [
      'a million dotted keys',
      `${'a.'.repeat(MILLION)}a = 1`,
      { code: 'max-depth', line: 1, column: 1 + 2 * 256 },
    ],
    [
      'a million keys in a header',
      `[${'a.'.repeat(MILLION)}a]`,
      { code: 'max-depth', line: 1, column: 2 + 2 * 256 },
    ],
    [
      'a million keys in an array-of-tables header',
      `[[${'a.'.repeat(MILLION)}a]]`,
      { code: 'max-depth', line: 1, column: 3 + 2 * 256 },
    ],
    ['a million ]', ']'.repeat(MILLION), { code: 'expected-key', line: 1, column: 1 }],
    ['a million }', '}'.repeat(MILLION), { code: 'expected-key', line: 1, column: 1 }],
    [
      'a million "',
      `a = ${'"'.repeat(MILLION)}`,
      { code: 'expected-newline', line: 1, column: 13 },
    ],
    [
      "a million '",
      `a = ${"'".repeat(MILLION)}`,
      { code: 'expected-newline', line: 1, column: 13 },
    ],
  ];
  for (const [name, source, expected] of bombs) {
    it(`${name}: a TomlError at the exact place`, async () => {
      await rejects(source, expected, name);
      let count = 0;
      for (const token of tokenize(source)) count += token.kind === TokenKind.EOF ? 0 : 1;
      assert.ok(count > 0);
    });
  }

  it('nesting a raised maxDepth allows but the stack does not: max-depth, not a RangeError', async () => {
    for (const source of [
      `a = ${'['.repeat(MILLION)}`,
      `a = ${'{a='.repeat(MILLION)}`,
      `a = ${'[{a='.repeat(MILLION / 2)}`,
    ]) {
      const options = { maxDepth: 1e9 };
      for (const run of [() => parse(source, options), () => parseLocated(source, options)]) {
        const error = errorFrom(run, 'deep parse');
        assert.equal(error.code, 'max-depth');
        assert.equal(error.line, 1);
        assert.match(error.message, /JavaScript stack/);
      }
      const streamed = await streamError([source], options);
      assert.equal(streamed.code, 'max-depth');
    }
    // Deep dotted keys and headers are not recursive: they simply work.
    const deep = parse(`${'a.'.repeat(100_000)}a = 1`, { maxDepth: 1e9 });
    let node: unknown = deep;
    let depth = 0;
    while (typeof node === 'object' && node !== null) {
      node = (node as Record<string, unknown>)['a'];
      depth++;
    }
    assert.equal(depth, 100_001);
    assert.equal(node, 1);
  });

  it('stringify of nesting beyond maxDepth or the stack: a TomlError, not a RangeError', () => {
    let table: Record<string, unknown> = { x: 1 };
    let array: unknown = [1];
    for (let i = 0; i < 100_000; i++) {
      table = { a: table };
      array = [array];
    }
    for (const value of [table, { array }, { inline: [table] }]) {
      const capped = errorFrom(() => stringify(value), 'stringify');
      assert.equal(capped.code, 'unencodable-value');
      assert.match(capped.message, /maximum of 256/);
      const stack = errorFrom(() => stringify(value, { maxDepth: 1e9 }), 'stringify');
      assert.equal(stack.code, 'unencodable-value');
      assert.match(stack.message, /JavaScript stack/);
    }
  });
});

describe('tagged JSON (the input of `toml encode`) nested beyond the stack', () => {
  it('is a TypeError, which the CLI reports, not a RangeError', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as unknown;
    assert.throws(
      () => fromTagged(deep),
      (error: unknown) =>
        error instanceof TypeError && /nested deeper than the JavaScript stack/.test(error.message),
    );
  });
});

describe('width bombs and huge inputs complete', () => {
  it('a one-million-element array', async () => {
    const source = `a = [${'1,'.repeat(MILLION)}]`;
    const value = parse(source)['a'] as number[];
    assert.equal(value.length, MILLION);
    assert.equal(((await parseStream(chunks(source, 65536)))['a'] as number[]).length, MILLION);
    assert.equal((parseLocated(source).value['a'] as number[]).length, MILLION);
  });

  it('100 000 keys, 100 000 tables, 100 000 array-of-tables elements, a 100 000-key inline table', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i} = ${i}`).join('\n');
    assert.equal(Object.keys(parse(keys)).length, 100_000);
    const tables = Array.from({ length: 100_000 }, (_, i) => `[t${i}]\nx = ${i}`).join('\n');
    assert.equal(Object.keys(parse(tables)).length, 100_000);
    assert.equal(Object.keys(await parseStream(chunks(tables, 4096))).length, 100_000);
    const elements = '[[a]]\nx = 1\n'.repeat(100_000);
    assert.equal((parse(elements)['a'] as unknown[]).length, 100_000);
    const inline = `t = { ${Array.from({ length: 100_000 }, (_, i) => `k${i} = ${i}`).join(', ')} }`;
    assert.equal(Object.keys(parse(inline)['t'] as object).length, 100_000);
    // A duplicate at the very end is found and named, with the first definition.
    const error = errorFrom(() => parse(`${keys}\nk5 = 1`), 'duplicate');
    assert.deepEqual([error.code, error.line, error.column], ['duplicate-key', 100_001, 1]);
    assert.match(error.message, /first defined at line 6, column 1/);
  });

  it('a 16 MB string, comment, key and multi-line string; a million blank lines', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024);
    assert.equal((parse(`a = "${big}"`)['a'] as string).length, big.length);
    assert.deepEqual(parse(`#${big}\na = 1`), { a: 1 });
    assert.equal(Object.keys(parse(`"${big}" = 1`))[0]!.length, big.length);
    assert.equal((parse(`a = '''\n${big}\n'''`)['a'] as string).length, big.length + 1);
    assert.equal(
      ((await parseStream(chunks(`a = """${big}"""`, 1 << 20)))['a'] as string).length,
      big.length,
    );
    assert.deepEqual(parse(`${'\n'.repeat(MILLION)}a = 1`), { a: 1 });
    const error = errorFrom(() => parse(`${'\n'.repeat(MILLION)}a = ?`), 'late error');
    assert.deepEqual([error.line, error.column], [MILLION + 1, 5]);
  });

  it('tokenize stays linear when it recovers from an error on every line (regression)', () => {
    // Each line is an error the lexer recovers from; positions used to be counted from
    // the start of the statement every time (quadratic: ~30 s here for 40 000 lines).
    for (const source of [`a = """x\\\n${'\\\n'.repeat(40_000)}`, `a\n${'\\\n'.repeat(40_000)}`]) {
      const start = performance.now();
      let invalid = 0;
      let last: TomlError | undefined;
      for (const token of tokenize(source)) {
        if (token.error !== undefined) {
          invalid++;
          last = token.error;
        }
      }
      const elapsed = performance.now() - start;
      assert.ok(invalid >= 40_000, String(invalid));
      assert.equal(last?.line, 40_001);
      assert.ok(elapsed < blowUpMs(source.length), `tokenize took ${Math.round(elapsed)} ms`);
    }
  });
});

// ---- invalid UTF-8 ------------------------------------------------------------------------

describe('invalid UTF-8 is rejected at its exact byte, line and column', () => {
  const classes: [string, number[]][] = [
    ['stray continuation 0x80', [0x80]],
    ['stray continuation 0xBF', [0xbf]],
    ['overlong 2-byte C0 80', [0xc0, 0x80]],
    ['overlong 2-byte C1 BF', [0xc1, 0xbf]],
    ['overlong 3-byte E0 80 80', [0xe0, 0x80, 0x80]],
    ['overlong 3-byte E0 9F BF', [0xe0, 0x9f, 0xbf]],
    ['overlong 4-byte F0 80 80 80', [0xf0, 0x80, 0x80, 0x80]],
    ['overlong 4-byte F0 8F BF BF', [0xf0, 0x8f, 0xbf, 0xbf]],
    ['surrogate U+D800 encoded', [0xed, 0xa0, 0x80]],
    ['surrogate U+DBFF encoded', [0xed, 0xaf, 0xbf]],
    ['surrogate U+DC00 encoded', [0xed, 0xb0, 0x80]],
    ['surrogate U+DFFF encoded', [0xed, 0xbf, 0xbf]],
    ['surrogate pair encoded as CESU-8', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ['above U+10FFFF: F4 90 80 80', [0xf4, 0x90, 0x80, 0x80]],
    ['above U+10FFFF: F5', [0xf5, 0x80, 0x80, 0x80]],
    ['above U+10FFFF: F7 BF BF BF', [0xf7, 0xbf, 0xbf, 0xbf]],
    ['5-byte form F8', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['6-byte form FC', [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80]],
    ['byte FE', [0xfe]],
    ['byte FF', [0xff]],
    ['lead then ASCII: C3 28', [0xc3, 0x28]],
    ['bad second byte: E2 28 A1', [0xe2, 0x28, 0xa1]],
    ['bad third byte: E2 82 28', [0xe2, 0x82, 0x28]],
    ['bad second byte: F0 28 8C BC', [0xf0, 0x28, 0x8c, 0xbc]],
    ['truncated 2-byte mid-document', [0xc3, 0x41]],
    ['truncated 3-byte mid-document', [0xe2, 0x82, 0x41]],
    ['truncated 4-byte mid-document', [0xf0, 0x9f, 0x98, 0x41]],
  ];
  /** Contexts: text before and after the bad bytes, and where the bytes sit. */
  const contexts: [string, string, string, number, number][] = [
    // name, before, after, line, column of the bad byte
    ['document start', '', ' = 1\n', 1, 1],
    ['bare key', 'x = 1\nab', ' = 1\n', 2, 3],
    ['bare value', 'x = 1\ny = ', '\n', 2, 5],
    ['basic string after astral characters', 'x = 1\ny = "é\u{1F600}', '"\n', 2, 8],
    ['literal string', "x = 1\ny = 'ab", "'\n", 2, 8],
    ['multi-line basic string', 'x = """\nab', '"""\n', 2, 3],
    ['multi-line literal string', "x = '''\n\u{1F600}", "'''\n", 2, 2],
    ['comment', 'x = 1 # \u{1F600}', '\n', 1, 10],
    ['quoted key', '"k', '" = 1\n', 1, 3],
    ['table header', '[t', ']\n', 1, 3],
  ];
  for (const [className, bad] of classes) {
    it(className, async () => {
      for (const [where, before, after, line, column] of contexts) {
        const prefix = encoder.encode(before);
        const bytes = Uint8Array.from([...prefix, ...bad, ...encoder.encode(after)]);
        await rejects(
          bytes,
          { code: 'invalid-utf8', line, column, byteOffset: prefix.length },
          `${className} in ${where}`,
        );
        // The tokenizer stops there too, with the same position.
        const tokens = [...tokenize(bytes)];
        const lastError = tokens[tokens.length - 1]!.error;
        assert.deepEqual(
          [lastError?.code, lastError?.line, lastError?.column, lastError?.byteOffset],
          ['invalid-utf8', line, column, prefix.length],
          `tokenize: ${className} in ${where}`,
        );
      }
    });
  }

  it('the platform decoder and the portable one agree on every input', () => {
    // Valid input is decoded by the platform's TextDecoder where there is one, invalid
    // input again by the portable decoder: both must accept the same bytes and give the
    // same text. Pieces: every class above, valid sequences of each length, ASCII.
    const pieces = [
      ...classes.map(([, bytes]) => bytes),
      [0x41],
      [0x0a],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xef, 0xbb, 0xbf],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
    ];
    const random = new Random(11);
    let valid = 0;
    for (let n = 0; n < 4000; n++) {
      const bytes: number[] = [];
      const count = random.int(0, 8);
      for (let i = 0; i < count; i++) {
        // Mostly valid pieces, so that many inputs are valid throughout.
        const piece = random.chance(0.8)
          ? pieces[random.int(classes.length, pieces.length - 1)]!
          : random.chance(0.5)
            ? pieces[random.int(0, classes.length - 1)]!
            : [random.int(0, 255)];
        bytes.push(...piece);
      }
      const input = Uint8Array.from(bytes);
      const platform = decodeStrictUtf8(input);
      assert.deepEqual(platform, decodeStrictUtf8(input, null), `bytes ${bytes.join(',')}`);
      if (platform.error === null) valid++;
    }
    assert.ok(valid > 1000 && valid < 3900, `${valid} of 4000 inputs valid: both kinds tried`);
  });

  it('truncated at the very end, in every context', async () => {
    for (const bad of [[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xf4]]) {
      for (const [where, before, line, column] of [
        ['document start', '', 1, 1],
        ['value', 'a = 1\nb = ', 2, 5],
        ['string', 'a = 1\nb = "x', 2, 7],
        ['comment', '# \u{1F600}', 1, 4],
      ] as const) {
        const prefix = encoder.encode(before);
        const bytes = Uint8Array.from([...prefix, ...bad]);
        await rejects(
          bytes,
          { code: 'invalid-utf8', line, column, byteOffset: prefix.length },
          `truncated ${bad.length} at the end of ${where}`,
        );
        assert.match(errorFrom(() => parse(bytes), where).message, /truncated/);
      }
    }
  });

  it('an error in a complete statement before the bad byte comes first', async () => {
    await rejects(Uint8Array.from([...encoder.encode('a = = 1\nb = 2\n'), 0xff]), {
      code: 'expected-value',
      line: 1,
      column: 5,
    });
    await rejects(Uint8Array.from([...encoder.encode('a = 1\na = 2\n'), 0xff]), {
      code: 'duplicate-key',
      line: 2,
      column: 1,
    });
  });
});

// ---- lone surrogates and control characters --------------------------------------------------

/**
 * Every context a character can appear in: `[name, build(ch), line, column, code]` where
 * `build` places the character; the prefix puts it on line 3 after astral characters on
 * the lines before, so lines and code-point columns are both exercised.
 */
type Context = [string, (ch: string) => string, number, number, 'bare' | 'string' | 'comment'];
const PREFIX = 'x = "\u{1F600}"\ny = 1 # \u{1F600}\n';
const CONTEXTS: Context[] = [
  ['key position', (ch) => `${ch} = 1`, 3, 1, 'bare'],
  ['after a key', (ch) => `k${ch} = 1`, 3, 2, 'bare'],
  ['after the equals sign', (ch) => `k =${ch}1`, 3, 4, 'bare'],
  ['value position', (ch) => `k = ${ch}`, 3, 5, 'bare'],
  ['inside a number', (ch) => `k = 12${ch}3`, 3, 7, 'bare'],
  ['table header', (ch) => `[t${ch}]`, 3, 3, 'bare'],
  ['array', (ch) => `k = [1, ${ch}]`, 3, 9, 'bare'],
  ['inline table', (ch) => `k = { a = ${ch} }`, 3, 11, 'bare'],
  ['basic string', (ch) => `k = "\u{1F600}\u{1F600}${ch}"`, 3, 8, 'string'],
  ['literal string', (ch) => `k = '\u{1F600}${ch}'`, 3, 7, 'string'],
  ['multi-line basic string', (ch) => `k = """\n\u{1F600}a${ch}"""`, 4, 3, 'string'],
  ['multi-line literal string', (ch) => `k = '''\nab${ch}'''`, 4, 3, 'string'],
  ['quoted key', (ch) => `"a${ch}" = 1`, 3, 3, 'string'],
  ['literal key', (ch) => `'a${ch}' = 1`, 3, 3, 'string'],
  ['quoted key in a header', (ch) => `["a${ch}"]`, 3, 4, 'string'],
  ['comment', (ch) => `k = 1 # \u{1F600}${ch}`, 3, 10, 'comment'],
  ['comment line', (ch) => `#${ch}`, 3, 2, 'comment'],
];

describe('lone surrogates in string input are rejected at their exact position', () => {
  for (const surrogate of ['\uD800', '\uDBFF', '\uDC00', '\uDFFF']) {
    it(`U+${surrogate.charCodeAt(0).toString(16).toUpperCase()}`, async () => {
      for (const [where, build, line, column, kind] of CONTEXTS) {
        // In bare positions any non-ASCII character is unexpected; inside strings and
        // comments the surrogate itself is named.
        const code: TomlErrorCode = kind === 'bare' ? 'invalid-character' : 'lone-surrogate';
        await rejects(PREFIX + build(surrogate), { code, line, column }, `${where}`);
      }
      // Reversed pairs and a high surrogate at the very end.
      await rejects(`k = "\uDC00\uD800"`, { code: 'lone-surrogate', line: 1, column: 6 });
      await rejects(`k = "a${surrogate}`, { code: 'lone-surrogate', line: 1, column: 7 });
      await rejects(`# ${surrogate}`, { code: 'lone-surrogate', line: 1, column: 3 });
    });
  }
});

describe('NUL and every control character are rejected at their exact position', () => {
  const controls: number[] = [];
  for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a) controls.push(c);
  controls.push(0x7f);
  for (const c of controls) {
    const ch = String.fromCharCode(c);
    const name = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    it(name, async () => {
      for (const [where, build, line, column] of CONTEXTS) {
        // A carriage return not followed by a newline is reported as such.
        const code: TomlErrorCode = c === 0x0d ? 'bare-carriage-return' : 'control-character';
        const source = PREFIX + build(ch);
        await rejects(source, { code, line, column }, `${name} in ${where}`);
        // tokenize reports the same error at the same place.
        const invalid = [...tokenize(source)].find((t) => t.error !== undefined);
        assert.deepEqual(
          [invalid?.error?.code, invalid?.error?.line, invalid?.error?.column],
          [code, line, column],
          `tokenize: ${name} in ${where}`,
        );
      }
    });
  }

  it('tab is allowed in strings and comments and is whitespace elsewhere', () => {
    assert.deepEqual(parse('k\t=\t"a\tb" #\tc\nl = \'\t\'\nm = """\t"""\n[\tt\t]'), {
      k: 'a\tb',
      l: '\t',
      m: '\t',
      t: {},
    });
  });

  it('a newline inside a single-line string ends it with an error at its start', async () => {
    await rejects(`${PREFIX}k = "ab\ncd"`, { code: 'newline-in-string', line: 3, column: 5 });
    await rejects(`${PREFIX}k = "ab\r\ncd"`, { code: 'newline-in-string', line: 3, column: 5 });
    await rejects(`${PREFIX}k = 'ab\ncd'`, { code: 'newline-in-string', line: 3, column: 5 });
  });
});
