/**
 * Untrusted manifests: what `extends` may reach. Through the real file system, with real
 * symbolic links, in a temporary directory: a root with the manifests, and next to it a
 * directory outside the root holding a "secret" base that must never be read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ManifestLoadError,
  resolveManifest,
  type Diagnostic,
  type ManifestHost,
} from '../lib/index.js';
import { checkManifests, checkOne, loadManifest, nodeHost } from '../lib/node/index.js';

const temp = mkdtempSync(join(tmpdir(), 'volt-security-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** A valid child: whatever it extends, the base's values show only if the base was read. */
const CHILD = '[workload]\nname = "app"\nmode = "container"\n';
/** A base outside the root: its image must never reach a result. */
const SECRET_IMAGE = 'secret-image-from-outside-the-root';
const SECRET = `[workload]\nname = "secret"\nmode = "container"\nimage = "${SECRET_IMAGE}"\n`;
const INSIDE = '[workload]\nname = "base"\nmode = "container"\nimage = "inside"\n';

const show = (list: readonly Diagnostic[]) =>
  list.map((d) => `${d.code} ${d.line}:${d.column}-${d.endLine}:${d.endColumn}`);

let counter = 0;
/**
 * `<temp>/tN/root` with `base.toml`, and `<temp>/tN/outside` with `base.toml` (the
 * secret) and an `inner/` directory.
 */
function layout(): { root: string; outside: string } {
  const top = join(temp, `t${counter++}`);
  const root = join(top, 'root');
  const outside = join(top, 'outside');
  mkdirSync(root, { recursive: true });
  mkdirSync(join(outside, 'inner'), { recursive: true });
  writeFileSync(join(root, 'base.toml'), INSIDE);
  writeFileSync(join(outside, 'base.toml'), SECRET);
  return { root, outside };
}

/** Writes `<root>/app.toml` extending `ref` and loads it with `root` as the root. */
async function extending(root: string, ref: string, options: { root?: string | null } = {}) {
  const path = join(root, 'app.toml');
  writeFileSync(path, `extends = ${JSON.stringify(ref)}\n${CHILD}`);
  return loadManifest(path, { root, ...options });
}

describe('extends stays inside the root', () => {
  it('reports a base outside the root at the extends value and does not read it', async () => {
    // ../../../../etc/shadow was read, its lines printed as code frames.
    const { root } = layout();
    const path = join(root, 'app.toml');
    writeFileSync(path, `# a comment\n\nextends   =   "../outside/base.toml"\n${CHILD}`);
    const result = await loadManifest(path, { root });
    assert.deepEqual(show(result.diagnostics), ['extends-outside-root 3:15-3:37']);
    const [d] = result.diagnostics;
    assert.equal(d!.file, path);
    assert.equal(d!.path, 'extends');
    assert.equal(d!.severity, 'error');
    assert.equal(
      d!.message,
      `cannot load base manifest '${join(root, '../outside/base.toml')}': ${join(root, '../outside/base.toml')} is outside the root directory ${root} (a manifest can only extend files inside it)`,
    );
    assert.equal(result.manifest.workload.image, '');
    assert.equal(result.sources.length, 1);
    const deep = await extending(root, '../../../../../../../../../../etc/passwd');
    assert.deepEqual(show(deep.diagnostics), ['extends-outside-root 1:11-1:53']);
  });

  it('follows links on the way: a linked directory or a linked file that leads out is outside', async () => {
    const { root, outside } = layout();
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync('../outside/base.toml', join(root, 'linked-file.toml'));
    symlinkSync(join(outside, 'base.toml'), join(root, 'absolute-link.toml'));
    // A chain of links inside the root that ends outside.
    symlinkSync('linked-file.toml', join(root, 'link-to-link.toml'));
    // A link out and a link back in: the file is inside, the way to it is not.
    symlinkSync(join(root, '..', 'root'), join(outside, 'inner', 'back'));
    for (const ref of [
      'linked-dir/base.toml',
      'linked-file.toml',
      'absolute-link.toml',
      'link-to-link.toml',
      'linked-dir/inner/back/base.toml',
      'linked-dir/inner/../base.toml',
    ]) {
      const result = await extending(root, ref);
      assert.deepEqual(
        result.diagnostics.map((d) => d.code),
        ['extends-outside-root'],
        ref,
      );
      assert.equal(result.manifest.workload.image, '', ref);
    }
  });

  it('says the same for a path outside the root whether or not it exists', async () => {
    // A missing file outside must not answer "does not exist" where a present one answers
    // "outside the root": that would tell an attacker which files the runner has.
    const { root, outside } = layout();
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync('../outside/missing.toml', join(root, 'dangling.toml'));
    symlinkSync('../outside/base.toml', join(root, 'present.toml'));
    symlinkSync('../outside/missing/deeper/x.toml', join(root, 'dangling-deep.toml'));
    const pairs: [string, string][] = [
      ['../outside/base.toml', '../outside/missing.toml'],
      ['../outside/base.toml', '../nowhere/missing.toml'],
      ['linked-dir/base.toml', 'linked-dir/missing.toml'],
      ['linked-dir/base.toml', 'linked-dir/missing/deeper.toml'],
      ['present.toml', 'dangling.toml'],
      ['present.toml', 'dangling-deep.toml'],
    ];
    for (const [present, missing] of pairs) {
      const a = await extending(root, present);
      const b = await extending(root, missing);
      assert.deepEqual(
        [a.diagnostics.map((d) => d.code), b.diagnostics.map((d) => d.code)],
        [['extends-outside-root'], ['extends-outside-root']],
        `${present} / ${missing}`,
      );
      assert.equal(
        b.diagnostics[0]!.message.replaceAll(join(root, missing), join(root, present)),
        a.diagnostics[0]!.message,
      );
    }
  });

  it('reads bases inside the root, through links that stay inside, and says what is missing there', async () => {
    const { root } = layout();
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'deep.toml'), INSIDE);
    symlinkSync('base.toml', join(root, 'alias.toml'));
    symlinkSync(join(root, 'base.toml'), join(root, 'absolute-alias.toml'));
    symlinkSync('sub', join(root, 'linked-sub'));
    // Out to the parent and straight back in by name: still only the root is looked at.
    symlinkSync('../root/base.toml', join(root, 'round.toml'));
    for (const ref of [
      'base.toml',
      './sub/../base.toml',
      'alias.toml',
      'absolute-alias.toml',
      'linked-sub/deep.toml',
      'round.toml',
      '../root/base.toml',
    ]) {
      const result = await extending(root, ref);
      assert.deepEqual(result.diagnostics, [], ref);
      assert.equal(result.manifest.workload.image, 'inside', ref);
    }
    const missing = await extending(root, 'sub/missing.toml');
    assert.deepEqual(
      missing.diagnostics.map((d) => [d.code, d.message]),
      [
        [
          'extends-not-found',
          `cannot load base manifest '${join(root, 'sub/missing.toml')}': ${join(root, 'sub/missing.toml')} does not exist`,
        ],
      ],
    );
    const pastFile = await extending(root, 'base.toml/x.toml');
    assert.deepEqual(
      pastFile.diagnostics.map((d) => d.code),
      ['extends-not-found'],
    );
  });

  it('compares real paths when the root itself is given through a link', async () => {
    const { root } = layout();
    const rootLink = join(root, '..', 'root-link');
    symlinkSync(root, rootLink);
    // The manifest named through the link, the root through the link, or either one real.
    for (const [file, rootGiven] of [
      [join(rootLink, 'app.toml'), rootLink],
      [join(root, 'app.toml'), rootLink],
      [join(rootLink, 'app.toml'), root],
    ] as const) {
      writeFileSync(join(root, 'app.toml'), `extends = "base.toml"\n${CHILD}`);
      const inside = await loadManifest(file, { root: rootGiven });
      assert.deepEqual(inside.diagnostics, [], `${file} in ${rootGiven}`);
      assert.equal(inside.manifest.workload.image, 'inside');
      writeFileSync(join(root, 'app.toml'), `extends = "../outside/base.toml"\n${CHILD}`);
      const outside = await loadManifest(file, { root: rootGiven });
      assert.deepEqual(
        outside.diagnostics.map((d) => d.code),
        ['extends-outside-root'],
      );
    }
  });

  it('reads any base with a root of / or null, and the file asked for wherever it is', async () => {
    const { root, outside } = layout();
    for (const allowAll of ['/', null]) {
      const result = await extending(root, '../outside/base.toml', { root: allowAll });
      assert.deepEqual(result.diagnostics, [], String(allowAll));
      assert.equal(result.manifest.workload.image, SECRET_IMAGE);
    }
    // The top-level file is what the caller asked for: read though outside the root.
    const asked = await loadManifest(join(outside, 'base.toml'), { root });
    assert.deepEqual(asked.diagnostics, []);
    assert.equal(asked.manifest.workload.image, SECRET_IMAGE);
  });

  it('defaults to the current working directory', async () => {
    // The tests run in the project directory; the temporary directory is outside it.
    const { root } = layout();
    writeFileSync(join(root, 'app.toml'), `extends = "base.toml"\n${CHILD}`);
    const result = await loadManifest(join(root, 'app.toml'));
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['extends-outside-root'],
    );
    assert.match(result.diagnostics[0]!.message, new RegExp(`root directory ${process.cwd()} `));
  });

  it('refuses bases that are not regular files before opening them', async () => {
    // Opening a device can act (a tape rewinds, a terminal is taken); a FIFO with no writer
    // would block a reader that did not ask for O_NONBLOCK.
    const { root } = layout();
    const fifo = spawnSync('mkfifo', [join(root, 'fifo.toml')]);
    assert.equal(fifo.status, 0, 'mkfifo');
    symlinkSync('/dev/zero', join(root, 'device.toml'));
    mkdirSync(join(root, 'dir.toml'));
    const cases: [string, { root?: string | null }, string][] = [
      ['fifo.toml', {}, 'is not a regular file'],
      ['device.toml', { root: '/' }, 'is not a regular file'],
      ['dir.toml', {}, 'is a directory'],
    ];
    for (const [ref, options, why] of cases) {
      const result = await extending(root, ref, options);
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.message]),
        [
          [
            'extends-unreadable',
            `cannot load base manifest '${join(root, ref)}': ${join(root, ref)} ${why}`,
          ],
        ],
      );
    }
    // Links in a circle inside the root: unreadable, as the system says it, not a hang.
    symlinkSync('loop-b.toml', join(root, 'loop-a.toml'));
    symlinkSync('loop-a.toml', join(root, 'loop-b.toml'));
    const loop = await extending(root, 'loop-a.toml');
    assert.deepEqual(
      loop.diagnostics.map((d) => [d.code, d.message]),
      [
        [
          'extends-unreadable',
          `cannot load base manifest '${join(root, 'loop-a.toml')}': ${join(root, 'loop-a.toml')}: too many levels of symbolic links`,
        ],
      ],
    );
    // Outside the root (a device), it is outside first.
    const device = await extending(root, 'device.toml');
    assert.deepEqual(
      device.diagnostics.map((d) => d.code),
      ['extends-outside-root'],
    );
  });

  it('reports a root that cannot be used, and rejects one that is not a path or null', async () => {
    const { root } = layout();
    const missingRoot = join(root, 'no-such-dir');
    const result = await extending(root, 'base.toml', { root: missingRoot });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.message]),
      [
        [
          'extends-unreadable',
          `cannot load base manifest '${join(root, 'base.toml')}': the root directory cannot be used: ${missingRoot} does not exist`,
        ],
      ],
    );
    const fileRoot = await extending(root, 'base.toml', { root: join(root, 'base.toml') });
    assert.match(fileRoot.diagnostics[0]!.message, /base\.toml is not a directory$/);
    for (const bad of [5, '', {}]) {
      const message = /^root must be a directory path or null, got /;
      assert.throws(() => nodeHost({ root: bad as string }), { name: 'TypeError', message });
      await assert.rejects(loadManifest(join(root, 'app.toml'), { root: bad as string }), {
        name: 'TypeError',
        message,
      });
      await assert.rejects(checkOne(join(root, 'app.toml'), { root: bad as string }), {
        name: 'TypeError',
        message,
      });
      await assert.rejects(checkManifests([join(root, 'app.toml')], { root: bad as string }), {
        name: 'TypeError',
        message,
      });
    }
  });

  /**
   * Runs `load` with `fs[name]` swapping `<root>/dir` for a link to `<outside>/inner` the
   * first time it is called on `<root>/dir/base.toml`: what an attacker racing the check
   * does, at the one moment that matters, every time.
   */
  async function withSwap<T>(
    name: 'openSync' | 'lstatSync',
    root: string,
    outside: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const module = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = module[name]!;
    module[name] = (...args: unknown[]) => {
      if (String(args[0]) === join(root, 'dir', 'base.toml')) {
        module[name] = original;
        syncBuiltinESMExports();
        renameSync(join(root, 'dir'), join(root, 'dir-before'));
        symlinkSync(join(outside, 'inner'), join(root, 'dir'));
      }
      return original(...args);
    };
    syncBuiltinESMExports();
    try {
      return await load();
    } finally {
      module[name] = original;
      syncBuiltinESMExports();
    }
  }

  it('does not read outside when a directory on the way becomes a link out during the check', async () => {
    // O_NOFOLLOW guards only the last part of the path: with dir/ swapped for a link
    // after the walk (or during it, before its last step), the open read the secret.
    for (const name of ['openSync', 'lstatSync'] as const) {
      const { root, outside } = layout();
      mkdirSync(join(root, 'dir'));
      writeFileSync(join(root, 'dir', 'base.toml'), INSIDE);
      writeFileSync(join(outside, 'inner', 'base.toml'), SECRET);
      const result = await withSwap(name, root, outside, () => extending(root, 'dir/base.toml'));
      assert.deepEqual(
        result.diagnostics.map((d) => d.code),
        ['extends-outside-root'],
        name,
      );
      assert.equal(result.manifest.workload.image, '', name);
    }
    // Without a swap, the same base is read.
    const { root } = layout();
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'dir', 'base.toml'), INSIDE);
    assert.equal((await extending(root, 'dir/base.toml')).manifest.workload.image, 'inside');
  });

  it('gives the root to checkOne and to the worker threads of checkManifests', async () => {
    const { root } = layout();
    const paths: string[] = [];
    for (let i = 0; i < 130; i++) {
      const path = join(root, `m${i}.toml`);
      writeFileSync(path, `extends = "${i % 2 === 0 ? 'base.toml' : '../outside/base.toml'}"\n`);
      paths.push(path);
    }
    const codes = (results: { diagnostics: Diagnostic[] }[]) =>
      results.map((r) => r.diagnostics.map((d) => d.code).join(','));
    const confined = await checkManifests(paths, { workers: 2, root });
    assert.deepEqual(
      codes(confined),
      paths.map((_, i) => (i % 2 === 0 ? '' : 'extends-outside-root')),
    );
    // A root above both: every base is read, in the workers too.
    const wide = await checkManifests(paths, { workers: 2, root: join(root, '..') });
    assert.deepEqual(
      codes(wide),
      paths.map(() => ''),
    );
    // With no root given, the workers use the working directory, as the calling thread does.
    const byDefault = await checkManifests(paths, { workers: 2 });
    assert.deepEqual(
      codes(byDefault),
      paths.map(() => 'extends-outside-root'),
    );
    assert.deepEqual(
      (await checkOne(join(root, 'm1.toml'), { root })).diagnostics.map((d) => d.code),
      ['extends-outside-root'],
    );
  });
});

describe('extends that is not a valid reference', () => {
  it('is reported once and never followed', async () => {
    // "a\u0000b" was reported as extends-invalid, then read anyway: a second diagnostic
    // carried Node's own error text.
    const reads: string[] = [];
    const host: ManifestHost = {
      readFile: async (path) => {
        reads.push(path);
        throw new ManifestLoadError('not-found', `${path} does not exist`);
      },
    };
    for (const ref of ['a\\u0000b', 'a\\u0007b.toml', 'base\\u007f.toml', 'x\\ny.toml']) {
      const result = await resolveManifest(`extends = "${ref}"\n${CHILD}image = "x"\n`, {
        path: 'app.toml',
        host,
      });
      assert.deepEqual(
        result.diagnostics.map((d) => d.code),
        ['extends-invalid'],
        ref,
      );
      assert.match(result.diagnostics[0]!.message, /control character/);
    }
    assert.deepEqual(reads, []);
    const { root } = layout();
    const fromFile = await extending(root, 'a\u0000b');
    // At the control character's escape (\u0000), its own place in the value (issue 17).
    assert.deepEqual(show(fromFile.diagnostics), ['extends-invalid 1:13-1:19']);
  });
});

describe('extends cycles', () => {
  it('are found by real path, once, with each file reported once', async () => {
    // cyc/b.toml extends ../cyc-link/a.toml, the file the chain started from under another
    // name: compared as written, a and b were read again (their problems reported twice)
    // before the cycle was found.
    const { root } = layout();
    mkdirSync(join(root, 'cyc'));
    symlinkSync('cyc', join(root, 'cyc-link'));
    // An unknown key is each file's own problem (a child never overrides it).
    const warned = (ref: string, name: string) =>
      `extends = "${ref}"\n[workload]\nname = "${name}"\nmode = "container"\nimage = "x"\n` +
      `unknown_in_${name} = 1\n`;
    writeFileSync(join(root, 'cyc', 'a.toml'), warned('b.toml', 'a'));
    writeFileSync(join(root, 'cyc', 'b.toml'), warned('../cyc-link/a.toml', 'b'));
    const result = await loadManifest(join(root, 'cyc', 'a.toml'), { root });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code} ${d.file.slice(root.length + 1)}`),
      ['unknown-key cyc/a.toml', 'extends-cycle cyc/b.toml', 'unknown-key cyc/b.toml'],
    );
    assert.equal(
      result.diagnostics[1]!.message,
      `extends cycle: ${[join(root, 'cyc/a.toml'), join(root, 'cyc/b.toml'), join(root, 'cyc-link/a.toml')].join(' → ')}`,
    );
    assert.equal(result.sources.length, 2);
  });

  it('through a directory linked to itself end at once, not at the depth limit', async () => {
    // a.toml extends loop/a.toml, loop being '.': compared as written, loop/a.toml,
    // loop/loop/a.toml, … were all new names until the chain was 16 deep.
    const { root } = layout();
    symlinkSync('.', join(root, 'loop'));
    writeFileSync(join(root, 'a.toml'), `extends = "loop/a.toml"\n${CHILD}`);
    const result = await loadManifest(join(root, 'a.toml'), { root });
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['extends-cycle'],
    );
    assert.equal(result.sources.length, 1);
  });

  it('use the host realPath when it has one, and names as written when it fails', async () => {
    const files: Record<string, string> = {
      'a.toml': 'extends = "b.toml"\n',
      'b.toml': 'extends = "other/a.toml"\n',
      'other/a.toml': 'extends = "b.toml"\n',
      'other/b.toml': 'extends = "../a.toml"\n',
    };
    const reads: string[] = [];
    const readFile = async (path: string) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new ManifestLoadError('not-found', `${path} does not exist`);
      return text;
    };
    const real = (path: string) => path.replace(/^other\//, '');
    const same = await resolveManifest(files['a.toml']!, {
      path: 'a.toml',
      host: { readFile, realPath: real },
    });
    assert.deepEqual(reads, ['b.toml']);
    assert.deepEqual(
      same.diagnostics.map((d) => [d.code, d.message]),
      [['extends-cycle', 'extends cycle: a.toml → b.toml → other/a.toml']],
    );
    reads.length = 0;
    const failing = await resolveManifest(files['a.toml']!, {
      path: 'a.toml',
      host: {
        readFile,
        realPath: () => {
          throw new Error('no such file');
        },
      },
    });
    assert.deepEqual(reads, ['b.toml', 'other/a.toml', 'other/b.toml']);
    assert.deepEqual(
      failing.diagnostics.map((d) => d.code),
      ['extends-cycle'],
    );
    await assert.rejects(
      resolveManifest('', { path: 'a.toml', host: { readFile, realPath: 5 as never } }),
      { name: 'TypeError', message: 'options.host.realPath must be a function, got the number 5' },
    );
  });
});
