/** Every diagnostic code in the catalogue is exercised by a test that asserts it. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../lib/index.js';
import { projectRoot } from './helpers.js';

describe('diagnostic catalogue', () => {
  it('has a test asserting each code', () => {
    const tests = readdirSync(`${projectRoot}test`)
      .filter((f) => f.endsWith('.test.ts') && f !== 'catalogue.test.ts')
      .map((f) => readFileSync(`${projectRoot}test/${f}`, 'utf8'))
      .join('\n');
    // internal-error is only raised when the checker itself has a bug: nothing to provoke.
    const codes = Object.keys(DIAGNOSTIC_CODES).filter((code) => code !== 'internal-error');
    const untested = codes.filter((code) =>
      code === 'toml-syntax'
        ? !/'toml-[a-z-]+/.test(tests)
        : !tests.includes(`'${code}'`) && !tests.includes(`'${code} `),
    );
    assert.deepEqual(untested, []);
  });

  it('describes each code with a severity, a summary and an example', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      assert.match(code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(info.severity === 'error' || info.severity === 'warning');
      assert.ok(info.summary.length > 20, code);
      assert.ok(info.example.length > 0, code);
    }
  });
});
