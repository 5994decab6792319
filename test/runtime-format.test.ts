/**
 * Manifests exactly as the Volt runtime writes them (its `Encode` is BurntSushi/toml's
 * encoder over the Go structs of `../shared/seed/manifest.go.txt`) check clean here, resolve
 * as the same manifest written canonically does, and have the same digest.
 *
 * `goEncode` writes what that encoder writes, from its documented behaviour: plain keys
 * before tables; every section header, empty ones included; keys under a header indented by
 * two spaces and a sub-table (`[[storage.volumes]]`) indented one level further; `name` and
 * `mode` always (as `""` when unset); `omitempty` strings, lists and false booleans left
 * out, but integer zeros written (`cpu_weight = 0`), since BurntSushi's omitempty does not
 * omit them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import {
  MODES,
  emptyManifest,
  encodeManifest,
  formatManifest,
  manifestDigest,
  parseManifest,
  resolveManifest,
  type Manifest,
} from '../lib/index.js';
import { memoryHost } from './helpers.js';
import { randomManifest } from './manifest-gen.js';

function goString(value: string): string {
  // BurntSushi quotes with Go's escapes for control characters, `"` and `\`.
  return JSON.stringify(value);
}

function goList(values: readonly string[]): string {
  return `[${values.map(goString).join(', ')}]`;
}

/** The text the runtime's `Encode` writes for `m`. */
export function goEncode(m: Manifest): string {
  const out: string[] = [];
  const key = (indent: string, name: string, value: string) =>
    out.push(`${indent}${name} = ${value}`);
  const str = (indent: string, name: string, value: string, omitEmpty = true) => {
    if (!omitEmpty || value !== '') key(indent, name, goString(value));
  };
  const list = (indent: string, name: string, values: readonly string[]) => {
    if (values.length > 0) key(indent, name, goList(values));
  };
  const bool = (indent: string, name: string, value: boolean) => {
    if (value) key(indent, name, 'true');
  };
  const header = (name: string) => {
    if (out.length > 0) out.push('');
    out.push(`[${name}]`);
  };
  const I = '  ';
  // Plain keys of the top level first: `extends` (omitempty).
  str('', 'extends', m.extends);
  header('workload');
  str(I, 'name', m.workload.name, false);
  str(I, 'mode', m.workload.mode, false);
  str(I, 'image', m.workload.image);
  str(I, 'description', m.workload.description);
  header('kernel');
  str(I, 'version', m.kernel.version);
  str(I, 'path', m.kernel.path);
  list(I, 'modules', m.kernel.modules);
  str(I, 'cmdline', m.kernel.cmdline);
  header('security');
  str(I, 'landlock_profile', m.security.landlockProfile);
  str(I, 'seccomp_profile', m.security.seccompProfile);
  list(I, 'capabilities', m.security.capabilities);
  bool(I, 'read_only_rootfs', m.security.readOnlyRootfs);
  header('resources');
  str(I, 'memory_limit', m.resources.memoryLimit);
  str(I, 'memory_soft', m.resources.memorySoft);
  key(I, 'cpu_weight', String(m.resources.cpuWeight));
  str(I, 'cpu_set', m.resources.cpuSet);
  key(I, 'io_weight', String(m.resources.ioWeight));
  key(I, 'pids_max', String(m.resources.pidsMax));
  header('network');
  str(I, 'mode', m.network.mode);
  str(I, 'address', m.network.address);
  list(I, 'dns', m.network.dns);
  list(I, 'ports', m.network.ports);
  header('storage');
  // Plain keys of the table before its array of tables.
  str(I, 'rootfs', m.storage.rootfs);
  str(I, 'writable_layer', m.storage.writableLayer);
  for (const volume of m.storage.volumes) {
    out.push('', `${I}[[storage.volumes]]`);
    str(I + I, 'host', volume.host, false);
    str(I + I, 'container', volume.container, false);
    bool(I + I, 'readonly', volume.readOnly);
  }
  return `${out.join('\n')}\n`;
}

const codes = (text: string) =>
  parseManifest(text, { path: 'm.toml' }).diagnostics.map((d) => `${d.code}@${d.line}`);

describe('manifests as the Go runtime writes them', () => {
  it('write empty sections, zero integers and empty name/mode (the writer is what it claims)', () => {
    const m = emptyManifest();
    m.workload.name = 'web';
    m.workload.mode = 'container';
    m.workload.image = 'nginx:1';
    const text = goEncode(m);
    assert.match(text, /^\[workload\]\n {2}name = "web"\n {2}mode = "container"\n/);
    for (const section of ['kernel', 'security', 'resources', 'network', 'storage']) {
      assert.match(text, new RegExp(`^\\[${section}\\]$`, 'm'));
    }
    assert.match(text, /^ {2}cpu_weight = 0$/m);
    assert.match(text, /^ {2}io_weight = 0$/m);
    assert.match(text, /^ {2}pids_max = 0$/m);
    assert.match(goEncode(emptyManifest()), /^ {2}name = ""\n {2}mode = ""$/m);
  });

  it('check clean in every mode, with empty and full sections, volumes and ports', () => {
    for (const mode of MODES) {
      const m = emptyManifest();
      m.workload.name = 'web';
      m.workload.mode = mode;
      m.workload.image = 'nginx:1';
      if (mode === 'hybrid-native' || mode === 'hybrid-kvm') m.kernel.path = '/boot/vmlinuz';
      assert.deepEqual(codes(goEncode(m)), [], `${mode}, sections empty:\n${goEncode(m)}`);
      m.network.ports = ['8080:80', '127.0.0.1:8443:443/tcp'];
      m.storage.volumes = [
        { host: '/srv/a', container: '/a', readOnly: true },
        { host: '/srv/b', container: '/b', readOnly: false },
      ];
      m.resources.cpuWeight = 100;
      assert.deepEqual(codes(goEncode(m)), [], `${mode}, sections full:\n${goEncode(m)}`);
    }
  });

  it('check clean, and read as the canonical text does, for random manifests', () => {
    const random = new Random(1702);
    for (let i = 0; i < 400; i++) {
      const m = randomManifest(random);
      m.extends = '';
      const canonical = parseManifest(encodeManifest(m), { path: 'm.toml' });
      assert.deepEqual(canonical.diagnostics, []);
      const fromGo = parseManifest(goEncode(m), { path: 'm.toml' });
      assert.deepEqual(fromGo.diagnostics, [], goEncode(m));
      assert.deepEqual(fromGo.manifest, canonical.manifest);
      assert.equal(manifestDigest(fromGo.manifest), manifestDigest(canonical.manifest));
    }
  });

  it('resolve as a base and as a child as the canonical texts do', async () => {
    const random = new Random(1703);
    for (let i = 0; i < 150; i++) {
      const base = randomManifest(random);
      base.extends = '';
      // A child that sets a few fields and leaves the rest (zeros in Go's text) to the base.
      const child = emptyManifest();
      child.extends = 'base.toml';
      if (random.chance(0.5)) child.workload.name = `child-${i}`;
      if (random.chance(0.3)) child.workload.image = 'registry.example.com/child:2';
      if (random.chance(0.4)) child.resources.cpuWeight = random.int(1, 10000);
      if (random.chance(0.3)) child.resources.pidsMax = random.int(1, 4194304);
      const portsAllowed = base.network.mode !== 'none' && base.network.mode !== 'host';
      if (portsAllowed && random.chance(0.3))
        child.network.ports = [`${random.int(1024, 60000)}:80`];
      if (random.chance(0.3))
        child.storage.volumes = [{ host: '/srv/c', container: '/c', readOnly: true }];
      const go = await resolveManifest(goEncode(child), {
        path: 'child.toml',
        host: memoryHost({ 'base.toml': goEncode(base) }),
      });
      const canonical = await resolveManifest(encodeManifest(child), {
        path: 'child.toml',
        host: memoryHost({ 'base.toml': encodeManifest(base) }),
      });
      assert.deepEqual(canonical.diagnostics, []);
      assert.deepEqual(go.diagnostics, [], `${goEncode(child)}\n---\n${goEncode(base)}`);
      assert.deepEqual(go.manifest, canonical.manifest);
      assert.equal(manifestDigest(go.manifest), manifestDigest(canonical.manifest));
      // The zeros the runtime writes for unset fields do not override the base.
      if (child.resources.cpuWeight === 0) {
        assert.equal(go.manifest.resources.cpuWeight, base.resources.cpuWeight);
      }
      if (child.workload.name === '') assert.equal(go.manifest.workload.name, base.workload.name);
      assert.equal(go.manifest.workload.mode, base.workload.mode);
    }
  });

  it('an empty [kernel] is no problem in container mode; one with content keeps its warning', () => {
    const m = emptyManifest();
    m.workload.name = 'web';
    m.workload.mode = 'container';
    m.workload.image = 'nginx:1';
    assert.deepEqual(codes(goEncode(m)), []);
    m.kernel.cmdline = 'quiet';
    assert.deepEqual(codes(goEncode(m)), ['kernel-ignored-in-container-mode@6']);
  });

  it('zero means unset only for the fields where Go writes it', () => {
    // An empty name or mode is read as not written: missing where it is required.
    assert.deepEqual(codes('[workload]\nname = ""\nmode = "container"\nimage = "x"\n'), [
      'missing-required@1',
    ]);
    // Other zero values are still checked.
    assert.deepEqual(
      codes('[workload]\nname = "w"\nmode = "container"\nimage = ""\n[storage]\nrootfs = ""\n'),
      ['workload-image-empty@4', 'rootfs-invalid@6'],
    );
    // A value outside the range that is not zero is still reported.
    assert.deepEqual(
      codes(
        '[workload]\nname = "w"\nmode = "container"\nimage = "x"\n[resources]\ncpu_weight = -1\n',
      ),
      ['cpu-weight-out-of-range@6'],
    );
  });
});

describe('keys in another case', () => {
  it('override a base as the lowercase keys do, and fmt writes the lowercase keys', async () => {
    const base =
      '[workload]\nname = "base"\nmode = "container"\nimage = "x"\n[resources]\ncpu_weight = 50\n';
    const child = 'extends = "base.toml"\n[Resources]\n# weight for the child\nCPU_Weight = 300\n';
    const result = await resolveManifest(child, {
      path: 'child.toml',
      host: memoryHost({ 'base.toml': base }),
    });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`),
      ['key-case@2:2', 'key-case@4:1'],
    );
    assert.equal(result.manifest.resources.cpuWeight, 300);
    const formatted = formatManifest(child);
    assert.ok(formatted.ok, JSON.stringify(formatted));
    assert.equal(
      formatted.text,
      'extends = "base.toml"\n\n[resources]\n# weight for the child\ncpu_weight = 300\n',
    );
  });
});
