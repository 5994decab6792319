/**
 * The project configuration (volt-manifest.toml) and inline suppressions, run as a user
 * runs the CLI: exit status, stdout and stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeManifest } from '../lib/manifest/encode.js';
import { parseManifest } from '../lib/manifest/read.js';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

function run(args: string[], cwd: string, input = '') {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input,
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', VOLT_CAS_ROOT: '' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = mkdtempSync(join(tmpdir(), 'volt-cli-config-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let counter = 0;
/** A fresh directory holding `files`. */
function project(files: Record<string, string>): string {
  const dir = join(temp, `p${counter++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const GOOD = '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n';

interface Row {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

/** `file:line:column severity code` of each diagnostic of a JSON report. */
function rows(stdout: string): string[] {
  return (JSON.parse(stdout) as Row[]).map(
    (d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`,
  );
}

describe('volt-manifest.toml: finding it and the files it names', () => {
  it('is found walking up from the current directory; without a PATH, include and exclude choose the files', () => {
    const dir = project({
      'volt-manifest.toml': 'include = ["apps/**/*.toml", "base"]\nexclude = ["apps/old/**"]\n',
      'apps/a.toml': `${GOOD}a = 1\n`,
      'apps/deep/b.toml': `${GOOD}b = 1\n`,
      'apps/old/c.toml': `${GOOD}c = 1\n`,
      'base/d.toml': `${GOOD}d = 1\n`,
      'other/e.toml': `${GOOD}e = 1\n`,
      'apps/sub/volt-manifest.toml': 'not a manifest = at all\n',
    });
    const atRoot = run(['check', '--format', 'json'], dir);
    assert.equal(atRoot.status, 1, atRoot.stderr);
    assert.deepEqual(rows(atRoot.stdout), [
      'apps/a.toml:5:1 error unknown-key',
      'apps/deep/b.toml:5:1 error unknown-key',
      'base/d.toml:5:1 error unknown-key',
    ]);
    // From a directory below, the same files, named from there.
    const below = run(['check', '--format', 'json'], join(dir, 'apps', 'deep'));
    assert.equal(below.status, 1, below.stderr);
    assert.deepEqual(rows(below.stdout), [
      '../../apps/a.toml:5:1 error unknown-key',
      '../../apps/deep/b.toml:5:1 error unknown-key',
      '../../base/d.toml:5:1 error unknown-key',
    ]);
    // A walk of a PATH is filtered too (other/ is outside include); a file named is taken.
    const walked = run(['check', '--format', 'json', '.', 'apps/old/c.toml'], dir);
    assert.deepEqual(rows(walked.stdout), [
      'apps/a.toml:5:1 error unknown-key',
      'apps/deep/b.toml:5:1 error unknown-key',
      'base/d.toml:5:1 error unknown-key',
      'apps/old/c.toml:5:1 error unknown-key',
    ]);
    // --no-config: the whole tree, but never a volt-manifest.toml as a manifest.
    const all = run(['check', '--format', 'json', '--no-config', '.'], dir);
    assert.deepEqual(rows(all.stdout), [
      'apps/a.toml:5:1 error unknown-key',
      'apps/deep/b.toml:5:1 error unknown-key',
      'apps/old/c.toml:5:1 error unknown-key',
      'base/d.toml:5:1 error unknown-key',
      'other/e.toml:5:1 error unknown-key',
    ]);
    // Without a configuration, a PATH is still needed.
    const none = run(['check', '--no-config'], dir);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /'check' needs at least one PATH/);
  });

  it('says so when include finds nothing, or a directory gives nothing but what it excludes', () => {
    const dir = project({
      'volt-manifest.toml': 'include = ["apps/*.toml"]\nexclude = ["x.toml"]\n',
      'x.toml': GOOD,
    });
    const nothing = run(['check'], dir);
    assert.equal(nothing.status, 2);
    assert.match(
      nothing.stderr,
      /no files matching the include patterns of volt-manifest\.toml \('apps\/\*\.toml'\) were found/,
    );
    const walked = run(['check', '.'], dir);
    assert.equal(walked.status, 2);
    assert.match(
      walked.stderr,
      /no \*\.toml files found in the directory '\.' \(1 entry is left out by the include and exclude patterns of the configuration; --no-config takes it\)/,
    );
  });

  it('--config FILE is read instead; --no-config reads none; both, or a missing FILE, are usage errors', () => {
    const dir = project({
      'volt-manifest.toml': 'include = [1]\n',
      'strict.toml': 'include = ["apps/*.toml"]\n[rules]\nunknown-key = "off"\n',
      'apps/a.toml': `${GOOD}a = 1\n`,
    });
    const given = run(['check', '--config', 'strict.toml'], dir);
    assert.equal(given.status, 0, given.stdout + given.stderr);
    assert.match(given.stdout, /✔ 1 file checked, no problems/);
    const noConfig = run(['check', '--no-config', 'apps'], dir);
    assert.equal(noConfig.status, 1);
    const both = run(['check', '--config', 'strict.toml', '--no-config', 'apps'], dir);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /'--config' and '--no-config' exclude each other/);
    const missing = run(['check', '--config', 'nope.toml', 'apps'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the configuration: nope\.toml does not exist/);
  });

  it('fmt takes the files of include and exclude, and never the configuration itself', () => {
    const messy = '[workload]\nimage = "nginx"\nname = "web"\nmode = "container"\n';
    const dir = project({
      'volt-manifest.toml': 'exclude = ["keep/**"]\n',
      'apps/a.toml': messy,
      'keep/b.toml': messy,
    });
    const result = run(['fmt'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'formatted apps/a.toml\n');
    assert.equal(readFileSync(join(dir, 'apps/a.toml'), 'utf8'), GOOD);
    assert.equal(readFileSync(join(dir, 'keep/b.toml'), 'utf8'), messy);
    assert.equal(readFileSync(join(dir, 'volt-manifest.toml'), 'utf8'), 'exclude = ["keep/**"]\n');
  });
});

describe('volt-manifest.toml: a bad configuration is reported like a bad manifest', () => {
  const BAD = [
    'include = "apps/*.toml"', // 1: wrong type
    'exclud = ["x"]', // 2: unknown key
    'exclude = ["", "/abs/*.toml", "../up/*.toml", 3]', // 3
    'root = "nowhere"', // 4: not a directory
    'cas_root = 5', // 5
    '[rules]', // 6
    'unknown-keys = "warning"', // 7: unknown code
    'wrong-type = "warn"', // 8: bad severity
    'toml-duplicate-key = "off"', // 9: cannot be configured
    'config-wrong-type = "off"', // 10
    'capability-duplicate = 1', // 11
    '',
  ].join('\n');

  it('an empty cas_root and rules that are not a table, at their line and column', () => {
    const dir = project({
      'volt-manifest.toml': 'cas_root = ""\nrules = 1\n',
      'a.toml': GOOD,
    });
    const result = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.equal(result.status, 2, result.stderr);
    const found = JSON.parse(result.stdout) as Row[];
    assert.deepEqual(
      found.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.code}: ${d.message}`),
      [
        "1:12-14 config-invalid-value: cas_root: expected a directory, got ''",
        '2:9-10 config-wrong-type: rules: expected a table of severities by code, got an integer 1',
      ],
    );
  });

  it('every problem at its line and column, exit 2, in json, and nothing is checked', () => {
    const dir = project({ 'volt-manifest.toml': BAD, 'a.toml': `${GOOD}x = 1\n` });
    const result = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.equal(result.status, 2, result.stderr);
    const found = JSON.parse(result.stdout) as Row[];
    assert.deepEqual(
      found.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.severity} ${d.code}`),
      [
        '1:11-24 error config-wrong-type',
        '2:1-7 error config-unknown-key',
        '3:12-14 error config-invalid-value',
        '3:16-29 error config-invalid-value',
        '3:31-45 error config-invalid-value',
        '3:47-48 error config-wrong-type',
        '4:8-17 error config-invalid-value',
        '5:12-13 error config-wrong-type',
        '7:1-13 error config-unknown-code',
        '8:14-20 error config-invalid-value',
        '9:1-19 error config-invalid-value',
        '10:1-18 error config-invalid-value',
        '11:24-25 error config-wrong-type',
      ],
    );
    assert.ok(found.every((d) => d.file === 'volt-manifest.toml'));
    assert.deepEqual([...new Set(found.map((d) => d.code))].sort(), [
      'config-invalid-value',
      'config-unknown-code',
      'config-unknown-key',
      'config-wrong-type',
    ]);
    const messages = found.map((d) => d.message).join('\n');
    assert.match(
      messages,
      /unknown key 'exclud' in volt-manifest\.toml \(did you mean 'exclude'\?\)/,
    );
    assert.match(
      messages,
      /'unknown-keys' in \[rules\] is not a diagnostic code \(did you mean 'unknown-key'\?\)/,
    );
    assert.match(messages, /got "warn" \(did you mean 'warning'\?\)/);
    assert.match(
      messages,
      /'toml-duplicate-key' cannot be configured: a TOML syntax error cannot be turned off/,
    );
    assert.match(messages, /root: nowhere does not exist/);
    assert.match(
      result.stderr,
      /the configuration volt-manifest\.toml has problems; nothing was checked/,
    );
    assert.doesNotMatch(result.stdout, /a\.toml/);
  });

  it('the same in the human, github and sarif formats, and a syntax error as toml-*', () => {
    const dir = project({ 'volt-manifest.toml': BAD, 'syntax.toml': 'include = [\n' });
    const human = run(['check', 'x.toml'], dir);
    assert.equal(human.status, 2);
    assert.match(
      human.stdout,
      /^volt-manifest\.toml:1:11: error config-wrong-type include: expected an array of glob patterns \(strings\), got a string "apps\/\*\.toml"\n1 \| include = "apps\/\*\.toml"\n {2}\| {11}\^{13}\n/,
    );
    const github = run(['check', '--format', 'github', 'x.toml'], dir);
    assert.equal(github.status, 2);
    assert.match(
      github.stdout,
      /^::error file=volt-manifest\.toml,line=2,col=1,endLine=2,endColumn=7,title=config-unknown-key::/m,
    );
    const sarif = run(['check', '--format', 'sarif', 'x.toml'], dir);
    assert.equal(sarif.status, 2);
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: { results: { ruleId: string; level: string }[] }[];
      }
    ).runs[0]!.results;
    assert.equal(results.length, 13);
    assert.equal(results[0]!.ruleId, 'config-wrong-type');
    const syntax = run(['check', '--format', 'json', '--config', 'syntax.toml', 'x.toml'], dir);
    assert.equal(syntax.status, 2);
    assert.deepEqual(rows(syntax.stdout), ['syntax.toml:1:11 error toml-unterminated-array']);
  });

  it('stops fmt, json, resolve, digest and cas put with exit 2, the problems on stderr', () => {
    const dir = project({ 'volt-manifest.toml': 'roots = "."\n', 'a.toml': GOOD });
    for (const args of [
      ['fmt', 'a.toml'],
      ['json', 'a.toml'],
      ['resolve', 'a.toml'],
      ['digest', 'a.toml'],
      ['cas', 'put', 'a.toml'],
    ]) {
      const result = run(args, dir);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
      assert.match(
        result.stderr,
        /volt-manifest\.toml:1:1: error config-unknown-key unknown key 'roots' in volt-manifest\.toml \(did you mean 'root'\?\)\n1 \| roots = "\."\n/,
        args.join(' '),
      );
    }
  });
});

describe('volt-manifest.toml: [rules]', () => {
  const files = {
    'a.toml': `${GOOD}typo = 1\n[security]\ncapabilities = ["CAP_CHOWN", "CAP_CHOWN"]\n`,
  };

  it('a severity changes the report in every format, the summary and the exit status', () => {
    const dir = project({
      ...files,
      'volt-manifest.toml': '[rules]\nunknown-key = "warning"\ncapability-duplicate = "error"\n',
    });
    const json = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.deepEqual(rows(json.stdout), [
      'a.toml:5:1 warning unknown-key',
      'a.toml:7:30 error capability-duplicate',
    ]);
    assert.equal(json.status, 1);
    const human = run(['check', 'a.toml'], dir);
    assert.match(human.stdout, /a\.toml:5:1: warning unknown-key/);
    assert.match(human.stdout, /✖ 1 error, 1 warning in 1 file/);
    const github = run(['check', '--format', 'github', 'a.toml'], dir);
    assert.match(github.stdout, /^::warning file=a\.toml,line=5,.*title=unknown-key::/m);
    const sarif = run(['check', '--format', 'sarif', 'a.toml'], dir);
    const levels = (
      JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }
    ).runs[0]!.results.map((r) => `${r.ruleId} ${r.level}`);
    assert.deepEqual(levels, ['unknown-key warning', 'capability-duplicate error']);
  });

  it('"off" leaves a code out; --quiet, --max-warnings and the exit status follow', () => {
    const dir = project({
      ...files,
      'volt-manifest.toml': '[rules]\nunknown-key = "warning"\ncapability-duplicate = "off"\n',
    });
    const plain = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.equal(plain.status, 0, plain.stdout);
    assert.deepEqual(rows(plain.stdout), ['a.toml:5:1 warning unknown-key']);
    const quiet = run(['check', '--quiet', 'a.toml'], dir);
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stdout, '✔ 1 file checked, no problems\n');
    const capped = run(['check', '--quiet', '--max-warnings', '0', 'a.toml'], dir);
    assert.equal(capped.status, 1);
    assert.match(capped.stderr, /1 warning, more than --max-warnings 0/);
    // Without the configuration, the catalogue's severities.
    const unconfigured = run(['check', '--format', 'json', '--no-config', 'a.toml'], dir);
    assert.equal(unconfigured.status, 1);
    assert.deepEqual(rows(unconfigured.stdout), [
      'a.toml:5:1 error unknown-key',
      'a.toml:7:30 warning capability-duplicate',
    ]);
  });
});

describe('volt-manifest.toml: root and cas_root', () => {
  it('root is the default of --root for check, json --resolved, resolve and digest --resolved; the flag wins', () => {
    const dir = project({
      'volt-manifest.toml': 'root = "apps"\n',
      'apps/a.toml': 'extends = "../base.toml"\n[workload]\nname = "a"\n',
      'base.toml': '[workload]\nmode = "container"\nimage = "x"\n',
    });
    for (const args of [
      ['check', 'apps/a.toml'],
      ['json', '--resolved', 'apps/a.toml'],
      ['resolve', 'apps/a.toml'],
      ['digest', '--resolved', 'apps/a.toml'],
    ]) {
      const confined = run(args, dir);
      assert.equal(confined.status, 1, args.join(' '));
      assert.match(
        confined.stdout + confined.stderr,
        /extends-outside-root .*outside the root directory apps/,
        args.join(' '),
      );
      const flag = run([...args, '--root', '.'], dir);
      assert.equal(flag.status, 0, `${args.join(' ')}: ${flag.stdout}${flag.stderr}`);
      const noConfig = run([...args, '--no-config'], dir);
      assert.equal(noConfig.status, 0, `${args.join(' ')} --no-config`);
    }
  });

  it('neither root nor include reaches outside the directory of the configuration (it comes with the manifests)', () => {
    const dir = project({
      'outside.toml': 'secret = "outside the project"\n',
      'proj/a.toml': 'extends = "../outside.toml"\n[workload]\nname = "a"\n',
    });
    const proj = join(dir, 'proj');
    symlinkSync('..', join(proj, 'up'));
    for (const [config, problem] of [
      [
        'root = ".."\n',
        /1:8-12 error config-invalid-value root: \.\. is outside the directory of volt-manifest\.toml/,
      ],
      [
        'root = "up"\n',
        /1:8-12 error config-invalid-value root: up is outside the directory of volt-manifest\.toml/,
      ],
      [
        'include = ["\\\\.\\\\./*.toml"]\n',
        /1:12-27 error config-invalid-value include\[0\]: .* has a '\.\.' segment/,
      ],
      [
        'exclude = []\ninclude = ["x/\\\\.\\\\./\\\\.\\\\./*.toml"]\n',
        /2:12-36 error config-invalid-value include\[0\]: .* has a '\.\.' segment/,
      ],
    ] as [string, RegExp][]) {
      writeFileSync(join(proj, 'volt-manifest.toml'), config);
      for (const args of [['check'], ['check', 'a.toml'], ['fmt', '--check']]) {
        const result = run(args, proj);
        assert.equal(
          result.status,
          2,
          `${config} ${args.join(' ')}: ${result.stdout}${result.stderr}`,
        );
        const output = result.stdout + result.stderr;
        assert.doesNotMatch(output, /outside the project|secret/, `${config} ${args.join(' ')}`);
      }
      const json = run(['check', '--format', 'json', 'a.toml'], proj);
      const found = (JSON.parse(json.stdout) as Row[]).map(
        (d) => `${d.line}:${d.column}-${d.endColumn} ${d.severity} ${d.code} ${d.message}`,
      );
      assert.ok(
        found.some((row) => problem.test(row)),
        `${config}: ${found.join('\n')}`,
      );
    }
  });

  it('a volt-manifest.toml found that links to a file outside its directory is not read (its lines were quoted)', () => {
    const dir = project({
      'elsewhere/private.toml': 'token = "private-value"\n',
      'proj/a.toml': GOOD,
      'proj/shared/volt-manifest.toml': '[rules]\nunknown-key = "warning"\n',
    });
    const proj = join(dir, 'proj');
    symlinkSync(join(dir, 'elsewhere', 'private.toml'), join(proj, 'volt-manifest.toml'));
    const result = run(['check', 'a.toml'], proj);
    assert.equal(result.status, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /volt-manifest\.toml is a symbolic link to a file outside its directory: not read/,
    );
    assert.doesNotMatch(result.stderr, /private/);
    // Given with --config, it is read: the user chose it. A link inside the directory is too.
    const given = run(['check', '--config', 'volt-manifest.toml', 'a.toml'], proj);
    assert.match(given.stdout, /config-unknown-key unknown key 'token'/);
    rmSync(join(proj, 'volt-manifest.toml'));
    symlinkSync('shared/volt-manifest.toml', join(proj, 'volt-manifest.toml'));
    const inside = run(['check', 'a.toml'], proj);
    assert.equal(inside.status, 0, inside.stdout + inside.stderr);
  });

  it('include does not reach outside through a symbolic link: check reads nothing there, fmt writes nothing', () => {
    const dir = project({
      'outside.toml': 'secret = "outside the project"\n[workload]\nname = "x"\n',
      'proj/a.toml': GOOD,
    });
    const proj = join(dir, 'proj');
    symlinkSync('..', join(proj, 'up'));
    writeFileSync(
      join(proj, 'volt-manifest.toml'),
      'include = ["up/*.toml", "up/outside.toml", "a.toml"]\n',
    );
    const checked = run(['check', '--format', 'json'], proj);
    assert.equal(checked.status, 1, checked.stderr);
    assert.deepEqual(
      (JSON.parse(checked.stdout) as Row[]).map((d) => `${d.file} ${d.code} ${d.message}`),
      ['up/*.toml', 'up/outside.toml'].map(
        (p) =>
          `${p} file-unreadable ${p}: outside the directory of the configuration (through a symbolic link), not read`,
      ),
    );
    const formatted = run(['fmt'], proj);
    assert.equal(formatted.status, 1, formatted.stderr);
    assert.equal(formatted.stdout, '');
    assert.equal(
      readFileSync(join(dir, 'outside.toml'), 'utf8'),
      'secret = "outside the project"\n[workload]\nname = "x"\n',
    );
    // Named on the command line, a path through the link is the user's choice.
    const named = run(['check', '--format', 'json', 'up/outside.toml'], proj);
    assert.match(named.stdout, /unknown key 'secret'/);
  });

  it('cas_root is the store for cas put and for cas:// bases, relative to the configuration', () => {
    const base = '[workload]\nmode = "container"\nimage = "x"\n';
    const dir = project({
      'volt-manifest.toml': 'cas_root = "store"\n',
      'base.toml': base,
    });
    mkdirSync(join(dir, 'sub'));
    const put = run(['cas', 'put', '../base.toml'], join(dir, 'sub'));
    assert.equal(put.status, 0, put.stderr);
    const digest = encodeManifest(parseManifest(base).manifest);
    assert.match(put.stdout, /^cas:\/\/sha256:[0-9a-f]{64}\n$/);
    const hex = put.stdout.trim().slice('cas://sha256:'.length);
    assert.equal(readFileSync(join(dir, 'store', 'sha256', hex), 'utf8'), digest);
    writeFileSync(
      join(dir, 'child.toml'),
      `extends = "${put.stdout.trim()}"\n[workload]\nname = "c"\n`,
    );
    for (const args of [
      ['check', 'child.toml'],
      ['resolve', 'child.toml'],
    ]) {
      const found = run(args, dir);
      assert.equal(found.status, 0, `${args.join(' ')}: ${found.stdout}${found.stderr}`);
      const missing = run([...args, '--cas-root', 'elsewhere'], dir);
      assert.equal(missing.status, 1, args.join(' '));
      assert.match(missing.stdout + missing.stderr, /extends-not-found/);
    }
  });
});

describe('inline suppression: # volt-manifest: ignore[code, …]', () => {
  it('suppresses the codes it names for diagnostics that start on its line, and only those', () => {
    const text = [
      '[workload]',
      'name = "web"',
      'mode = "container"',
      'image = "nginx"',
      'imag = "x" # volt-manifest: ignore[unknown-key]',
      'other = "x" # volt-manifest: ignore[wrong-type, unknown-key]',
      'third = 1',
      '[network]',
      'ports = [ # volt-manifest: ignore[port-duplicate]',
      '  "8080:80", "8080:81",',
      ']',
      '',
    ].join('\n');
    const dir = project({ 'a.toml': text });
    const result = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.deepEqual(rows(result.stdout), [
      'a.toml:6:37 warning unused-suppression',
      'a.toml:7:1 error unknown-key',
      'a.toml:9:11 warning unused-suppression',
      'a.toml:10:14 error port-duplicate',
    ]);
    const found = JSON.parse(result.stdout) as Row[];
    assert.equal(found[0]!.code, 'unused-suppression');
    assert.equal(
      found[0]!.message,
      "unused suppression of 'wrong-type': it is not reported on line 6 (remove it from the list)",
    );
    assert.equal(found[0]!.endColumn, 47);
    assert.equal(
      found[2]!.message,
      "unused suppression: no 'port-duplicate' is reported on line 9 (remove the comment)",
    );
    assert.equal(result.status, 1);
  });

  it('needs codes: a blanket ignore and other text are errors, an unknown code a warning with a suggestion', () => {
    const text = [
      GOOD.trimEnd(),
      'a = 1 # volt-manifest: ignore',
      'b = 2 # volt-manifest: skip[unknown-key]',
      'c = 3 # volt-manifest: ignore[unknwn-key]',
      'd = 4 # volt-manifest: ignore[]',
      'e = 5 # volt-manifest: ignore[toml-duplicate-key, unknown-key]',
      '',
    ].join('\n');
    const dir = project({ 'a.toml': text });
    const result = run(['check', '--format', 'json', 'a.toml'], dir);
    const found = JSON.parse(result.stdout) as Row[];
    assert.deepEqual(
      found.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.severity} ${d.code}`),
      [
        '5:1-2 error unknown-key',
        '5:7-30 error suppression-invalid',
        '6:1-2 error unknown-key',
        '6:7-41 error suppression-invalid',
        '7:1-2 error unknown-key',
        '7:31-41 warning suppression-unknown-code',
        '8:1-2 error unknown-key',
        '8:7-32 error suppression-invalid',
        '9:31-49 error suppression-invalid',
      ],
    );
    assert.deepEqual([...new Set(found.map((d) => d.code))].sort(), [
      'suppression-invalid',
      'suppression-unknown-code',
      'unknown-key',
    ]);
    assert.match(
      found[1]!.message,
      /names no code: write the codes it ignores.*a blanket ignore is not allowed/,
    );
    assert.match(
      found[3]!.message,
      /is not a suppression: the only directive is 'ignore\[code, …\]'/,
    );
    assert.match(
      found[5]!.message,
      /'unknwn-key' is not a diagnostic code \(did you mean 'unknown-key'\?\)/,
    );
    assert.match(
      found[8]!.message,
      /'toml-duplicate-key' cannot be suppressed: a TOML syntax error cannot be turned off/,
    );
  });

  it('is found by the lexer: a # in a string is no comment; a syntax error is never suppressed', () => {
    const text = [
      GOOD.trimEnd(),
      's = "# volt-manifest: ignore[unknown-key]"',
      "t = '''",
      '# volt-manifest: ignore[unknown-key]',
      "'''",
      'name = "again" # volt-manifest: ignore[toml-duplicate-key]',
      '',
    ].join('\n');
    const dir = project({ 'a.toml': text });
    const result = run(['check', '--format', 'json', 'a.toml'], dir);
    assert.deepEqual(rows(result.stdout), [
      'a.toml:5:1 error unknown-key',
      'a.toml:6:1 error unknown-key',
      'a.toml:9:1 error toml-duplicate-key',
      'a.toml:9:40 error suppression-invalid',
    ]);
  });

  it('works in bases, on standard input and on the worker threads; [rules] can turn the warning off', () => {
    const files: Record<string, string> = {
      'base.toml':
        '[workload]\nmode = "container"\nimage = "x"\nold = 1 # volt-manifest: ignore[unknown-key]\n',
      'child.toml':
        'extends = "base.toml"\n[workload]\nname = "c"\nnew = 1 # volt-manifest: ignore[unknown-key, wrong-type]\n',
    };
    for (let i = 0; i < 70; i++)
      files[`many/m${String(i).padStart(2, '0')}.toml`] =
        `${GOOD}k = 1 # volt-manifest: ignore[unknown-key]\n`;
    files['many/z.toml'] = `${GOOD}k = 1 # volt-manifest: ignore[wrong-type]\n`;
    const dir = project(files);
    const child = run(['check', '--format', 'json', 'child.toml'], dir);
    assert.deepEqual(rows(child.stdout), ['child.toml:4:46 warning unused-suppression']);
    const stdin = run(
      ['check', '--format', 'json', '--stdin-filename', 'child.toml', '-'],
      dir,
      files['child.toml'],
    );
    assert.deepEqual(rows(stdin.stdout), ['child.toml:4:46 warning unused-suppression']);
    const many = run(['check', '--format', 'json', '--workers', '2', 'many'], dir);
    assert.deepEqual(rows(many.stdout), [
      'many/z.toml:5:1 error unknown-key',
      'many/z.toml:5:7 warning unused-suppression',
    ]);
    writeFileSync(join(dir, 'volt-manifest.toml'), '[rules]\nunused-suppression = "off"\n');
    const off = run(['check', 'child.toml'], dir);
    assert.equal(off.status, 0);
    assert.equal(off.stdout, '✔ 1 file checked, no problems\n');
  });
});
