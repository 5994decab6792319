/**
 * `fmt` never leaves a truncated or half-written manifest: killed at any moment, every
 * file is either exactly the original or exactly the formatted text. It never changes
 * what a manifest means, and never replaces a file in a way writing into it could not
 * (other permissions, a read-only file, a hard link split in two).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after as cleanup, describe, it } from 'node:test';
import { writeAtomically } from '../lib/cli/fmt.js';
import { formatManifest } from '../lib/index.js';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

/** A manifest that needs reformatting, large enough that writing it takes a moment. */
function unformatted(i: number): string {
  const volumes = Array.from(
    { length: 200 },
    (_, v) =>
      `[[storage.volumes]]\ncontainer = "/mnt/v${v}"\nhost = "/srv/${i}/v${v}"  # volume ${v}\n`,
  ).join('');
  return `# manifest ${i}\n\n[storage]\nrootfs = "/srv/root/${i}"\n${volumes}[workload]\nmode = "container"\nname = "svc-${i}"\n`;
}

describe('fmt killed mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volt-fmt-kill-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));

  for (const after of [1, 30]) {
    it(`leaves every file whole when killed after ${after} file(s) were written`, async (t) => {
      const work = mkdtempSync(join(dir, 'run-'));
      const originals = new Map<string, string>();
      const formatted = new Map<string, string>();
      for (let i = 0; i < 120; i++) {
        const name = `m${String(i).padStart(3, '0')}.toml`;
        const text = unformatted(i);
        writeFileSync(join(work, name), text);
        originals.set(name, text);
        const outcome = formatManifest(text);
        assert.ok(outcome.ok && outcome.changed, name);
        formatted.set(name, outcome.text);
      }
      const child = spawn(process.execPath, [cli, 'fmt', work], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let written = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        written += chunk.toString().split('\n').length - 1;
        if (written >= after) child.kill('SIGKILL');
      });
      await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let old = 0;
      let done = 0;
      for (const [name, original] of originals) {
        const now = readFileSync(join(work, name), 'utf8');
        if (now === original) old++;
        else {
          assert.equal(
            now,
            formatted.get(name),
            `${name} is neither the original nor the formatted text`,
          );
          done++;
        }
      }
      assert.equal(old + done, originals.size);
      t.diagnostic(`killed after ${written} reported writes: ${done} formatted, ${old} untouched`);
      assert.ok(done >= after && old > 0, 'the kill must land mid-run');
      // Whatever remains besides the manifests can only be a temporary file of the write
      // that was cut short, never a manifest-named file.
      const others = readdirSync(work).filter((f) => !originals.has(f));
      assert.ok(
        others.every((f) => /^\.m\d{3}\.toml\.[0-9a-f]{12}\.tmp$/.test(f)),
        others.join(', '),
      );
      assert.ok(others.length <= 1, others.join(', '));
    });
  }
});

/** Runs the CLI with a umask of 022, as a login shell usually has it. */
function fmt(...args: string[]) {
  const result = spawnSync(
    'sh',
    ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, cli, ...args],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const BASE =
  '[workload]\nname = "base"\nmode = "container"\nimage = "img:1"\n\n[security]\ncapabilities = ["CAP_NET_ADMIN"]\nread_only_rootfs = true\n';
const CHILD =
  'extends = "base.toml"\n\n[workload]\nname = "child"\n\n[security]\ncapabilities = []\nread_only_rootfs = false\n';
/** Valid, but not in canonical order. */
const UNSORTED = '[workload]\nimage = "img:1"\nname = "web"\nmode = "container"\n';

describe('fmt and extends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volt-fmt-extends-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an empty value that overrides the base (issue 17: the canonical form keeps it)', () => {
    const outcome = formatManifest(CHILD);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.text, CHILD);
    const one = formatManifest(
      'extends = "base.toml"\n[network]\nmode = "bridge"\n# no published ports\nports = [\n]\n',
    );
    assert.ok(one.ok);
    assert.equal(
      one.text,
      'extends = "base.toml"\n\n[network]\nmode = "bridge"\n# no published ports\nports = []\n',
    );
    for (const [body, line] of [
      ['[storage]\nvolumes = []\n', 'volumes = []'],
      ['[workload]\ndescription = ""\n', 'description = ""'],
    ] as const) {
      const outcome = formatManifest(`extends = "base.toml"\n${body}`);
      assert.ok(outcome.ok, body);
      assert.ok(outcome.text.includes(`\n${line}\n`), outcome.text);
    }
  });

  it('still formats a child whose values are all non-empty, and drops empty values without extends', () => {
    const child = formatManifest(
      'extends = "base.toml"\n[security]\nread_only_rootfs = true # locked\n[workload]\nname = "child"\n',
    );
    assert.ok(child.ok);
    assert.equal(
      child.text,
      'extends = "base.toml"\n\n[workload]\nname = "child"\n\n[security]\nread_only_rootfs = true # locked\n',
    );
    // Without a base, an empty value means the same as no value.
    const alone = formatManifest(
      CHILD.replace('extends = "base.toml"\n\n', '').replace(
        '[workload]\n',
        '[workload]\nmode = "container"\nimage = "img:1"\n',
      ),
    );
    assert.ok(alone.ok);
    assert.equal(alone.text, '[workload]\nname = "child"\nmode = "container"\nimage = "img:1"\n');
  });

  it('fmt keeps the overrides of a child, and the child still resolves the same', () => {
    writeFileSync(join(dir, 'base.toml'), BASE);
    const child = join(dir, 'child.toml');
    const unsorted =
      CHILD.replace('[workload]\nname = "child"\n\n', '') + '[workload]\nname = "child"\n';
    writeFileSync(child, unsorted);
    const check = fmt('fmt', '--check', child);
    assert.equal(check.status, 1);
    assert.equal(readFileSync(child, 'utf8'), unsorted);
    const result = fmt('fmt', child);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(child, 'utf8'), CHILD);
  });
});

/**
 * Many volumes, each with comments around it, and the exact text expected: comments
 * found by path must land in the same places however many statements there are.
 */
describe('fmt on a large manifest', () => {
  const count = 4000;
  let input = '# many volumes\n\n[storage] # volumes only\n';
  let expected =
    '# many volumes\n\n[workload]\n# the name\nname = "big"\nmode = "container"\nimage = "img:1"\n# end\n';
  for (let i = 0; i < count; i++) {
    const readonly = i % 2 === 0;
    input += `# volume ${i}\n[[storage.volumes]]\ncontainer = "/mnt/v${i}"\nreadonly = ${readonly} # ro ${i}\nhost = "/srv/v${i}" # h${i}\n`;
    // A comment on the header of `[storage]`, which has no line of its own in the
    // canonical form, goes to the first line under it; a comment on `readonly = false`,
    // which is left out, goes above the next line written.
    expected += `\n# volume ${i}\n[[storage.volumes]]${i === 0 ? ' # volumes only' : ''}\n`;
    expected += readonly
      ? `host = "/srv/v${i}" # h${i}\ncontainer = "/mnt/v${i}"\nreadonly = true # ro ${i}\n`
      : `# ro ${i}\nhost = "/srv/v${i}" # h${i}\ncontainer = "/mnt/v${i}"\n`;
  }
  // `# end` closes the [workload] section (no blank line above it): it stays at the end of
  // that section, wherever the section goes (issue 19).
  input += '[workload]\nimage = "img:1"\n# the name\nname = "big"\nmode = "container"\n# end\n';

  it(`carries every comment of ${count} volumes to its place`, () => {
    const outcome = formatManifest(input);
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(outcome.text, expected);
    const again = formatManifest(outcome.text);
    assert.ok(again.ok && !again.changed);
  });

  it('writes the same text through the CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'volt-fmt-large-'));
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'big.toml');
    writeFileSync(file, input);
    const result = fmt('fmt', file);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(file, 'utf8'), expected);
  });
});

describe('fmt and file metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volt-fmt-meta-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (mode: number) => {
    const path = join(dir, `f${n++}.toml`);
    writeFileSync(path, UNSORTED);
    chmodSync(path, mode);
    return path;
  };

  for (const mode of [0o666, 0o664, 0o604]) {
    it(`keeps mode ${mode.toString(8)} exactly, whatever the umask`, () => {
      const path = file(mode);
      const result = fmt('fmt', path);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `formatted ${path}\n`);
      assert.notEqual(readFileSync(path, 'utf8'), UNSORTED);
      assert.equal(statSync(path).mode & 0o7777, mode);
    });
  }

  it('formats a file whose name leaves no room for the usual temporary name', () => {
    const path = join(dir, `${'n'.repeat(245)}.toml`);
    writeFileSync(path, UNSORTED);
    const result = fmt('fmt', path);
    assert.equal(result.status, 0, result.stderr);
    const formatted = formatManifest(UNSORTED);
    assert.ok(formatted.ok);
    assert.equal(readFileSync(path, 'utf8'), formatted.text);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('leaves a named file it cannot read (a FIFO) untouched, formats the others, exit 1', () => {
    const fifo = join(dir, `fifo-${Date.now()}.toml`);
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const path = file(0o644);
    const result = fmt('fmt', fifo, path);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `${fifo} is not a regular file: left untouched\n`);
    assert.equal(result.stdout, `formatted ${path}\n`);
    assert.equal(readFileSync(path, 'utf8'), (formatManifest(UNSORTED) as { text: string }).text);
  });

  it('refuses a read-only file (no write bit, checked even as root) and leaves it untouched', () => {
    const path = file(0o444);
    const result = fmt('fmt', path);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `${path} is read-only: left untouched\n`);
    assert.equal(readFileSync(path, 'utf8'), UNSORTED);
    assert.equal(statSync(path).mode & 0o7777, 0o444);
    // --check writes nothing, so it reports only what would change.
    const check = fmt('fmt', '--check', path);
    assert.equal(check.status, 1);
    assert.equal(check.stdout, `${path}\n`);
    // Nothing to write, nothing to refuse.
    const formatted = formatManifest(UNSORTED);
    assert.ok(formatted.ok);
    const canonical = join(dir, 'canonical.toml');
    writeFileSync(canonical, formatted.text);
    chmodSync(canonical, 0o444);
    assert.deepEqual(fmt('fmt', canonical), { status: 0, stdout: '', stderr: '' });
  });

  it('refuses a file with more than one hard link, leaving every name with the same text', () => {
    const path = file(0o644);
    const other = join(dir, 'other-name.toml.bak');
    linkSync(path, other);
    const result = fmt('fmt', path);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      `${path} has 2 hard links (replacing it would leave the other names with the old text): left untouched\n`,
    );
    assert.equal(readFileSync(path, 'utf8'), UNSORTED);
    assert.equal(statSync(path).ino, statSync(other).ino);
    assert.equal(statSync(path).nlink, 2);
  });

  it('leaves a file alone that changed after it was read, and its temporary file with it', async () => {
    const path = file(0o644);
    const read = readFileSync(path);
    // Saved by an editor while fmt was formatting what it had read.
    writeFileSync(path, `${UNSORTED}# an edit\n`);
    await assert.rejects(writeAtomically(path, 'formatted = true\n', read), {
      name: 'WriteRefused',
      message: `${path} changed while it was being formatted`,
    });
    assert.equal(readFileSync(path, 'utf8'), `${UNSORTED}# an edit\n`);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
    // Unchanged since it was read: replaced.
    await writeAtomically(path, 'formatted = true\n', readFileSync(path));
    assert.equal(readFileSync(path, 'utf8'), 'formatted = true\n');
  });

  it('keeps the owner and group (giving a file to another owner needs root)', (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('not root: cannot give the file another owner to check');
      return;
    }
    const path = file(0o2664);
    chownSync(path, 1234, 5678);
    chmodSync(path, 0o2664);
    const result = fmt('fmt', path);
    assert.equal(result.status, 0, result.stderr);
    const info = statSync(path);
    assert.deepEqual([info.uid, info.gid, info.mode & 0o7777], [1234, 5678, 0o2664]);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});

describe('fmt keeps what the author chose where the model gives it no meaning (issue 19)', () => {
  const WORKLOAD = '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n';

  it('keeps CRLF line endings, and LF ones', () => {
    const crlf = `[resources]\r\ncpu_weight = 5\r\n${WORKLOAD.replace(/\n/g, '\r\n')}`;
    const outcome = formatManifest(crlf);
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(outcome.text, `${WORKLOAD}\n[resources]\ncpu_weight = 5\n`.replace(/\n/g, '\r\n'));
    const again = formatManifest(outcome.text);
    assert.ok(again.ok && !again.changed);
    const lf = formatManifest(`[resources]\ncpu_weight = 5\n${WORKLOAD}`);
    assert.ok(lf.ok && !lf.text.includes('\r'));
  });

  it("keeps a string's style when it holds the same value: literal, multi-line, escapes", () => {
    const text =
      "[workload]\nimage = 'nginx:1.27'\nname = \"w\\u0065b\"\nmode = '''container'''\n" +
      'description = """\nline one\nline two"""\n[kernel]\ncmdline = "console=ttyS0"\n';
    const outcome = formatManifest(text);
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(
      outcome.text,
      "[workload]\nname = \"w\\u0065b\"\nmode = '''container'''\nimage = 'nginx:1.27'\n" +
        'description = """\nline one\nline two"""\n\n[kernel]\ncmdline = "console=ttyS0"\n',
    );
    const again = formatManifest(outcome.text);
    assert.ok(again.ok && !again.changed);
  });

  it('keeps a string the model changes in the canonical form', () => {
    // A mode written in capitals reads as the lowercase mode: the written text is not the
    // canonical value, so the canonical string is written.
    const outcome = formatManifest(
      "[workload]\nname = 'web'\nmode = 'Container'\nimage = 'nginx'\n",
    );
    if (!outcome.ok) return assert.match(outcome.reason, /would lose/);
    const mode = /^mode = (.*)$/m.exec(outcome.text)![1];
    assert.ok(mode === "'Container'" || mode === '"container"', outcome.text);
    assert.ok(formatManifest(outcome.text).ok);
  });

  it('keeps comments in their context: end of a section, above a header, under a key', () => {
    const text =
      '# file header\n\n' +
      '[resources]\ncpu_weight = 5\n# end of resources\n\n' +
      '# about workload\n[workload]\nimage = "nginx"\n# after image\n\nname = "web"\nmode = "container"\n' +
      '# end of workload\n';
    const outcome = formatManifest(text);
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(
      outcome.text,
      '# file header\n\n' +
        '# about workload\n[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n# after image\n' +
        '# end of workload\n\n' +
        '[resources]\ncpu_weight = 5\n# end of resources\n',
    );
    const again = formatManifest(outcome.text);
    assert.ok(again.ok && !again.changed, again.ok ? again.text : again.reason);
  });

  it('keeps a footer after a blank line at the end of the file', () => {
    const outcome = formatManifest(`${WORKLOAD}\n# footer\n`);
    assert.ok(outcome.ok);
    assert.equal(outcome.text, `${WORKLOAD}\n# footer\n`);
  });

  it('keeps closing comments of a top level and of a section it does not write', () => {
    const outcome = formatManifest(
      `extends = "base.toml"\n# top-level note\n\n${WORKLOAD}[resources]\ncpu_weight = 0\n# gone section note\n\n[network]\nmode = "bridge"\n`,
    );
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(
      outcome.text,
      // [resources] has nothing the canonical form writes: its closing comment goes above
      // what came after it.
      `extends = "base.toml"\n# top-level note\n\n${WORKLOAD}\n# gone section note\n[network]\nmode = "bridge"\n`,
    );
  });

  it('formats a file whose problem names a line that formatting moves', () => {
    // The warning says "first at line 9, column 15"; formatted, the list is on line 7.
    const text = `${WORKLOAD}\n\n\n[security]\ncapabilities=["CAP_NET_ADMIN","CAP_NET_ADMIN"]\n`;
    const outcome = formatManifest(text);
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(
      outcome.text,
      `${WORKLOAD}\n[security]\ncapabilities = ["CAP_NET_ADMIN", "CAP_NET_ADMIN"]\n`,
    );
  });

  it('formats a file whose only problems are keys in another case, and writes them lowercase', () => {
    const outcome = formatManifest('[Resources]\nCPU_Weight = 300\n');
    assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
    assert.equal(outcome.text, '[resources]\ncpu_weight = 300\n');
  });
});
