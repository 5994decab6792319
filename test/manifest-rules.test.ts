/**
 * Every diagnostic code has a failing manifest here that asserts the code, the line and
 * the column (and good manifests of each mode have none).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CAPABILITIES,
  DIAGNOSTIC_CODES,
  manifestFromJSON,
  parseManifest,
  type Diagnostic,
} from '../lib/index.js';
import { checkModuleName } from '../lib/manifest/checks.js';
import { SECTION_BY_KEY, type Report, type Written } from '../lib/manifest/fields.js';

/** A valid manifest; `edit` replaces or adds lines by section. */
const GOOD = `[workload]
name = "web"
mode = "container"
image = "registry.example.com/web:1.2"
`;

function diagnosticsOf(source: string): Diagnostic[] {
  return parseManifest(source, { path: 'm.toml' }).diagnostics;
}

/** Asserts one diagnostic with `code` at `line:column`, and returns it. */
function expectAt(
  source: string,
  code: string,
  line: number,
  column: number,
  message?: RegExp,
): Diagnostic {
  const all = diagnosticsOf(source);
  const found = all.filter((d) => d.code === code);
  assert.equal(
    found.length,
    1,
    `${code} in:\n${source}\ngot: ${all.map((d) => `${d.code}@${d.line}:${d.column}`).join(', ')}`,
  );
  const d = found[0]!;
  assert.deepEqual([d.line, d.column], [line, column], `${code}: ${d.message}`);
  assert.equal(d.file, 'm.toml');
  assert.equal(
    d.severity,
    DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES]?.severity ?? 'error',
  );
  if (message) assert.match(d.message, message);
  return d;
}

export const checkedCodes = new Set<string>();
function rule(
  code: string,
  source: string,
  line: number,
  column: number,
  message?: RegExp,
  path?: string,
) {
  checkedCodes.add(code);
  it(`${code} at ${line}:${column}`, () => {
    const d = expectAt(source, code, line, column, message);
    if (path !== undefined) assert.equal(d.path, path);
  });
}

describe('good manifests', () => {
  const goods: Record<string, string> = {
    container: GOOD,
    'hybrid-native': `[workload]\nname = "svc"\nmode = "hybrid-native"\nimage = "x"\n[kernel]\npath = "/boot/vmlinuz"\n`,
    'hybrid-kvm': `[workload]\nname = "vm-1"\nmode = "hybrid-kvm"\n[kernel]\nversion = "6.1.15-volt"\npath = "/var/lib/volt/vmlinuz"\nmodules = ["virtio_net", "overlay"]\ncmdline = "console=ttyS0 quiet"\n[storage]\nrootfs = "cas://sha256:${'a'.repeat(64)}"\nwritable_layer = "tmpfs"\n`,
    'hybrid-emulated': `[workload]\nname = "arm"\nmode = "hybrid-emulated"\n[storage]\nrootfs = "/srv/rootfs/arm"\n`,
    everything: `extends = "../base/web.toml"
[workload]
name = "a1"
mode = "container"
image = "x"
description = "d"
[security]
landlock_profile = "/etc/volt/landlock.json"
seccomp_profile = "unconfined"
capabilities = ["CAP_NET_BIND_SERVICE", "CAP_CHECKPOINT_RESTORE"]
read_only_rootfs = true
[resources]
memory_limit = "2GiB"
memory_soft = "1.5G"
cpu_weight = 10000
cpu_set = "0-3,8,10-11"
io_weight = 1
pids_max = 4194304
[network]
mode = "bridge"
address = "2001:db8::10/64"
dns = ["10.0.0.2", "::1", "::ffff:192.0.2.1"]
ports = ["8080:80", "127.0.0.1:8443:443/tcp", "[::1]:53:53/udp", "53:53/tcp"]
[storage]
writable_layer = "none"
[[storage.volumes]]
host = "/srv/a"
container = "/data/"
readonly = true
[[storage.volumes]]
host = "/srv/b"
container = "/data2"
`,
  };
  for (const [name, source] of Object.entries(goods)) {
    it(`${name} has no diagnostics`, () => assert.deepEqual(diagnosticsOf(source), []));
  }
});

describe('structure diagnostics', () => {
  rule('toml-duplicate-key', `${GOOD}name = "again"\n`, 5, 1, /duplicate key 'name'/);
  checkedCodes.add('toml-syntax');
  it('reports every syntax error, and still builds what parsed', () => {
    const result = parseManifest(
      '[workload]\nname = "web\nmode = container\nimage = "x"\n[resources]\ncpu_weight = 20000\n',
    );
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`),
      ['toml-newline-in-string@2:8', 'toml-invalid-value@3:8', 'cpu-weight-out-of-range@6:14'],
    );
    assert.equal(result.manifest.workload.image, 'x');
  });
  rule(
    'unknown-key',
    `${GOOD}imag = "y"\n`,
    5,
    1,
    /unknown key 'imag' in \[workload\] \(did you mean 'image'\?\)/,
    'workload.imag',
  );
  rule(
    'key-case',
    '[Workload]\nname = "web"\nmode = "container"\nimage = "x"\n',
    1,
    2,
    /'Workload' is spelled 'workload'/,
    'workload',
  );
  rule(
    'key-case-duplicate',
    `${GOOD}Name = "api"\n`,
    5,
    1,
    /'Name' writes 'name' again in another case/,
    'workload.name',
  );
  it('reads keys written in another case as the model keys they spell, as the runtime does', () => {
    const text =
      '[Workload]\nNAME = "web"\nMode = "container"\nimage = "x"\n' +
      '[Resources]\nCpu_Weight = 300\n[[Storage.Volumes]]\nHost = "/srv"\ncontainer = "/data"\n';
    const result = parseManifest(text, { path: 'm.toml' });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code}@${d.line}:${d.column} ${d.path}`),
      [
        'key-case@1:2 workload',
        'key-case@2:1 workload.name',
        'key-case@3:1 workload.mode',
        'key-case@5:2 resources',
        'key-case@6:1 resources.cpu_weight',
        'key-case@7:3 storage',
        'key-case@7:11 storage.volumes',
        'key-case@8:1 storage.volumes[0].host',
      ],
    );
    assert.ok(result.diagnostics.every((d) => d.severity === 'warning'));
    assert.equal(result.manifest.workload.name, 'web');
    assert.equal(result.manifest.workload.mode, 'container');
    assert.equal(result.manifest.resources.cpuWeight, 300);
    assert.deepEqual(result.manifest.storage.volumes, [
      { host: '/srv', container: '/data', readOnly: false },
    ]);
    // Rules apply to the value as to any: a bad value in another case is reported at it.
    expectAt(`${GOOD}[resources]\nCPU_WEIGHT = 20000\n`, 'cpu-weight-out-of-range', 6, 14);
    // Two spellings of one key other than the lowercase one: the second is the duplicate.
    expectAt(`${GOOD}[resources]\nCPU_WEIGHT = 5\nCpu_weight = 6\n`, 'key-case-duplicate', 7, 1);
  });
  it('reports a misspelled required key once: no missing-field problem after it', () => {
    const only = (source: string) =>
      diagnosticsOf(source).map((d) => `${d.code}@${d.line}:${d.column}`);
    const W = '[workload]\nname = "web"\nmode = "container"\nimage = "x"\n';
    assert.deepEqual(only(W.replace('image', 'imag')), ['unknown-key@4:1']);
    assert.deepEqual(only(W.replace('mode =', 'mdoe =')), ['unknown-key@3:1']);
    assert.deepEqual(only(W.replace('name =', 'nmae =')), ['unknown-key@2:1']);
    assert.deepEqual(only(W.replace('[workload]', '[workloads]')), ['unknown-key@1:2']);
    assert.deepEqual(only(`${W}[[storage.volumes]]\nhots = "/a"\ncontainer = "/b"\n`), [
      'unknown-key@6:1',
    ]);
    assert.deepEqual(
      only(W.replace('"container"', '"hybrid-kvm"') + '[kernel]\npaht = "/boot/k"\n'),
      ['unknown-key@6:1'],
    );
    // An unknown key that misspells nothing leaves the missing field reported.
    assert.deepEqual(only(W.replace('image', 'zzzz')), ['nothing-to-run@1:1', 'unknown-key@4:1']);
  });
  it('suggests the right section for a key in the wrong table', () => {
    expectAt(
      `${GOOD}cpu_weight = 5\n`,
      'unknown-key',
      5,
      1,
      /did you mean 'cpu_weight' in \[resources\]\?/,
    );
    expectAt(`[workloads]\nname = "x"\n`, 'unknown-key', 1, 2, /did you mean 'workload'/);
  });
  rule(
    'wrong-type',
    `${GOOD}[resources]\ncpu_weight = "100"\n`,
    6,
    14,
    /expected an integer, got a string "100"/,
  );
  it('names expected and actual types everywhere', () => {
    expectAt(
      `${GOOD}[kernel]\nmodules = "x"\n`,
      'wrong-type',
      6,
      11,
      /expected an array of strings, got a string/,
    );
    expectAt(
      `${GOOD}[kernel]\nmodules = ["a", 1]\n`,
      'wrong-type',
      6,
      17,
      /expected a string, got an integer 1/,
    );
    expectAt(`workload = 1\n`, 'wrong-type', 1, 12, /expected a table/);
    expectAt(
      `${GOOD}[security]\nread_only_rootfs = "yes"\n`,
      'wrong-type',
      6,
      20,
      /expected a boolean/,
    );
    expectAt(`${GOOD}[storage]\nvolumes = [1]\n`, 'wrong-type', 6, 12, /expected a table/);
    expectAt(`${GOOD}[storage]\nvolumes = "x"\n`, 'wrong-type', 6, 11, /array of tables/);
    expectAt(
      `${GOOD}[resources]\npids_max = 1979-05-27\n`,
      'wrong-type',
      6,
      12,
      /got a local date 1979-05-27/,
    );
  });
  rule(
    'missing-required',
    `[workload]\nmode = "container"\nimage = "x"\n`,
    1,
    1,
    /needs 'name'/,
    'workload.name',
  );
  it('reports a missing table at the start of the file, a missing volume key at its header', () => {
    const all = diagnosticsOf(`[storage]\nrootfs = "/r"\n`);
    assert.deepEqual(
      all.map((d) => `${d.code}:${d.path}@${d.line}:${d.column}`),
      ['missing-required:workload.name@1:1', 'missing-required:workload.mode@1:1'],
    );
    expectAt(
      `${GOOD}[[storage.volumes]]\nhost = "/a"\n`,
      'missing-required',
      5,
      1,
      /^the 1st volume needs 'container'$/,
    );
    // Counted from 1 in words; the path keeps its 0-based index, as JSON paths do.
    const second = expectAt(
      `${GOOD}[[storage.volumes]]\nhost = "/a"\ncontainer = "/b"\n[[storage.volumes]]\ncontainer = "/c"\n`,
      'missing-required',
      8,
      1,
      /^the 2nd volume needs 'host'$/,
    );
    assert.equal(second.path, 'storage.volumes[1].host');
  });
});

describe('field rules', () => {
  rule('extends-invalid', `extends = "/abs/base.toml"\n${GOOD}`, 1, 11, /relative path/);
  it('checks content-addressed extends references', () => {
    expectAt(`extends = "cas://sha256:ABC"\n${GOOD}`, 'extends-invalid', 1, 11, /64/);
    expectAt(
      `extends = "cas://sha256:${'A'.repeat(64)}"\n${GOOD}`,
      'extends-invalid',
      1,
      11,
      /lowercase/,
    );
    expectAt(
      `extends = "cas://md5:${'a'.repeat(32)}"\n${GOOD}`,
      'extends-invalid',
      1,
      11,
      /cas:\/\/sha256:/,
    );
  });
  rule('workload-name-invalid', GOOD.replace('"web"', '"-web"'), 2, 8, /cannot start with '-'/);
  it('checks every part of the DNS label rule', () => {
    expectAt(
      GOOD.replace('"web"', `"${'a'.repeat(64)}"`),
      'workload-name-invalid',
      2,
      8,
      /64 characters/,
    );
    // An empty name is the Go zero value: read as unset, so the name is missing (issue 17).
    expectAt(GOOD.replace('"web"', '""'), 'missing-required', 1, 1, /needs 'name'/);
    expectAt(GOOD.replace('"web"', '"web_1"'), 'workload-name-invalid', 2, 8, /'_'/);
    expectAt(GOOD.replace('"web"', '"web-"'), 'workload-name-invalid', 2, 8, /end with/);
  });
  rule(
    'workload-mode-invalid',
    GOOD.replace('"container"', '"containr"'),
    3,
    8,
    /did you mean 'container'/,
  );
  rule('workload-image-empty', GOOD.replace('"registry.example.com/web:1.2"', '""'), 4, 9);
  rule('kernel-version-invalid', `${GOOD}[kernel]\nversion = "6"\n`, 6, 11);
  it('accepts and rejects kernel versions', () => {
    for (const good of ['6.1', '6.1.15', '5.15.0-91-generic', '6.1-rc1']) {
      assert.deepEqual(
        diagnosticsOf(
          `[workload]\nname = "a"\nmode = "hybrid-emulated"\nimage = "x"\n[kernel]\nversion = "${good}"\n`,
        ),
        [],
        good,
      );
    }
    for (const bad of ['6.x', '6.1.2.3', '6.1-', 'v6.1', '6.1-rc 1']) {
      expectAt(`${GOOD}[kernel]\nversion = "${bad}"\n`, 'kernel-version-invalid', 6, 11);
    }
  });
  rule('kernel-path-not-absolute', `${GOOD}[kernel]\npath = "boot/vmlinuz"\n`, 6, 8);
  rule('kernel-module-invalid', `${GOOD}[kernel]\nmodules = ["ok", "not ok"]\n`, 6, 18);
  rule(
    'kernel-module-duplicate',
    `${GOOD}[kernel]\nmodules = ["a", "b", "a"]\n`,
    6,
    22,
    /^kernel module 'a' is listed twice \(first at line 6, column 12\)$/,
  );
  // At the control character itself (issue 17), not at the value's opening quote.
  rule(
    'kernel-cmdline-control-character',
    `${GOOD}[kernel]\ncmdline = "quiet\\tdebug"\n`,
    6,
    17,
    /U\+0009/,
  );
  it('kernel-cmdline-control-character for C1 and DEL too, naming its place from 1', () => {
    // Escaped or raw (TOML takes C1 raw in a string): the same diagnostic at the value.
    // Counted in characters of the value from 1 (a surrogate pair is one), not an index.
    for (const [written, place, hex, column] of [
      ['quiet\\u009bdebug', '6th', '009B', 17],
      ['quiet\\u0080', '6th', '0080', 17],
      ['a\u0085b', '2nd', '0085', 13],
      ['\\u009f', '1st', '009F', 12],
      ['quiet\\u007f', '6th', '007F', 17],
      ['\u{1F600}\u{1F600}\\u0085', '3rd', '0085', 14],
    ] as const) {
      expectAt(
        `${GOOD}[kernel]\ncmdline = "${written}"\n`,
        'kernel-cmdline-control-character',
        6,
        column,
        new RegExp(
          `^kernel cmdline has the control character U\\+${hex} as its ${place} character$`,
        ),
      );
    }
    const nbsp = diagnosticsOf(`${GOOD}[kernel]\ncmdline = "quiet\\u00a0é"\n`);
    assert.deepEqual(
      nbsp.filter((d) => d.code === 'kernel-cmdline-control-character'),
      [],
    );
  });
  it('paths and extends reject C1 control characters as they reject C0', () => {
    const c1 = '\\u009b';
    // Each at the control character itself (its escape), not at the value's quote.
    expectAt(`${GOOD}[kernel]\npath = "/boot/${c1}"\n`, 'kernel-path-not-absolute', 6, 15);
    expectAt(`${GOOD}[storage]\nrootfs = "/r${c1}"\n`, 'rootfs-invalid', 6, 13, /control/);
    expectAt(
      `${GOOD}[[storage.volumes]]\nhost = "/h${c1}"\ncontainer = "/c"\n`,
      'volume-path-not-absolute',
      6,
      11,
      /control/,
    );
    expectAt(
      `extends = "b${c1}.toml"\n${GOOD}`,
      'extends-invalid',
      1,
      13,
      /U\+009B as its 2nd character$/,
    );
    const landlock = `${GOOD}[security]\nlandlock_profile = "/p${c1}"\n`;
    expectAt(landlock, 'landlock-profile-invalid', 6, 23);
    const seccomp = `${GOOD}[security]\nseccomp_profile = "/p${c1}"\n`;
    expectAt(seccomp, 'seccomp-profile-invalid', 6, 22);
    // A value given as data (JSON) has no text: the whole value, as before.
    const data = manifestFromJSON({
      workload: { name: 'w', mode: 'container', image: 'i' },
      storage: { rootfs: '/r\u009b' },
    }).diagnostics.find((d) => d.code === 'rootfs-invalid')!;
    assert.deepEqual([data.line, data.column], [0, 0]);
  });
  rule(
    'landlock-profile-invalid',
    `${GOOD}[security]\nlandlock_profile = "stict"\n`,
    6,
    20,
    /did you mean 'strict'/,
  );
  rule(
    'seccomp-profile-invalid',
    `${GOOD}[security]\nseccomp_profile = "relative/path.json"\n`,
    6,
    19,
  );
  rule(
    'capability-unknown',
    `${GOOD}[security]\ncapabilities = ["CAP_CHOWN", "NET_ADMIN"]\n`,
    6,
    30,
    /did you mean 'CAP_NET_ADMIN'/,
  );
  it('suggests the closest capability', () => {
    expectAt(
      `${GOOD}[security]\ncapabilities = ["CAP_NET_BIND_SERVCE"]\n`,
      'capability-unknown',
      6,
      17,
      /CAP_NET_BIND_SERVICE/,
    );
  });
  rule(
    'capability-duplicate',
    `${GOOD}[security]\ncapabilities = ["CAP_KILL", "CAP_KILL"]\n`,
    6,
    29,
  );
  rule(
    'memory-size-invalid',
    `${GOOD}[resources]\nmemory_limit = "1.5X"\n`,
    6,
    16,
    /unknown unit 'X'/,
  );
  it('parses sizes', () => {
    for (const good of ['512M', '1.5G', '2GiB', '1Ti', '4096', '100B', 'max', '0.5K']) {
      assert.deepEqual(diagnosticsOf(`${GOOD}[resources]\nmemory_limit = "${good}"\n`), [], good);
    }
    for (const [bad, why] of [
      ['', /start with a number/],
      ['1.3K', /whole number of bytes/],
      ['G', /start with a number/],
      ['1.G', /digits after the decimal point/],
      ['1GB2', /unknown suffix/],
      ['999999999T', /too large/],
      ['1k', /uppercase/],
    ] as const) {
      expectAt(`${GOOD}[resources]\nmemory_limit = "${bad}"\n`, 'memory-size-invalid', 6, 16, why);
    }
  });
  rule(
    'memory-soft-exceeds-limit',
    `${GOOD}[resources]\nmemory_limit = "1G"\nmemory_soft = "1025M"\n`,
    7,
    15,
  );
  it('treats max as unlimited', () => {
    assert.deepEqual(
      diagnosticsOf(`${GOOD}[resources]\nmemory_limit = "max"\nmemory_soft = "64G"\n`),
      [],
    );
    expectAt(
      `${GOOD}[resources]\nmemory_limit = "64G"\nmemory_soft = "max"\n`,
      'memory-soft-exceeds-limit',
      7,
      15,
    );
  });
  rule(
    'cpu-weight-out-of-range',
    `${GOOD}[resources]\ncpu_weight = 20000\n`,
    6,
    14,
    /20000 is outside 1–10000/,
  );
  rule('cpuset-invalid', `${GOOD}[resources]\ncpu_set = "0-3,,4"\n`, 6, 11, /empty entry/);
  it('checks cpusets', () => {
    expectAt(
      `${GOOD}[resources]\ncpu_set = "4-2"\n`,
      'cpuset-invalid',
      6,
      11,
      /start is after its end/,
    );
    expectAt(`${GOOD}[resources]\ncpu_set = "a"\n`, 'cpuset-invalid', 6, 11);
    expectAt(`${GOOD}[resources]\ncpu_set = ""\n`, 'cpuset-invalid', 6, 11);
  });
  rule('io-weight-out-of-range', `${GOOD}[resources]\nio_weight = 10001\n`, 6, 13);
  rule('pids-max-out-of-range', `${GOOD}[resources]\npids_max = 4194305\n`, 6, 12);
  rule(
    'integer-not-exact',
    `${GOOD}[resources]\npids_max = 9223372036854775807\n`,
    6,
    12,
    /9223372036854775807 cannot be held exactly/,
  );
  it('reports an integer beyond 64 bits as a TOML error', () => {
    expectAt(
      `${GOOD}[resources]\npids_max = 99999999999999999999\n`,
      'toml-integer-overflow',
      6,
      12,
    );
  });
  rule(
    'network-mode-invalid',
    `${GOOD}[network]\nmode = "bridged"\n`,
    6,
    8,
    /did you mean 'bridge'/,
  );
  rule('network-address-invalid', `${GOOD}[network]\naddress = "10.0.0.256"\n`, 6, 11);
  it('checks IP addresses and prefixes', () => {
    for (const bad of [
      '010.0.0.1',
      '1.2.3',
      '::1::2',
      '2001:db8::/129',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:8:9',
      '10.0.0.1/08',
      'g::1',
    ]) {
      expectAt(`${GOOD}[network]\naddress = "${bad}"\n`, 'network-address-invalid', 6, 11);
    }
  });
  rule(
    'network-address-not-allowed',
    `${GOOD}[network]\nmode = "host"\naddress = "10.0.0.2"\n`,
    7,
    11,
  );
  rule('dns-address-invalid', `${GOOD}[network]\ndns = ["1.1.1.1", "dns.example.com"]\n`, 6, 19);
  it('rejects a prefix on a DNS server', () => {
    expectAt(
      `${GOOD}[network]\ndns = ["10.0.0.1/8"]\n`,
      'dns-address-invalid',
      6,
      8,
      /cannot have a \/prefix/,
    );
  });
  rule('port-mapping-invalid', `${GOOD}[network]\nports = ["80:0"]\n`, 6, 10, /container port 0/);
  it('checks port mappings', () => {
    for (const [bad, why] of [
      ['80', /hostPort:containerPort/],
      ['1.2.3.4.5:80:80', /not an IPv4/],
      ['::1:80:80', /in brackets: \[::1\]/],
      ['[::1]80:80', /brackets|\[address\]/],
      ['[zz]:80:80', /not an IPv6/],
      ['080:80', /host port '080'/],
      ['80:80/icmp', /tcp or udp/],
      ['65536:1', /host port 65536/],
    ] as const) {
      expectAt(`${GOOD}[network]\nports = ["${bad}"]\n`, 'port-mapping-invalid', 6, 10, why);
    }
  });
  rule('ports-not-allowed', `${GOOD}[network]\nmode = "none"\nports = ["80:80"]\n`, 7, 9);
  rule('ports-ignored-in-host-mode', `${GOOD}[network]\nmode = "host"\nports = ["80:80"]\n`, 7, 9);
  rule(
    'port-duplicate',
    `${GOOD}[network]\nports = ["8080:80", "8081:81", "10.0.0.1:8080:82/tcp"]\n`,
    6,
    32,
    /already mapped by '8080:80'/,
  );
  it('tells host addresses apart for duplicates; no address conflicts with every address', () => {
    const ports = (list: string[]) =>
      diagnosticsOf(`${GOOD}[network]\nports = [${list.map((p) => `"${p}"`).join(', ')}]\n`)
        .filter((d) => d.code === 'port-duplicate')
        .map((d) => [d.path, d.message]);
    assert.deepEqual(ports(['127.0.0.1:8080:80', '10.0.0.1:8080:80']), []);
    assert.deepEqual(ports(['[::1]:8080:80', '127.0.0.1:8080:80', '[fe80::1]:8080:81']), []);
    assert.deepEqual(ports(['127.0.0.1:8080:80', '127.0.0.1:8080:81']), [
      [
        'network.ports[1]',
        "host port 8080/tcp on 127.0.0.1 is already mapped by '127.0.0.1:8080:80'",
      ],
    ]);
    // Two spellings of one IPv6 address, and the unspecified addresses of both families.
    assert.deepEqual(ports(['[::1]:53:53/udp', '[0:0:0::0:1]:53:54/udp']), [
      ['network.ports[1]', "host port 53/udp on 0:0:0::0:1 is already mapped by '[::1]:53:53/udp'"],
    ]);
    for (const everywhere of ['8080:90', '0.0.0.0:8080:90', '[::]:8080:90']) {
      assert.deepEqual(ports(['10.0.0.1:8080:80', everywhere]).length, 1, everywhere);
      assert.deepEqual(ports([everywhere, '10.0.0.1:8080:80']).length, 1, everywhere);
      assert.deepEqual(ports([everywhere, '10.0.0.1:8081:80', '10.0.0.1:8080:80/udp']), []);
    }
  });

  it('reads an IPv4-mapped IPv6 host address as the IPv4 address it binds', () => {
    const ports = (list: string[]) =>
      diagnosticsOf(`${GOOD}[network]\nports = [${list.map((p) => `"${p}"`).join(', ')}]\n`)
        .filter((d) => d.code === 'port-duplicate')
        .map((d) => d.path);
    // A socket bound to ::ffff:a.b.c.d takes a.b.c.d's port: the two cannot both be bound.
    assert.deepEqual(ports(['1.2.3.4:80:80', '[::ffff:1.2.3.4]:80:81']), ['network.ports[1]']);
    assert.deepEqual(ports(['[::ffff:102:304]:80:80', '1.2.3.4:80:81']), ['network.ports[1]']);
    // ::ffff:0.0.0.0 is the IPv4 unspecified address: every IPv4 address on the port.
    assert.deepEqual(ports(['9.9.9.9:81:81', '[::ffff:0.0.0.0]:81:82']), ['network.ports[1]']);
    assert.deepEqual(ports(['1.2.3.4:80:80', '[::ffff:1.2.3.5]:80:81', '[::1.2.3.4]:80:82']), []);
  });

  it('suggests by prefix, part and case before edit distance', () => {
    const messageOf = (source: string, code: string) =>
      diagnosticsOf(source).find((d) => d.code === code)?.message ?? '';
    assert.match(
      messageOf(`${GOOD}[security]\ncapabilities = ["CAP_NET_BIND"]\n`, 'capability-unknown'),
      /did you mean 'CAP_NET_BIND_SERVICE'/,
    );
    for (const [mode, meant] of [
      ['kvm', 'hybrid-kvm'],
      ['native', 'hybrid-native'],
      ['EMULATED', 'hybrid-emulated'],
    ] as const) {
      assert.match(
        messageOf(
          `[workload]\nname = "web"\nmode = "${mode}"\nimage = "x"\n`,
          'workload-mode-invalid',
        ),
        new RegExp(`did you mean '${meant}'`),
      );
    }
    assert.match(
      messageOf(`${GOOD}[network]\nports = ["80:80/TCP"]\n`, 'port-mapping-invalid'),
      /protocol 'TCP' must be tcp or udp \(did you mean 'tcp'\?\)/,
    );
    assert.match(
      messageOf(`${GOOD}[resources]\nmemory_limit = "MAX"\n`, 'memory-size-invalid'),
      /or be 'max' \(did you mean 'max'\?\)/,
    );
    // A prefix of several candidates is no suggestion by itself.
    assert.doesNotMatch(
      messageOf(`${GOOD}[security]\ncapabilities = ["CAP_NET"]\n`, 'capability-unknown'),
      /did you mean/,
    );
  });

  it('tells udp from tcp for duplicates', () => {
    assert.deepEqual(diagnosticsOf(`${GOOD}[network]\nports = ["53:53/udp", "53:53"]\n`), []);
  });
  rule('rootfs-invalid', `${GOOD}[storage]\nrootfs = "relative/rootfs"\n`, 6, 10);
  rule('writable-layer-invalid', `${GOOD}[storage]\nwritable_layer = "btrfs"\n`, 6, 18);
  rule(
    'volume-path-not-absolute',
    `${GOOD}[[storage.volumes]]\nhost = "/a"\ncontainer = "data"\n`,
    7,
    13,
  );
  rule(
    'volume-path-traversal',
    `${GOOD}[[storage.volumes]]\nhost = "/a/../../etc"\ncontainer = "/d"\n`,
    6,
    8,
  );
  rule(
    'volume-container-root',
    `${GOOD}[[storage.volumes]]\nhost = "/a"\ncontainer = "//"\n`,
    7,
    13,
  );
  rule(
    'volume-container-duplicate',
    `${GOOD}[[storage.volumes]]\nhost = "/a"\ncontainer = "/d"\n[[storage.volumes]]\nhost = "/b"\ncontainer = "/d/"\n`,
    10,
    13,
    /^container path '\/d\/' is already used by the volume at line 7, column 13$/,
    'storage.volumes[1].container',
  );
  it('knows the root and a duplicate container path however it is spelt', () => {
    const volumes = (...containers: string[]) =>
      containers
        .map((c, i) => `[[storage.volumes]]\nhost = "/h${i}"\ncontainer = "${c}"\n`)
        .join('');
    for (const root of ['/', '///', '/.', '/./', '/.//.', '//./']) {
      expectAt(`${GOOD}${volumes(root)}`, 'volume-container-root', 7, 13);
    }
    for (const [first, again] of [
      ['/data', '/data/.'],
      ['/data', '/./data'],
      ['/data/x', '/data//./x/'],
      ['/data/.', '/data//'],
    ] as const) {
      expectAt(
        `${GOOD}${volumes(first, again)}`,
        'volume-container-duplicate',
        10,
        13,
        new RegExp(
          `^container path '${again}' is already used by the volume at line 7, column 13$`,
        ),
      );
    }
    // A '..' segment is rejected, not resolved: no root and no duplicate come of it.
    const codes = (source: string) => diagnosticsOf(source).map((d) => d.code);
    assert.deepEqual(codes(`${GOOD}${volumes('/data/..')}`), ['volume-path-traversal']);
    assert.deepEqual(codes(`${GOOD}${volumes('/data', '/data/x/..')}`), ['volume-path-traversal']);
    assert.deepEqual(codes(`${GOOD}${volumes('/data', '/data/.x', '/data/..x')}`), []);
  });
  it('accepts volumes written as an inline array of tables', () => {
    assert.deepEqual(
      diagnosticsOf(
        `${GOOD}[storage]\nvolumes = [{ host = "/a", container = "/b", readonly = true }]\n`,
      ),
      [],
    );
  });
});

describe('long lists', () => {
  /**
   * GOOD (in a mode that reads [kernel]) plus `key = [items]` on one line (line 6) in
   * `[section]`, with the column of each item, counted in code points while the line is
   * built.
   */
  function oneLine(section: string, key: string, items: readonly string[]) {
    const base = GOOD.replace('"container"', '"hybrid-emulated"');
    const head = `${key} = [`;
    const columns: number[] = [];
    let column = head.length + 1;
    for (const item of items) {
      columns.push(column);
      column += [...item].length + ', '.length;
    }
    return { source: `${base}[${section}]\n${head}${items.join(', ')}]\n`, columns };
  }

  /** A diagnostic as one comparable line. */
  const show = (d: Pick<Diagnostic, 'code' | 'path' | 'message' | 'line' | 'column'>) =>
    `${d.line}:${d.column} ${d.code} ${d.path} ${d.message}`;

  /**
   * Each list has thousands of entries, so duplicates are found by the long-list path, on
   * one line, so every position is far into it (after a surrogate pair for modules). The
   * expected diagnostics come from indexOf on the few distinct values, in sorted order
   * (position, then code).
   */
  it('reports what a scan of the earlier entries finds, at the right columns', () => {
    const names = Array.from({ length: 20_000 }, (_, i) =>
      i === 0 ? '\u{1F600}' : i % 50 === 7 ? 'not ok' : `m${(i * 7919) % 101}`,
    );
    const modules = oneLine(
      'kernel',
      'modules',
      names.map((n) => `"${n}"`),
    );
    const expected: string[] = [];
    names.forEach((name, i) => {
      const at = { line: 6, column: modules.columns[i]!, path: `kernel.modules[${i}]` };
      const first = names.indexOf(name);
      if (first < i) {
        const message = `kernel module '${name}' is listed twice (first at line 6, column ${modules.columns[first]})`;
        expected.push(show({ ...at, code: 'kernel-module-duplicate', message }));
      }
      const problem = checkModuleName(name);
      if (problem !== null) {
        const message = `kernel module '${name}' ${problem}`;
        expected.push(show({ ...at, code: 'kernel-module-invalid', message }));
      }
    });
    assert.deepEqual(diagnosticsOf(modules.source).map(show), expected);

    const capabilities = Array.from({ length: 5_000 }, (_, i) => CAPABILITIES[(i * 7) % 41]!);
    const security = oneLine(
      'security',
      'capabilities',
      capabilities.map((c) => `"${c}"`),
    );
    const expectedCapabilities = capabilities.flatMap((name, i) => {
      const first = capabilities.indexOf(name);
      if (first === i) return [];
      const message = `capability '${name}' is listed twice (first at line 6, column ${security.columns[first]})`;
      const path = `security.capabilities[${i}]`;
      const column = security.columns[i]!;
      return [show({ line: 6, column, path, code: 'capability-duplicate', message })];
    });
    assert.deepEqual(diagnosticsOf(security.source).map(show), expectedCapabilities);

    const ports = Array.from(
      { length: 5_000 },
      (_, i) => `${8000 + ((i * 31) % 200)}:80${i % 3 === 0 ? '/udp' : ''}`,
    );
    const network = oneLine(
      'network',
      'ports',
      ports.map((p) => `"${p}"`),
    );
    const hostPorts = ports.map(
      (p) => `${p.slice(0, p.indexOf(':'))}/${p.endsWith('/udp') ? 'udp' : 'tcp'}`,
    );
    const expectedPorts = hostPorts.flatMap((port, i) => {
      const first = hostPorts.indexOf(port);
      if (first === i) return [];
      const message = `host port ${port} is already mapped by '${ports[first]}'`;
      const column = network.columns[i]!;
      return [
        show({ line: 6, column, path: `network.ports[${i}]`, code: 'port-duplicate', message }),
      ];
    });
    assert.deepEqual(diagnosticsOf(network.source).map(show), expectedPorts);

    const spellings = ['', '/', '/.', '//'];
    const containers = Array.from(
      { length: 5_000 },
      (_, i) => `/./d${(i * 13) % 97}${spellings[i % spellings.length]}`,
    );
    const prefix = '{ host = "/h", container = ';
    const storage = oneLine(
      'storage',
      'volumes',
      containers.map((c) => `${prefix}"${c}" }`),
    );
    const directories = containers.map((c) => c.slice(2).replace(/\/+\.?\/?$/, ''));
    const expectedVolumes = directories.flatMap((directory, i) => {
      const first = directories.indexOf(directory);
      if (first === i) return [];
      const firstColumn = storage.columns[first]! + prefix.length;
      const message = `container path '${containers[i]}' is already used by the volume at line 6, column ${firstColumn}`;
      const column = storage.columns[i]! + prefix.length;
      const path = `storage.volumes[${i}].container`;
      return [show({ line: 6, column, path, code: 'volume-container-duplicate', message })];
    });
    assert.deepEqual(diagnosticsOf(storage.source).map(show), expectedVolumes);
  });

  it('reads each entry a bounded number of times to find its duplicates', () => {
    // Counting reads catches a scan of the earlier entries for each entry without timing
    // anything; distinct entries are the worst case for such a scan.
    for (const [section, key, values] of [
      ['kernel', 'modules', Array.from({ length: 2_000 }, (_, i) => `m${i}`)],
      ['security', 'capabilities', Array.from({ length: 2_000 }, (_, i) => `CAP_X${i}`)],
    ] as const) {
      const rule = SECTION_BY_KEY.get(section)!.fields.find((f) => f.key === key)!.rule!;
      let reads = 0;
      const counted = new Proxy([...values], {
        get(target, property, receiver) {
          if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
      const codes: string[] = [];
      const report: Report = (code) => codes.push(code);
      // Data given as a value: no text, no positions.
      const written: Written = { where: () => null, text: () => null, itemNumber: (i) => i + 1 };
      rule(counted as never, report, written);
      assert.ok(!codes.some((c) => c.endsWith('-duplicate')), key);
      assert.ok(reads <= 10 * values.length, `${key}: ${reads} reads of ${values.length} entries`);
    }
  });
});

describe('a control character in a string value, at its own line and column', () => {
  it('is placed on the character, not at the opening quotes, in every kind of string', () => {
    const kvm =
      '[workload]\nname = "w"\nmode = "hybrid-kvm"\nimage = "i"\n[kernel]\npath = "/boot/k"\n';
    const where = (cmdline: string) =>
      parseManifest(`${kvm}cmdline = ${cmdline}\n`)
        .diagnostics.filter((d) => d.code === 'kernel-cmdline-control-character')
        .map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`);
    // Multi-line basic string: the escape on the line after the opening quotes; a newline
    // in the value is a control character too, reported where it is.
    assert.deepEqual(where('"""\nquiet \\u0007 x"""'), ['8:7-8:13']);
    assert.deepEqual(where('"""\nconsole=ttyS0\nquiet"""'), ['8:14-9:1']);
    assert.deepEqual(where('"a\\tb"'), ['7:13-7:15']);
    assert.deepEqual(where('"é😀\\x7f"'), ['7:14-7:18']);
    // A path: the control character, not the whole value.
    const path = parseManifest(kvm.replace('"/boot/k"', '"/boot/\\u0001k"')).diagnostics.find(
      (d) => d.code === 'kernel-path-not-absolute',
    )!;
    assert.deepEqual([path.line, path.column, path.endColumn], [6, 15, 21]);
  });
});

describe('values and list items in messages, as the file writes them', () => {
  const show = (d: Diagnostic) => `${d.line}:${d.column} ${d.code} ${d.path}: ${d.message}`;

  it('quotes a number or date as written, not as read (rounded beyond 2^53, 100.0 as 100)', () => {
    // Past 2^53 a number cannot hold it: refused as a value the model cannot read exactly
    // (converted, …993 would become …992, another manifest with the same digest).
    expectAt(
      `${GOOD}[resources]\ncpu_weight = 9007199254740993\n`,
      'integer-not-exact',
      6,
      14,
      /^resources\.cpu_weight 9007199254740993 cannot be held exactly \(beyond ±2\^53 it would read as 9007199254740992\)$/,
    );
    // One that a number holds exactly is checked by the field's rule, quoted as written.
    expectAt(
      `${GOOD}[resources]\ncpu_weight = 0x40_0000_0000_0000\n`,
      'cpu-weight-out-of-range',
      6,
      14,
      /^cpu_weight 0x40_0000_0000_0000 is outside 1–10000$/,
    );
    expectAt(
      `${GOOD}[resources]\npids_max = 100.0\n`,
      'wrong-type',
      6,
      12,
      /^resources\.pids_max: expected an integer, got a float 100\.0$/,
    );
    expectAt(
      `${GOOD}[resources]\nio_weight = 1_000_000\n`,
      'io-weight-out-of-range',
      6,
      13,
      /^io_weight 1_000_000 is outside 1–10000$/,
    );
    assert.deepEqual(
      diagnosticsOf(
        `${GOOD}[network]\ndns = [0x10, 1e3, 1979-05-27 07:32:00Z, 9223372036854775807]\n`,
      ).map(show),
      [
        '6:8 wrong-type network.dns[0]: network.dns[0]: expected a string, got an integer 0x10',
        '6:14 wrong-type network.dns[1]: network.dns[1]: expected a string, got a float 1e3',
        '6:19 wrong-type network.dns[2]: network.dns[2]: expected a string, got an offset date-time 1979-05-27 07:32:00Z',
        '6:41 wrong-type network.dns[3]: network.dns[3]: expected a string, got an integer 9223372036854775807',
      ],
    );
  });

  it('points a list rule at the item the file has when an item of the wrong type is left out', () => {
    // The rules get the list without the integer: their indexes are counted in the file.
    const source = `[workload]\nname = "w"\nmode = "hybrid-emulated"\nimage = "i"\n[kernel]\nmodules = ["a", 1, "a", "b c"]\n[storage]\nvolumes = [1, { host = "rel", container = "/c" }, { host = "/h", container = "/c/" }]\n`;
    assert.deepEqual(diagnosticsOf(source).map(show), [
      '6:17 wrong-type kernel.modules[1]: kernel.modules[1]: expected a string, got an integer 1',
      "6:20 kernel-module-duplicate kernel.modules[2]: kernel module 'a' is listed twice (first at line 6, column 12)",
      "6:25 kernel-module-invalid kernel.modules[3]: kernel module 'b c' has ' ' (module names use A-Z, a-z, 0-9, '_' and '-')",
      '8:12 wrong-type storage.volumes[0]: storage.volumes[0]: expected a table with host and container, got an integer 1',
      "8:24 volume-path-not-absolute storage.volumes[1].host: volume host 'rel' is not an absolute path (it must start with /)",
      "8:78 volume-container-duplicate storage.volumes[2].container: container path '/c/' is already used by the volume at line 8, column 43",
    ]);
    // Data has no positions: the item is counted from 1 as the data has it.
    const data = manifestFromJSON({
      workload: { name: 'w', mode: 'hybrid-emulated', image: 'i' },
      kernel: { modules: ['a', null, 'a'] },
      storage: { volumes: ['x', { host: '/a', container: '/c' }, { host: '/b', container: '/c' }] },
    });
    // All at line 0, so in order of code.
    assert.deepEqual(
      data.diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`),
      [
        "kernel-module-duplicate kernel.modules[2]: kernel module 'a' is listed twice (first as the 1st item)",
        "volume-container-duplicate storage.volumes[2].container: container path '/c' is already used by the 2nd volume",
        'wrong-type kernel.modules[1]: kernel.modules[1]: expected a string, got null',
        'wrong-type storage.volumes[0]: storage.volumes[0]: expected a table with host and container, got a string "x"',
      ],
    );
  });
});

describe('cross-field rules', () => {
  rule(
    'kernel-path-required',
    `[workload]\nname = "vm"\nmode = "hybrid-kvm"\nimage = "x"\n[kernel]\nversion = "6.1"\n`,
    5,
    1,
  );
  it('points at the mode when there is no [kernel] table', () => {
    expectAt(
      `[workload]\nname = "vm"\nmode = "hybrid-native"\nimage = "x"\n`,
      'kernel-path-required',
      3,
      8,
    );
  });
  rule('kernel-ignored-in-container-mode', `${GOOD}\n[kernel]\nversion = "6.1"\n`, 6, 1);
  rule('nothing-to-run', `[workload]\nname = "web"\nmode = "container"\n`, 1, 1);
  rule(
    'read-only-rootfs-with-overlay',
    `${GOOD}[security]\nread_only_rootfs = true\n[storage]\nwritable_layer = "overlay"\n`,
    8,
    18,
  );
  it('does not require what a base may provide', () => {
    assert.deepEqual(diagnosticsOf(`extends = "base.toml"\n[resources]\ncpu_weight = 5\n`), []);
  });
  it('reads a written Go zero value of cpu_weight, io_weight, pids_max, name and mode as unset', () => {
    // The Volt runtime writes these when they are unset (issue 17): no diagnostic for the
    // zero itself; a required key written as "" is missing, reported at its table.
    assert.deepEqual(
      diagnosticsOf(`${GOOD}[resources]\ncpu_weight = 0\nio_weight = 0\npids_max = 0\n`),
      [],
    );
    expectAt(`${GOOD}[resources]\npids_max = -1\n`, 'pids-max-out-of-range', 6, 12);
    expectAt(
      `[workload]\nname = ""\nmode = "container"\nimage = "x"\n`,
      'missing-required',
      1,
      1,
      /needs 'name'/,
    );
  });
});
