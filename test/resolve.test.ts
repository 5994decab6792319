import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  encodeManifest,
  resolveManifest,
  sha256Hex,
  type Diagnostic,
  type ManifestHost,
  type ResolveOptions,
} from '../lib/index.js';
import { memoryHost } from './helpers.js';
import { DirectoryCasStore, loadManifest } from '../lib/node/index.js';

const show = (list: Diagnostic[]) =>
  list.map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.path}`);

const BASE = `[workload]
name = "base"
mode = "container"
image = "registry.example.com/base:1"
description = "from the base"

[resources]
memory_limit = "1G"
cpu_weight = 50

[network]
ports = ["8080:80"]

[[storage.volumes]]
host = "/srv/base"
container = "/data"
`;

describe('resolveManifest', () => {
  it('rejects a host it cannot read through with a TypeError, before reading anything', async () => {
    // A host without readFile was reported as "options.host.readFile is not a function"
    // in a diagnostic about the base.
    const child = 'extends = "base.toml"\n';
    const readFile = async () => '';
    const bad: [unknown, RegExp][] = [
      [{ host: {} }, /options\.host must be an object with a readFile function, got an object/],
      [{ host: null }, /options\.host must be an object with a readFile function, got null/],
      [{}, /got undefined/],
      [{ host: { readFile, cas: {} } }, /options\.host\.cas must be a store with a get function/],
      [{ host: { readFile }, maxDepth: -1 }, /maxDepth must be a whole number, got -1/],
      [{ host: { readFile }, maxDepth: 1.5 }, /maxDepth must be a whole number/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(resolveManifest(child, options as ResolveOptions), {
        name: 'TypeError',
        message,
      });
    }
  });

  it('merges base first, child keys over it: tables key by key, arrays whole', async () => {
    const child = `extends = "../base/web.toml"
[workload]
name = "child"
[resources]
cpu_weight = 200
[network]
ports = ["9090:90"]
`;
    const result = await resolveManifest(child, {
      path: 'apps/child.toml',
      host: memoryHost({ 'base/web.toml': BASE }),
    });
    assert.deepEqual(result.diagnostics, []);
    const m = result.manifest;
    assert.equal(m.extends, '');
    assert.equal(m.sourcePath, 'apps/child.toml');
    assert.deepEqual(m.workload, {
      name: 'child',
      mode: 'container',
      image: 'registry.example.com/base:1',
      description: 'from the base',
    });
    assert.equal(m.resources.memoryLimit, '1G');
    assert.equal(m.resources.cpuWeight, 200);
    assert.deepEqual(m.network.ports, ['9090:90']);
    assert.deepEqual(m.storage.volumes, [
      { host: '/srv/base', container: '/data', readOnly: false },
    ]);
    assert.deepEqual(
      result.sources.map((s) => s.file),
      ['apps/child.toml', 'base/web.toml'],
    );
  });

  it('points each diagnostic at the file that wrote the value, base or child', async () => {
    const base = BASE.replace('cpu_weight = 50', 'cpu_weight = 20000').replace(
      'memory_limit = "1G"',
      'memory_limit = "1Q"',
    );
    const child =
      'extends = "base.toml"\n[resources]\nmemory_soft = "2G"\ncpu_weight = 70\n[network]\nmode = "none"\n';
    const result = await resolveManifest(child, {
      path: 'c.toml',
      host: memoryHost({ 'base.toml': base }),
    });
    assert.deepEqual(show(result.diagnostics), [
      'memory-size-invalid base.toml:8:16 resources.memory_limit',
      'ports-not-allowed base.toml:12:9 network.ports',
    ]);
    // cpu_weight = 20000 in the base is overridden by the child, so it is not reported.
  });

  it('checks cross-field rules on the merged manifest', async () => {
    const child = 'extends = "base.toml"\n[resources]\nmemory_soft = "2G"\n';
    const result = await resolveManifest(child, {
      path: 'c.toml',
      host: memoryHost({ 'base.toml': BASE }),
    });
    assert.deepEqual(show(result.diagnostics), [
      'memory-soft-exceeds-limit c.toml:3:15 resources.memory_soft',
    ]);
    const needsKernel = 'extends = "base.toml"\n[workload]\nmode = "hybrid-kvm"\n';
    const kvm = await resolveManifest(needsKernel, {
      path: 'k.toml',
      host: memoryHost({ 'base.toml': BASE }),
    });
    assert.deepEqual(show(kvm.diagnostics), ['kernel-path-required k.toml:3:8 kernel.path']);
  });

  it('reports a cycle with the whole chain', async () => {
    const host = memoryHost({
      'a.toml': `extends = "b.toml"\n${BASE}`,
      'b.toml': 'extends = "./c.toml"\n',
      'c.toml': 'extends = "a.toml"\n',
    });
    const result = await resolveManifest(`extends = "a.toml"\n`, { path: 'main.toml', host });
    const cycle = result.diagnostics.find((d) => d.code === 'extends-cycle')!;
    assert.equal(cycle.message, 'extends cycle: main.toml → a.toml → b.toml → c.toml → a.toml');
    assert.deepEqual([cycle.file, cycle.line, cycle.column], ['c.toml', 1, 11]);
    const self = await resolveManifest('extends = "self.toml"\n', {
      path: 'self.toml',
      host: memoryHost({}),
    });
    assert.equal(self.diagnostics[0]!.code, 'extends-cycle');
  });

  it('knows the manifest itself however its path is spelled', async () => {
    // A file that extends itself, given as ./dir/a.toml: read again as dir/a.toml, it
    // was a base of itself, its problems reported twice under two names.
    const text = `extends = "a.toml"\n[workload]\nname = "a"\nbogus = 1\n`;
    for (const path of ['./dir/a.toml', 'dir//a.toml', 'dir/./a.toml', 'x/../dir/a.toml']) {
      const reads: string[] = [];
      const host: ManifestHost = {
        readFile: async (name) => {
          reads.push(name);
          return text;
        },
      };
      const result = await resolveManifest(text, { path, host });
      assert.deepEqual(reads, [], path);
      assert.deepEqual(show(result.diagnostics), [
        `extends-cycle ${path}:1:11 extends`,
        `unknown-key ${path}:4:1 workload.bogus`,
      ]);
      assert.equal(result.diagnostics[0]!.message, 'extends cycle: dir/a.toml → dir/a.toml');
      assert.equal(result.sources.length, 1);
    }
  });

  it('follows at most 16 links', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 20; i++) files[`l${i}.toml`] = `extends = "l${i + 1}.toml"\n`;
    files['l16.toml'] = BASE;
    const ok = await resolveManifest('extends = "l1.toml"\n', {
      path: 'l0.toml',
      host: memoryHost(files),
    });
    assert.deepEqual(ok.diagnostics, []);
    assert.equal(ok.sources.length, 17);
    files['l16.toml'] = 'extends = "l17.toml"\n';
    files['l17.toml'] = BASE;
    const deep = await resolveManifest('extends = "l1.toml"\n', {
      path: 'l0.toml',
      host: memoryHost(files),
    });
    const d = deep.diagnostics.find((x) => x.code === 'extends-too-deep')!;
    assert.equal(d.file, 'l16.toml');
    assert.match(d.message, /more than 16 deep: l0.toml → l1.toml → .* → l17.toml$/);
    const shallow = await resolveManifest('extends = "l1.toml"\n', {
      path: 'l0.toml',
      host: memoryHost(files),
      maxDepth: 2,
    });
    assert.ok(shallow.diagnostics.some((x) => x.code === 'extends-too-deep'));
  });

  it('reports a missing base at the extends value, and does not require inherited keys', async () => {
    const result = await resolveManifest('\n\nextends = "gone.toml"\n', {
      path: 'x.toml',
      host: memoryHost({}),
    });
    assert.deepEqual(show(result.diagnostics), ['extends-not-found x.toml:3:11 extends']);
  });

  it('refuses a relative extends inside a stored manifest, and follows a cas:// one', async () => {
    const common = BASE;
    const commonDigest = `sha256:${sha256Hex(common)}`;
    const relative = 'extends = "common.toml"\n[workload]\nname = "mid"\n';
    const relativeDigest = `sha256:${sha256Hex(relative)}`;
    const stored = `extends = "cas://${commonDigest}"\n[workload]\nname = "mid"\n`;
    const storedDigest = `sha256:${sha256Hex(stored)}`;
    const reads: string[] = [];
    const host = memoryHost(
      { 'common.toml': common, 'cas:/common.toml': common },
      { [relativeDigest]: relative, [storedDigest]: stored, [commonDigest]: common },
    );
    const readFile = host.readFile;
    host.readFile = async (path) => {
      reads.push(path);
      return readFile(path);
    };
    const bad = await resolveManifest(`extends = "cas://${relativeDigest}"\n`, {
      path: 'c.toml',
      host,
    });
    assert.deepEqual(show(bad.diagnostics), [
      `extends-relative-in-cas cas://${relativeDigest}:1:11 extends`,
    ]);
    assert.equal(bad.diagnostics[0]!.code, 'extends-relative-in-cas');
    assert.match(bad.diagnostics[0]!.message, /'common\.toml' is a relative path/);
    assert.deepEqual(reads, [], 'nothing is read for the relative reference');
    const good = await resolveManifest(`extends = "cas://${storedDigest}"\n`, {
      path: 'c.toml',
      host,
    });
    assert.deepEqual(good.diagnostics, []);
    assert.equal(good.manifest.workload.name, 'mid');
    assert.equal(good.manifest.workload.image, 'registry.example.com/base:1');
  });

  it('resolves content-addressed bases and checks their integrity', async () => {
    const digest = `sha256:${sha256Hex(BASE)}`;
    const child = `extends = "cas://${digest}"\n[workload]\nname = "c"\n`;
    const good = await resolveManifest(child, {
      path: 'c.toml',
      host: memoryHost({}, { [digest]: BASE }),
    });
    assert.deepEqual(good.diagnostics, []);
    assert.equal(good.manifest.workload.image, 'registry.example.com/base:1');
    assert.equal(good.sources[1]!.file, `cas://${digest}`);
    const tampered = await resolveManifest(child, {
      path: 'c.toml',
      host: memoryHost({}, { [digest]: BASE.replace('base:1', 'evil:1') }),
    });
    assert.equal(tampered.diagnostics[0]!.code, 'extends-integrity');
    assert.match(tampered.diagnostics[0]!.message, /does not match its digest/);
    const missing = await resolveManifest(child, { path: 'c.toml', host: memoryHost({}, {}) });
    assert.match(missing.diagnostics[0]!.message, /is not in the store/);
    const noStore = await resolveManifest(child, { path: 'c.toml', host: memoryHost({}) });
    assert.match(noStore.diagnostics[0]!.message, /no content-addressed store/);
  });

  it('reports base syntax errors in the base file and skips cross-field rules', async () => {
    const result = await resolveManifest('extends = "b.toml"\n', {
      path: 'a.toml',
      host: memoryHost({ 'b.toml': '[workload\n' }),
    });
    assert.deepEqual(show(result.diagnostics), ['toml-unterminated-table-header b.toml:1:10 ']);
  });

  it('maps a host error that is not a ManifestLoadError to extends-unreadable', async () => {
    const host: ManifestHost = { readFile: async () => Promise.reject(new Error('disk on fire')) };
    const result = await resolveManifest('extends = "b.toml"\n', { path: 'a.toml', host });
    assert.equal(result.diagnostics[0]!.code, 'extends-unreadable');
    assert.match(result.diagnostics[0]!.message, /disk on fire/);
  });
});

describe('resolveManifest with a host that gives something else than a manifest', () => {
  const given = (value: unknown): ManifestHost => ({
    readFile: async () => value as string,
    cas: { get: async () => value as string },
  });

  it('reports what readFile or the store gave at the extends, instead of throwing', async () => {
    const digest = `sha256:${sha256Hex(BASE)}`;
    for (const [value, what] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [42, 'the number 42'],
      [new ArrayBuffer(4), 'an object'],
    ] as const) {
      const file = await resolveManifest('extends = "b.toml"\n', {
        path: 'a.toml',
        host: given(value),
      });
      assert.deepEqual(show(file.diagnostics), ['extends-unreadable a.toml:1:11 extends']);
      assert.equal(
        file.diagnostics[0]!.message,
        `cannot load base manifest 'b.toml': the host's readFile gave ${what}, not the bytes or text of a manifest`,
      );
      if (value === null || value === undefined) continue; // the store's "not there"
      const cas = await resolveManifest(`extends = "cas://${digest}"\n`, {
        path: 'a.toml',
        host: given(value),
      });
      assert.deepEqual(show(cas.diagnostics), ['extends-unreadable a.toml:1:11 extends']);
      assert.match(
        cas.diagnostics[0]!.message,
        new RegExp(`the store gave ${what}, not the bytes`),
      );
    }
  });

  it('reports a rejection with something other than an Error by what it was', async () => {
    for (const [reason, why] of [
      [undefined, 'undefined'],
      ['disk on fire', 'disk on fire'],
    ] as const) {
      const host: ManifestHost = { readFile: () => Promise.reject(reason) };
      const result = await resolveManifest('extends = "b.toml"\n', { path: 'a.toml', host });
      assert.deepEqual(show(result.diagnostics), ['extends-unreadable a.toml:1:11 extends']);
      assert.equal(result.diagnostics[0]!.message, `cannot load base manifest 'b.toml': ${why}`);
    }
  });
});

describe('Node loader', () => {
  // The bases here are outside the working directory, the default root: each load names it.
  const dir = mkdtempSync(join(tmpdir(), 'volt-manifest-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'base'));
  mkdirSync(join(dir, 'apps'));
  mkdirSync(join(dir, 'cas', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'base', 'web.toml'), BASE);
  const digest = sha256Hex(BASE);
  writeFileSync(join(dir, 'cas', 'sha256', digest), BASE);

  it('takes options only as an object (a CAS root given in their place is a TypeError)', async () => {
    const casRoot = join(dir, 'cas') as unknown as { casRoot: string };
    await assert.rejects(loadManifest(join(dir, 'base', 'web.toml'), casRoot), {
      name: 'TypeError',
      message: /options must be an object/,
    });
  });

  it('says why a path names no file: empty, or going on past a file', async () => {
    // '' gave " does not exist", and web.toml/ "does not exist" though web.toml does.
    const file = join(dir, 'base', 'web.toml');
    const cases: [string, string][] = [
      ['', 'an empty path names no file'],
      [
        `${file}/`,
        `${file}/ does not exist: a part of the path before its end is a file, not a directory`,
      ],
      [join(dir, 'nope.toml'), `${join(dir, 'nope.toml')} does not exist`],
    ];
    for (const [path, message] of cases) {
      const result = await loadManifest(path);
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.message]),
        [['file-not-found', message]],
      );
    }
  });

  it('loads a file and resolves a relative extends from its directory', async () => {
    writeFileSync(
      join(dir, 'apps', 'a.toml'),
      'extends = "../base/web.toml"\n[workload]\nname = "a"\n',
    );
    const result = await loadManifest(join(dir, 'apps', 'a.toml'), { root: dir });
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.manifest.workload.name, 'a');
    assert.equal(result.manifest.workload.image, 'registry.example.com/base:1');
    assert.equal(encodeManifest(result.manifest).includes('extends'), false);
  });

  it('reads content-addressed bases from the directory store', async () => {
    writeFileSync(join(dir, 'apps', 'cas.toml'), `extends = "cas://sha256:${digest}"\n`);
    const store = new DirectoryCasStore(join(dir, 'cas'));
    assert.equal(await store.get('sha256:nothex'), null);
    assert.equal(await store.get(`sha256:${'0'.repeat(64)}`), null);
    const result = await loadManifest(join(dir, 'apps', 'cas.toml'), { casRoot: join(dir, 'cas') });
    assert.deepEqual(result.diagnostics, []);
    writeFileSync(join(dir, 'cas', 'sha256', '1'.repeat(64)), 'tampered');
    writeFileSync(
      join(dir, 'apps', 'bad-cas.toml'),
      `extends = "cas://sha256:${'1'.repeat(64)}"\n`,
    );
    const bad = await loadManifest(join(dir, 'apps', 'bad-cas.toml'), { cas: store });
    assert.equal(bad.diagnostics[0]!.code, 'extends-integrity');
  });

  it('applies maxBytes to content-addressed bases read through casRoot', async () => {
    // loadManifest made its CAS store without the limit: a stored base of any size was read.
    const child = `extends = "cas://sha256:${digest}"\n`;
    writeFileSync(join(dir, 'apps', 'cas-small.toml'), child);
    const stored = readFileSync(join(dir, 'cas', 'sha256', digest));
    assert.ok(stored.length > child.length);
    const limited = await loadManifest(join(dir, 'apps', 'cas-small.toml'), {
      casRoot: join(dir, 'cas'),
      maxBytes: child.length,
    });
    assert.deepEqual(
      limited.diagnostics.map((d) => d.code),
      ['extends-too-large'],
    );
  });

  it('reports directories, missing and oversized files as diagnostics', async () => {
    writeFileSync(join(dir, 'apps', 'dir.toml'), 'extends = "../base"\n');
    const toDir = await loadManifest(join(dir, 'apps', 'dir.toml'), { root: dir });
    assert.equal(toDir.diagnostics[0]!.code, 'extends-unreadable');
    assert.match(toDir.diagnostics[0]!.message, /is a directory/);
    writeFileSync(join(dir, 'apps', 'big.toml'), 'extends = "../base/web.toml"\n');
    const big = await loadManifest(join(dir, 'apps', 'big.toml'), { maxBytes: 100, root: dir });
    assert.equal(big.diagnostics[0]!.code, 'extends-too-large');
    const missing = await loadManifest(join(dir, 'nope.toml'));
    assert.deepEqual(
      [missing.diagnostics[0]!.code, missing.diagnostics[0]!.line],
      ['file-not-found', 0],
    );
    const directory = await loadManifest(dir);
    assert.equal(directory.diagnostics[0]!.code, 'file-unreadable');
    const tooBig = await loadManifest(join(dir, 'base', 'web.toml'), { maxBytes: 10 });
    assert.equal(tooBig.diagnostics[0]!.code, 'file-too-large');
    // Any other failure to open says what the system said.
    const longName = await loadManifest(join(dir, `${'n'.repeat(5000)}.toml`));
    assert.equal(longName.diagnostics[0]!.code, 'file-unreadable');
    assert.match(longName.diagnostics[0]!.message, /n\.toml: .*name too long/);
  });
});
