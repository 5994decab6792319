/** `volt-manifest set`, `unset` and `check --fix` through the process boundary, on real files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

function run(args: string[], cwd: string, input = '') {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input,
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = mkdtempSync(join(tmpdir(), 'volt-edit-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let counter = 0;
/** A directory holding `app.toml` with `text`. */
function withFile(text: string | Uint8Array): { dir: string; file: string } {
  const dir = join(temp, `w${counter++}`);
  spawnSync('mkdir', [dir]);
  writeFileSync(join(dir, 'app.toml'), text);
  return { dir, file: join(dir, 'app.toml') };
}

const APP = [
  '# orders',
  '[workload]',
  'name = "orders"  # DNS name',
  'mode = "container"',
  'image = "registry.example.com/shop/orders:5.2.0"',
  '',
  '[resources]',
  'memory_limit = "2G"',
  '',
].join('\n');

describe('volt-manifest set and unset', () => {
  it('set writes the changed values only, keeping the file mode', () => {
    const { dir, file } = withFile(APP);
    chmodSync(file, 0o640);
    const result = run(
      [
        'set',
        'app.toml',
        'workload.image=registry.example.com/shop/orders:5.3.0',
        'resources.cpu_weight=200',
        'network.ports=["80:80"]',
      ],
      dir,
    );
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'updated app.toml\n');
    assert.equal(
      readFileSync(file, 'utf8'),
      APP.replace('5.2.0', '5.3.0').replace(
        'memory_limit = "2G"\n',
        'memory_limit = "2G"\ncpu_weight = 200\n\n[network]\nports = ["80:80"]\n',
      ),
    );
    assert.equal(statSync(file).mode & 0o777, 0o640);
  });

  it('--diff and --dry-run print the diff and write nothing', () => {
    const { dir, file } = withFile(APP);
    for (const flag of ['--diff', '--dry-run']) {
      const result = run(['set', flag, 'app.toml', 'workload.image=nginx:1.28'], dir);
      assert.equal(result.status, 0);
      assert.equal(
        result.stdout,
        [
          '--- a/app.toml',
          '+++ b/app.toml',
          '@@ -2,7 +2,7 @@',
          ' [workload]',
          ' name = "orders"  # DNS name',
          ' mode = "container"',
          '-image = "registry.example.com/shop/orders:5.2.0"',
          '+image = "nginx:1.28"',
          ' ',
          ' [resources]',
          ' memory_limit = "2G"',
          '',
        ].join('\n'),
      );
      assert.equal(readFileSync(file, 'utf8'), APP);
    }
  });

  it('refuses a result with new errors: exit 1, each shown in the edited text', () => {
    const { dir, file } = withFile(APP);
    const result = run(['set', 'app.toml', 'resources.cpu_weight=20000'], dir);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      [
        'app.toml:9:14: error cpu-weight-out-of-range cpu_weight 20000 is outside 1–10000',
        '9 | cpu_weight = 20000',
        '  |              ^^^^^',
        'app.toml: not written: 1 problem with the edit',
        '',
      ].join('\n'),
    );
    assert.equal(readFileSync(file, 'utf8'), APP);
  });

  it('refuses an unknown path or a value of the wrong type, naming the edit', () => {
    const { dir, file } = withFile(APP);
    const result = run(['unset', 'app.toml', 'workload.imag'], dir);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      "app.toml: error unknown-key unset workload.imag: unknown key 'imag' in [workload] (did you mean 'image'?) (at workload.imag)\n" +
        'app.toml: not written: 1 problem with the edit\n',
    );
    const typed = run(['set', 'app.toml', 'resources.cpu_weight=high', 'workload.name=x'], dir);
    assert.equal(typed.status, 1);
    assert.match(
      typed.stderr,
      /^app\.toml: error wrong-type set resources\.cpu_weight: expected an integer \(such as 200\), got 'high'/,
    );
    assert.match(typed.stderr, /not written: 1 problem with the edits\n$/);
    assert.equal(readFileSync(file, 'utf8'), APP);
  });

  it('unset removes a field with its line', () => {
    const { dir, file } = withFile(APP);
    const result = run(['unset', 'app.toml', 'resources.memory_limit', 'kernel'], dir);
    assert.equal(result.status, 0);
    assert.equal(readFileSync(file, 'utf8'), APP.replace('memory_limit = "2G"\n', ''));
    const again = run(['unset', 'app.toml', 'resources.memory_limit'], dir);
    assert.equal(again.status, 0);
    assert.equal(again.stderr, 'app.toml: unchanged\n');
  });

  it("'-' edits standard input to standard output", () => {
    const { dir } = withFile('');
    const result = run(['set', '-', 'workload.image=nginx:1.28'], dir, APP);
    assert.equal(result.status, 0);
    assert.equal(
      result.stdout,
      APP.replace('registry.example.com/shop/orders:5.2.0', 'nginx:1.28'),
    );
  });

  it('usage errors exit 2', () => {
    const { dir, file } = withFile(APP);
    for (const args of [
      ['set', 'app.toml'],
      ['set', 'app.toml', 'workload.image'],
      ['set', 'app.toml', '=x'],
      ['unset'],
      ['set', '--force', 'app.toml', 'a=b'],
    ]) {
      const result = run(args, dir);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^volt-manifest: /);
    }
    assert.equal(readFileSync(file, 'utf8'), APP);
  });

  it('--help and -h print the usage of set and unset, exit 0', () => {
    for (const [command, flag] of [
      ['set', '--help'],
      ['unset', '-h'],
    ] as const) {
      const result = run([command, flag], temp);
      assert.equal(result.status, 0);
      assert.match(result.stdout, new RegExp(`^Usage: volt-manifest ${command} `));
      assert.equal(result.stderr, '');
    }
    const empty = run(['unset', 'app.toml', ''], temp);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /'unset' needs a PATH, got ''/);
  });

  it('a file it cannot read or may not replace is left untouched, exit 1, saying why', () => {
    const { dir, file } = withFile(APP);
    const missing = run(['set', 'nope.toml', 'workload.name=y'], dir);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^nope\.toml does not exist: left untouched\n$/);
    const directory = run(['unset', '.', 'network'], dir);
    assert.equal(directory.status, 1);
    assert.match(directory.stderr, /is a directory: left untouched\n$/);
    chmodSync(file, 0o444);
    const readOnly = run(['set', 'app.toml', 'workload.name=y'], dir);
    assert.equal(readOnly.status, 1);
    assert.equal(readOnly.stderr, 'app.toml is read-only: left untouched\n');
    assert.equal(readFileSync(file, 'utf8'), APP);
    chmodSync(file, 0o644);
    linkSync(file, join(dir, 'other-name.toml'));
    const linked = run(['set', 'app.toml', 'workload.name=y'], dir);
    assert.equal(linked.status, 1);
    assert.match(linked.stderr, /^app\.toml has 2 hard links .*: left untouched\n$/);
    assert.equal(readFileSync(file, 'utf8'), APP);
  });

  it('a file that is not valid TOML or not UTF-8 is left untouched, exit 1', () => {
    const broken = withFile('[workload\nname = "x"\n');
    const result = run(['set', 'app.toml', 'workload.name=y'], broken.dir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^app\.toml:1:10: error toml-/);
    const bytes = withFile(new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]));
    const notText = run(['set', 'app.toml', 'workload.name=y'], bytes.dir);
    assert.equal(notText.status, 1);
    assert.match(
      notText.stderr,
      /error toml-invalid-utf8[\s\S]*not written: it is not UTF-8 text\n$/,
    );
    assert.deepEqual(
      [...readFileSync(bytes.file)],
      [0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a],
    );
  });
});

describe('volt-manifest check --fix', () => {
  const FIXABLE = [
    '[Workload]',
    'name = "web"',
    'mode = "container"',
    'image = "nginx"',
    '',
    '[resources]',
    'cpu_weigth = 100 # weight',
    '',
    '[storage]',
    'writable_layr = "x"',
    '',
  ].join('\n');

  it('applies the one-meaning fixes, lists them, reports what is left', () => {
    const { dir, file } = withFile(FIXABLE);
    const result = run(['check', '--fix', 'app.toml'], dir);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      [
        "app.toml:10:1: not fixed unknown-key: rename 'writable_layr' to 'writable_layer': the fixed text would have a new error: writable-layer-invalid writable layer 'x' is not one of overlay, tmpfs, none",
        "app.toml:1:2: fixed key-case: renamed 'Workload' to 'workload'",
        "app.toml:7:1: fixed unknown-key: renamed 'cpu_weigth' to 'cpu_weight'",
        'fixed 2 problems in 1 file',
        '',
      ].join('\n'),
    );
    assert.equal(
      result.stdout,
      [
        "app.toml:10:1: error unknown-key unknown key 'writable_layr' in [storage] (did you mean 'writable_layer'?)",
        '10 | writable_layr = "x"',
        '   | ^^^^^^^^^^^^^',
        '',
        '✖ 1 error, 0 warnings in 1 file (1 file checked)',
        '',
      ].join('\n'),
    );
    assert.equal(
      readFileSync(file, 'utf8'),
      FIXABLE.replace('[Workload]', '[workload]').replace('cpu_weigth', 'cpu_weight'),
    );
    // Nothing left to fix: the file stays as it is and the report is the same.
    const again = run(['check', '--fix', '--format', 'json', 'app.toml'], dir);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^app\.toml:10:1: not fixed unknown-key/);
    assert.equal((JSON.parse(again.stdout) as unknown[]).length, 1);
  });

  it('leaves a file it cannot read, decode or write for the check to report, and fixes the rest', () => {
    const { dir, file } = withFile(FIXABLE);
    writeFileSync(
      join(dir, 'bytes.toml'),
      Uint8Array.of(0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a),
    );
    writeFileSync(join(dir, 'locked.toml'), FIXABLE);
    chmodSync(join(dir, 'locked.toml'), 0o444);
    const result = run(
      [
        'check',
        '--fix',
        '--format',
        'json',
        'missing.toml',
        'bytes.toml',
        'locked.toml',
        'app.toml',
      ],
      dir,
    );
    assert.equal(result.status, 1);
    const lines = result.stderr.split('\n');
    assert.ok(
      lines.some((l) => /^locked\.toml is read-only: not fixed$/.test(l)),
      result.stderr,
    );
    assert.ok(lines.includes('fixed 2 problems in 1 file'), result.stderr);
    // The read-only file keeps its text; the others are reported by the check.
    assert.equal(readFileSync(join(dir, 'locked.toml'), 'utf8'), FIXABLE);
    assert.notEqual(readFileSync(file, 'utf8'), FIXABLE);
    const codes = (JSON.parse(result.stdout) as { file: string; code: string }[]).map(
      (d) => `${d.file} ${d.code}`,
    );
    assert.deepEqual(codes.slice(0, 2), [
      'missing.toml file-not-found',
      'bytes.toml toml-invalid-utf8',
    ]);
  });

  it('without --fix, check writes nothing; --fix takes no stdin', () => {
    const { dir, file } = withFile(FIXABLE);
    assert.equal(run(['check', 'app.toml'], dir).status, 1);
    assert.equal(readFileSync(file, 'utf8'), FIXABLE);
    const stdin = run(['check', '--fix', '-'], dir, FIXABLE);
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /option '--fix' rewrites files/);
  });
});
