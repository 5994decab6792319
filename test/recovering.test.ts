/**
 * The recovering parse on untrusted input: its cost stays linear in the text however many
 * errors it reports (counted as the characters read to find positions, never timed), and
 * a statement it skips leaves nothing behind, in the value or in the located tree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parse,
  parseLocated,
  parseLocatedRecovering,
  tokenize,
  TokenKind,
  type LocatedDocument,
  type LocatedTable,
  type LocatedValue,
  type ParseOptions,
  type TomlError,
} from '../lib/toml/index.js';
import { lineAt, positionIn, positionWork } from '../lib/toml/errors.js';
import { parseManifest } from '../lib/index.js';
import { Rng, generateDocument, seedFor } from './fuzz-support.js';

/** The characters read to find positions while `run` runs. */
function positionCost(run: () => void): number {
  const before = positionWork.characters;
  run();
  return positionWork.characters - before;
}

function lines(n: number, line: (i: number) => string): string {
  return `${Array.from({ length: n }, (_, i) => line(i)).join('\n')}\n`;
}

/**
 * Position work allowed per character of the text: indexing its lines once, and for each
 * error counting its columns and cutting out its line (a few times the line's length).
 */
const WORK_PER_CHARACTER = 6;

describe('positions of many errors cost in proportion to the text', () => {
  // With positions counted from the start of the text for each error, 5,000 errors over
  // 5,000 lines read about 5,000 × 5,000 × 5 characters: thousands of times the bound.
  const N = 5_000;
  for (const [name, text] of [
    ['an error on every line', lines(N, (i) => `key_${i} = nope`)],
    ['a key defined again on every line', `key = -1\n${lines(N, (i) => `key = ${i}`)}`],
    ['a table defined again on every line', `[table]\n${lines(N, () => '[table]')}`],
    ['an array of tables appended to as a table', `[[t]]\n${lines(N, () => '[t]')}`],
    ['a dotted key through a value on every line', `v = 1\n${lines(N, (i) => `v.k${i} = 1`)}`],
    ['an inline table extended on every line', `[a]\nt = {}\n${lines(N, (i) => `t.k${i} = 1`)}`],
  ] as const) {
    it(`${name}, with no error limit`, () => {
      let errors: TomlError[] = [];
      const cost = positionCost(() => {
        errors = parseLocatedRecovering(text, undefined, Infinity).errors;
      });
      assert.equal(errors.length, N);
      const last = errors[N - 1]!;
      assert.equal(last.line, text.split('\n').length - 1);
      assert.ok(cost <= WORK_PER_CHARACTER * text.length, `${cost} for ${text.length} characters`);
    });
  }

  it('errors near the end of a large file: recovering, throwing, and read as a manifest', () => {
    // Comments, so that the manifest reader has nothing else to say about the lines.
    const valid = `[workload]\n${lines(99_999, (i) => `# line ${i} of a large file`)}`;
    const text = `${valid}${lines(100, (i) => `late_${i} = ?`)}`;
    let errors: TomlError[] = [];
    const recovering = positionCost(() => {
      errors = parseLocatedRecovering(text).errors;
    });
    assert.equal(errors.length, 100);
    assert.deepEqual([errors[99]!.line, errors[99]!.column], [100_100, 11]);
    assert.ok(recovering <= WORK_PER_CHARACTER * text.length, `recovering: ${recovering}`);
    const throwing = positionCost(() => {
      assert.throws(() => parse(text), { code: 'invalid-character', line: 100_001, column: 10 });
    });
    assert.ok(throwing <= WORK_PER_CHARACTER * text.length, `parse: ${throwing}`);
    // The manifest reader reports them all from one index.
    const manifest = positionCost(() => {
      const { diagnostics } = parseManifest(text);
      assert.equal(diagnostics.filter((d) => d.code === 'toml-invalid-character').length, 100);
    });
    assert.ok(manifest <= 2 * WORK_PER_CHARACTER * text.length, `parseManifest: ${manifest}`);
  });

  it('puts each error where counting from the start of the text puts it', () => {
    // Lines long enough for the far-column lookup, pairs, a byte-order mark, CRLF.
    const rng = new Rng(18);
    const pieces = ['x', 'é', '\u{1F600}', ' ', '"s"', '\t'];
    for (let round = 0; round < 20; round++) {
      const statements: string[] = [];
      for (let i = 0; i < 40; i++) {
        const long = rng.chance(0.2) ? rng.range(200, 400) : rng.range(0, 6);
        let junk = '';
        for (let k = 0; k < long; k++) junk += rng.pick(pieces);
        statements.push(
          rng.pick([
            `k${i} = 1 ${junk}`,
            `s${i} = "${junk}`,
            `k = ${i}`,
            `[t${i % 3}] ${junk}`,
            `ok${i} = "${junk.replaceAll('"', '')}"`,
            `n${i} = 1${junk.replaceAll(/\s/g, '')}`,
          ]),
        );
      }
      const text = `${rng.chance(0.5) ? '\uFEFF' : ''}${statements.join(rng.chance(0.5) ? '\r\n' : '\n')}`;
      for (const error of parseLocatedRecovering(text, undefined, Infinity).errors) {
        const start = positionIn(text, error.offset);
        const end = positionIn(text, error.endOffset);
        const what = `${error.code} at ${error.offset} in round ${round}`;
        assert.deepEqual([error.line, error.column], [start.line, start.column], what);
        if (error.endOffset > error.offset) {
          assert.deepEqual([error.endLine, error.endColumn], [end.line, end.column], what);
        }
        assert.equal(error.lineText, lineAt(text, error.offset), what);
      }
    }
  });
});

// ---- a skipped statement leaves nothing behind ---------------------------------------------

/** The located tree as plain data: every entry, origin and span, in order. */
function treeOf(value: LocatedValue): unknown {
  if (value.type === 'table') {
    const entries: unknown[] = [];
    for (let e = value.firstEntry; e !== null; e = e.next) {
      entries.push([e.key, e.start, e.end, treeOf(e.node)]);
    }
    // The map by key must agree with the list.
    assert.equal(value.entries.size, entries.length);
    return { table: value.origin, span: [value.start, value.end], entries };
  }
  if (value.type === 'array') {
    return {
      array: value.ofTables,
      span: [value.start, value.end],
      items: value.items.map(treeOf),
    };
  }
  return { [value.type]: value.value, span: [value.start, value.end] };
}

/** The recovering parse of `text` is the located parse of `expected` (same offsets). */
function assertRecoversTo(text: string, expected: string, codes: readonly string[]): void {
  const { document, errors } = parseLocatedRecovering(text, undefined, Infinity);
  assert.deepEqual(
    errors.map((e) => e.code),
    codes,
    text,
  );
  const clean = parseLocated(expected);
  assert.deepEqual(document.value, clean.value, text);
  assert.deepEqual(treeOf(document.root), treeOf(clean.root), text);
}

/** `text` with the lines numbered in `bad` (1-based) turned into spaces: same offsets. */
function blanked(text: string, bad: readonly number[]): string {
  return text
    .split('\n')
    .map((line, i) => (bad.includes(i + 1) ? ' '.repeat(line.length) : line))
    .join('\n');
}

describe('a statement the recovering parse skips leaves nothing behind', () => {
  const deepKey = `${Array(300).fill('a').join('.')} = 1`;
  for (const [name, text, bad, codes] of [
    ['a dotted key whose inline table fails', 'p.q = {r=1, r=2}\n', [1], ['duplicate-key']],
    ['a dotted key too deep', `${deepKey}\nb = 2\n`, [1], ['max-depth']],
    ['a value followed by more on its line', 'a = 1 x\na.b = 2\n', [1], ['expected-newline']],
    ['a dotted key followed by more', 'x = 0\na.b.c = 1 junk\n[a]\n', [2], ['expected-newline']],
    [
      'a dotted key through an implicit table, which stays implicit',
      '[x.y.z]\n[x]\ny.w = 1 oops\n[x.y]\nv = 2\n',
      [3],
      ['expected-newline'],
    ],
    [
      'a dotted key into a table already dotted',
      'a.b = 1\na.c = 1 oops\na.c = 2\n',
      [2],
      ['expected-newline'],
    ],
    [
      'a header over an implicit table, defined again later',
      '[a.b]\n[a] x\n[a]\nk = 1\n',
      [2],
      ['expected-newline'],
    ],
    // It was taken for a header when the statement before it was one: the keys after it
    // went to a table outside the document.
    [
      'a first token that fails, after a header',
      '[a]\n\u0001 = 1\nb = 2\n',
      [2],
      ['control-character'],
    ],
    // The open bracket took every line after it into the statement, up to a `]`.
    ['a header left open', '[a.b\n[c]\nk = [1]\n', [1], ['unterminated-table-header']],
    // An array or inline table left open took every line after it into its statement.
    [
      'an array left open, before a key',
      'ports = ["a", "b"\nname = "x"\n[t]\nk = 1\n',
      [1],
      ['unterminated-array'],
    ],
    [
      'an array left open over lines, before a header',
      'a = 1\nports = [\n  "a",\n  "[b]",\n# c\n[t]\nk = 1\n',
      [2, 3, 4],
      ['unterminated-array'],
    ],
    ['an inline table left open', 't = {a = 1\nname = "x"\n', [1], ['unterminated-inline-table']],
    [
      'an inline table left open after a comma, before keys it could take (TOML 1.1)',
      't = {a = 1,\nname = "x"\nk = 2\n',
      [1],
      ['unterminated-inline-table'],
    ],
    ['an error in an array left open', 'p = [1, 2 x\nname = "x"\n', [1], ['expected-comma']],
    ['a string left open in an array', 'p = ["a\nname = "x"\n', [1], ['newline-in-string']],
    // The stream splitter paused at the quote before the newline and read on to the next.
    ['a quote that ends the failed line', 'a = 1 x"\nb = 2\n', [1], ['expected-newline']],
    [
      'an error in an inline table written over lines: its key lines are its own',
      't = {\n  a = 1 x,\n  b = 2,\n}\nc = 3\n',
      [1, 2, 3, 4],
      ['expected-comma'],
    ],
    [
      'a missing comma in an inline table written over lines',
      't = {\n  a = 1\n  b = 2\n}\nc = 3\n',
      [1, 2, 3, 4],
      ['expected-comma'],
    ],
    [
      'a missing comma in an array of inline tables',
      'v = [\n  { h = 1 }\n  { h = 2 },\n]\nk = 1\n',
      [1, 2, 3, 4],
      ['expected-comma'],
    ],
    ['a header whose parents are new', '[p.q.r] x\n[s]\n', [1], ['expected-newline']],
    ['a header too deep', `[${Array(300).fill('h').join('.')}]\n[s]\n`, [1], ['max-depth']],
    ['a new array of tables', '[[arr]] x\n[[arr]]\nk = 1\n', [1], ['expected-newline']],
    [
      'an element of an array of tables',
      '[[arr]]\nk = 1\n[[arr]] x\n[[arr]]\nk = 3\n',
      [3],
      ['expected-newline'],
    ],
    [
      'the ninth table of a table (held by node from then on)',
      `${lines(8, (i) => `[t.c${i}]`)}[t.c8.x] oops\n[t.c8]\nk = 1\n[t.c0.sub]\nj = 1\n`,
      [9],
      ['expected-newline'],
    ],
    [
      'the ninth dotted table of the root',
      `${lines(8, (i) => `d${i}.k = ${i}`)}d8.k = 8 oops\nd8.j = 1\n`,
      [9],
      ['expected-newline'],
    ],
  ] as const) {
    it(name, () => assertRecoversTo(text, blanked(text, bad), codes));
  }

  it('the dotted tables of a failed statement stay open to later dotted keys', () => {
    // `y` would be closed by the header after it if the failed statement had made it dotted.
    const text = '[x.y.z]\n[x]\ny.w = 1 oops\n[x.y]\nv = 2\n';
    assertRecoversTo(text, blanked(text, [3]), ['expected-newline']);
    const { document } = parseLocatedRecovering('[x.y.z]\n[x]\ny.w = 1 oops\n');
    const y = document.entry(['x', 'y'])!.node as LocatedTable;
    assert.deepEqual([y.origin, y.start, y.end], ['implicit', 3, 4]);
  });

  for (const version of ['1.1', '1.0'] as const) {
    it(`is the parse of the document without them, for random TOML ${version} documents`, () => {
      assertRecoversRandomDocuments(version, version === '1.1' ? 3 : 4);
    });
  }
});

/**
 * Random valid documents with bad statements of every kind planted between their
 * statements (see `plantBadStatements`): the recovering parse reports each on its own
 * line and nothing else, and builds everything else, as `parse` does without them.
 */
function assertRecoversRandomDocuments(version: '1.0' | '1.1', stream: number): void {
  const iterations = Number(process.env['VOLT_RECOVER_ITERATIONS'] ?? 300);
  let planted = 0;
  const used = new Set<string>();
  for (let i = 0; i < iterations; i++) {
    const rng = new Rng(seedFor(18, stream, i));
    const options: ParseOptions = { integers: 'bigint', version };
    const doc = generateDocument(rng, { v11: version === '1.1', tomllibSafe: false });
    const result = plantBadStatements(rng, doc.text);
    planted += result.bad.length;
    for (const statement of result.statements) used.add(statement);
    const recovered = parseLocatedRecovering(result.text, options, Infinity);
    const what = `iteration ${i}:\n${result.text}`;
    assert.deepEqual(
      recovered.errors.map((e) => e.line),
      result.bad,
      `${what}\n${recovered.errors.map((e) => e.message).join('\n')}`,
    );
    // Removed, the lines leave the document as generated; blanked, its offsets too.
    assert.deepEqual(recovered.document.value, parse(doc.text, options), what);
    const clean = parseLocated(blanked(result.text, result.bad), options);
    assert.deepEqual(treeOf(recovered.document.root), treeOf(clean.root), what);
    assertSameBehaviour(recovered.document, clean, what);
  }
  assert.ok(planted >= iterations, `only ${planted} bad statements planted`);
  // Every bad line was planted.
  for (const statement of [...BAD_STATEMENTS, ...UNCLOSED, ...BAD_HEADERS]) {
    assert.ok(used.has(statement), `never planted: ${statement}`);
  }
}

/** Statements that fail wherever they stand, whatever the document defines. */
const BAD_STATEMENTS: readonly string[] = [
  'a = 1 junk',
  'a.b.c = 1 junk',
  'key.name = { x = 1, x = 2 }',
  'b.c = [1, 2,, 3]',
  'a.key = 1979-13-45',
  'c.d = "unterminated',
  `${Array(300).fill('a').join('.')} = 1`,
  'name.__proto__.z = { p = 1, p = 2 }',
  'x1 = = 2',
  '= 1',
  // Bad values, keys and escapes, control characters, a literal string left open.
  'v = nope',
  'w = [1, nope]',
  'a b = 1',
  '"k\u0001" = 1',
  'e = "a\\qb"',
  'e.f = "\\u12"',
  'c = "bell \u0007"',
  "c = 'bell \u0007'",
  'k = 1 # bell \u0007',
  "s = 'open",
];

/**
 * Arrays and inline tables left open: they end before the next line that starts a
 * statement, so none is planted right before a bad line that starts none (`= 1`).
 * Not an inline table whose `{` ends its line: written over lines (TOML 1.1), its lines
 * are keys, so the keys after it are taken as its own.
 */
const UNCLOSED: readonly string[] = [
  'ports = ["a", "b"',
  'ports = [1,',
  'x.y = [[1, 2], [3',
  'm = ["[not a header]",',
  'n = [',
  't = {a = 1',
  't = { a.b = "c",',
  'u = {a = [1, 2]',
  'w = [{a = 1}, {b = 2',
];

/** Headers that fail wherever they stand; planted only before a header or at the end. */
const BAD_HEADERS: readonly string[] = [
  '[a.b] junk',
  '[[a]] junk',
  '[key.name.',
  '[workload',
  '[[workload',
  '[a."b',
  `[${Array(300).fill('b').join('.')}]`,
  '[[c.d]]]',
];

/**
 * `text` (a valid document) with bad statements put on lines of their own between its
 * statements, the (1-based) numbers of those lines, and the statements planted.
 */
function plantBadStatements(
  rng: Rng,
  text: string,
): { text: string; bad: number[]; statements: string[] } {
  // Statement boundaries: the ends of newlines outside brackets and braces.
  const starts: { offset: number; header: boolean }[] = [{ offset: 0, header: false }];
  let depth = 0;
  for (const token of tokenize(text)) {
    if (token.kind === TokenKind.LeftBracket || token.kind === TokenKind.LeftBrace) depth++;
    else if (token.kind === TokenKind.DoubleLeftBracket) depth++;
    else if (token.kind === TokenKind.RightBracket || token.kind === TokenKind.RightBrace) depth--;
    else if (token.kind === TokenKind.DoubleRightBracket) depth--;
    else if (token.kind === TokenKind.Newline && depth === 0) {
      starts.push({ offset: token.end, header: false });
    }
  }
  for (const start of starts) {
    const rest = text.slice(start.offset).trimStart();
    start.header = rest === '' || rest.startsWith('[');
  }
  const out: string[] = [];
  const bad: number[] = [];
  let line = 1;
  let from = 0;
  const put = (piece: string) => {
    out.push(piece);
    for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) line++;
  };
  const planted: string[] = [];
  let unclosedBefore = false;
  for (const start of starts) {
    const between = text.slice(from, start.offset);
    put(between);
    from = start.offset;
    // Right after brackets left open (blank lines and comments between), only a line
    // that starts a statement would end them: plant nothing.
    if (unclosedBefore && between.replaceAll(/#[^\n]*/g, '').trim() === '') continue;
    unclosedBefore = false;
    // Not before a byte-order mark, which only the first line may start with.
    if (text.charCodeAt(start.offset) === 0xfeff || !rng.chance(0.3)) continue;
    const kind = start.header && rng.chance(0.5) ? 'header' : rng.pick(['statement', 'unclosed']);
    unclosedBefore = kind === 'unclosed';
    bad.push(line);
    const statement = rng.pick(
      kind === 'header' ? BAD_HEADERS : kind === 'unclosed' ? UNCLOSED : BAD_STATEMENTS,
    );
    planted.push(statement);
    put(`${statement}\n`);
  }
  put(text.slice(from));
  return { text: out.join(''), bad, statements: planted };
}

/** Both documents answer lookups the same (the map by key and `entry` included). */
function assertSameBehaviour(a: LocatedDocument, b: LocatedDocument, what: string): void {
  for (const key of Object.keys(b.value)) {
    const left = a.entry([key]);
    const right = b.entry([key]);
    assert.deepEqual([left?.start, left?.end], [right?.start, right?.end], `${key}: ${what}`);
  }
  assert.deepEqual([...a.root.entries.keys()], [...b.root.entries.keys()], what);
}
