import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parse,
  parseLocated,
  parseLocatedRecovering,
  type LocatedArray,
  type LocatedDocument,
  type LocatedTable,
  type LocatedValue,
  type Span,
} from '../lib/toml/index.js';
import { LocatedTableNode } from '../lib/toml/located.js';
import { LineIndex, positionIn } from '../lib/toml/errors.js';
import { Random } from '../bench/random.js';
import { Rng } from './fuzz-support.js';

const source = [
  'title = "x" # comment', // 1
  'owner.name = "Tom"', // 2
  '[server]', // 3
  'ports = [ 80, 443 ]', // 4
  'limits = { cpu = 2.5, mem = "1G" }', // 5
  '[[storage.volumes]]', // 6
  'host = "/a"', // 7
  '[[storage.volumes]]', // 8
  "host = '/b'", // 9
  '[a.b.c]', // 10
  'when = 1979-05-27', // 11
].join('\n');

function text(doc: LocatedDocument, span: Span): string {
  return doc.source.slice(span.start, span.end);
}

function at(doc: LocatedDocument, span: Span): string {
  const p = doc.position(span.start);
  return `${p.line}:${p.column}`;
}

describe('parseLocated', () => {
  const doc = parseLocated(source);

  it('gives the same values as parse', () => {
    assert.deepEqual(doc.value, parse(source));
    assert.equal(doc.root.value, doc.value);
  });

  it('locates keys and values', () => {
    const title = doc.entry(['title'])!;
    assert.equal(text(doc, title), 'title');
    assert.equal(text(doc, title.node), '"x"');
    assert.equal(title.node.type, 'string');
    const cpu = doc.entry(['server', 'limits', 'cpu'])!;
    assert.equal(cpu.node.type, 'float');
    assert.equal(at(doc, cpu), '5:12');
    assert.equal(text(doc, cpu.node), '2.5');
    const port = doc.entry(['server', 'ports', 1])!;
    assert.equal(port.node.type, 'integer');
    assert.equal(text(doc, port.node), '443');
    assert.equal(at(doc, port.node), '4:15');
    const when = doc.entry(['a', 'b', 'c', 'when'])!;
    assert.equal(when.node.type, 'local-date');
    assert.equal(doc.entry(['nope']), undefined);
    assert.equal(doc.entry(['title', 'x']), undefined);
    assert.equal(doc.entry(['server', 'ports', 5]), undefined);
    assert.equal(doc.entry(['title', 0]), undefined);
  });

  it('locates tables by how they were defined', () => {
    const server = doc.entry(['server'])!.node as LocatedTable;
    assert.equal(server.origin, 'header');
    assert.equal(text(doc, server), '[server]');
    const owner = doc.entry(['owner'])!.node as LocatedTable;
    assert.equal(owner.origin, 'dotted');
    assert.equal(text(doc, owner), 'owner');
    const limits = doc.entry(['server', 'limits'])!.node as LocatedTable;
    assert.equal(limits.origin, 'inline');
    assert.equal(text(doc, limits), '{ cpu = 2.5, mem = "1G" }');
    const a = doc.entry(['a'])!.node as LocatedTable;
    assert.equal(a.origin, 'implicit');
    assert.equal(at(doc, a), '10:2');
    assert.equal(doc.root.origin, 'root');
    assert.deepEqual([doc.root.start, doc.root.end], [0, source.length]);
    assert.deepEqual([...doc.root.entries.keys()], ['title', 'owner', 'server', 'storage', 'a']);
  });

  it('locates each array-of-tables entry at its header', () => {
    const volumes = doc.entry(['storage', 'volumes'])!.node as LocatedArray;
    assert.equal(volumes.ofTables, true);
    assert.equal(volumes.items.length, 2);
    // The located node holds the very array of the result.
    const storage = doc.value['storage'] as Record<string, unknown>;
    assert.equal(volumes.value, storage['volumes']);
    assert.deepEqual(
      volumes.items.map((t) => at(doc, t)),
      ['6:1', '8:1'],
    );
    assert.equal((volumes.items[1] as LocatedTable).origin, 'array-element');
    assert.equal(text(doc, volumes.items[1]!), '[[storage.volumes]]');
    const host = doc.entry(['storage', 'volumes', 1, 'host'])!;
    assert.equal(text(doc, host.node), "'/b'");
    assert.equal(doc.lineText(9), "host = '/b'");
  });

  it('upgrades an implicit table defined later by a header', () => {
    const later = parseLocated('[a.b]\n[a]\nx = 1');
    const a = later.entry(['a'])!.node as LocatedTable;
    assert.equal(a.origin, 'header');
    assert.equal(later.source.slice(a.start, a.end), '[a]');
  });

  it('types every value', () => {
    const all = parseLocated(
      's = "a"\ni = 1\nf = 1.0\nb = true\no = 1979-05-27T00:00:00Z\nl = 1979-05-27T00:00:00\nd = 1979-05-27\nt = 00:00:00\na = []\nn = {}',
    );
    const types = [...all.root.entries.values()].map((e) => e.node.type);
    assert.deepEqual(types, [
      'string',
      'integer',
      'float',
      'boolean',
      'offset-date-time',
      'local-date-time',
      'local-date',
      'local-time',
      'array',
      'table',
    ]);
    const arr = all.entry(['a'])!.node as LocatedValue;
    assert.equal(arr.type, 'array');
  });

  it('throws the same errors as parse', () => {
    assert.throws(() => parseLocated('a = 1\na = 2'), /first defined at line 1, column 1/);
  });

  it('lists entries in definition order, by link and by key', () => {
    const keys: string[] = [];
    for (let e = doc.root.firstEntry; e !== null; e = e.next) keys.push(e.key);
    assert.deepEqual(keys, [...doc.root.entries.keys()]);
    assert.equal(doc.root.entries.get('server'), doc.entry(['server']));
    const big = parseLocated(Array.from({ length: 40 }, (_, i) => `k${i} = ${i}`).join('\n'));
    for (const table of [doc.root, big.root]) {
      for (let e = table.firstEntry; e !== null; e = e.next) assert.equal(table.entry(e.key), e);
      assert.equal(table.entry('missing'), undefined);
    }
    assert.equal(big.entry(['k39'])!.node.value, 39);
    const empty = parseLocated('').root;
    assert.equal(empty.firstEntry, null);
    assert.equal(empty.entries.size, 0);
  });
  it('gives no entry for an index that is not a whole number', () => {
    // 0.5 and NaN passed the range check and crashed reading the missing item's span.
    const doc = parseLocated('a = [1, 2]\n');
    assert.equal(doc.entry(['a', 1])?.node.value, 2);
    for (const index of [0.5, NaN, Infinity, -1, 2])
      assert.equal(doc.entry(['a', index]), undefined);
  });
});

describe('LocatedTableNode', () => {
  it('keeps its map by key in step with entries added after it was made', () => {
    const table = new LocatedTableNode({}, 'inline', 0, 0);
    const one: LocatedValue = { type: 'integer', value: 1, start: 0, end: 1 };
    table.add('a', 0, 1, one);
    assert.deepEqual([...table.entries.keys()], ['a']);
    table.add('b', 2, 3, one);
    assert.deepEqual([...table.entries.keys()], ['a', 'b']);
    assert.equal(table.entry('b'), table.entries.get('b'));
    assert.equal(table.firstEntry!.next, table.entry('b'));
  });
});

describe('parseLocatedRecovering', () => {
  it('keeps entries added after an error looked one up', () => {
    // The duplicate's message looks up the first definition by key; later keys must
    // still reach the table's entries, in order.
    const { document, errors } = parseLocatedRecovering('a = 1\na = 2\nb = 3');
    assert.deepEqual(
      errors.map((e) => [e.code, e.line, e.column]),
      [['duplicate-key', 2, 1]],
    );
    assert.match(errors[0]!.message, /first defined at line 1, column 1/);
    assert.deepEqual([...document.root.entries.keys()], ['a', 'b']);
    assert.equal(document.root.firstEntry!.next!.key, 'b');
    assert.deepEqual(document.value, { a: 1, b: 3 });
  });

  it('puts keys after a failed header in a table of their own, located too', () => {
    // Found by an adversarial review: the table for them had no located node, and the
    // first key after the header crashed the parse (and every manifest command). The
    // header that failed defines nothing, not even the parents it names.
    for (const [text, error, value] of [
      ['[a] x\nb = 2\n', 'expected-newline:1:5', {}],
      ['[workload]]\nname = "x"\n', 'expected-newline:1:11', {}],
      ['[a.]\nb = 1\n', 'expected-key:1:4', {}],
      ['[.a]\nb = 1\nc = 2\n', 'expected-key:1:2', {}],
    ] as const) {
      const { document, errors } = parseLocatedRecovering(text);
      assert.deepEqual(
        errors.map((e) => `${e.code}:${e.line}:${e.column}`),
        [error],
        text,
      );
      assert.deepEqual(document.value, value, text);
    }
  });

  it('leaves out the statement invalid UTF-8 cuts short, as parse does', () => {
    const bytes = (text: string, bad: number[]) =>
      Uint8Array.from([...Buffer.from(text, 'utf8'), ...bad, ...Buffer.from('b"\nc = 3\n')]);
    // The string is terminated in the file: only the bad byte is reported.
    const cut = parseLocatedRecovering(bytes('a = 1\nname = "a', [0xff]));
    assert.deepEqual(
      cut.errors.map((e) => [e.code, e.line, e.column]),
      [['invalid-utf8', 2, 10]],
    );
    assert.deepEqual(cut.document.value, { a: 1 });
    assert.throws(() => parse(bytes('a = 1\nname = "a', [0xff])), { code: 'invalid-utf8' });
    // Errors in complete statements before it are still reported; a byte-order mark and
    // a cut in the first statement leave an empty document.
    const earlier = parseLocatedRecovering(bytes('a = = 1\nname = "a', [0xc3]));
    assert.deepEqual(
      earlier.errors.map((e) => [e.code, e.line, e.column]),
      [
        ['expected-value', 1, 5],
        ['invalid-utf8', 2, 10],
      ],
    );
    const first = parseLocatedRecovering(bytes('\uFEFFname = "a', [0x80]));
    assert.deepEqual(
      [first.errors.map((e) => e.code), first.document.value],
      [['invalid-utf8'], {}],
    );
  });

  it('takes the sources parse takes, and rejects others with a TypeError', () => {
    // A number read as an empty document; an ArrayBuffer or DataView was decoded though
    // parse rejects it; null crashed reading its length.
    const bytes = new TextEncoder().encode('a = 1');
    for (const source of [42, null, undefined, {}, bytes.buffer, new DataView(bytes.buffer)]) {
      assert.throws(() => parse(source as unknown as string), TypeError);
      assert.throws(() => parseLocatedRecovering(source as unknown as string), TypeError);
    }
    assert.deepEqual(parseLocatedRecovering(bytes).document.value, { a: 1 });
  });

  it('reports at most maxErrors errors, and rejects a maxErrors that is no count', () => {
    const text = 'a = \nb = \nc = \n';
    assert.equal(parseLocatedRecovering(text, undefined, 2).errors.length, 2);
    assert.equal(parseLocatedRecovering(text, undefined, Infinity).errors.length, 3);
    // 0 and -1 gave one error; NaN every one; '1' one.
    for (const maxErrors of [0, -1, 1.5, NaN, '1'] as unknown as number[]) {
      assert.throws(() => parseLocatedRecovering(text, undefined, maxErrors), TypeError);
    }
  });

  it('leaves out an array of tables whose first element is too deep', () => {
    // Found by the span check of the fuzzer (with a small maxDepth): the array was made
    // before its element's depth was checked, so it stayed with no element (`{ a: [] }`,
    // located at the header of no element), and `[a.b]` under it threw a TypeError.
    for (const [text, errors, value] of [
      ['[[a]]\n', ['max-depth:1:3'], {}],
      ['[[a]]\nb = 1\n', ['max-depth:1:3'], {}],
      // The parent a header names is left out with the header (it stayed, empty).
      ['[[a]]\n[a.b]\n', ['max-depth:1:3', 'max-depth:2:4'], {}],
      ['[[a]]\n[[a.b]]\n', ['max-depth:1:3', 'max-depth:2:5'], {}],
    ] as const) {
      const result = parseLocatedRecovering(text, { maxDepth: 1 });
      assert.deepEqual(
        result.errors.map((e) => `${e.code}:${e.line}:${e.column}`),
        errors,
        text,
      );
      assert.deepEqual(result.document.value, value, text);
      // The tree holds what the value holds: no array of tables without an element.
      assert.deepEqual([...result.document.root.entries.keys()], Object.keys(value), text);
    }
    // The same at the default depth, 256 tables down.
    const path = Array(256).fill('a').join('.');
    const deep = parseLocatedRecovering(`[[${path}]]\n[${path}.b]\n`);
    assert.deepEqual(
      deep.errors.map((e) => `${e.code}:${e.line}:${e.column}`),
      ['max-depth:1:513', 'max-depth:2:514'],
    );
  });

  it('completes arrays of tables when an array value was left unfinished', () => {
    const { document, errors } = parseLocatedRecovering(
      '[[x]]\nk = 1\nbad = [1, 2, @]\n[[x]]\nk = 2',
    );
    assert.equal(errors.length, 1);
    assert.deepEqual(document.value, { x: [{ k: 1 }, { k: 2 }] });
    const x = document.entry(['x'])!.node as LocatedArray;
    assert.equal(x.value, document.value['x']);
    assert.deepEqual(
      x.items.map((t) => at(document, t)),
      ['1:1', '4:1'],
    );
  });
});

describe('LineIndex', () => {
  it('gives the text of lines that exist, and a RangeError for others', () => {
    // Line 0, 99 or 1.5 gave the text of the last line.
    const index = new LineIndex('a\r\nb\n\nc');
    assert.deepEqual(
      [1, 2, 3, 4].map((line) => index.lineText(line)),
      ['a', 'b', '', 'c'],
    );
    for (const line of [0, -1, 5, 1.5, NaN]) assert.throws(() => index.lineText(line), RangeError);
    assert.throws(() => parseLocated('a = 1').lineText(2), RangeError);
  });

  it('gives the position positionIn counts, far into long lines too', () => {
    const random = new Random(7);
    const pieces = ['x', '\n', '\r\n', '\u{1F600}', '\uD800', '\uDC00', '\uFEFF', 'é', '\t'];
    for (let round = 0; round < 30; round++) {
      const parts = random.chance(0.5) ? ['\uFEFF'] : [];
      const length = random.int(0, 2000);
      // Some texts are one line, so that lookups land far from the line start.
      const oneLine = random.chance(0.3);
      for (let i = 0; i < length; i++) {
        const piece = random.chance(0.6) ? 'x' : random.pick(pieces);
        parts.push(oneLine && piece.endsWith('\n') ? 'y' : piece);
      }
      const text = parts.join('');
      const index = new LineIndex(text);
      for (let offset = 0; offset <= text.length + 1; offset++) {
        const { line, column } = positionIn(text, offset);
        assert.deepEqual(index.position(offset), { offset, line, column }, `round ${round}`);
      }
    }
  });

  it('does not walk a long line again for each lookup on it', () => {
    // Counting the characters read catches a quadratic walk without timing anything: a
    // lookup may count the few hundred columns before it, not the whole line.
    const line = 'x\u{1F600}'.repeat(10_000);
    let reads = 0;
    const text = {
      length: line.length,
      charCodeAt(i: number) {
        reads++;
        return line.charCodeAt(i);
      },
      indexOf: (search: string, from?: number) => line.indexOf(search, from),
    } as unknown as string;
    const index = new LineIndex(text);
    let lookups = 0;
    for (let offset = 0; offset <= line.length; offset += 10, lookups++) {
      // Each 'x' and pair is three units and two columns; a lone half counts as one.
      assert.equal(index.position(offset).column, 2 * Math.floor(offset / 3) + (offset % 3) + 1);
    }
    assert.ok(reads <= 2 * line.length + 512 * lookups, `${reads} reads for ${lookups} lookups`);
  });
});

describe('stringCharSpan', () => {
  /** Line, column and text of the span of `value[index]` for the string at `path`. */
  function charAt(text: string, path: (string | number)[], index: number) {
    const doc = parseLocated(text);
    const node = doc.entry(path)!.node;
    const span = doc.stringCharSpan(node, index);
    const { line, column } = doc.position(span.start);
    return [line, column, text.slice(span.start, span.end)];
  }

  it('points at a character of a string value where it is written, in every kind of string', () => {
    // The control character at index 13 of a multi-line value: its own line and column,
    // not the opening quotes and an index into a value the reader cannot see.
    const multiline = 'a = 1\ns = """\nfirst line\nx\\u0007y"""\n';
    assert.equal((parse(multiline)['s'] as string).indexOf('\u0007'), 12);
    assert.deepEqual(charAt(multiline, ['s'], 12), [4, 2, '\\u0007']);
    assert.deepEqual(charAt(multiline, ['s'], 10), [3, 11, '\n']);
    assert.deepEqual(charAt('s = """\r\nab\r\ncd"""', ['s'], 2), [2, 3, '\r\n']);
    assert.deepEqual(charAt("s = '''\nab\n\tc'''", ['s'], 3), [3, 1, '\t']);
    assert.deepEqual(charAt("s = 'ab\tc'", ['s'], 2), [1, 8, '\t']);
    assert.deepEqual(charAt('s = "ab\\u0007c"', ['s'], 2), [1, 8, '\\u0007']);
    assert.deepEqual(charAt('s = "ab\\u0007c"', ['s'], 3), [1, 14, 'c']);
    assert.deepEqual(charAt('s = "\\e\\x07\\n"', ['s'], 1), [1, 8, '\\x07']);
    assert.deepEqual(charAt('s = "\\e\\x07\\n"', ['s'], 2), [1, 12, '\\n']);
    // A pair is one character of two units; an escape of one outside the BMP too.
    assert.deepEqual(charAt('s = "\u{1F600}\\U0001F600\\b"', ['s'], 1), [1, 6, '\u{1F600}']);
    assert.deepEqual(charAt('s = "\u{1F600}\\U0001F600\\b"', ['s'], 2), [1, 7, '\\U0001F600']);
    assert.deepEqual(charAt('s = "\u{1F600}\\U0001F600\\b"', ['s'], 4), [1, 17, '\\b']);
    // A line-ending backslash and what it trims are no character.
    assert.deepEqual(charAt('s = """a \\\n   \n  b\\tc"""', ['s'], 3), [3, 4, '\\t']);
    // In arrays and inline tables alike.
    assert.deepEqual(charAt('a = [1, { k = "x\\u0001" }]', ['a', 1, 'k'], 1), [1, 17, '\\u0001']);
  });

  it('spans, in order, exactly what decodes to each character of every string', () => {
    const rng = new Rng(17);
    let checked = 0;
    for (let round = 0; round < 200; round++) {
      const value = randomText(rng);
      for (const spelling of spellings(value)) {
        const text = `s = ${spelling}\n`;
        const doc = parseLocated(text);
        assert.equal(doc.value['s'], value, JSON.stringify(spelling));
        const node = doc.entry(['s'])!.node;
        let decoded = '';
        let last: Span | null = null;
        for (let i = 0; i < value.length; i++) {
          const span = doc.stringCharSpan(node, i);
          assert.ok(span.start >= node.start && span.end <= node.end, spelling);
          if (last !== null && span.start === last.start) continue; // the second half of a pair
          assert.ok(last === null || span.start >= last.end, `${spelling}: ${i}`);
          decoded += decode(text.slice(span.start, span.end), spelling.startsWith('"'));
          last = span;
          checked++;
        }
        assert.equal(decoded, value, spelling);
      }
    }
    assert.ok(checked > 1000, `${checked} characters`);
  });

  it('takes only a string node and an index of its value', () => {
    const doc = parseLocated('s = "ab"\nn = 1\ne = ""');
    const s = doc.entry(['s'])!.node;
    for (const index of [-1, 2, 0.5, NaN]) {
      assert.throws(() => doc.stringCharSpan(s, index), RangeError, String(index));
    }
    assert.throws(() => doc.stringCharSpan(doc.entry(['n'])!.node, 0), RangeError);
    assert.throws(() => doc.stringCharSpan(doc.entry(['e'])!.node, 0), RangeError);
    assert.throws(() => doc.stringCharSpan(doc.root, 0), RangeError);
  });
});

/** Random text with the characters that strings spell in more than one way. */
function randomText(rng: Rng): string {
  const pieces = ['a', ' ', '\t', '\n', '\u0001', '\u007f', '"', "'", '\\', 'é', '\u{1F600}'];
  let text = '';
  const length = rng.int(12);
  for (let i = 0; i < length; i++) text += rng.pick(pieces);
  return text;
}

/** Every way to write `value` as a TOML string that can (CRLF or LF, escapes or raw). */
function spellings(value: string): string[] {
  const escape = (c: string, forceU: boolean): string => {
    const code = c.codePointAt(0)!;
    if (!forceU) {
      if (c === '"') return '\\"';
      if (c === '\\') return '\\\\';
      if (c === '\n') return '\\n';
      if (c === '\t') return '\\t';
      if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
      return c;
    }
    return code > 0xffff
      ? `\\U${code.toString(16).padStart(8, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  };
  const chars = Array.from(value);
  const out = [
    `"${chars.map((c) => escape(c, false)).join('')}"`,
    `"${chars.map((c) => escape(c, true)).join('')}"`,
    // Raw newlines and tabs (LF or CRLF), after a line-ending backslash (which would trim
    // them at the start).
    `"""\\\n  ${chars.map((c, i) => (i === 0 ? escape(c, true) : c === '\n' || c === '\t' ? c : escape(c, false))).join('')}"""`,
    `"""\r\n${chars.map((c) => (c === '\n' ? '\r\n' : escape(c, false))).join('')}"""`,
  ];
  const literal = !/[\u0000-\u0008\u000a-\u001f\u007f']/u.test(value);
  if (literal) out.push(`'${value}'`);
  if (!/[\u0000-\u0008\u000b-\u001f\u007f]|'''/u.test(value) && !value.endsWith("'")) {
    out.push(`'''\n${value}'''`);
    if (!value.startsWith('\n')) out.push(`'''${value.replaceAll('\n', '\r\n')}'''`);
  }
  return out;
}

/** What the text of one span of a basic or literal string reads as. */
function decode(written: string, basic: boolean): string {
  if (written === '\r\n') return '\n';
  if (basic && written.startsWith('\\')) return parse(`v = "${written}"`)['v'] as string;
  return written;
}
