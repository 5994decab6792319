/** The toml-test decoder interface, run as a user (or toml-test) would run it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // decode takes one FILE (issue 19); a second is a usage error.
    assert.equal(run(['toml', 'decode', 'one.toml', 'extra']).status, 2);
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

describe('volt-manifest toml json / get, and file arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toml-json-'));
  const file = join(dir, 'doc.toml');
  writeFileSync(
    file,
    '[workload]\nimage = "nginx:1.27"\nbig = 9007199254740993\nf = nan\nd = 1979-05-27T07:32:00Z\n' +
      '[[storage.volumes]]\nhost = "/srv"\nro = true\n' +
      '[labels]\n"app.k8s.io/name" = "x\\u001b[31m\\ny"\n__proto__ = 1\n',
  );

  it('writes plain JSON, integers exact as strings with --integers bigint', () => {
    const result = run(['toml', 'json', '--integers', 'bigint', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      JSON.stringify(
        {
          workload: {
            image: 'nginx:1.27',
            big: '9007199254740993',
            f: 'nan',
            d: '1979-05-27T07:32:00Z',
          },
          storage: { volumes: [{ host: '/srv', ro: true }] },
          labels: { 'app.k8s.io/name': 'x\u001b[31m\ny', ['__proto__']: '1' },
        },
        null,
        2,
      ) + '\n',
    );
    // A key named __proto__ stays a key of its table.
    assert.ok(Object.hasOwn(JSON.parse(result.stdout).labels, '__proto__'));
  });

  it('reads standard input for - or no FILE; integers are numbers by default', () => {
    for (const args of [
      ['toml', 'json'],
      ['toml', 'json', '-'],
    ]) {
      const result = run(args, 'a = 1\nb = [1.5, -inf]\n[t]\n');
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { a: 1, b: [1.5, '-inf'], t: {} });
    }
  });

  it('says where an integer cannot be a number, and which option keeps it', () => {
    const result = run(['toml', 'json', file]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n');
    assert.match(lines[0]!, /doc\.toml:3:7: error: integer 9007199254740993 is beyond/);
    assert.equal(
      lines[3],
      'hint: --integers bigint writes every integer exactly, as a string of its digits',
    );
  });

  it('prints one value by path: JSON, or a raw string with control characters escaped', () => {
    const get = (path: string, ...more: string[]) =>
      run(['toml', 'get', '--integers', 'bigint', file, path, ...more]);
    assert.deepEqual(get('workload.image'), { status: 0, stdout: '"nginx:1.27"\n', stderr: '' });
    assert.equal(get('workload.image', '--raw').stdout, 'nginx:1.27\n');
    assert.equal(get('storage.volumes[0].host').stdout, '"/srv"\n');
    assert.equal(get('storage.volumes[0]').stdout, '{\n  "host": "/srv",\n  "ro": true\n}\n');
    assert.equal(get('workload.big').stdout, '"9007199254740993"\n');
    assert.equal(get('labels."app.k8s.io/name"').stdout, '"x\\u001b[31m\\ny"\n');
    assert.equal(get("labels.'app.k8s.io/name'", '--raw').stdout, 'x\\u001b[31m\ny\n');
    assert.equal(get('labels.__proto__').stdout, '"1"\n');
  });

  it('says why a path has no value (exit 1) and where a PATH is malformed (exit 2)', () => {
    const get = (path: string) => run(['toml', 'get', '--integers', 'bigint', file, path]);
    const cases: [string, string][] = [
      ['storage.volumes[1].host', "'storage.volumes' has 1 element"],
      ['workload.image.x', "'workload.image' is not a table"],
      ['workload.nope', `'workload' has no key "nope"`],
      ['nope', 'the document has no key "nope"'],
      ['workload[0]', "'workload' is not an array"],
      ['labels.constructor', `'labels' has no key "constructor"`],
    ];
    for (const [path, why] of cases) {
      const result = get(path);
      assert.equal(result.status, 1, path);
      assert.equal(result.stdout, '', path);
      assert.equal(result.stderr, `${file}: error: no value at ${path}: ${why}\n`, path);
    }
    const malformed: [string, number][] = [
      ['storage..x', 9],
      ['[0]', 1],
      ['a.', 3],
      ['a[x]', 2],
      ['"unterminated', 1],
      ['a b', 2],
      ['', 1],
    ];
    for (const [path, column] of malformed) {
      const result = get(path);
      assert.equal(result.status, 2, path);
      assert.match(
        result.stderr,
        new RegExp(`^volt-manifest: bad PATH .* at column ${column}: `),
        path,
      );
    }
  });

  it('decode and encode read a file argument; a missing file is named', () => {
    const decoded = run(['toml', 'decode', file]);
    assert.equal(decoded.status, 0, decoded.stderr);
    const tagged = join(dir, 'tagged.json');
    writeFileSync(tagged, decoded.stdout);
    const encoded = run(['toml', 'encode', tagged]);
    assert.equal(encoded.status, 0, encoded.stderr);
    assert.deepEqual(run(['toml', 'decode'], encoded.stdout).stdout, decoded.stdout);
    const broken = join(dir, 'broken.toml');
    writeFileSync(broken, 'a = "x\n');
    assert.match(run(['toml', 'decode', broken]).stderr, /broken\.toml:1:5: error: /);
    const missing = run(['toml', 'json', join(dir, 'nope.toml')]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `${join(dir, 'nope.toml')} does not exist\n`);
  });

  it('rejects options of another subcommand and extra arguments (exit 2)', () => {
    for (const args of [
      ['toml', 'json', file, 'extra'],
      ['toml', 'get', file],
      ['toml', 'json', '--raw', file],
      ['toml', 'decode', '--integers', 'bigint', file],
      ['toml', 'json', '--integers', 'auto', file],
    ]) {
      const result = run(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
    }
  });
});
