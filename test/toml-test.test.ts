/**
 * Every case the official toml-test suite lists for TOML 1.0 and 1.1, in process:
 * valid documents must give exactly the expected tagged JSON, invalid ones must be
 * rejected with a TomlError. No case is skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TomlError, parse } from '../lib/toml.js';
import { toTagged } from '../lib/tagged.js';
import { taggedEqual, tomlTestCases } from './helpers.js';

for (const version of ['1.0', '1.1'] as const) {
  describe(`toml-test ${version}`, () => {
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
