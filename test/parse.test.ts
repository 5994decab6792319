import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Mulberry32 } from '../bench/random.js';
import {
  LineIndex,
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  TomlError,
  parse,
  parseLocated,
  parseLocatedRecovering,
  parseStream,
  tokenize,
  type ParseOptions,
  type TomlErrorCode,
} from '../lib/toml/index.js';

/** Parses and returns the TomlError thrown (fails if none, or if another error). */
function errorOf(source: string | Uint8Array, options?: Parameters<typeof parse>[1]): TomlError {
  try {
    parse(source, options);
  } catch (error) {
    assert.ok(error instanceof TomlError, `expected a TomlError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(source)} to be rejected`);
}

function assertError(
  source: string | Uint8Array,
  code: TomlErrorCode,
  line: number,
  column: number,
  message?: RegExp,
  options?: Parameters<typeof parse>[1],
): TomlError {
  const error = errorOf(source, options);
  assert.equal(error.code, code, `code for ${JSON.stringify(source)}: ${error.message}`);
  assert.deepEqual([error.line, error.column], [line, column], `position of ${error.message}`);
  if (message) assert.match(error.message, message);
  return error;
}

describe('values', () => {
  it('parses every scalar kind', () => {
    const doc = parse(
      [
        's = "a\\tb\\u00e9\\U0001F600"',
        "l = 'C:\\path'",
        'ml = """\nline1\\\n    line2"""',
        "mll = '''\nraw\\n'''",
        'i = +1_000',
        'h = 0xDEAD_beef',
        'o = 0o755',
        'b = 0b1010',
        'f = -3.5e-2',
        'e = 1E3',
        'inf = -inf',
        'nan = nan',
        't = true',
        'odt = 1979-05-27T07:32:00.123456789-08:00',
        'ldt = 1979-05-27 07:32:00',
        'ld = 1979-05-27',
        'lt = 07:32:00.5',
      ].join('\n'),
    );
    assert.equal(doc['s'], 'a\tb\u00e9\u{1F600}');
    assert.equal(doc['l'], 'C:\\path');
    assert.equal(doc['ml'], 'line1line2');
    assert.equal(doc['mll'], 'raw\\n');
    assert.equal(doc['i'], 1000);
    assert.equal(doc['h'], 0xdeadbeef);
    assert.equal(doc['o'], 0o755);
    assert.equal(doc['b'], 10);
    assert.equal(doc['f'], -0.035);
    assert.equal(doc['e'], 1000);
    assert.equal(doc['inf'], -Infinity);
    assert.ok(Number.isNaN(doc['nan']));
    assert.equal(doc['t'], true);
    assert.ok(doc['odt'] instanceof OffsetDateTime);
    assert.equal(String(doc['odt']), '1979-05-27T07:32:00.123456789-08:00');
    assert.ok(doc['ldt'] instanceof LocalDateTime);
    assert.equal(String(doc['ldt']), '1979-05-27T07:32:00');
    assert.ok(doc['ld'] instanceof LocalDate);
    assert.ok(doc['lt'] instanceof LocalTime);
    assert.equal(String(doc['lt']), '07:32:00.5');
  });

  it('reads CRLF inside multi-line strings as LF', () => {
    assert.deepEqual(parse('a = """\r\none\r\ntwo"""\r\nb = \'\'\'x\r\ny\'\'\'\r\n'), {
      a: 'one\ntwo',
      b: 'x\ny',
    });
  });

  it('decodes long strings with many escapes and line endings exactly', () => {
    // Long enough that decoded text is put together from several blocks.
    const unit = 'é\t"x\\\n';
    const expected = unit.repeat(20_000);
    const escaped = '\\u00e9\\t\\"x\\\\\\n'.repeat(20_000);
    assert.equal(parse(`s = "${escaped}"`)['s'], expected);
    assert.equal(parse(`s = """${escaped}"""`)['s'], expected);
    const lines = 'line\r\n'.repeat(20_000);
    assert.equal(parse(`s = """${lines}end"""`)['s'], `${'line\n'.repeat(20_000)}end`);
    const mixed = `${'\\t\r\n'.repeat(10_000)}\\\n  tail`;
    assert.equal(parse(`s = """${mixed}"""`)['s'], `${'\t\n'.repeat(10_000)}tail`);
  });

  it('keeps up to two quotes before the closing delimiter', () => {
    assert.deepEqual(parse("a = \"\"\"x\"\"\"\"\"\nb = ''''y'''''"), { a: 'x""', b: "'y''" });
  });

  it('accepts a byte-order mark at the start only', () => {
    assert.deepEqual(parse('\uFEFFa = 1'), { a: 1 });
    assert.deepEqual(parse(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x3d, 0x31)), { a: 1 });
    assertError('a = 1\n\uFEFFb = 2', 'invalid-character', 2, 1, /byte-order mark/);
    // The mark takes no column: the error is in column 3 as an editor shows it.
    assertError('\uFEFFa = ?', 'invalid-character', 1, 5);
  });
});

describe('floats', () => {
  /** Digits with an occasional `_` between two of them. */
  function digitRun(random: Mulberry32, count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      if (i > 0 && random.chance(0.1)) out += '_';
      out += String(random.uint32() % 10);
    }
    return out;
  }

  it('decodes every float exactly as Number() rounds its text', () => {
    const random = new Mulberry32(20261126);
    const texts: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const sign = random.pick(['', '-', '+']);
      const integerDigits = random.chance(0.3) ? '0' : String(1 + (random.uint32() % 9));
      let text = sign + integerDigits + digitRun(random, random.uint32() % 18);
      if (text.replace(/^[-+]/, '').startsWith('0') && text.replace(/^[-+]/, '').length > 1) {
        text = text.replace(/0(?=\d|_)/, '1');
      }
      const fraction = random.chance(0.8);
      if (fraction) text += '.' + digitRun(random, 1 + (random.uint32() % 20));
      if (!fraction || random.chance(0.4)) {
        const exponentSign = random.pick(['', '-', '+']);
        text +=
          random.pick(['e', 'E']) + exponentSign + digitRun(random, 1 + (random.uint32() % 3));
      }
      texts.push(text);
    }
    // Boundaries of the exact path: 2^53, exponents ±22 and just past them.
    texts.push(
      '9007199254740992.0',
      '9007199254740993.0',
      '900719925474099.3',
      '0.9007199254740993',
      '1e22',
      '1e23',
      '1.5e-22',
      '1.5e-23',
      '123456789012345678e-22',
      '-0.0',
      '+0.0',
      '0.0e0',
      '4.9e-324',
      '1.7976931348623157e308',
      '1e-400',
      '1e400',
      '0.1',
      '0.3',
      '2.2250738585072011e-308',
    );
    const doc = texts.map((text, i) => `f${i} = ${text}`).join('\n');
    const parsed = parse(doc);
    texts.forEach((text, i) => {
      const expected = Number(text.replaceAll('_', ''));
      assert.ok(Object.is(parsed[`f${i}`], expected), `${text}: ${String(parsed[`f${i}`])}`);
    });
  });
});

describe('integers option', () => {
  const big = 'a = 9007199254740993';
  it("'number' rejects integers beyond 2^53-1 and names the option", () => {
    assertError(big, 'unsafe-integer', 1, 5, /integers: 'bigint' or 'auto'/);
    assert.deepEqual(parse('a = 9007199254740991\nb = -9007199254740991'), {
      a: 9007199254740991,
      b: -9007199254740991,
    });
  });
  it("'bigint' returns every integer as a bigint and every float as a number", () => {
    assert.deepEqual(parse('a = 1\nb = 1.0\nc = 0x10', { integers: 'bigint' }), {
      a: 1n,
      b: 1,
      c: 16n,
    });
    assert.equal(parse(big, { integers: 'bigint' })['a'], 9007199254740993n);
  });
  it("'auto' returns a number when exact, else a bigint", () => {
    assert.deepEqual(parse(`${big}\nb = 7`, { integers: 'auto' }), { a: 9007199254740993n, b: 7 });
  });
  it('supports the full signed 64-bit range and no more', () => {
    const doc = parse(
      'max = 9223372036854775807\nmin = -9223372036854775808\nh = 0x7FFFFFFFFFFFFFFF',
      {
        integers: 'bigint',
      },
    );
    assert.deepEqual(doc, { max: 2n ** 63n - 1n, min: -(2n ** 63n), h: 2n ** 63n - 1n });
    assertError('a = 9223372036854775808', 'integer-overflow', 1, 5, undefined, {
      integers: 'bigint',
    });
    assertError('a = 0x8000000000000000', 'integer-overflow', 1, 5, undefined, {
      integers: 'auto',
    });
  });
  it('integer zero is never negative', () => {
    assert.ok(Object.is(parse('a = -0')['a'], 0));
    assert.ok(Object.is(parse('a = -0.0')['a'], -0));
  });
  it('rejects bad options with a TypeError', () => {
    assert.throws(() => parse('', { integers: 'huge' as 'number' }), TypeError);
    assert.throws(() => parse('', { version: '2.0' as '1.0' }), TypeError);
    assert.throws(() => parse('', { maxDepth: 0 }), TypeError);
    assert.throws(() => parse(42 as unknown as string), TypeError);
  });
  it('rejects options that are not an object with a TypeError (a string parsed as 1.1)', () => {
    for (const options of ['1.0', 5, true] as unknown as ParseOptions[]) {
      assert.throws(() => parse('a = 1', options), /options must be an object/);
      assert.throws(() => parseLocated('a = 1', options), TypeError);
      assert.throws(() => parseLocatedRecovering('a = 1', options), TypeError);
      assert.throws(() => [...tokenize('a = 1', options)], TypeError);
    }
    // null means none, as before.
    assert.deepEqual(parse('a = 1', null as unknown as ParseOptions), { a: 1 });
  });
});

describe('date and time values', () => {
  it('keep kind, precision and offset as written', () => {
    const doc = parse(
      'a = 2024-02-29T23:59:60.000001+05:30\nb = 1987-07-05t17:45:00z\nc = 1987-07-05T17:45:00-00:00',
    );
    const a = doc['a'] as OffsetDateTime;
    assert.deepEqual(
      [a.year, a.month, a.day, a.hour, a.minute, a.second, a.fraction, a.offset, a.offsetMinutes],
      [2024, 2, 29, 23, 59, 60, '000001', '+05:30', 330],
    );
    assert.equal(String(doc['b']), '1987-07-05T17:45:00Z');
    assert.equal(String(doc['c']), '1987-07-05T17:45:00-00:00');
    assert.equal(JSON.stringify(doc['c']), '"1987-07-05T17:45:00-00:00"');
  });
  it('validate the calendar', () => {
    assertError('a = 2023-02-29', 'invalid-datetime', 1, 13, /not a leap year/);
    assert.equal(String(parse('a = 2000-02-29')['a']), '2000-02-29');
    assertError('a = 1900-02-29T00:00:00Z', 'invalid-datetime', 1, 13);
    assertError('a = 2023-04-31', 'invalid-datetime', 1, 13, /day 31/);
    assertError('a = 2023-01-01T12:00:00+24:00', 'invalid-datetime', 1, 25, /offset hour/);
  });
  it('make seconds optional in TOML 1.1 only', () => {
    assert.equal(String(parse('a = 07:32')['a']), '07:32:00');
    assertError('a = 07:32', 'version-1.1-only', 1, 5, /TOML 1.1/, { version: '1.0' });
  });
  it('convert an offset date-time to a Date, truncating to milliseconds', () => {
    const value = parse('a = 1979-05-27T00:32:00.9999-07:00')['a'] as OffsetDateTime;
    assert.equal(value.toDate().toISOString(), '1979-05-27T07:32:00.999Z');
    assert.equal(new OffsetDateTime(50, 1, 1, 0, 0).toDate().getUTCFullYear(), 50);
  });
  it('convert February 29 of year 0 (a leap year) to a Date on that day', () => {
    // Date.UTC reads years 0-99 as 1900-1999, and 1900 is not a leap year.
    const value = parse('a = 0000-02-29T12:00:00.5+01:00')['a'] as OffsetDateTime;
    assert.equal(value.toDate().toISOString(), '0000-02-29T11:00:00.500Z');
    assert.equal(
      new OffsetDateTime(4, 2, 29, 0, 0).toDate().toISOString(),
      '0004-02-29T00:00:00.000Z',
    );
  });
  it('give offsetMinutes 0, not -0, for -00:00', () => {
    const value = parse('a = 2000-01-01T00:00:00-00:00')['a'] as OffsetDateTime;
    assert.ok(Object.is(value.offsetMinutes, 0));
    assert.equal(new OffsetDateTime(2000, 1, 1, 0, 0, 0, '', '-01:30').offsetMinutes, -90);
  });
  it('constructors validate', () => {
    assert.throws(() => new LocalDate(2023, 2, 29), RangeError);
    assert.throws(() => new LocalTime(24, 0), RangeError);
    assert.throws(() => new LocalTime(1, 0, 0, '5x'), RangeError);
    assert.throws(() => new OffsetDateTime(2023, 1, 1, 0, 0, 0, '', '+0100'), RangeError);
    assert.throws(() => new OffsetDateTime(2023, 1, 1, 0, 0, 0, '', '+24:00'), RangeError);
    assert.equal(String(new LocalDateTime(2023, 1, 2, 3, 4)), '2023-01-02T03:04:00');
    assert.ok(new LocalDate(2023, 1, 2).equals(parse('a = 2023-01-02')['a']));
    assert.ok(!new LocalDate(2023, 1, 2).equals('2023-01-02'));
    assert.equal(new LocalTime(1, 2, 3, '45').millisecond, 450);
  });
  it('constructors take a fraction and an offset only as text (a number wrote 01:02:03.0.5)', () => {
    const notText = [0.5, -1, 5, null, ['1']] as unknown as string[];
    for (const fraction of notText) {
      assert.throws(() => new LocalTime(1, 2, 3, fraction), RangeError);
      assert.throws(() => new LocalDateTime(2023, 1, 2, 3, 4, 5, fraction), RangeError);
    }
    for (const offset of notText) {
      assert.throws(() => new OffsetDateTime(2023, 1, 1, 0, 0, 0, '', offset), RangeError);
    }
  });
});

describe('tables', () => {
  it('builds nested tables, dotted keys and arrays of tables', () => {
    const doc = parse(
      [
        'a.b.c = 1',
        '[x.y]',
        'z = 2',
        '[x]',
        'w = 3',
        '[[p]]',
        'n = 1',
        '[p.q]',
        'm = 2',
        '[[p]]',
        'n = 2',
        '[fruit]',
        'apple.color = "red"',
        '[fruit.apple.texture]',
        'smooth = true',
      ].join('\n'),
    );
    assert.deepEqual(doc, {
      a: { b: { c: 1 } },
      x: { y: { z: 2 }, w: 3 },
      p: [{ n: 1, q: { m: 2 } }, { n: 2 }],
      fruit: { apple: { color: 'red', texture: { smooth: true } } },
    });
  });

  it('makes every key an own data property and never touches a prototype', () => {
    const doc = parse(
      [
        '__proto__ = 1',
        'constructor = 2',
        'prototype = 3',
        'toString = 4',
        '[a.__proto__]',
        'polluted = true',
        '[[b.__proto__]]',
        'x = 1',
        '[c]',
        '"__proto__".polluted = true',
        'd = { __proto__ = { polluted = true }, constructor.prototype.polluted = true }',
      ].join('\n'),
    );
    const d = (doc['c'] as Record<string, Record<string, unknown>>)['d']!;
    assert.deepEqual(Object.keys(d), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.deepEqual(Object.keys(doc), [
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'a',
      'b',
      'c',
    ]);
    assert.equal(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value, 1);
    const a = doc['a'] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(a), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assert.equal(typeof Object.prototype.toString, 'function');
  });

  it('rejects redefinitions at the second definition, naming the first', () => {
    assertError(
      'a = 1\nb = 2\na = 3',
      'duplicate-key',
      3,
      1,
      /duplicate key 'a' \(first defined at line 1, column 1\)/,
    );
    assertError(
      '[t]\nx = 1\n[t]',
      'duplicate-table',
      3,
      1,
      /table \[t\] is already defined \(first defined at line 1, column 1\)/,
    );
    assertError('[t]\nx = 1\n  "x" = 2', 'duplicate-key', 3, 3, /in table \[t\]/);
    assertError('[a]\nb.c = 1\n[a.b]', 'duplicate-table', 3, 1, /defined by dotted keys/);
    assertError(
      '[a.b.c]\nz = 9\n[a]\nb.c.t = 1',
      'dotted-key-redefines-table',
      4,
      3,
      /\[a\.b\.c\]/,
    );
    assertError('a = {b = 1}\na.c = 2', 'inline-table-extended', 2, 1, /inline table/);
    assertError('a = [1]\n[[a]]', 'inline-table-extended', 2, 3, /an array/);
    assertError('a = 1\n[a.b]', 'key-is-value', 2, 2, /a is already a value/);
    assertError('[[a]]\n[a]', 'duplicate-table', 2, 1, /array of tables/);
    assertError('[a]\n[[a]]', 'duplicate-table', 2, 1, /which is a table/);
    assertError('[x]\n[[x.a]]\n[x]\na.b = 1', 'duplicate-table', 3, 1);
    assertError('[[x.a]]\n[x]\na.b = 1', 'dotted-key-redefines-table', 3, 1, /array of tables/);
    assertError('t = {a = 1, a = 2}', 'duplicate-key', 1, 13, /first defined at line 1, column 6/);
    assertError('t = {a.b = 1, a = 2}', 'duplicate-key', 1, 15);
  });

  it('allows what the spec allows', () => {
    assert.deepEqual(parse('[a.b.c]\n[a]\nb.d = 1'), { a: { b: { c: {}, d: 1 } } });
    assert.deepEqual(parse('[[a.b]]\nx = 1\n[a]\ny = 2'), { a: { b: [{ x: 1 }], y: 2 } });
    assert.deepEqual(parse('t = {a.b = 1, a.c = 2}'), { t: { a: { b: 1, c: 2 } } });
    assert.deepEqual(parse('3.14159 = "pi"'), { '3': { '14159': 'pi' } });
    assert.deepEqual(parse('[""]\n"".x = 2'), { '': { '': { x: 2 } } });
    assert.deepEqual(parse('"" = 1'), { '': 1 });
  });

  it('keeps the table rules for tables with many sub-tables', () => {
    // The first few sub-tables of a table are a list, later ones a map: check both.
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const many = names.map((n) => `[p.${n}]\nv = 1`).join('\n');
    assert.deepEqual(Object.keys(parse(many).p as object), names);
    for (const n of ['t0', 't7', 't8', 't19']) {
      assertError(`${many}\n[p.${n}]`, 'duplicate-table', 41, 1, /already defined/);
      assertError(`${many}\n[p]\n${n}.x = 1`, 'dotted-key-redefines-table', 42, 1);
      const extended = parse(`${many}\n[p.${n}.sub]\nw = 2`).p as Record<string, unknown>;
      assert.deepEqual(extended[n], { v: 1, sub: { w: 2 } });
    }
    const arrays = names.map((n) => `[[${n}]]\n[[${n}]]`).join('\n');
    const value = parse(arrays);
    for (const n of names) assert.deepEqual(value[n], [{}, {}]);
  });

  it('gives each document its own tables when parsing one after another', () => {
    // Table bookkeeping is reused between documents; nothing may carry over.
    const big = Array.from({ length: 300 }, (_, i) => `[a.t${i}]\n[[a.t${i}.list]]\nk = ${i}`);
    const first = parse(big.join('\n'));
    assert.equal(Object.keys(first.a as object).length, 300);
    assert.deepEqual((first.a as Record<string, unknown>).t299, { list: [{ k: 299 }] });
    assert.deepEqual(parse('[a]\nt0 = 1'), { a: { t0: 1 } });
    assert.deepEqual(parse('[[a]]\n[[a]]\nx = 1'), { a: [{}, { x: 1 }] });
    assertError('[a.t0]\n[a.t0]', 'duplicate-table', 2, 1);
    assert.deepEqual(parse(big.slice(0, 2).join('\n')), {
      a: { t0: { list: [{ k: 0 }] }, t1: { list: [{ k: 1 }] } },
    });
  });

  it('keeps nothing of a document once the next one is parsed', async () => {
    // The reused parser's lists (array elements, arrays of tables, dotted-key tables,
    // sub-tables held by node) are emptied only when a document used them.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const subTables = Array.from({ length: 12 }, (_, i) => `[many.t${i}]\nv = [{ i = ${i} }]`);
    const refs = (() => {
      const doc = parse(
        `a.b.c = [[1, 2], ["x"]]\n[[list]]\nk = [{ deep = true }]\n${subTables.join('\n')}`,
      );
      const many = doc.many as Record<string, { v: object[] }>;
      return [
        doc,
        ((doc.a as Record<string, object>).b as Record<string, object[]>).c!,
        (doc.list as object[])[0]!,
        many.t11!,
        many.t0!.v[0]!,
      ].map((value) => new WeakRef(value));
    })();
    assert.deepEqual(parse(''), {});
    assert.deepEqual(parse('x = 1'), { x: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.deepEqual(
      refs.map((ref) => ref.deref() === undefined),
      refs.map(() => true),
    );
  });

  it('stores a table whose keys are new as a dictionary, one that repeats a layout with shared hidden classes', () => {
    // V8 builds a hidden class per key of each new layout; a dictionary-mode object
    // does not (docs/benchmarks.md). Results are plain objects either way.
    setFlagsFromString('--allow-natives-syntax');
    const isFast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    const text = (n: number) =>
      `[section]\nname = "s"\nport = ${n}\n[catalogue_${n}]\nterm_${n}_a = 1\n"term ${n} b" = 2\n` +
      `[inline]\nt = { word_${n} = 1, 2 = 2, 1 = 1 }\nu = { name = "x", port = 1 }\n`;
    parse(text(0));
    const doc = parse(text(1)) as Record<string, Record<string, Record<string, unknown>>>;
    const catalogue = doc.catalogue_1 as Record<string, unknown>;
    assert.equal(isFast(catalogue), false);
    assert.equal(isFast(doc.inline!.t!), false);
    assert.equal(isFast(doc.section!), true);
    assert.equal(isFast(doc.inline!.u!), true);
    for (const table of [doc, catalogue, doc.section!, doc.inline!, doc.inline!.t!]) {
      assert.equal(Object.getPrototypeOf(table), Object.prototype);
    }
    assert.deepEqual(Object.keys(catalogue), ['term_1_a', 'term 1 b']);
    assert.deepEqual(Object.entries(doc.inline!.t!), [
      ['1', 1],
      ['2', 2],
      ['word_1', 1],
    ]);
    const proto = parse('[t]\nfresh_proto_key = 1\n__proto__ = { polluted = true }\n');
    const t = proto.t as Record<string, unknown>;
    assert.equal(isFast(t), false);
    assert.deepEqual(Object.keys(t), ['fresh_proto_key', '__proto__']);
    assert.equal(Object.getPrototypeOf(t), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.throws(() => parse('[t]\nnew_key_x = 1\nnew_key_x = 2'), /duplicate key/);
  });

  it('tells apart keys whose characters hash alike, and long keys', () => {
    // "Aa" and "BB" have the same 31-based hash: the key cache must compare text.
    assert.deepEqual(parse('Aa = 1\nBB = 2\n[t]\nBB = 3\nAa = 4'), {
      Aa: 1,
      BB: 2,
      t: { BB: 3, Aa: 4 },
    });
    const long = 'k'.repeat(100);
    assert.deepEqual(parse(`${long} = 1\n${long}x = 2`), { [long]: 1, [`${long}x`]: 2 });
  });
});

describe('tables with many sub-tables', () => {
  /** Fails if anything in `value` is not plain data (a parse-time node left behind). */
  function assertPlain(value: unknown, path = ''): void {
    if (Array.isArray(value)) {
      value.forEach((item, i) => assertPlain(item, `${path}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype) return; // date/times
      for (const [key, item] of Object.entries(value)) assertPlain(item, `${path}.${key}`);
    } else {
      assert.ok(['string', 'number', 'boolean', 'bigint'].includes(typeof value), path);
    }
  }
  const many = Array.from({ length: 20 }, (_, i) => `[t${i}]\nv = ${i}`).join('\n');

  it('reopens, extends and rejects them like any table', async () => {
    const text = `${many}\n[[list]]\nn = 1\n[t3.sub]\nw = 3\n[[list]]\nn = 2\n[t7.a.b]\nx.y = 1`;
    const doc = parse(text);
    assertPlain(doc);
    assert.deepEqual(doc['t3'], { v: 3, sub: { w: 3 } });
    assert.deepEqual(doc['t7'], { v: 7, a: { b: { x: { y: 1 } } } });
    assert.deepEqual(doc['list'], [{ n: 1 }, { n: 2 }]);
    assert.equal(Object.keys(doc).length, 21);
    assert.deepEqual(parseLocated(text).value, doc);
    assert.deepEqual(await parseStream([text.slice(0, 100), text.slice(100)]), doc);
    assertError(`${many}\n[t5]`, 'duplicate-table', 41, 1, /\[t5\] is already defined/);
    const nested = many.replaceAll('[t', '[p.t');
    assertError(`${nested}\n[p]\nt5.x = 1`, 'dotted-key-redefines-table', 42, 1, /\[p\.t5\]/);
    const p = parse(`${nested}\n[p]\nz = 1`)['p'] as Record<string, unknown>;
    assert.equal(Object.keys(p).length, 21);
    assert.deepEqual([p['z'], p['t5']], [1, { v: 5 }]);
    assertError(`${many}\n[[t5]]`, 'duplicate-table', 41, 1, /which is a table/);
    assertError(`x = 1\ny = {}\n${many}\n[x.z]`, 'key-is-value', 43, 2);
    assertError(`x = 1\ny = {}\n${many}\n[y.z]`, 'inline-table-extended', 43, 2);
    assertError(`${many}\n[t9]\nv = 1`, 'duplicate-table', 41, 1);
    const special = parse(`${many}\n[__proto__]\na = 1\n[__proto__.x]\nb = 2\n[toString.y]`);
    assert.equal(Object.getPrototypeOf(special), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(special, '__proto__')?.value, {
      a: 1,
      x: { b: 2 },
    });
    assert.deepEqual(special['toString'], { y: {} });
    assertPlain(special);
    assertError(
      `${nested}\n[p]\nt5 = 1`,
      'duplicate-key',
      42,
      1,
      /duplicate key 't5' in table \[p\]/,
    );
  });

  it('inside an inline table, by dotted keys', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}.x = ${i}`).join(', ');
    const doc = parse(`a = { ${keys}, k3.y = 3, k11.z.w = 1 }\nb = [{ ${keys} }, { ${keys} }]`);
    assertPlain(doc);
    const a = doc['a'] as Record<string, Record<string, unknown>>;
    assert.equal(Object.keys(a).length, 12);
    assert.deepEqual(a['k3'], { x: 3, y: 3 });
    assert.deepEqual(a['k11'], { x: 11, z: { w: 1 } });
    assert.deepEqual((doc['b'] as unknown[])[1], (doc['b'] as unknown[])[0]);
    assertError(`a = { ${keys}, k3 = 1 }`, 'duplicate-key', 1, keys.length + 9);
  });

  it('leaves plain data when recovering from errors inside them', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}.x = ${i}`).join(', ');
    const { document, errors } = parseLocatedRecovering(
      `bad = { ${keys}, oops }\nlater = { ${keys} }\n${many}\n[t4.more]\nq = 1`,
    );
    assert.equal(errors.length, 1);
    assertPlain(document.value);
    assert.deepEqual((document.value['t4'] as Record<string, unknown>)['more'], { q: 1 });
    assert.equal(Object.keys(document.value['later'] as object).length, 12);
    // Nodes of the failed inline table are reused by the next ones, some as inline tables.
    const again = parseLocatedRecovering(
      `bad = { ${keys}, oops }\nlater = { a = { b = 1 }, c = { d = 1 } }\n${many}\n[t20.x`,
    );
    assert.equal(again.errors.length, 2);
    assertPlain(again.document.value);
    assert.deepEqual(again.document.value['later'], { a: { b: 1 }, c: { d: 1 } });
    // The unterminated header leaves nothing, not even the parent it names.
    assert.equal(Object.hasOwn(again.document.value, 't20'), false);
  });
});

describe('syntax errors', () => {
  it('point at the exact character', () => {
    assertError('a = "abc', 'unterminated-string', 1, 5, /unterminated basic string/);
    assertError('a = "ab\ncd"', 'newline-in-string', 1, 5);
    assertError('a = """abc', 'unterminated-string', 1, 5);
    assertError("a = '''abc", 'unterminated-string', 1, 5);
    assertError('a = "x\\qy"', 'invalid-escape', 1, 7, /\\q/);
    assertError('a = "\\u12"', 'invalid-escape', 1, 6);
    assertError('a = "\\uD800"', 'invalid-escape', 1, 6, /not a Unicode scalar value/);
    assertError('a = "\\e"', 'version-1.1-only', 1, 6, undefined, { version: '1.0' });
    assertError('a = "\\x41"', 'version-1.1-only', 1, 6, undefined, { version: '1.0' });
    assertError('a = """\\  x"""', 'invalid-escape', 1, 8, /line-ending backslash/);
    assertError('a = 1\r', 'bare-carriage-return', 1, 6);
    assertError('a = "\u0001"', 'control-character', 1, 6, /U\+0001/);
    assertError('# ok\n# bad \u007f', 'control-character', 2, 7);
    assertError('a = "\uD800"', 'lone-surrogate', 1, 6);
    assertError('# \uDC00', 'lone-surrogate', 1, 3);
    assertError('a = 1 2', 'expected-newline', 1, 7);
    assertError('a 1', 'expected-equals', 1, 3);
    assertError('= 1', 'expected-key', 1, 1);
    assertError('a = ', 'expected-value', 1, 5);
    assertError('a = [1 2]', 'expected-comma', 1, 8);
    assertError('a = [1,', 'unterminated-array', 1, 5);
    assertError('a = {b = 1', 'unterminated-inline-table', 1, 5);
    assertError('a = {b = 1 c = 2}', 'expected-comma', 1, 12);
    assertError('[a', 'unterminated-table-header', 1, 3);
    assertError('[[a]', 'unterminated-table-header', 1, 4);
    assertError('[a b]', 'unexpected-token', 1, 4);
    assertError('a = 01', 'invalid-integer', 1, 5, /leading zeros/);
    assertError('a = 1__0', 'invalid-integer', 1, 6);
    assertError('a = 0x', 'invalid-integer', 1, 5);
    assertError('a = 0xG', 'invalid-integer', 1, 7);
    assertError('a = -0x1', 'invalid-integer', 1, 5, /sign/);
    assertError('a = 1.', 'invalid-float', 1, 7);
    assertError('a = 1e', 'invalid-float', 1, 7);
    assertError('a = 1.5x', 'invalid-float', 1, 8);
    assertError('a = 12x', 'invalid-integer', 1, 7);
    assertError('a = TRUE', 'invalid-value', 1, 5, /lowercase/);
    assertError('a = yes', 'invalid-value', 1, 5, /quotes/);
    assertError('a = +inff', 'invalid-value', 1, 5);
    assertError('a = 1979-05-27X', 'invalid-datetime', 1, 15);
    assertError('a = 1979-05-27T07:32:00+0700', 'invalid-datetime', 1, 27);
    assertError('a = """x""""""', 'unterminated-string', 1, 14);
    assertError('a = """x"""""""', 'expected-newline', 1, 14);
    assertError('"""a""" = 1', 'expected-key', 1, 1, /multi-line/);
    assertError('a = {\nb = 1}', 'version-1.1-only', 1, 6, undefined, { version: '1.0' });
    assertError('a = {b = 1,}', 'version-1.1-only', 1, 11, undefined, { version: '1.0' });
    assertError('a = \u00e9', 'invalid-character', 1, 5);
    assertError('k\u00e9y = 1', 'invalid-character', 1, 2, /quote other keys/);
  });

  it('say an array or inline table was never closed, at its bracket, when a statement follows', () => {
    // The element's error (`expected ','` at the key) was on the next statement's line.
    const cases: [string, TomlErrorCode, number, number, RegExp][] = [
      ['ports = ["a", "b"\nname = "x"\n', 'unterminated-array', 1, 9, /before the key on line 2/],
      ['ports = [1,\n"quoted" = 2\n', 'unterminated-array', 1, 9, /key on line 2/],
      ['a = [\n  1,\n  2,\n[server]\n', 'unterminated-array', 1, 5, /table header on line 4/],
      ['a = [[1], [2\n[[t]]\n', 'unterminated-array', 1, 11, /table header on line 2/],
      ['t = {a = 1\nname = "x"\n', 'unterminated-inline-table', 1, 5, /key on line 2/],
      // Keys after a comma could be more of it (TOML 1.1); the first starts the next statement.
      ['t = {a = 1,\nk = 2\nj = 3\n', 'unterminated-inline-table', 1, 5, /key on line 2/],
      ['t = {a = 1,\nk = 2', 'unterminated-inline-table', 1, 5, /key on line 2/],
    ];
    for (const [text, code, line, column, message] of cases) {
      assertError(text, code, line, column, message);
      assertError(text, code, line, column, message, { version: '1.0' });
    }
    // Not where the line closes the brackets, nor in an inline table written over lines
    // (its lines are keys), nor for a line that is not a whole header or key.
    assertError('t = {a = 1,\na = 2}\n', 'duplicate-key', 2, 1);
    assertError('t = {\n  a = 1\n  b = 2\n}\n', 'expected-comma', 3, 3);
    assertError('a = [\n  1\n  [2, 3]\n]\n', 'expected-comma', 3, 3);
    assertError('a = [\n  1\n  {b = 2}\n]\n', 'expected-comma', 3, 3);
    assertError('a = [1\n[t] x\n', 'expected-comma', 2, 1);
  });

  it('say an inline table left open at the end of a TOML 1.0 file is unterminated', () => {
    // It said that newlines inside an inline table need TOML 1.1: it is invalid in 1.1 too.
    const v10 = { version: '1.0' } as const;
    assertError('a = {b = 1\n', 'unterminated-inline-table', 1, 5, /expected '}'/, v10);
    assertError('a = {b = 1,\n\n', 'unterminated-inline-table', 1, 5, /expected '}'/, v10);
    assertError('a = {b = {c = 1,\n', 'unterminated-inline-table', 1, 10, undefined, v10);
    // Closed, it is the newline that needs 1.1, also before a later 1.1 addition.
    assertError('a = {b = 1,\nc = 2}', 'version-1.1-only', 1, 12, /newlines/, v10);
    assertError('a = {b = 1,\nc = "\\e"}', 'version-1.1-only', 1, 12, /newlines/, v10);
    assertError('a = {b = 1,\nc = 2,}', 'version-1.1-only', 1, 12, /newlines/, v10);
    assertError('a = {b = {c = 1\n}}', 'version-1.1-only', 1, 16, /newlines/, v10);
    // A newline inside an array inside it is allowed in 1.0.
    assert.deepEqual(parse('a = {b = [\n1]}', v10), { a: { b: [1] } });
  });

  it('name the character after a backslash that starts no escape, in words', () => {
    // "invalid escape sequence \followed by newline": the words ran into the backslash.
    for (const [text, named] of [
      ['a = "\\q"', 'invalid escape sequence \\q'],
      ['a = "\\\n"', "invalid escape sequence: '\\' followed by newline"],
      ['a = "\\\r\n"', "invalid escape sequence: '\\' followed by carriage return"],
      ['a = "\\ "', "invalid escape sequence: '\\' followed by ' '"],
      ['a = "\\\t"', "invalid escape sequence: '\\' followed by tab"],
      ['a = "\\\u0001"', "invalid escape sequence: '\\' followed by U+0001"],
      ['a = "\\\u007f"', "invalid escape sequence: '\\' followed by U+007F"],
      ['a = "\\\u00e9"', "invalid escape sequence: '\\' followed by '\u00e9'"],
      ['a = "\\\u{1F600}"', "invalid escape sequence: '\\' followed by '\u{1F600}'"],
      ['a = "\\', "invalid escape sequence: '\\' followed by end of input"],
      ['a = """\\q"""', 'invalid escape sequence \\q'],
    ] as const) {
      const error = errorOf(text);
      assert.deepEqual([error.code, error.message], ['invalid-escape', named], text);
    }
  });

  it('report a control character at its own line and column in every kind of string and in comments', () => {
    for (const text of [
      'a = 1\ns = """\nfirst line\nx\u0001y"""\n',
      "a = 1\ns = '''\nfirst line\nx\u0001y'''\n",
      'a = 1\nb = 2\ns = ["", "x\u0001y"]\n',
      "a = 1\nb = 2\ns = {k = 'x\u0001y'}\n",
      'a = 1\n# first line\n# x\u0001y\n',
    ]) {
      const error = errorOf(text);
      const line = text.split('\n').findIndex((l) => l.includes('\u0001')) + 1;
      const column = text.split('\n')[line - 1]!.indexOf('\u0001') + 1;
      assert.deepEqual([error.code, error.line, error.column], ['control-character', line, column]);
      const recovered = parseLocatedRecovering(text).errors[0]!;
      assert.deepEqual([recovered.line, recovered.column], [line, column]);
    }
  });

  it('count columns in code points and end spans after the token', () => {
    const error = assertError('s = "\u{1F600}\u{1F600}" x', 'expected-newline', 1, 10);
    assert.equal(error.offset, 11);
    const dup = assertError('abc = 1\nabc = 2', 'duplicate-key', 2, 1);
    assert.deepEqual([dup.endLine, dup.endColumn, dup.endOffset], [2, 4, 11]);
  });

  it('render a code frame with a caret under the span', () => {
    const error = assertError('name = "x"\nport = 80x\n', 'invalid-integer', 2, 10);
    assert.equal(error.codeFrame(), '2 | port = 80x\n  |          ^');
    const dup = errorOf('key = 1\n\tkey = 2');
    assert.equal(dup.codeFrame(), '2 | \tkey = 2\n  | \t^^^');
    assert.match(String(dup), /^TomlError: .* \(line 2, column 2\)$/);
  });

  it('escape control characters in the source line, the caret under the same character', () => {
    // Raw, an escape sequence in an invalid document would drive the terminal of whoever
    // prints the error.
    const error = errorOf('a = "\u001b[2J\tx\u0007" y');
    assert.equal(error.code, 'control-character');
    const frame = error.codeFrame();
    assert.doesNotMatch(frame, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    assert.match(frame, /^1 \| a = "\\u001b\[2J\tx\\u0007" y\n/);
    const [source, caret] = frame.split('\n');
    assert.equal(source!.slice(caret!.indexOf('^'), caret!.lastIndexOf('^') + 1), '\\u001b');

    // Bidirectional overrides reorder the rest of the line as displayed: escaped too.
    const reordered = errorOf('a = 1 # \u202e\u2067 x\nb = 2x');
    assert.equal(reordered.codeFrame(), '2 | b = 2x\n  |      ^');
    const inLine = errorOf('a = "\u202e" 1x # \u2066');
    assert.equal(inLine.codeFrame(), '1 | a = "\\u202e" 1x # \\u2066\n  |              ^');
  });

  it('leave the byte-order mark out of the first line, as its columns do', () => {
    // Shown, the mark took a column on some terminals and put the caret off by one.
    for (const source of ['\uFEFFabc = 1x\n', new TextEncoder().encode('\uFEFFabc = 1x\n')]) {
      const error = errorOf(source);
      assert.deepEqual([error.line, error.column], [1, 8]);
      assert.equal(error.codeFrame(), '1 | abc = 1x\n  |        ^');
    }
    assert.equal(new LineIndex('\uFEFFa = 1\nb').lineText(1), 'a = 1');
    assert.equal(new LineIndex('\uFEFF\nb').lineText(1), '');
    assert.equal(parseLocated('\uFEFFa = 1\n').lineText(1), 'a = 1');
  });

  it('show a window of a long line, the caret under the same character', () => {
    for (const before of ['x', '\u{1F600}', '\t']) {
      const text = `a = [${'1, '.repeat(3000)}"${before.repeat(10)}", 1x]`;
      const error = errorOf(text);
      assert.equal(error.code, 'invalid-integer');
      const [source, caret] = error.codeFrame().split('\n');
      assert.ok(source!.length < 250 && source!.includes('…'), source);
      // The caret sits under the bad character, counting code points (tabs kept).
      const shown = Array.from(source!);
      const under = Array.from(caret!).indexOf('^');
      assert.equal(shown.slice(under - 1, under + 2).join(''), '1x]', `${source}\n${caret}`);
    }
  });

  it('reports invalid UTF-8 at its byte, after any earlier error', () => {
    const bytes = Uint8Array.of(
      0x61,
      0x3d,
      0x22,
      0xc3,
      0xa9,
      0x22,
      0x0a,
      0x62,
      0x3d,
      0x22,
      0xff,
      0x22,
    );
    const error = assertError(bytes, 'invalid-utf8', 2, 4, /0xFF/);
    assert.equal(error.byteOffset, 10);
    assert.equal(error.offset, 9);
    const earlier = Uint8Array.of(0x61, 0x3d, 0x3d, 0x0a, 0xff);
    assertError(earlier, 'expected-value', 1, 3);
    assertError(Uint8Array.of(0x61, 0x3d, 0xe2, 0x82), 'invalid-utf8', 1, 3, /truncated/);
    assertError(Uint8Array.of(0xed, 0xa0, 0x80), 'invalid-utf8', 1, 1);
    assertError(Uint8Array.of(0xc0, 0x80), 'invalid-utf8', 1, 1, /never appears/);
    assertError(Uint8Array.of(0x80), 'invalid-utf8', 1, 1, /continuation/);
    assertError(Uint8Array.of(0xf4, 0x90, 0x80, 0x80), 'invalid-utf8', 1, 1);
  });

  it('throws only TomlError for odd input', () => {
    for (const source of [
      '\u0000',
      '[',
      ']',
      '{',
      '}',
      '=',
      '.',
      ',',
      '"',
      "'",
      '\\',
      '#\n=',
      '[[]]',
      '[.]',
      'a.=1',
      'a..b=1',
      'a = [[[',
      'a = {{',
      '\r\n\r',
    ]) {
      errorOf(source);
    }
  });
});

describe('limits', () => {
  it('caps nesting depth with an error, never a stack overflow', () => {
    assertError('a = ' + '['.repeat(1_000_000), 'max-depth', 1, 261, /maximum of 256/);
    assertError('a = ' + '{b = '.repeat(100_000), 'max-depth', 1, 5 + 5 * 256);
    assertError('a' + '.a'.repeat(100_000) + ' = 1', 'max-depth', 1, 1 + 2 * 256);
    assertError('[a' + '.a'.repeat(100_000) + ']', 'max-depth', 1, 2 + 2 * 256);
    const nested = `a = ${'['.repeat(10)}${']'.repeat(10)}`;
    assertError(nested, 'max-depth', 1, 8, /maximum of 3/, { maxDepth: 3 });
    assert.deepEqual(parse(`a = ${'['.repeat(200)}${']'.repeat(200)}`)['a'] instanceof Array, true);
    const deep = parse(`a = ${'['.repeat(200)}${']'.repeat(200)}`, { maxDepth: 1000 });
    assert.ok(Array.isArray(deep['a']));
  });
});
