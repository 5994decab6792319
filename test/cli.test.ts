/** The CLI run as a user runs it: a spawned process, real files in a temporary directory. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;
const examples = `${projectRoot}examples`;

function run(
  args: string[],
  options: { input?: string; cwd?: string; env?: Record<string, string> } = {},
) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? projectRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...options.env },
    // A command that hangs (say, opening a FIFO that has no writer) fails its test
    // instead of stopping the suite.
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = mkdtempSync(join(tmpdir(), 'volt-cli-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let counter = 0;
function workdir(): string {
  const dir = join(temp, `w${counter++}`);
  mkdirSync(dir);
  return dir;
}

const GOOD = '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n';

/**
 * Characters a terminal acts on (C0 but the line feed, DEL, C1, U+2028, U+2029) and the
 * bidirectional formatting characters, which reorder how a line displays.
 */
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** Fails if `text` could drive a terminal or fake a line (a CI workflow command). */
function assertTerminalSafe(text: string, what: string) {
  assert.doesNotMatch(text, RAW_CONTROL, what);
  assert.doesNotMatch(text, /^::/m, what);
}

describe('check', () => {
  it('shows a window of a long line under each problem, whatever their number', () => {
    // 12,000 duplicates in a list on one line: printing the whole line under each made
    // gigabytes of output, and the report failed (RangeError: Invalid string length).
    const dir = workdir();
    const list = Array.from({ length: 12_000 }, () => '"CAP_NET_ADMIN"').join(', ');
    writeFileSync(join(dir, 'long.toml'), `${GOOD}[security]\ncapabilities = [${list}]\n`);
    const result = run(['check', join(dir, 'long.toml')]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /internal error/);
    assert.match(result.stdout, /11999 warnings/);
    assert.ok(result.stdout.length < 12_000 * 600, `${result.stdout.length} characters`);
  });

  it('exits 0 on valid manifests and prints a summary', () => {
    const result = run(['check', 'examples/container.toml', 'examples/apps']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout, '✔ 2 files checked, no problems\n');
  });

  it('reports every problem with a code frame and exits 1', () => {
    const result = run(['check', 'examples/broken']);
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /^examples\/broken\/bad-port\.toml:8:21: error port-mapping-invalid port mapping '80:70000': container port 70000 is not from 1 to 65535\n8 \| ports = \["8080:80", "80:70000", "8080:81"\]\n  \|                     \^{10}\n/,
    );
    assert.match(
      result.stdout,
      /examples\/broken\/typo-key\.toml:4:1: error unknown-key unknown key 'imag' in \[workload\] \(did you mean 'image'\?\)/,
    );
    assert.match(
      result.stdout,
      /examples\/broken\/kvm-without-kernel\.toml:3:8: error kernel-path-required/,
    );
    assert.match(
      result.stdout,
      /extends-cycle extends cycle: examples\/broken\/cycle-a\.toml → examples\/broken\/cycle-b\.toml → examples\/broken\/cycle-a\.toml/,
    );
    // The cycle between cycle-a and cycle-b is reported once, and both are bases.
    assert.equal(result.stdout.match(/extends-cycle/g)?.length, 1);
    assert.match(
      result.stdout,
      /✖ 7 errors, 0 warnings in 5 files \(6 files checked, 2 bases\)\n$/,
    );
    assert.doesNotMatch(result.stdout, /\u001b\[/);
  });

  it('--exit-zero reports but exits 0 (npm start uses it)', () => {
    const result = run(['check', 'examples', '--exit-zero']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /✖ 7 errors, 0 warnings in 5 files \(13 files checked, 3 bases\)/);
  });

  it('--format json prints one array of diagnostics with every field', () => {
    const result = run(['check', '--format', 'json', 'examples/broken/wrong-type.toml']);
    assert.equal(result.status, 1);
    assert.deepEqual(JSON.parse(result.stdout), [
      {
        file: 'examples/broken/wrong-type.toml',
        line: 7,
        column: 14,
        endLine: 7,
        endColumn: 20,
        severity: 'error',
        code: 'wrong-type',
        message: 'resources.cpu_weight: expected an integer, got a string "high"',
        path: 'resources.cpu_weight',
      },
      {
        file: 'examples/broken/wrong-type.toml',
        line: 8,
        column: 12,
        endLine: 8,
        endColumn: 15,
        severity: 'error',
        code: 'wrong-type',
        message: 'resources.pids_max: expected an integer, got a float 1.5',
        path: 'resources.pids_max',
      },
    ]);
    assert.equal(run(['check', '--format=json', 'examples/container.toml']).stdout, '[]\n');
  });

  it('--format github prints workflow annotations', () => {
    const result = run(['check', '--format', 'github', 'examples/broken/typo-key.toml']);
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      // The misspelled key is the one problem: no nothing-to-run after it (issue 17).
      "::error file=examples/broken/typo-key.toml,line=4,col=1,endLine=4,endColumn=5,title=unknown-key::unknown key 'imag' in [workload] (did you mean 'image'?) (workload.imag)\n",
    );
  });

  it('reports unreadable, missing and binary files and still checks the rest', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'good.toml'), GOOD);
    writeFileSync(join(dir, 'binary.toml'), Buffer.from([0x00, 0xff, 0xfe, 0x01]));
    writeFileSync(join(dir, 'locked.toml'), GOOD);
    chmodSync(join(dir, 'locked.toml'), 0o000);
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(
      join(dir, 'nested', 'deeper', 'bad.toml'),
      `${GOOD}[resources]\ncpu_weight = 20000\n`,
    );
    writeFileSync(join(dir, 'nested', 'notes.txt'), 'not a manifest');
    spawnSync('mkfifo', [join(dir, 'fifo.toml')]);
    const result = run([
      'check',
      '--format',
      'json',
      dir,
      join(dir, 'missing.toml'),
      join(dir, 'fifo.toml'),
    ]);
    assert.equal(result.status, 1);
    const codes = (JSON.parse(result.stdout) as { file: string; code: string }[]).map(
      (d) => `${d.file.slice(dir.length + 1)} ${d.code}`,
    );
    const rootCanRead = process.getuid?.() === 0;
    // In input order: the directory's files, then the missing file where it was named
    // (it was reported first), then the FIFO.
    assert.deepEqual(codes, [
      'binary.toml toml-invalid-utf8',
      ...(rootCanRead ? [] : ['locked.toml file-unreadable']),
      'nested/deeper/bad.toml cpu-weight-out-of-range',
      'missing.toml file-not-found',
      'fifo.toml file-unreadable',
    ]);
    const fifo = (JSON.parse(result.stdout) as { file: string; message: string }[]).find((d) =>
      d.file.endsWith('fifo.toml'),
    );
    assert.match(fifo!.message, /fifo\.toml is not a regular file$/);
  });

  it('checks a large set with worker threads, results in input order', () => {
    const dir = workdir();
    const files: string[] = [];
    for (let i = 0; i < 150; i++) {
      const name = join(dir, `m${String(i).padStart(3, '0')}.toml`);
      writeFileSync(
        name,
        i % 50 === 7 ? `${GOOD}[resources]\npids_max = 5000000\n` : GOOD.replace('web', `web-${i}`),
      );
      files.push(name);
    }
    const pooled = run(['check', '--format', 'json', '--workers', '2', dir]);
    const single = run(['check', '--format', 'json', '--workers', '1', dir]);
    assert.equal(pooled.status, 1);
    assert.equal(pooled.stdout, single.stdout);
    const reported = (JSON.parse(pooled.stdout) as { file: string }[]).map((d) => d.file);
    assert.deepEqual(reported, [files[7], files[57], files[107]]);
  });

  it('colours only on a terminal and never with NO_COLOR', () => {
    // Spawned with a pipe, stdout is not a TTY: no colour whatever the flags.
    assert.doesNotMatch(run(['check', 'examples/broken/typo-key.toml']).stdout, /\u001b\[/);
    assert.doesNotMatch(
      run(['check', '--no-color', 'examples/broken/typo-key.toml'], { env: { NO_COLOR: '1' } })
        .stdout,
      /\u001b\[/,
    );
  });

  it('shows progress and colour on a terminal only', (t) => {
    if (spawnSync('script', ['--version']).status !== 0) {
      t.skip('no script(1) to give the process a terminal');
      return;
    }
    const dir = workdir();
    for (let i = 0; i < 250; i++)
      writeFileSync(join(dir, `m${i}.toml`), GOOD.replace('web', `w${i}`));
    const command = `${process.execPath} ${cli} check ${dir}`;
    const tty = spawnSync('script', ['-q', '-c', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '' },
    });
    assert.match(tty.stdout, /\rchecking \d+\/250/);
    assert.match(tty.stdout, /\u001b\[32m✔\u001b\[0m 250 files checked, no problems/);
    const noColor = spawnSync('script', ['-q', '-c', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.doesNotMatch(noColor.stdout, /\u001b\[3/);
    const piped = run(['check', dir]);
    assert.doesNotMatch(piped.stderr, /checking/);
  });

  it('escapes control characters from manifests and file names in human output', () => {
    const dir = workdir();
    const values = join(dir, 'values.toml');
    writeFileSync(
      values,
      '[workload]\nname = "x\\u001b]0;pwned\\u0007\\u001b[2J"\nmode = "container\\n::error::fake"\nimage = "i\\u009b\\u2028"\n',
    );
    const result = run(['check', values]);
    assert.equal(result.status, 1);
    assertTerminalSafe(result.stdout, 'check');
    assert.match(
      result.stdout,
      /workload name 'x\\u001b\]0;pwned\\u0007\\u001b\[2J' has '\\u001b'/,
    );
    assert.match(result.stdout, /mode 'container\\n::error::fake' is not one of/);
    // JSON escapes them itself: the values come through as they are.
    const json = JSON.parse(run(['check', '--format', 'json', values]).stdout) as {
      message: string;
    }[];
    assert.ok(json.some((d) => d.message.includes("mode 'container\n::error::fake'")));

    // Raw control characters in the source: escaped in the code frame, caret still under them.
    const raw = join(dir, 'raw.toml');
    writeFileSync(raw, `${GOOD}# \u001b[2J\rX\n`);
    const frame = run(['check', raw]);
    assert.equal(frame.status, 1);
    assertTerminalSafe(frame.stdout, 'code frame');
    assert.match(
      frame.stdout,
      /:5:3: error toml-control-character .*\n5 \| # \\u001b\[2J\\rX\n {2}\| {3}\^{6}\n/,
    );

    // Bidirectional overrides and isolates in a line shown: escaped, the caret moved.
    const bidi = join(dir, 'bidi.toml');
    writeFileSync(bidi, `${GOOD}[resources]\ncpu_weight = 20000 # \u202e1 = thgiew\u2066\n`);
    const reordered = run(['check', bidi]);
    assert.equal(reordered.status, 1);
    assertTerminalSafe(reordered.stdout, 'bidi code frame');
    assert.match(
      reordered.stdout,
      /:6:14: error cpu-weight-out-of-range .*\n6 \| cpu_weight = 20000 # \\u202e1 = thgiew\\u2066\n {2}\| {14}\^{5}\n/,
    );

    // A file name is user text too: in the location, in notes, and in fmt's messages.
    const named = join(dir, 'a\n::error::b\u001b[2J.toml');
    writeFileSync(named, `${GOOD}[resources]\ncpu_weight = 20000\n`);
    symlinkSync(named, join(dir, 'l\u0007.toml'));
    const names = run(['check', dir]);
    assertTerminalSafe(names.stdout, 'check names');
    assertTerminalSafe(names.stderr, 'check notes');
    assert.match(
      names.stdout,
      /a\\n::error::b\\u001b\[2J\.toml:6:14: error cpu-weight-out-of-range/,
    );
    assert.match(names.stderr, /l\\u0007\.toml: a symbolic link, not followed/);
    // fmt leaves a file whose problem the canonical form would drop, and says so by name.
    writeFileSync(named, `${GOOD}[resources]\ncpu_weight = "high"\n`);
    for (const args of [
      ['fmt', dir],
      ['fmt', '--check', dir],
      ['fmt', named],
    ]) {
      const fmt = run(args);
      assertTerminalSafe(fmt.stdout + fmt.stderr, args.join(' '));
      assert.match(fmt.stderr, /a\\n::error::b\\u001b\[2J\.toml: not formatted/, args.join(' '));
    }
    writeFileSync(named, GOOD.replace('name = "web"\n', '') + 'name = "web"\n');
    const listed = run(['fmt', '--check', named]);
    assert.equal(listed.stdout, `${join(dir, 'a\\n::error::b\\u001b[2J.toml')}\n`);
    // Whole writes are left alone: the help keeps its lines.
    assert.match(run(['fmt', '--help']).stdout, /^Usage: volt-manifest fmt.*\n\nRewrites/);

    const fromJson = run(['from-json', '-'], {
      input: '{"workload": {"name": "w", "mode": "c\\u001b[2J\\n::warning::x", "image": "i"}}',
    });
    // A bad mode is a problem of what is run: the manifest still converts (issue 17),
    // its problem printed, both streams safe.
    assert.equal(fromJson.status, 0);
    assertTerminalSafe(fromJson.stderr, 'from-json');
    assertTerminalSafe(fromJson.stdout, 'from-json output');
    assert.match(fromJson.stderr, /mode 'c\\u001b\[2J\\n::warning::x'/);
    const usage = run(['check', '--x\u001b[2J', values]);
    assert.equal(usage.status, 2);
    assertTerminalSafe(usage.stderr, 'usage');
  });

  it('escapes the same hostile text in every format and command', () => {
    // C0 (an OSC 52 clipboard write ended by BEL), DEL, C1 (U+0085, U+009B CSI), U+2028,
    // U+2029 and the bidirectional marks, embeddings, overrides and isolates.
    const hostile =
      '\u001b]52;c;cHduZWQ=\u0007\u007f\u0080\u0085\u009b2J\u009f\u2028\u2029' +
      '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
    const shown =
      '\\u001b]52;c;cHduZWQ=\\u0007\\u007f\\u0080\\u0085\\u009b2J\\u009f\\u2028\\u2029' +
      '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c';
    const written = hostile.replace(
      /[^\u0020-\u007e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    // TOML takes C1, separators and bidi characters raw in a comment: the code frame shows them.
    const rawInComment = hostile.replace(/[\u0000-\u001f\u007f]/g, '');
    const dir = workdir();
    const file = join(dir, `m${hostile}\n\r::error::x.toml`);
    const shownFile = `m${shown}\\n\\r::error::x.toml`;
    writeFileSync(
      file,
      `[workload]\nname = "web"\nmode = "${written}"\nimage = "i"\n"k${written}" = 1\n` +
        `[resources]\ncpu_weight = 20000 # ${rawInComment}\n`,
    );
    const quoted = [`mode '${shown}'`, `unknown key 'k${shown}'`];

    const human = run(['check', dir]);
    assert.equal(human.status, 1);
    assertTerminalSafe(human.stdout, 'human');
    const shownComment = shown.replace('\\u001b', '').replace('\\u0007', '').replace('\\u007f', '');
    for (const text of [
      ...quoted,
      `${shownFile}:3:8: error`,
      `cpu_weight = 20000 # ${shownComment}\n`,
    ])
      assert.ok(human.stdout.includes(text), `${text} in\n${human.stdout}`);

    const json = run(['check', '--format', 'json', dir]);
    assertTerminalSafe(json.stdout, 'json');
    const rows = JSON.parse(json.stdout) as { file: string; message: string }[];
    assert.deepEqual(
      rows.map((d) => d.file),
      [file, file, file],
    );
    assert.ok(rows[0]!.message.startsWith(`mode '${hostile}' is not one of`), rows[0]!.message);
    assert.equal(rows[1]!.message, `unknown key 'k${hostile}' in [workload]`);

    const github = run(['check', '--format', 'github', dir]);
    assert.doesNotMatch(github.stdout, RAW_CONTROL, 'github');
    const commands = github.stdout.split('\n');
    assert.equal(commands.pop(), '');
    assert.equal(commands.length, 3, github.stdout);
    for (const command of commands) {
      assert.ok(command.startsWith('::error file='), command);
      assert.ok(command.includes(`m${shown}\\n\\r%3A%3Aerror%3A%3Ax.toml,line=`), command);
    }
    for (const text of quoted) assert.ok(github.stdout.includes(text), text);

    // Errors of the one-manifest commands go through the human format, on stderr.
    for (const command of ['json', 'resolve', 'digest']) {
      const result = run([command, file]);
      assert.equal(result.status, 1, command);
      assert.equal(result.stdout, '', command);
      assertTerminalSafe(result.stderr, command);
      for (const text of quoted) assert.ok(result.stderr.includes(text), `${command}: ${text}`);
    }
    // Their output: JSON escapes what it printed raw, and reads back the same.
    const valid = join(dir, 'valid.toml');
    writeFileSync(valid, `${GOOD}description = "${written}"\n`);
    const printed = run(['json', valid]);
    assert.equal(printed.status, 0, printed.stderr);
    assertTerminalSafe(printed.stdout, 'json output');
    assert.equal(
      (JSON.parse(printed.stdout) as { workload: { description: string } }).workload.description,
      hostile,
    );
    const decoded = run(['toml', 'decode'], { input: `"k${written}" = "${written}"\n` });
    assert.equal(decoded.status, 0, decoded.stderr);
    assertTerminalSafe(decoded.stdout, 'toml decode');
    assert.deepEqual(JSON.parse(decoded.stdout), {
      [`k${hostile}`]: { type: 'string', value: hostile },
    });
    const badToml = run(['toml', 'decode'], {
      input: `"k${written}" = 1 # ${rawInComment}\n"k${written}" = 2\n`,
    });
    assert.equal(badToml.status, 1);
    assertTerminalSafe(badToml.stderr, 'toml decode error');
    const badTagged = run(['toml', 'encode'], {
      input: `{"a": {"type": "${written}", "value": "1"}}`,
    });
    assert.equal(badTagged.status, 1);
    assertTerminalSafe(badTagged.stderr, 'toml encode error');
    assert.ok(badTagged.stderr.includes(`unknown type '${shown}'`), badTagged.stderr);
    // Usage errors echo the argument.
    for (const args of [['check', `--x${hostile}`], ['toml', hostile], [`x${hostile}`]]) {
      const usage = run(args);
      assert.equal(usage.status, 2);
      assertTerminalSafe(usage.stderr, 'usage');
      assert.ok(usage.stderr.includes(shown), usage.stderr);
    }
  });

  it('leaves the byte-order mark out of the code frame of a first line', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'bom.toml'), `\uFEFFname = 1\n${GOOD}`);
    const result = run(['check', join(dir, 'bom.toml')]);
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /bom\.toml:1:1: error unknown-key .*\n1 \| name = 1\n {2}\| \^{4}\n/,
    );
  });

  it('says why a path given names no file', () => {
    const dir = workdir();
    const file = join(dir, 'web.toml');
    writeFileSync(file, GOOD);
    const result = run(['check', '', `${file}/`, file]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      '<input>: error file-not-found an empty path names no file\n\n' +
        `${file}/: error file-not-found ${file}/ does not exist: a part of the path before its end is a file, not a directory\n\n` +
        '✖ 2 errors, 0 warnings in 2 files (1 file checked)\n',
    );
  });

  it('prints a note for a linked directory instead of following it', () => {
    const dir = workdir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'broken.toml'), '[workload\n');
    mkdirSync(join(dir, 'tree'));
    writeFileSync(join(dir, 'tree', 'good.toml'), GOOD);
    symlinkSync('../real', join(dir, 'tree', 'linked'));
    // Links that go round in a circle are noted too, and never walked.
    symlinkSync('.', join(dir, 'tree', 'loop'));
    // A link to a file not named *.toml would not be checked anyway: no note.
    writeFileSync(join(dir, 'notes.txt'), 'x');
    symlinkSync('../notes.txt', join(dir, 'tree', 'notes'));
    symlinkSync('../nowhere', join(dir, 'tree', 'dangling'));
    const result = run(['check', join(dir, 'tree')]);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(result.stdout, '✔ 1 file checked, no problems\n');
    const notes =
      `note: ${join(dir, 'tree', 'linked')}: a symbolic link to a directory, not followed\n` +
      `note: ${join(dir, 'tree', 'loop')}: a symbolic link to a directory, not followed\n`;
    assert.equal(result.stderr, notes);
    // fmt notes them too (the broken manifest behind the link is not a failure of the tree).
    for (const args of [['fmt'], ['fmt', '--check']]) {
      const fmt = run([...args, join(dir, 'tree')]);
      assert.deepEqual(
        { status: fmt.status, stdout: fmt.stdout, stderr: fmt.stderr },
        { status: 0, stdout: '', stderr: notes },
        args.join(' '),
      );
    }
  });

  it('ends quietly with status 141 (SIGPIPE) when its reader goes away', async () => {
    // Far more output than a pipe holds, and a reader that never reads: the write cannot
    // complete before the pipe closes, so it fails with EPIPE whatever the timing (as in
    // `volt-manifest check … | head -1`).
    const dir = workdir();
    const ports = Array.from({ length: 10_000 }, (_, i) => `  "80:${70_000 + i}",\n`).join('');
    writeFileSync(join(dir, 'm.toml'), `${GOOD}[network]\nports = [\n${ports}]\n`);
    for (const format of ['human', 'json']) {
      const child = spawn(process.execPath, [cli, 'check', '--format', format, dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [status] = (await once(child, 'close')) as [number | null];
      assert.deepEqual([status, stderr], [141, ''], format);
    }
  });

  it('prints a note for links inside a tree instead of following them', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'real.toml'), GOOD);
    symlinkSync(join(dir, 'real.toml'), join(dir, 'link.toml'));
    const result = run(['check', dir]);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /link\.toml: a symbolic link, not followed/);
    assert.match(result.stdout, /1 file checked/);
  });
});

describe('fmt', () => {
  it('rewrites in canonical form, carrying comments, and is then a no-op', () => {
    const dir = workdir();
    const file = join(dir, 'm.toml');
    writeFileSync(
      file,
      '# header\n\n[resources]\ncpu_weight = 5 # five\n[workload]\n# the name\nname = "web"\nimage = "nginx"\nmode = "container"\n',
    );
    chmodSync(file, 0o640);
    const result = run(['fmt', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `formatted ${file}\n`);
    assert.equal(
      readFileSync(file, 'utf8'),
      '# header\n\n[workload]\n# the name\nname = "web"\nmode = "container"\nimage = "nginx"\n\n[resources]\ncpu_weight = 5 # five\n',
    );
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['m.toml']);
    const again = run(['fmt', file]);
    assert.equal(again.status, 0);
    assert.equal(again.stdout, '');
  });

  it('--check lists files that would change and exits 1, writing nothing', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'a.toml'), GOOD.replace('name = "web"\n', '') + 'name = "web"\n');
    writeFileSync(join(dir, 'b.toml'), GOOD);
    const before = readFileSync(join(dir, 'a.toml'), 'utf8');
    const result = run(['fmt', '--check', dir]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, `${join(dir, 'a.toml')}\n`);
    assert.match(result.stderr, /1 file would be reformatted/);
    assert.equal(readFileSync(join(dir, 'a.toml'), 'utf8'), before);
    assert.equal(run(['fmt', '--check', join(dir, 'b.toml')]).status, 0);
  });

  it('leaves files with errors, value comments or links untouched, and says why', () => {
    const dir = workdir();
    const broken = `${GOOD}[network]\nports = [80]\n`;
    writeFileSync(join(dir, 'errors.toml'), broken);
    const syntax = '[workload\nname = "x"\n';
    writeFileSync(join(dir, 'syntax.toml'), syntax);
    const commented = `${GOOD}[network]\nports = [\n  "80:80", # web\n]\n`;
    writeFileSync(join(dir, 'commented.toml'), commented);
    symlinkSync(join(dir, 'errors.toml'), join(dir, 'link.toml'));
    const result = run(['fmt', dir, join(dir, 'link.toml')]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /errors\.toml: not formatted: 1 error that formatting would lose \(fix it first/,
    );
    assert.match(result.stderr, /syntax\.toml: not formatted: \d+ errors?/);
    assert.match(
      result.stderr,
      /commented\.toml: not formatted: the comment at line 7 is inside a value/,
    );
    assert.match(result.stderr, /link\.toml: a symbolic link, not followed: left untouched/);
    assert.equal(readFileSync(join(dir, 'errors.toml'), 'utf8'), broken);
    assert.equal(readFileSync(join(dir, 'syntax.toml'), 'utf8'), syntax);
    assert.equal(readFileSync(join(dir, 'commented.toml'), 'utf8'), commented);
  });

  it('formats a file whose problems are the model rules, keeping every problem', () => {
    // A port out of range and a weight above its maximum: the model holds both values, so
    // formatting loses nothing; checking them is 'check's job (issue 19).
    const dir = workdir();
    const file = join(dir, 'rules.toml');
    writeFileSync(
      file,
      `[network]\nports = ["80:99999"]\n[resources]\ncpu_weight = 20000\n${GOOD}`,
    );
    const before = run(['check', '--format', 'json', file]);
    const result = run(['fmt', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `formatted ${file}\n`);
    assert.equal(
      readFileSync(file, 'utf8'),
      `${GOOD.trimEnd()}\n\n[resources]\ncpu_weight = 20000\n\n[network]\nports = ["80:99999"]\n`,
    );
    const after = run(['check', '--format', 'json', file]);
    const problems = (out: string) =>
      (JSON.parse(out) as { code: string; message: string }[])
        .map((d) => `${d.code} ${d.message}`)
        .sort();
    assert.deepEqual(problems(after.stdout), problems(before.stdout));
    assert.equal(problems(after.stdout).length, 2);
  });

  it('reports a file it cannot write and leaves it whole', (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root: directory permissions do not stop writes');
      return;
    }
    const dir = workdir();
    const file = join(dir, 'ro.toml');
    const text =
      'image = "nginx"\n'.replace('image', '[workload]\nimage') +
      'name = "web"\nmode = "container"\n';
    writeFileSync(file, text);
    chmodSync(dir, 0o500);
    const result = run(['fmt', file]);
    chmodSync(dir, 0o700);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot write/);
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});

describe('json, from-json, resolve, digest', () => {
  it('round-trips a manifest through JSON', () => {
    const json = run(['json', 'examples/container.toml']);
    assert.equal(json.status, 0);
    const data = JSON.parse(json.stdout) as Record<string, Record<string, unknown>>;
    assert.equal(data['workload']!['name'], 'web-frontend');
    assert.equal(data['resources']!['cpu_weight'], 200);
    const back = run(['from-json', '-'], { input: json.stdout });
    assert.equal(back.status, 0, back.stderr);
    const canonical = run(['resolve', 'examples/container.toml']).stdout;
    assert.equal(back.stdout, canonical);
  });

  it('resolves extends and digests the canonical form', () => {
    const resolved = run(['resolve', 'examples/apps/orders.toml']);
    assert.equal(resolved.status, 0);
    assert.match(resolved.stdout, /^\[workload\]\nname = "orders-api"\nmode = "container"\n/);
    assert.doesNotMatch(resolved.stdout, /extends/);
    const digest = run(['digest', '--resolved', 'examples/apps/orders.toml']);
    const viaStdin = run(['digest', '-'], { input: resolved.stdout });
    assert.match(digest.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(digest.stdout, viaStdin.stdout);
    assert.notEqual(run(['digest', 'examples/apps/orders.toml']).stdout, digest.stdout);
    // Its base is in examples/base, outside the working directory (the default root).
    const fromStdin = run(['resolve', '--root', '..', '-'], {
      input: readFileSync(`${examples}/apps/orders.toml`, 'utf8'),
      cwd: `${examples}/apps`,
    });
    assert.equal(fromStdin.stdout, resolved.stdout);
    assert.match(
      run(['json', '--resolved', 'examples/apps/orders.toml']).stdout,
      /"memory_limit": "2G"/,
    );
  });

  it('resolves content-addressed bases from --cas-root', () => {
    const dir = workdir();
    const base = readFileSync(`${examples}/base/web-base.toml`);
    // An empty manifest reads as written (a base with nothing in it): it has a digest.
    const digest = run(['digest', '-'], { input: '' });
    assert.equal(digest.status, 0);
    assert.equal(
      digest.stdout,
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n',
    );
    const hex = spawnSync(
      process.execPath,
      [
        '-e',
        'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(0)).digest("hex"))',
      ],
      { input: base },
    ).stdout.toString();
    mkdirSync(join(dir, 'cas', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'cas', 'sha256', hex), base);
    writeFileSync(
      join(dir, 'app.toml'),
      `extends = "cas://sha256:${hex}"\n[workload]\nname = "cas-app"\n`,
    );
    const result = run(['resolve', '--cas-root', join(dir, 'cas'), join(dir, 'app.toml')]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /name = "cas-app"\nmode = "container"/);
    const viaEnv = run(['check', join(dir, 'app.toml')], {
      env: { VOLT_CAS_ROOT: join(dir, 'cas') },
    });
    assert.equal(viaEnv.status, 0, viaEnv.stdout);
    const without = run(['check', join(dir, 'app.toml')], { env: { VOLT_CAS_ROOT: '' } });
    assert.equal(without.status, 1);
  });

  it('prints problems on stderr and nothing on stdout when there are errors', () => {
    const result = run(['json', 'examples/broken/wrong-type.toml']);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /wrong-type\.toml:7:14: error wrong-type/);
    const badJson = run(['from-json', '-'], { input: '{"workload": {"name": 1}}' });
    assert.equal(badJson.status, 1);
    assert.match(
      badJson.stderr,
      // At the value in the JSON text, as in a TOML file.
      /<stdin>:1:23: error wrong-type workload\.name: expected a string, got an integer 1\n/,
    );
    // Bytes that are not UTF-8 are refused where they go wrong, never replaced.
    const notUtf8 = join(workdir(), 'bad.json');
    writeFileSync(notUtf8, Buffer.from([...Buffer.from('{"workload": {"name": "a'), 0xff, 0x22]));
    const badBytes = run(['from-json', notUtf8]);
    assert.deepEqual([badBytes.status, badBytes.stdout], [1, '']);
    assert.match(badBytes.stderr, /bad\.json:1:25: error json-syntax invalid UTF-8: byte 0xFF/);
    const missing = run(['digest', 'nope.toml']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.toml does not exist/);
    const warnings = run(['json', '-'], { input: `${GOOD}[kernel]\nversion = "6.1"\n` });
    assert.equal(warnings.status, 0);
    assert.match(warnings.stderr, /warning kernel-ignored-in-container-mode/);
  });
});

describe('extends from untrusted manifests', () => {
  /** `<dir>/repo` (the working directory) and `<dir>/secrets/token.toml` outside it. */
  function repo(): { dir: string; root: string } {
    const dir = workdir();
    const root = join(dir, 'repo');
    mkdirSync(root);
    mkdirSync(join(dir, 'secrets'));
    // Not TOML: read as a base, each line came back as a code frame or an annotation.
    writeFileSync(join(dir, 'secrets', 'token.toml'), 'TOKEN: hunter2-do-not-print\n');
    return { dir, root };
  }

  it('keeps bases inside the working directory: nothing from outside reaches the output', () => {
    const { root } = repo();
    symlinkSync('../secrets', join(root, 'linked'));
    const refs = ['../secrets/token.toml', 'linked/token.toml', '../../../../../../etc/passwd'];
    refs.forEach((ref, i) =>
      writeFileSync(join(root, `app${i}.toml`), `extends = ${JSON.stringify(ref)}\n${GOOD}`),
    );
    for (const format of ['human', 'json', 'github']) {
      const result = run(['check', '--format', format, '.'], { cwd: root });
      assert.equal(result.status, 1, result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, /hunter2|TOKEN|root:x:/, format);
    }
    const github = run(['check', '--format', 'github', '.'], { cwd: root }).stdout;
    assert.deepEqual(
      github
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => `::${line.split('::')[1]}`),
      refs.map(
        (_, i) =>
          `::error file=app${i}.toml,line=1,col=11,endLine=1,endColumn=${13 + refs[i]!.length},title=extends-outside-root`,
      ),
    );
    // --root widens it (here to the directory above), and '--root /' allows any base.
    for (const wider of ['..', '/']) {
      const wide = run(['check', '--root', wider, 'app0.toml'], { cwd: root });
      assert.match(wide.stdout, /hunter2/, wider);
    }
  });

  it('reads the files named on the command line wherever they are', () => {
    const { dir, root } = repo();
    writeFileSync(join(dir, 'secrets', 'base.toml'), GOOD);
    writeFileSync(join(dir, 'secrets', 'app.toml'), 'extends = "base.toml"\n');
    const asked = run(['check', join(dir, 'secrets', 'app.toml')], { cwd: root });
    assert.match(asked.stdout, /extends-outside-root/);
    assert.equal(run(['check', '--root', dir, join(dir, 'secrets', 'app.toml')]).status, 0);
    assert.equal(run(['check', join(dir, 'secrets', 'base.toml')], { cwd: root }).status, 0);
  });

  it('takes --root in resolve, json and digest too', () => {
    const { dir, root } = repo();
    writeFileSync(join(dir, 'base.toml'), GOOD);
    writeFileSync(join(root, 'app.toml'), 'extends = "../base.toml"\n');
    const refused = run(['resolve', 'app.toml'], { cwd: root });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /error extends-outside-root/);
    assert.equal(refused.stdout, '');
    for (const args of [['resolve'], ['json', '--resolved'], ['digest', '--resolved']]) {
      const allowed = run([...args, '--root', '..', 'app.toml'], { cwd: root });
      assert.equal(allowed.status, 0, `${args.join(' ')}: ${allowed.stderr}`);
    }
  });

  it('exits 2 on a --root that is not a directory', () => {
    const { root } = repo();
    writeFileSync(join(root, 'app.toml'), GOOD);
    for (const [value, why] of [
      ['missing', 'missing does not exist'],
      ['app.toml', 'app.toml is not a directory'],
      ['', "needs a directory, got ''"],
    ]) {
      for (const command of ['check', 'resolve']) {
        const result = run([command, `--root=${value}`, 'app.toml'], { cwd: root });
        assert.equal(result.status, 2, `${command} --root=${value}`);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, new RegExp(`option '--root'.*${why}`));
      }
    }
  });

  it('exits 2 on an empty --cas-root, as on an empty --root', () => {
    // check and resolve ignored it; the Node API now refuses an empty casRoot, which made
    // it an internal error (exit 70).
    const { root } = repo();
    writeFileSync(join(root, 'app.toml'), GOOD);
    for (const command of [['check'], ['resolve'], ['cas', 'put']]) {
      const result = run([...command, '--cas-root=', 'app.toml'], { cwd: root });
      assert.equal(result.status, 2, command.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /option '--cas-root' needs a directory, got ''/);
    }
  });

  it('finds a cycle back to the file it started from at once, each problem printed once', () => {
    // a.toml -> b.toml -> ../cyc/a.toml, run in cyc/: compared as written, ../cyc/a.toml
    // was a new file, so a and b were read twice and their problems printed twice.
    const dir = workdir();
    mkdirSync(join(dir, 'cyc'));
    writeFileSync(join(dir, 'cyc', 'a.toml'), `extends = "b.toml"\n${GOOD}colour_a = 1\n`);
    writeFileSync(join(dir, 'cyc', 'b.toml'), `extends = "../cyc/a.toml"\n${GOOD}colour_b = 1\n`);
    const result = run(['check', '--format', 'json', 'a.toml'], {
      cwd: join(dir, 'cyc'),
    });
    const found = (JSON.parse(result.stdout) as Record<string, string>[]).map(
      (d) => `${d['file']} ${d['code']}`,
    );
    assert.deepEqual(found, ['a.toml unknown-key', 'b.toml extends-cycle', 'b.toml unknown-key']);
  });
});

describe('file names that are not UTF-8', () => {
  /** `<dir>/tree` holding `a<0xff>.toml`, a directory `d<0xfe>` with a manifest, and a good one. */
  function tree(): string {
    const dir = join(workdir(), 'tree');
    mkdirSync(dir);
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat([
        Buffer.from(`${dir}/`),
        ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))),
      ]);
    writeFileSync(bytes([0x61, 0xff, 0x2e, 0x74, 0x6f, 0x6d, 0x6c]), 'name = 1\n');
    mkdirSync(bytes('d', [0xfe]));
    writeFileSync(bytes('d', [0xfe], '/inner.toml'), GOOD);
    // Not a manifest by its name: passed over, as any other file.
    writeFileSync(bytes('notes', [0xff], '.txt'), 'x');
    writeFileSync(join(dir, 'good.toml'), GOOD);
    return dir;
  }

  it('check reports them as unreadable, names escaped, and checks the rest', () => {
    // They were reported as file-not-found under a name with U+FFFD, a file that does not
    // exist, and never checked.
    const dir = tree();
    const result = run(['check', '--format', 'json', 'tree'], { cwd: join(dir, '..') });
    assert.equal(result.status, 1);
    const found = (JSON.parse(result.stdout) as Record<string, string>[]).map((d) => [
      d['file'],
      d['code'],
      d['message'],
    ]);
    assert.deepEqual(found, [
      [
        'tree/a\\xff.toml',
        'file-unreadable',
        'tree/a\\xff.toml: cannot be read: its name is not valid UTF-8 (rename it)',
      ],
      [
        'tree/d\\xfe',
        'file-unreadable',
        'tree/d\\xfe: cannot be searched: its name is not valid UTF-8 (rename it)',
      ],
    ]);
    assert.doesNotMatch(result.stdout, /\uFFFD/);
    const human = run(['check', 'tree'], { cwd: join(dir, '..') });
    assert.match(human.stdout, /^tree\/a\\xff\.toml: error file-unreadable /m);
    assert.match(human.stdout, /1 file checked/);
  });

  it('fmt leaves them untouched and says so, with the name escaped', () => {
    const dir = tree();
    const result = run(['fmt', 'tree'], { cwd: join(dir, '..') });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      'tree/a\\xff.toml: cannot be read: its name is not valid UTF-8 (rename it): left untouched\n' +
        'tree/d\\xfe: cannot be searched: its name is not valid UTF-8 (rename it): left untouched\n',
    );
  });
});

describe('help, version and usage', () => {
  it('has --help on every command', () => {
    for (const command of ['check', 'fmt', 'json', 'from-json', 'resolve', 'digest', 'toml']) {
      const result = run([command, '--help']);
      assert.equal(result.status, 0, command);
      assert.match(result.stdout, new RegExp(`^Usage: volt-manifest ${command}`), command);
    }
    assert.match(run(['--help']).stdout, /check PATH\.\.\./);
    assert.match(run(['-h']).stdout, /Commands:/);
  });

  it('prints the version of package.json with --version and -v', () => {
    const { version } = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const result = run([flag]);
      assert.equal(result.status, 0, flag);
      assert.equal(result.stdout, `${version}\n`, flag);
    }
  });

  it('exits 2 on usage errors', () => {
    for (const args of [
      ['check'],
      ['fmt'],
      ['json'],
      ['json', 'a', 'b'],
      ['check', '--format', 'xml', 'x'],
      ['check', '--workers', '0', 'x'],
      ['digest', '--bogus', 'x'],
    ]) {
      const result = run(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^volt-manifest: /);
    }
  });

  it('takes Object.prototype names for unknown commands and options', () => {
    const file = 'examples/container.toml';
    for (const [args, unknown] of [
      [['constructor', 'x'], "command 'constructor'"],
      [['toString', 'x'], "command 'toString'"],
      [['__proto__', 'x'], "command '__proto__'"],
      [['hasOwnProperty', 'x'], "command 'hasOwnProperty'"],
      [['valueOf'], "command 'valueOf'"],
      [['check', '--constructor', file], "option '--constructor'"],
      [['check', '--__proto__=1', file], "option '--__proto__=1'"],
      [['fmt', '--__proto__', file], "option '--__proto__'"],
      [['json', '--toString', file], "option '--toString'"],
      [['toml', '--hasOwnProperty', 'decode'], "option '--hasOwnProperty'"],
    ] as const) {
      const result = run([...args]);
      assert.equal(result.status, 2, args.join(' '));
      assert.ok(
        result.stderr.startsWith(`volt-manifest: unknown ${unknown}\n`),
        `${args.join(' ')}: ${result.stderr}`,
      );
    }
  });

  it('npm start works on the bundled examples', () => {
    assert.ok(existsSync(`${projectRoot}examples/broken`));
    const copy = workdir();
    cpSync(examples, join(copy, 'examples'), { recursive: true });
    const result = run(['check', 'examples', '--exit-zero'], { cwd: copy });
    assert.equal(result.status, 0);
  });
});

describe('bases and what is run', () => {
  const BASE_ONLY =
    '[workload]\nmode = "container"\nimage = "nginx"\n[resources]\ncpu_weight = 50\n';

  it('checks what a base leaves to its children on the children, and counts the bases', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'base.toml'), BASE_ONLY);
    writeFileSync(join(dir, 'a.toml'), 'extends = "base.toml"\n[workload]\nname = "a"\n');
    writeFileSync(join(dir, 'b.toml'), 'extends = "base.toml"\n[workload]\nname = "b"\n');
    const clean = run(['check', '.'], { cwd: dir });
    assert.equal(clean.stdout, '✔ 3 files checked, 1 base, no problems\n');
    assert.equal(clean.status, 0);
    // A child that sets no name: the name is missing from what is run, reported there.
    writeFileSync(join(dir, 'c.toml'), 'extends = "base.toml"\n');
    const missing = run(['check', '--format', 'json', '.'], { cwd: dir });
    const found = (JSON.parse(missing.stdout) as Record<string, string>[]).map(
      (d) => `${d['file']} ${d['code']} ${d['path']}`,
    );
    assert.deepEqual(found, ['c.toml missing-required workload.name']);
    const human = run(['check', '.'], { cwd: dir });
    assert.match(human.stdout, /\(4 files checked, 1 base\)\n$/);
    // Checked alone, the same file is not a base: its missing name is reported.
    const alone = run(['check', '--format', 'json', 'base.toml'], { cwd: dir });
    assert.deepEqual(
      (JSON.parse(alone.stdout) as Record<string, string>[]).map((d) => d['code']),
      ['missing-required'],
    );
  });

  it('reports an extends cycle once, however many checked files meet it', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'a.toml'), `extends = "b.toml"\n${GOOD}`);
    writeFileSync(join(dir, 'b.toml'), `extends = "a.toml"\n${GOOD}`);
    writeFileSync(join(dir, 'c.toml'), `extends = "a.toml"\n${GOOD}`);
    const result = run(['check', '--format', 'json', 'a.toml', 'b.toml', 'c.toml'], {
      cwd: dir,
    });
    const found = (JSON.parse(result.stdout) as Record<string, string>[]).map(
      (d) => `${d['file']}:${d['line']}:${d['column']} ${d['code']}`,
    );
    assert.deepEqual(found, ['b.toml:1:11 extends-cycle']);
    assert.equal(result.status, 1);
  });

  it('json, digest and from-json convert a base without a name; resolve and --resolved do not', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'base.toml'), BASE_ONLY);
    const digest = run(['digest', 'base.toml'], { cwd: dir });
    assert.equal(digest.status, 0, digest.stderr);
    assert.match(digest.stdout, /^sha256:[0-9a-f]{64}\n$/);
    // What a base leaves to its children is not its problem when it is only converted.
    assert.equal(digest.stderr, '');
    const json = run(['json', 'base.toml'], { cwd: dir });
    assert.equal(json.status, 0);
    assert.deepEqual(JSON.parse(json.stdout), {
      workload: { name: '', mode: 'container', image: 'nginx' },
      kernel: {},
      security: {},
      resources: { cpu_weight: 50 },
      network: {},
      storage: {},
    });
    const back = run(['from-json', '-'], { cwd: dir, input: json.stdout });
    assert.equal(back.status, 0, back.stderr);
    assert.equal(back.stdout, BASE_ONLY.replace('[resources]', '\n[resources]'));
    for (const args of [
      ['resolve', 'base.toml'],
      ['digest', '--resolved', 'base.toml'],
    ]) {
      const result = run(args, { cwd: dir });
      assert.equal(result.status, 1, args.join(' '));
      assert.equal(result.stdout, '');
    }
    // What does not read as written still fails: an unknown key, a wrong type.
    writeFileSync(join(dir, 'bad.toml'), `${BASE_ONLY}cpu_wieght = 5\n`);
    const bad = run(['digest', 'bad.toml'], { cwd: dir });
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, '');
    // Two integers a number cannot tell apart would share a digest: neither is digested.
    for (const big of ['9007199254740993', '9007199254740992']) {
      writeFileSync(join(dir, 'big.toml'), `${BASE_ONLY}pids_max = ${big}\n`);
      const digest = run(['digest', 'big.toml'], { cwd: dir });
      const expected = big.endsWith('3') ? 1 : 0;
      assert.equal(digest.status, expected, `${big}: ${digest.stderr}`);
    }
  });
});

describe('cas put', () => {
  it('prints its usage: on stdout for --help and -h (exit 0), on stderr with no action (exit 2)', () => {
    const dir = workdir();
    for (const args of [
      ['cas', '--help'],
      ['cas', '-h'],
      ['cas', 'put', '--help'],
      ['cas', 'put', '-h'],
    ]) {
      const result = run(args, { cwd: dir });
      assert.equal(result.status, 0, args.join(' '));
      assert.match(result.stdout, /^Usage: volt-manifest cas put /);
      assert.equal(result.stderr, '');
    }
    const bare = run(['cas'], { cwd: dir });
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^Usage: volt-manifest cas put /);
    const other = run(['cas', 'get'], { cwd: dir });
    assert.equal(other.status, 2);
    assert.match(other.stderr, /unknown 'cas' action 'get' \(only 'put'\)/);
  });

  it('stores the canonical encoding atomically under its digest, refusing errors and relative bases', () => {
    const dir = workdir();
    const base = '# a base\n[workload]\nimage = "nginx"\nmode = "container"\n';
    writeFileSync(join(dir, 'base.toml'), base);
    writeFileSync(join(dir, 'rel.toml'), 'extends = "base.toml"\n');
    writeFileSync(join(dir, 'bad.toml'), `${GOOD}[resources]\ncpu_weight = 99999\n`);
    const store = join(dir, 'store');
    const put = run(
      ['cas', 'put', '--cas-root', store, 'base.toml', 'rel.toml', 'bad.toml', 'nope.toml'],
      { cwd: dir },
    );
    assert.equal(put.status, 1);
    const digest = run(['digest', 'base.toml'], { cwd: dir }).stdout.trim();
    assert.equal(put.stdout, `cas://${digest}\n`);
    assert.match(put.stderr, /rel\.toml: not stored: extends 'base\.toml' is a relative path/);
    assert.match(put.stderr, /bad\.toml: not stored: it has 1 error/);
    assert.match(put.stderr, /nope\.toml does not exist/);
    // The base's missing name is the business of what extends it: not printed.
    assert.doesNotMatch(put.stderr, /missing-required/);
    const hex = digest.slice('sha256:'.length);
    assert.deepEqual(readdirSync(join(store, 'sha256')), [hex]);
    const stored = readFileSync(join(store, 'sha256', hex), 'utf8');
    assert.equal(stored, '[workload]\nmode = "container"\nimage = "nginx"\n');
    // Stored again: the same reference, the object untouched.
    const again = run(['cas', 'put', '--cas-root', store, 'base.toml'], { cwd: dir });
    assert.deepEqual([again.status, again.stdout], [0, `cas://${digest}\n`]);
    // A manifest extending the reference resolves through the store.
    writeFileSync(join(dir, 'app.toml'), `extends = "cas://${digest}"\n[workload]\nname = "app"\n`);
    const resolved = run(['resolve', '--cas-root', store, 'app.toml'], { cwd: dir });
    assert.equal(resolved.status, 0, resolved.stderr);
    assert.equal(
      resolved.stdout,
      '[workload]\nname = "app"\nmode = "container"\nimage = "nginx"\n',
    );
    // Which store: $VOLT_CAS_ROOT by default; none at all is a usage error.
    const viaEnv = run(['cas', 'put', 'app.toml'], { cwd: dir, env: { VOLT_CAS_ROOT: store } });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    assert.equal(readdirSync(join(store, 'sha256')).length, 2);
    const noStore = run(['cas', 'put', 'app.toml'], { cwd: dir, env: { VOLT_CAS_ROOT: '' } });
    assert.equal(noStore.status, 2);
    assert.match(noStore.stderr, /needs --cas-root DIR/);
    assert.equal(run(['cas', 'get'], { cwd: dir }).status, 2);
    // No temporary file is left behind.
    assert.ok(readdirSync(join(store, 'sha256')).every((name) => /^[0-9a-f]{64}$/.test(name)));
  });

  it('reports a store it cannot write to for each file, and goes on (no internal error)', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'base.toml'), '[workload]\nimage = "nginx"\nmode = "container"\n');
    writeFileSync(join(dir, 'not-a-store'), 'a file, not a directory\n');
    const put = run(['cas', 'put', '--cas-root', 'not-a-store', 'base.toml', 'base.toml'], {
      cwd: dir,
    });
    assert.equal(put.status, 1, put.stderr);
    assert.equal(put.stdout, '');
    assert.doesNotMatch(put.stderr, /internal error/);
    const lines = put.stderr.match(
      /^base\.toml: not stored: cannot write to the store not-a-store: .*ENOTDIR/gm,
    );
    assert.equal(lines?.length, 2, put.stderr);
  });
});

describe('colour', () => {
  it('takes --color and --no-color on every command, over FORCE_COLOR and NO_COLOR', () => {
    const typo = 'examples/broken/typo-key.toml';
    const coloured = (result: { stdout: string; stderr: string }) =>
      /\u001b\[/.test(result.stdout + result.stderr);
    // A pipe gets no colour by default; --color, or FORCE_COLOR, gives it.
    assert.equal(coloured(run(['check', typo])), false);
    assert.equal(coloured(run(['check', '--color', typo])), true);
    assert.equal(coloured(run(['--color', 'check', typo])), true);
    assert.equal(coloured(run(['check', typo], { env: { FORCE_COLOR: '1' } })), true);
    assert.equal(coloured(run(['check', typo], { env: { FORCE_COLOR: '0' } })), false);
    assert.equal(
      coloured(run(['check', typo], { env: { NO_COLOR: '1', FORCE_COLOR: '' } })),
      false,
    );
    assert.equal(coloured(run(['check', '--color', typo], { env: { NO_COLOR: '1' } })), true);
    assert.equal(
      coloured(run(['check', '--no-color', typo], { env: { FORCE_COLOR: '1' } })),
      false,
    );
    // The last flag wins; every command takes them (resolve --no-color was unknown).
    assert.equal(coloured(run(['check', '--no-color', '--color', typo])), true);
    for (const command of ['resolve', 'json', 'digest']) {
      const result = run([command, '--no-color', 'examples/container.toml']);
      assert.equal(result.status, 0, `${command}: ${result.stderr}`);
    }
    const json = run(['json', '--color', typo]);
    assert.equal(json.status, 1);
    assert.equal(coloured(json), true, 'the problems on stderr are coloured');
    // After --, a file may be called --color.
    const literal = run(['check', '--', '--color']);
    assert.match(literal.stdout, /--color/);
  });
});

describe('--quiet and --max-warnings', () => {
  it('report errors only, and fail on more warnings than allowed', () => {
    const dir = workdir();
    // Two warnings (a [kernel] in container mode, a duplicate capability) and no error.
    writeFileSync(
      join(dir, 'warn.toml'),
      `${GOOD}[kernel]\nversion = "6.1"\n[security]\ncapabilities = ["CAP_CHOWN", "CAP_CHOWN"]\n`,
    );
    writeFileSync(join(dir, 'bad.toml'), `${GOOD}[resources]\ncpu_weight = 20000\n`);
    const all = run(['check', '--format', 'json', 'warn.toml'], { cwd: dir });
    assert.equal(all.status, 0);
    assert.equal((JSON.parse(all.stdout) as unknown[]).length, 2);
    const quiet = run(['check', '--quiet', '--format', 'json', 'warn.toml', 'bad.toml'], {
      cwd: dir,
    });
    assert.equal(quiet.status, 1);
    assert.deepEqual(
      (JSON.parse(quiet.stdout) as { code: string }[]).map((d) => d.code),
      ['cpu-weight-out-of-range'],
    );
    assert.equal(run(['check', '--max-warnings', '2', 'warn.toml'], { cwd: dir }).status, 0);
    const over = run(['check', '--max-warnings', '1', 'warn.toml'], { cwd: dir });
    assert.equal(over.status, 1);
    assert.equal(over.stderr, 'volt-manifest: 2 warnings, more than --max-warnings 1\n');
    // Warnings hidden by --quiet still count.
    assert.equal(
      run(['check', '--quiet', '--max-warnings=0', 'warn.toml'], { cwd: dir }).status,
      1,
    );
    assert.equal(
      run(['check', '--max-warnings', '0', '--exit-zero', 'warn.toml'], { cwd: dir }).status,
      0,
    );
    for (const bad of ['-1', '1.5', 'many', '']) {
      const usage = run(['check', `--max-warnings=${bad}`, 'warn.toml'], { cwd: dir });
      assert.equal(usage.status, 2, bad);
      assert.match(usage.stderr, /--max-warnings needs a whole number/);
    }
  });
});
