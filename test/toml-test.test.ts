/**
 * Every case the official toml-test suite lists for TOML 1.0 and 1.1, in process:
 * valid documents must give exactly the expected tagged JSON, invalid ones must be
 * rejected with a TomlError. No case is skipped. The located parse of each case spans
 * exactly the text of every key and value (see `checkSpans`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TomlError, parse, parseLocated, parseLocatedRecovering } from '../lib/toml/index.js';
import { toTagged } from '../lib/toml/tagged.js';
import { type CheckContext, Rng, checkSpans, lexedText } from './fuzz-support.js';
import { needsTomlTest, taggedEqual, tomlTestCases } from './helpers.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

for (const version of ['1.0', '1.1'] as const) {
  describe(`toml-test ${version}`, needsTomlTest, () => {
    const cases = tomlTestCases(version);
    it('lists the expected number of cases', () => {
      assert.equal(cases.filter((c) => c.valid).length, version === '1.0' ? 210 : 220);
      assert.equal(cases.filter((c) => !c.valid).length, version === '1.0' ? 499 : 492);
    });
    it('accepts every valid case with exactly the expected values', () => {
      const failures: string[] = [];
      for (const testCase of cases.filter((c) => c.valid)) {
        const bytes = readFileSync(testCase.tomlPath);
        const expected: unknown = JSON.parse(readFileSync(testCase.jsonPath!, 'utf8'));
        try {
          const actual = toTagged(parse(new Uint8Array(bytes), { version, integers: 'bigint' }));
          const diff = taggedEqual(expected, actual);
          if (diff !== null) failures.push(`${testCase.name}: ${diff}`);
        } catch (error) {
          failures.push(`${testCase.name}: threw ${String(error)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
    it('locates every key, header and value of every valid case exactly', () => {
      const options = { version, integers: 'bigint' } as const;
      const ctx: CheckContext = { rng: new Rng(0), problems: [], stream: false };
      for (const testCase of cases.filter((c) => c.valid)) {
        const bytes = new Uint8Array(readFileSync(testCase.tomlPath));
        const text = lexedText(utf8.decode(bytes));
        checkSpans(ctx, `${testCase.name} (bytes)`, parseLocated(bytes, options), text, options);
        checkSpans(ctx, `${testCase.name} (text)`, parseLocated(text.text, options), text, options);
      }
      assert.deepEqual(ctx.problems, []);
    });
    it('locates exactly what the recovering parse keeps of every invalid case', () => {
      const options = { version, integers: 'bigint' } as const;
      const ctx: CheckContext = { rng: new Rng(0), problems: [], stream: false };
      for (const testCase of cases.filter((c) => !c.valid)) {
        const text = lexedText(utf8.decode(readFileSync(testCase.tomlPath)));
        const { document, errors } = parseLocatedRecovering(text.text, options);
        checkSpans(ctx, testCase.name, document, text, options, errors[0]);
      }
      assert.deepEqual(ctx.problems, []);
    });
    it('rejects every invalid case with a TomlError', () => {
      const failures: string[] = [];
      for (const testCase of cases.filter((c) => !c.valid)) {
        const bytes = readFileSync(testCase.tomlPath);
        try {
          parse(new Uint8Array(bytes), { version, integers: 'bigint' });
          failures.push(`${testCase.name}: accepted`);
        } catch (error) {
          if (!(error instanceof TomlError))
            failures.push(`${testCase.name}: threw ${String(error)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
