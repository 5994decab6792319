/**
 * The recovering parse on untrusted input: its cost stays linear in the text however many
 * errors it reports (counted as the characters read to find positions, never timed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseLocatedRecovering, type TomlError } from '../lib/toml/index.js';
import { lineAt, positionIn, positionWork } from '../lib/toml/errors.js';
import { parseManifest } from '../lib/index.js';
import { Rng } from './fuzz-support.js';

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
