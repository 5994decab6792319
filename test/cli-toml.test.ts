/** The toml-test decoder interface, run as a user (or toml-test) would run it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { needsTomlTest, projectRoot, taggedEqual, tomlTestCases } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

function run(args: string[], input: string | Uint8Array = '') {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('volt-manifest toml decode', () => {
  it('writes tagged JSON for valid TOML', () => {
    const result = run(['toml', 'decode'], 'a = 1\nb = 1.0\n[t]\nd = 1979-05-27\n');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      a: { type: 'integer', value: '1' },
      b: { type: 'float', value: '1' },
      t: { d: { type: 'date-local', value: '1979-05-27' } },
    });
  });

  it('exits 1 with <stdin>:LINE:COLUMN: error: MESSAGE first on stderr', () => {
    const result = run(['toml', 'decode'], 'a = 1\nb = "unterminated\n');
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n');
    assert.equal(lines[0], '<stdin>:2:5: error: basic string must end on the line it starts on');
    assert.equal(lines[1], '2 | b = "unterminated');
    assert.equal(lines[2], '  |     ^^^^^^^^^^^^^');
  });

  it('honours --toml-version', () => {
    assert.equal(run(['toml', 'decode', '--toml-version', '1.1'], 't = 07:32\n').status, 0);
    const old = run(['toml', 'decode', '--toml-version=1.0'], 't = 07:32\n');
    assert.equal(old.status, 1);
    assert.match(old.stderr, /^<stdin>:1:5: error: times without seconds need TOML 1.1/);
  });

  it('escapes control characters in messages and code frames', () => {
    // Raw in the source: escaped in the frame, the caret still under the character.
    const raw = run(['toml', 'decode'], 'a = "x\u001b]0;t\u0007" # \u2028\n');
    assert.equal(raw.status, 1);
    assert.equal(
      raw.stderr,
      '<stdin>:1:7: error: control character U+001B in basic string\n' +
        '1 | a = "x\\u001b]0;t\\u0007" # \\u2028\n' +
        '  |       ^^^^^^\n',
    );
    // Written as escapes, they reach messages that quote keys.
    const key = '"a\\nb\\u001b[31m"';
    const duplicate = run(['toml', 'decode'], `${key} = 1\n${key} = 2\n`);
    assert.equal(duplicate.status, 1);
    assert.equal(
      duplicate.stderr.split('\n')[0],
      '<stdin>:2:1: error: duplicate key "a\\nb\\u001b[31m" (first defined at line 1, column 1)',
    );
    const encode = run(
      ['toml', 'encode'],
      '{"a\\n::error::b\\u001b": {"type": "x", "value": "1"}}',
    );
    assert.equal(encode.status, 1);
    assert.equal(encode.stderr, "<stdin>: error: unknown type 'x' at a\\n::error::b\\u001b\n");
  });

  it(
    'agrees with toml-test on a sample of cases, through the process boundary',
    needsTomlTest,
    () => {
      const cases = tomlTestCases('1.1').filter((_, i) => i % 40 === 0);
      assert.ok(cases.length > 10);
      for (const testCase of cases) {
        const result = run(['toml', 'decode'], readFileSync(testCase.tomlPath));
        if (testCase.valid) {
          assert.equal(result.status, 0, `${testCase.name}: ${result.stderr}`);
          const expected: unknown = JSON.parse(readFileSync(testCase.jsonPath!, 'utf8'));
          assert.equal(taggedEqual(expected, JSON.parse(result.stdout)), null, testCase.name);
        } else {
          assert.equal(result.status, 1, testCase.name);
          assert.match(result.stderr, /^<stdin>:\d+:\d+: error: \S/, testCase.name);
        }
      }
    },
  );

  it('rejects usage errors with exit status 2', () => {
    assert.equal(run(['toml']).status, 2);
    assert.equal(run(['toml', 'frobnicate']).status, 2);
    assert.equal(run(['toml', 'decode', '--toml-version', '2.0']).status, 2);
    assert.equal(run(['toml', 'decode', '--bogus']).status, 2);
    assert.equal(run(['toml', 'decode', 'extra']).status, 2);
    assert.equal(run(['nope']).status, 2);
    assert.equal(run([]).status, 2);
  });

  it('prints usage on stderr without arguments, and names unknown options and commands', () => {
    const bare = run([]);
    assert.deepEqual([bare.status, bare.stdout], [2, '']);
    assert.match(bare.stderr, /^Usage: volt-manifest <command>/);
    const option = run(['--bogus']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /^volt-manifest: unknown option '--bogus'\n/);
    const typo = run(['chek', 'x.toml']);
    assert.equal(typo.status, 2);
    assert.match(
      typo.stderr,
      /^volt-manifest: unknown command 'chek' \(did you mean 'check'\?\)\n/,
    );
    for (const command of [
      'check',
      'fmt',
      'json',
      'from-json',
      'resolve',
      'digest',
      'toml',
      'cas',
    ]) {
      const help = run([command, '--help']);
      assert.equal(help.status, 0, command);
      assert.match(help.stdout, new RegExp(`^Usage: volt-manifest ${command}`), command);
    }
  });

  it('prints help and version', () => {
    const help = run(['toml', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /toml decode/);
    assert.equal(run(['--help']).status, 0);
    const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as {
      version: string;
    };
    assert.equal(run(['--version']).stdout.trim(), pkg.version);
  });
});
