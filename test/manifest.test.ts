import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import {
  casDigest,
  emptyManifest,
  encodeManifest,
  formatManifest,
  hasCasRootfs,
  isHybrid,
  manifestDigest,
  manifestFromJSON,
  manifestToJSON,
  needsKernel,
  parseManifest,
  sha256,
  sha256Hex,
  validateManifest,
  type Manifest,
} from '../lib/index.js';
import { canonicalData } from '../lib/manifest/encode.js';
import { type TomlError, stringify } from '../lib/toml/index.js';
import { randomManifest } from './manifest-gen.js';

function manifests(count: number, seed: number): Manifest[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => randomManifest(random));
}

/** The manifest as parsed back from its own encoding (sourcePath aside). */
function reparse(m: Manifest): Manifest {
  const result = parseManifest(encodeManifest(m));
  assert.deepEqual(result.diagnostics, [], encodeManifest(m));
  return result.manifest;
}

describe('manifest round trips over generated manifests', () => {
  const all = manifests(600, 7);

  it('generates valid manifests (no diagnostics)', () => {
    for (const m of all)
      assert.deepEqual(validateManifest(m, [], { unresolvedBase: m.extends !== '' }), []);
  });

  it('parseManifest(encodeManifest(m)) gives m back', () => {
    for (const m of all) assert.deepStrictEqual(reparse(m), m);
  });

  it('the encoding is idempotent and deterministic', () => {
    for (const m of all) {
      const text = encodeManifest(m);
      assert.equal(encodeManifest(reparse(m)), text);
      assert.equal(encodeManifest(structuredClone(m)), text);
    }
  });

  it('the JSON round trip is lossless, through JSON text too', () => {
    for (const m of all) {
      const json = manifestToJSON(m);
      const back = manifestFromJSON(JSON.parse(JSON.stringify(json)) as unknown);
      assert.deepEqual(back.diagnostics, []);
      assert.deepStrictEqual(back.manifest, m);
      assert.deepStrictEqual(manifestFromJSON(JSON.stringify(json)).manifest, m);
    }
  });

  it('the direct encoder writes exactly stringify of the canonical data', () => {
    for (const m of all) assert.equal(encodeManifest(m), stringify(canonicalData(m)));
    const odd = emptyManifest();
    // A whole number beyond 2^53 is still a TOML integer (1.5 is refused, see below).
    odd.resources.cpuWeight = -(2 ** 63);
    odd.storage.volumes.push({ host: '', container: '/c', readOnly: true });
    odd.extends = 'a "quoted"\tbase';
    assert.equal(encodeManifest(odd), stringify(canonicalData(odd)));
    odd.workload.name = 'lone \uD800';
    assert.throws(() => encodeManifest(odd), /lone surrogate at workload\.name$/);
    odd.workload.name = 'w';
    odd.kernel.modules = ['ok', 'lone \uDC00'];
    assert.throws(() => encodeManifest(odd), /lone surrogate at kernel\.modules\[1\]$/);
    odd.kernel.modules = [];
    odd.storage.volumes.push({ host: '/h', container: '\uD800', readOnly: false });
    assert.throws(() => encodeManifest(odd), /lone surrogate at storage\.volumes\[1\]\.container$/);
    odd.storage.volumes.pop();
    odd.extends = '\uDBFF';
    assert.throws(() => encodeManifest(odd), /lone surrogate at extends$/);
  });

  it('the digest is stable and is the SHA-256 of the canonical text', () => {
    for (const m of all.slice(0, 100)) {
      const digest = manifestDigest(m);
      assert.equal(digest, manifestDigest(reparse(m)));
      assert.equal(
        digest,
        `sha256:${createHash('sha256').update(encodeManifest(m), 'utf8').digest('hex')}`,
      );
    }
  });
});

describe('canonical encoding', () => {
  it('puts extends first, sections and fields in model order, empty ones left out but for the overrides of a child', () => {
    const source = `[storage]
writable_layer = "tmpfs"
[[storage.volumes]]
container = "/b"
host = "/a"
[workload]
image = "x"
mode = "container"
name = "web"
[network]
[resources]
pids_max = 10
cpu_weight = 5
[security]
read_only_rootfs = false
`;
    const m = parseManifest(`extends = "base.toml"\n${source}`).manifest;
    assert.equal(
      encodeManifest(m),
      `extends = "base.toml"

[workload]
name = "web"
mode = "container"
image = "x"

[security]
read_only_rootfs = false

[resources]
cpu_weight = 5
pids_max = 10

[storage]
writable_layer = "tmpfs"

[[storage.volumes]]
host = "/a"
container = "/b"
`,
    );
  });

  it('gives a known digest for a known manifest', () => {
    const m = emptyManifest();
    m.workload.name = 'web';
    m.workload.mode = 'container';
    m.workload.image = 'nginx';
    assert.equal(
      encodeManifest(m),
      '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n',
    );
    assert.equal(
      manifestDigest(m),
      `sha256:${sha256Hex('[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n')}`,
    );
  });
});

describe('JSON form', () => {
  it('uses the Go names and omits empty fields except name, mode, host and container', () => {
    const m = emptyManifest();
    m.storage.volumes.push({ host: '', container: '', readOnly: false });
    assert.deepEqual(manifestToJSON(m), {
      workload: { name: '', mode: '' },
      kernel: {},
      security: {},
      resources: {},
      network: {},
      storage: { volumes: [{ host: '', container: '' }] },
    });
    m.extends = 'b.toml';
    m.security.readOnlyRootfs = true;
    m.resources.cpuWeight = 3;
    const json = manifestToJSON(m);
    assert.equal(json['extends'], 'b.toml');
    assert.deepEqual(json['security'], { read_only_rootfs: true });
    assert.deepEqual(Object.keys(json), [
      'workload',
      'kernel',
      'security',
      'resources',
      'network',
      'storage',
      'extends',
    ]);
  });

  it('validates with the same codes, pointing at JSON paths', () => {
    const result = manifestFromJSON(
      {
        workload: { name: 'x', mode: 'container', image: 'i', extra: true },
        resources: { cpu_weight: 20000 },
        storage: { volumes: [{ host: 'rel', container: '/c' }, null] },
      },
      { path: 'api.json' },
    );
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code} ${d.path} ${d.file}:${d.line}:${d.column}`),
      [
        'cpu-weight-out-of-range resources.cpu_weight api.json:0:0',
        'unknown-key workload.extra api.json:0:0',
        'volume-path-not-absolute storage.volumes[0].host api.json:0:0',
        'wrong-type storage.volumes[1] api.json:0:0',
      ],
    );
    assert.match(result.diagnostics[3]!.message, /got null/);
  });

  it('reports a member name given twice in one object, where the second one is', () => {
    // JSON.parse keeps only the last value: the first was lost without a word.
    const text =
      '{"workload": {"name": "web", "mode": "container",\n  "image": "a", "image": "b"}}';
    const result = manifestFromJSON(text, { path: 'x.json' });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.message]),
      [
        [
          'json-syntax',
          'x.json',
          2,
          17,
          'member name "image" appears twice in one object; only the last value would be kept',
        ],
      ],
    );
    // The same names in different objects are no repetition.
    const volumes = '[{"host": "/a", "container": "/b"}, {"host": "/c", "container": "/d"}]';
    const ok = `{"workload": {"name": "web", "mode": "container", "image": "a"}, "storage": {"volumes": ${volumes}}}`;
    assert.deepEqual(manifestFromJSON(ok).diagnostics, []);
  });

  it('treats null members as absent and rejects non-objects and bad JSON text', () => {
    const result = manifestFromJSON({
      workload: { name: 'web', mode: 'container', image: null },
      storage: { rootfs: '/r' },
    });
    assert.deepEqual(result.diagnostics, []);
    assert.equal(manifestFromJSON('[1]').diagnostics[0]!.code, 'wrong-type');
    assert.equal(
      manifestFromJSON(null).diagnostics[0]!.message,
      'a manifest must be a JSON object, got null',
    );
    const bad = manifestFromJSON('{"workload": ', { path: 'x.json' });
    assert.equal(bad.diagnostics[0]!.code, 'json-syntax');
    assert.equal(bad.diagnostics[0]!.file, 'x.json');
    // Reported where the text goes wrong, also when the engine's message gives no position.
    const missingValue = manifestFromJSON('{\n  "workload": {\n    "name": }\n}', {
      path: 'y.json',
    });
    assert.deepEqual(
      [missingValue.diagnostics[0]!.line, missingValue.diagnostics[0]!.column],
      [3, 13],
    );
    assert.deepEqual(
      [bad.diagnostics[0]!.line, bad.diagnostics[0]!.column, bad.diagnostics[0]!.endColumn],
      [1, 14, 15],
    );
  });
});

describe('manifestFromJSON given text: every problem at its line and column', () => {
  /** `line:column` (1-based, code points) of the first `needle` in `text` at or after `from`. */
  const at = (text: string, needle: string, from = 0): string => {
    const offset = text.indexOf(needle, from);
    assert.ok(offset >= 0, needle);
    const before = text.slice(0, offset);
    const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
    return `${before.split('\n').length}:${column}`;
  };
  const show = (d: { code: string; path: string; line: number; column: number; message: string }) =>
    `${d.line}:${d.column} ${d.code} ${d.path}: ${d.message}`;
  const text = `{
  "workload": {"description": "🚀 café", "name": "web", "mode": "vm", "image": "x", "colour": "blue"},
  "resources": {"cpu_weight": "100", "pids_max": 9007199254740993, "io_weight": 2e4},
  "kernel": {"modules": ["a", "b", "a"], "cmdline": "\\ud800"},
  "network": {"dns": ["1.1.1.1", null, 7]},
  "storage": {"volumes": [
    {"host": "/a", "container": "/d"},
    {"container": "/d/"}
  ]}
}`;

  it('reports values, unknown keys and list items where the text has them, in document order', () => {
    const second = text.indexOf('{"container": "/d/"}');
    const modules = text.indexOf('"modules"');
    const firstA = at(text, '"a"', modules);
    assert.deepEqual(manifestFromJSON(text, { path: 'm.json' }).diagnostics.map(show), [
      `${at(text, '"vm"')} workload-mode-invalid workload.mode: mode 'vm' is not one of container, hybrid-native, hybrid-kvm, hybrid-emulated`,
      `${at(text, '"colour"')} unknown-key workload.colour: unknown key 'colour' in [workload]`,
      `${at(text, '"100"')} wrong-type resources.cpu_weight: resources.cpu_weight: expected an integer, got a string "100"`,
      `${at(text, '9007199254740993')} pids-max-out-of-range resources.pids_max: pids_max 9007199254740993 is outside 1–4194304`,
      `${at(text, '2e4')} io-weight-out-of-range resources.io_weight: io_weight 2e4 is outside 1–10000`,
      `${at(text, '"a"]', modules)} kernel-module-duplicate kernel.modules[2]: kernel module 'a' is listed twice (first at line ${firstA.replace(':', ', column ')})`,
      `${at(text, '"\\ud800"')} json-syntax kernel.cmdline: kernel.cmdline: the string has a lone surrogate, which is not Unicode text (TOML cannot hold it)`,
      `${at(text, 'null')} wrong-type network.dns[1]: network.dns[1]: expected a string, got null`,
      `${at(text, '7]')} wrong-type network.dns[2]: network.dns[2]: expected a string, got an integer 7`,
      `${at(text, '{"container": "/d/"}')} missing-required storage.volumes[1].host: the 2nd volume needs 'host'`,
      `${at(text, '"/d/"', second)} volume-container-duplicate storage.volumes[1].container: container path '/d/' is already used by the volume at line 7, column 33`,
    ]);
    assert.equal(at(text, '"/d"'), '7:33');
  });

  it('keeps line 0 for a value already parsed, counting list items from 1', () => {
    const messages = manifestFromJSON(JSON.parse(text) as unknown).diagnostics.map(
      (d) => `${d.line}:${d.column} ${d.message}`,
    );
    assert.ok(messages.every((m) => m.startsWith('0:0 ')));
    for (const expected of [
      "0:0 kernel module 'a' is listed twice (first as the 1st item)",
      "0:0 container path '/d/' is already used by the 1st volume",
      "0:0 the 2nd volume needs 'host'",
      // No text to quote: the value JSON.parse made of it.
      '0:0 pids_max 9007199254740992 is outside 1–4194304',
    ])
      assert.ok(messages.includes(expected), `${expected} in ${messages.join('\n')}`);
  });

  it('locates what is not an object, and the value kept of a member name given twice', () => {
    assert.deepEqual(manifestFromJSON('\n  [1,\n 2]').diagnostics.map(show), [
      '2:3 wrong-type : a manifest must be a JSON object, got an array',
    ]);
    // JSON keeps the last value: that is the one built, and reported where it is.
    const twice = '{"workload": {"name": "a",\n  "name": 5, "mode": "container", "image": "i"}}';
    assert.deepEqual(manifestFromJSON(twice).diagnostics.map(show), [
      '2:3 json-syntax : member name "name" appears twice in one object; only the last value would be kept',
      '2:11 wrong-type workload.name: workload.name: expected a string, got an integer 5',
    ]);
    // Member names that are array indexes come first in a JavaScript object, not here.
    const numbered =
      '{"workload": {"name": "a", "mode": "container", "image": "i"},\n "9": 1, "1": 2}';
    assert.deepEqual(
      manifestFromJSON(numbered).diagnostics.map((d) => `${d.line}:${d.column} ${d.path}`),
      ['2:2 9', '2:10 1'],
    );
  });
});

describe('manifestFromJSON naming a value that has no TOML type', () => {
  it('says null, undefined or a bigint, not "null null", "null undefined", "null 5"', () => {
    const workload = { name: 'web', mode: 'container', image: 'nginx' };
    const messages = (input: unknown) => manifestFromJSON(input).diagnostics.map((d) => d.message);
    assert.deepEqual(
      messages(`{"workload": ${JSON.stringify(workload)}, "network": {"dns": ["1.1.1.1", null]}}`),
      ['network.dns[1]: expected a string, got null'],
    );
    assert.deepEqual(messages({ workload, resources: { cpu_weight: 5n } }), [
      'resources.cpu_weight: expected an integer, got the bigint 5',
    ]);
    assert.deepEqual(messages({ workload: { ...workload, image: undefined } }), [
      'workload.image: expected a string, got undefined',
    ]);
  });
});

describe('manifestFromJSON given bytes', () => {
  const json = '{\n  "workload": {"name": "web", "mode": "container", "image": "nginx"}\n}';
  it('reads UTF-8, with or without a byte-order mark, as the text would be', () => {
    const expected = manifestFromJSON(json);
    assert.deepEqual(expected.diagnostics, []);
    for (const bytes of [Buffer.from(json), Buffer.from(`\uFEFF${json}`)]) {
      const result = manifestFromJSON(new Uint8Array(bytes));
      assert.deepEqual(result.diagnostics, []);
      assert.deepEqual(result.manifest, expected.manifest);
    }
  });

  it('reports invalid UTF-8 at the bad byte and bad JSON where it goes wrong', () => {
    const bad = Uint8Array.from([...Buffer.from('{\n  "workload": {"name": "a'), 0xc3, 0x28]);
    const utf8 = manifestFromJSON(bad, { path: 'm.json' }).diagnostics;
    assert.deepEqual(
      utf8.map((d) => [d.code, d.file, d.line, d.column]),
      [['json-syntax', 'm.json', 2, 26]],
    );
    assert.match(utf8[0]!.message, /^invalid UTF-8: byte 0xC3 is followed by 0x28/);
    const syntax = manifestFromJSON(new Uint8Array(Buffer.from('\uFEFF{"a": }')));
    assert.deepEqual(
      syntax.diagnostics.map((d) => [d.code, d.line, d.column]),
      [['json-syntax', 1, 7]],
    );
  });
});

describe('parseManifest after a failed table header', () => {
  it('reports the syntax error where it is instead of failing', () => {
    const result = parseManifest('[workload]]\nname = "x"\nmode = "container"\n', {
      path: 'a.toml',
    });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.line, d.column]),
      [['toml-expected-newline', 1, 11]],
    );
  });
});

describe('manifestFromJSON and the JSON form', () => {
  it('reads back what manifestToJSON writes for a manifest that inherits name and mode', () => {
    for (const text of [
      'extends = "base.toml"\n',
      'extends = "b.toml"\n[workload]\nname = "c"\n',
    ]) {
      const parsed = parseManifest(text);
      assert.deepEqual(parsed.diagnostics, []);
      const back = manifestFromJSON(JSON.stringify(manifestToJSON(parsed.manifest)));
      assert.deepEqual(back.diagnostics, [], text);
      assert.equal(encodeManifest(back.manifest), encodeManifest(parsed.manifest));
    }
    // Without extends, '' is still missing (the same diagnostics as leaving them out).
    const unset = manifestFromJSON('{"workload": {"name": "", "mode": "", "image": "i"}}');
    assert.deepEqual(
      unset.diagnostics.map((d) => d.code),
      manifestFromJSON('{"workload": {"image": "i"}}').diagnostics.map((d) => d.code),
    );
  });

  it('reports a string with a lone surrogate instead of a manifest it cannot encode', () => {
    const json =
      '{"workload": {"name": "a", "mode": "container", "image": "\\ud800x", "description": "\\ud83d\\ude00"}, "kernel": {"modules": ["ok", "\\udc00"]}}';
    const result = manifestFromJSON(json, { path: 'm.json' });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.code === 'json-syntax').map((d) => [d.path, d.file]),
      [
        ['workload.image', 'm.json'],
        ['kernel.modules[1]', 'm.json'],
      ],
    );
  });
});

describe('manifestFromJSON given deep or cyclic data', () => {
  it('reports what a manifest cannot hold instead of overflowing the stack', () => {
    const depth = 200_000;
    const deepArray = `{"workload": {"name": ${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    assert.deepEqual(
      manifestFromJSON(deepArray)
        .diagnostics.filter((d) => d.code === 'wrong-type')
        .map((d) => d.path),
      ['workload.name'],
    );
    const deepTable = `{"x": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    assert.ok(manifestFromJSON(deepTable).diagnostics.some((d) => d.code === 'unknown-key'));
    const cyclic: Record<string, unknown> = { workload: { name: 'web', mode: 'container' } };
    (cyclic['workload'] as Record<string, unknown>)['self'] = cyclic;
    assert.deepEqual(
      manifestFromJSON(cyclic)
        .diagnostics.filter((d) => d.code === 'unknown-key')
        .map((d) => d.path),
      ['workload.self'],
    );
  });
});

describe('helpers with the Go semantics', () => {
  it('isHybrid, needsKernel, hasCasRootfs, casDigest', () => {
    const m = emptyManifest();
    const modes = ['container', 'hybrid-native', 'hybrid-kvm', 'hybrid-emulated', ''] as const;
    assert.deepEqual(
      modes.map((mode) => isHybrid({ ...m, workload: { ...m.workload, mode } })),
      [false, true, true, true, false],
    );
    assert.deepEqual(
      modes.map((mode) => needsKernel({ ...m, workload: { ...m.workload, mode } })),
      [false, true, true, false, false],
    );
    const rootfs = (value: string) => ({ ...m, storage: { ...m.storage, rootfs: value } });
    assert.equal(hasCasRootfs(rootfs('cas://')), false);
    assert.equal(hasCasRootfs(rootfs('cas://x')), true);
    assert.equal(casDigest(rootfs('cas://sha256:ab')), 'sha256:ab');
    assert.equal(casDigest(rootfs('/srv/root')), '');
  });
});

describe('SHA-256', () => {
  it('matches the FIPS 180-4 vectors and node:crypto', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      sha256Hex('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    assert.equal(
      sha256Hex('a'.repeat(1_000_000)),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
    const random = new Random(3);
    for (let length = 0; length < 300; length++) {
      const bytes = Uint8Array.from({ length }, () => random.int(0, 255));
      assert.equal(
        sha256Hex(bytes),
        createHash('sha256').update(bytes).digest('hex'),
        `length ${length}`,
      );
      assert.deepEqual(sha256(bytes), new Uint8Array(createHash('sha256').update(bytes).digest()));
    }
    // Strings are first written into room for a byte a character; around the size of the
    // reused buffer (4 KB at first), a few two- and three-byte characters at the end push
    // the padded message past it.
    for (let length = 3980; length < 4160; length++) {
      const text = `${'a'.repeat(length - 4)}é€ü😀`.slice(0, length);
      assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    // The padding buffer is reused: a long message (past what is kept), a kept one, then
    // short ones must not see each other's bytes.
    for (const length of [100_000, 5000, 3, 0, 70]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 255);
      assert.equal(sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'));
      const text = 'x'.repeat(length) + 'é';
      assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    // Lone surrogates are hashed as U+FFFD, as Node's own UTF-8 encoding does.
    for (const text of ['é😀\u0000\uFFFF', 'a\uD800b\uDC00c\uD83D']) {
      assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('validateManifest on a manifest built in code', () => {
  // The docs give it as validateManifest(manifest, sources?, options?): code that builds
  // a manifest has no source text to pass.
  it('needs no sources, and reports problems without a position', () => {
    const m = emptyManifest();
    m.workload.name = 'vm';
    m.workload.mode = 'hybrid-kvm';
    m.workload.image = 'registry.example.com/vm:1';
    const codes = validateManifest(m).map((d) => [d.code, d.file, d.line, d.column]);
    assert.deepEqual(codes, [['kernel-path-required', '', 0, 0]]);
    m.kernel.path = '/boot/vmlinuz';
    assert.deepEqual(validateManifest(m), []);
  });

  it('checks every field as reading does: types, ranges and choices, at their paths', () => {
    // It ran only the cross-field rules: all of these gave [], and a missing section
    // threw "Cannot read properties of undefined".
    const cases: [(m: Record<string, Record<string, unknown>>) => void, string[][]][] = [
      [
        (m) => (m['resources']!['cpuWeight'] = 99_999),
        [['cpu-weight-out-of-range', 'resources.cpu_weight']],
      ],
      [(m) => (m['resources']!['cpuWeight'] = 1.5), [['wrong-type', 'resources.cpu_weight']]],
      [(m) => (m['workload']!['mode'] = 'vm'), [['workload-mode-invalid', 'workload.mode']]],
      [(m) => (m['workload']!['name'] = 5), [['wrong-type', 'workload.name']]],
      [(m) => (m['workload']!['name'] = ''), [['missing-required', 'workload.name']]],
      [(m) => delete m['kernel'], [['wrong-type', 'kernel']]],
      [
        (m) => (m['storage']!['volumes'] = [{ host: '/a', container: '/', readOnly: false }, 7]),
        [
          ['volume-container-root', 'storage.volumes[0].container'],
          ['wrong-type', 'storage.volumes[1]'],
        ],
      ],
      [
        (m) => (m['network']!['ports'] = ['80:80', '80:80']),
        [['port-duplicate', 'network.ports[1]']],
      ],
    ];
    for (const [change, expected] of cases) {
      const m = emptyManifest();
      Object.assign(m.workload, { name: 'web', mode: 'container', image: 'nginx' });
      change(m as unknown as Record<string, Record<string, unknown>>);
      const found = validateManifest(m).map((d) => [d.code, d.path]);
      assert.deepEqual(found, expected, String(change));
    }
    // A base is not merged in: what it may give is not required (by default when the
    // manifest has extends, or when asked).
    assert.deepEqual(
      validateManifest(null as unknown as Manifest).map((d) => [d.code, d.message]),
      [['wrong-type', 'a manifest must be an object, got null']],
    );
    const child = emptyManifest();
    assert.deepEqual(validateManifest(child, [], { unresolvedBase: true }), []);
    child.extends = 'base.toml';
    assert.deepEqual(validateManifest(child), []);
  });

  it('runs only the cross-field rules when given the sources a manifest was read from', () => {
    const read = parseManifest(
      '[workload]\nname = "web"\nmode = "container"\nimage = "x"\n[resources]\ncpu_weight = 20000\n',
    );
    assert.deepEqual(
      read.diagnostics.map((d) => d.code),
      ['cpu-weight-out-of-range'],
    );
    // Reading reported the field; the rules that need the whole manifest find nothing.
    assert.deepEqual(validateManifest(read.manifest, read.sources), []);
  });
});

describe('a manifest built in code holding what its fields cannot', () => {
  /** A valid manifest with one value changed. */
  function withValue(change: (m: Record<string, Record<string, unknown>>) => void): Manifest {
    const m = emptyManifest();
    Object.assign(m.workload, { name: 'web', mode: 'container', image: 'nginx' });
    change(m as unknown as Record<string, Record<string, unknown>>);
    return m;
  }
  const writers = [
    ['encodeManifest', encodeManifest],
    ['manifestDigest', manifestDigest],
    ['manifestToJSON', manifestToJSON],
    ['canonicalData', canonicalData],
  ] as const;
  const cases: [string, (m: Record<string, Record<string, unknown>>) => void, RegExp][] = [
    ['NaN', (m) => (m.resources!.cpuWeight = NaN), /got the number NaN, at resources\.cpu_weight$/],
    ['Infinity', (m) => (m.resources!.pidsMax = Infinity), /at resources\.pids_max$/],
    [
      '1.5',
      (m) => (m.resources!.ioWeight = 1.5),
      /expected an integer.*1\.5, at resources\.io_weight$/,
    ],
    ['beyond 64 bits', (m) => (m.resources!.cpuWeight = 2 ** 63), /at resources\.cpu_weight$/],
    ['a numeric string', (m) => (m.resources!.cpuWeight = '100'), /got the string "100"/],
    [
      'a number as a string field',
      (m) => (m.workload!.name = 5),
      /expected a string, got the number 5, at workload\.name$/,
    ],
    ['undefined', (m) => (m.workload!.image = undefined), /got undefined, at workload\.image$/],
    [
      'a string as a boolean',
      (m) => (m.security!.readOnlyRootfs = 'false'),
      /expected a boolean.*at security\.read_only_rootfs$/,
    ],
    [
      'a string as a list',
      (m) => (m.kernel!.modules = 'abc'),
      /expected an array of strings.*at kernel\.modules$/,
    ],
    [
      'a hole in a list',
      (m) => (m.network!.dns = ['1.1.1.1', , '8.8.8.8']),
      /got undefined, at network\.dns\[1\]$/,
    ],
    [
      'a volume that is not an object',
      (m) => (m.storage!.volumes = ['/a:/b']),
      /at storage\.volumes\[0\]$/,
    ],
    [
      'a volume without host',
      (m) => (m.storage!.volumes = [{ container: '/b' }]),
      /got undefined, at storage\.volumes\[0\]\.host$/,
    ],
    [
      'a missing section',
      (m) => delete m.kernel,
      /expected an object \(the \[kernel\] section\), got undefined, at kernel$/,
    ],
    ['a cycle', (m) => (m.workload!.description = m), /got an object, at workload\.description$/],
    ['extends', (m) => ((m as Record<string, unknown>).extends = null), /got null, at extends$/],
  ];
  for (const [what, change, message] of cases) {
    it(`throws unencodable-value naming the path: ${what}`, () => {
      const m = withValue(change);
      for (const [name, write] of writers) {
        assert.throws(
          () => write(m),
          (error: TomlError) => error.code === 'unencodable-value' && message.test(error.message),
          name,
        );
      }
    });
  }

  it('writes an integer beyond 2^53 as a TOML integer that reads back as the same number', () => {
    for (const big of [2 ** 60, -(2 ** 63), 2 ** 63 - 1024]) {
      const m = withValue((m) => (m.resources!.pidsMax = big));
      const text = encodeManifest(m);
      const back = parseManifest(text).manifest;
      assert.equal(back.resources.pidsMax, big);
      assert.equal(encodeManifest(back), text);
      assert.equal(manifestDigest(back), manifestDigest(m));
    }
  });
});

describe('manifest options', () => {
  it('must be an object: a file name given in their place is a TypeError, not a lost path', () => {
    const path = 'web.toml' as unknown as { path: string };
    assert.throws(() => parseManifest('[workload]\n', path), /options must be an object/);
    assert.throws(() => manifestFromJSON('{}', path), /options must be an object/);
    assert.throws(() => formatManifest('[workload]\n', path), /options must be an object/);
    assert.throws(
      () => validateManifest(emptyManifest(), [], 'x' as unknown as object),
      /options must be an object/,
    );
  });
});
