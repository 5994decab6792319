/** editManifest and fixManifest: edits by manifest path, typed by the field, validated. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editManifest, fixManifest, parseManifest, parseManifestPath } from '../lib/index.js';

const BASE = [
  '# the orders service',
  '[workload]',
  'name = "web"  # its DNS name',
  'mode = "container"',
  "image = 'nginx:1.27'",
  '',
  '[resources]',
  'memory_limit = "2G"',
  '',
  '[network]',
  'ports = ["80:80"]',
  '',
  '[[storage.volumes]]',
  'host = "/srv"',
  'container = "/data"',
  '',
].join('\n');

describe('editManifest', () => {
  it('sets fields typed by the field table, every other byte kept', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'workload.image', value: 'nginx:1.28' },
      { op: 'set', path: 'resources.cpu_weight', value: '200' },
      { op: 'set', path: 'security.read_only_rootfs', value: 'true' },
      { op: 'set', path: 'network.ports', value: '["80:80", "443:443"]' },
      { op: 'set', path: 'storage.volumes[0].readonly', value: 'true' },
    ]);
    assert.deepEqual(result.refused, []);
    assert.equal(result.changed, true);
    assert.equal(
      result.text,
      [
        '# the orders service',
        '[workload]',
        'name = "web"  # its DNS name',
        'mode = "container"',
        "image = 'nginx:1.28'",
        '',
        '[resources]',
        'memory_limit = "2G"',
        'cpu_weight = 200',
        '',
        '[network]',
        'ports = ["80:80", "443:443"]',
        '',
        '[[storage.volumes]]',
        'host = "/srv"',
        'container = "/data"',
        'readonly = true',
        '',
        '[security]',
        'read_only_rootfs = true',
        '',
      ].join('\n'),
    );
    const manifest = parseManifest(result.text).manifest;
    assert.equal(manifest.resources.cpuWeight, 200);
    assert.equal(manifest.security.readOnlyRootfs, true);
    assert.deepEqual(manifest.network.ports, ['80:80', '443:443']);
    assert.deepEqual(result.diagnostics, []);
  });

  it('takes typed values as they are, and list items and volumes by index', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'resources.cpu_weight', value: 300 },
      { op: 'set', path: 'network.ports[0]', value: '8080:80' },
      { op: 'set', path: 'storage.volumes[1]', value: '{"host": "/a", "container": "/b"}' },
    ]);
    assert.deepEqual(result.refused, []);
    const manifest = parseManifest(result.text).manifest;
    assert.equal(manifest.resources.cpuWeight, 300);
    assert.deepEqual(manifest.network.ports, ['8080:80']);
    assert.deepEqual(
      manifest.storage.volumes.map((v) => v.container),
      ['/data', '/b'],
    );
  });

  it('unsets fields, list items and sections', () => {
    const result = editManifest(BASE, [
      { op: 'unset', path: 'network.ports[0]' },
      { op: 'unset', path: 'resources' },
      { op: 'unset', path: 'kernel.path' },
    ]);
    assert.deepEqual(result.refused, []);
    assert.ok(!result.text.includes('[resources]'));
    assert.ok(result.text.includes('ports = []'));
    assert.ok(result.text.startsWith('# the orders service\n[workload]\nname = "web"  # its'));
  });

  it('edits a key the file writes in another case where it is', () => {
    const text = '[Workload]\nName = "web"\nmode = "container"\nimage = "a"\n';
    const result = editManifest(text, [{ op: 'set', path: 'workload.name', value: 'api' }]);
    assert.deepEqual(result.refused, []);
    assert.equal(result.text, '[Workload]\nName = "api"\nmode = "container"\nimage = "a"\n');
  });

  it('refuses an unknown path with a did-you-mean, the text unchanged', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'workload.imag', value: 'x' },
      { op: 'set', path: 'network.cpu_weight', value: '1' },
      { op: 'unset', path: 'workloads' },
      { op: 'set', path: 'storage.volumes[0].hots', value: '/x' },
      { op: 'set', path: 'workload..image', value: 'x' },
    ]);
    assert.equal(result.text, BASE);
    assert.equal(result.changed, false);
    assert.deepEqual(
      result.refused.map((d) => [d.code, d.message, d.line]),
      [
        [
          'unknown-key',
          "set workload.imag: unknown key 'imag' in [workload] (did you mean 'image'?)",
          0,
        ],
        [
          'unknown-key',
          "set network.cpu_weight: unknown key 'cpu_weight' in [network] (did you mean 'cpu_weight' in [resources]?)",
          0,
        ],
        [
          'unknown-key',
          "unset workloads: unknown key 'workloads' at the top level (did you mean 'workload'?)",
          0,
        ],
        [
          'unknown-key',
          "set storage.volumes[0].hots: unknown key 'hots' in a volume (did you mean 'host'?)",
          0,
        ],
        [
          'unknown-key',
          "set workload..image: 'workload..image' is not a manifest path (keys joined by '.', indexes as [N]: storage.volumes[0].host)",
          0,
        ],
      ],
    );
  });

  it('refuses a value the field cannot take', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'resources.cpu_weight', value: 'lots' },
      { op: 'set', path: 'security.read_only_rootfs', value: 'yes' },
      { op: 'set', path: 'network.ports', value: '80:80' },
      { op: 'set', path: 'workload.name', value: 5 },
    ]);
    assert.equal(result.text, BASE);
    assert.deepEqual(
      result.refused.map((d) => [d.code, d.message]),
      [
        ['wrong-type', "set resources.cpu_weight: expected an integer (such as 200), got 'lots'"],
        ['wrong-type', "set security.read_only_rootfs: expected true or false, got 'yes'"],
        [
          'wrong-type',
          'set network.ports: expected a JSON array of strings (such as ["80:80"]), got \'80:80\'',
        ],
        ['wrong-type', 'set workload.name: expected a string, got 5'],
      ],
    );
  });

  it('refuses a result with a new error, placed in the edited text', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'resources.cpu_weight', value: '20000' },
      { op: 'unset', path: 'workload.name' },
    ]);
    assert.equal(result.text, BASE);
    assert.equal(result.changed, false);
    assert.deepEqual(
      result.refused.map((d) => [d.code, d.line, d.column]),
      [
        ['missing-required', 2, 1],
        ['cpu-weight-out-of-range', 8, 14],
      ],
    );
    assert.equal(result.refusedText!.split('\n')[7], 'cpu_weight = 20000');
  });

  it('keeps an error the original had (it is not new)', () => {
    const text = BASE.replace('memory_limit = "2G"', 'memory_limit = "lots"');
    const result = editManifest(text, [{ op: 'set', path: 'workload.image', value: 'b' }]);
    assert.deepEqual(result.refused, []);
    assert.equal(result.changed, true);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['memory-size-invalid'],
    );
  });

  it('refuses a file that is not valid TOML, with its syntax errors', () => {
    const result = editManifest('[workload\nname = "x"\n', [
      { op: 'set', path: 'workload.name', value: 'y' },
    ]);
    assert.equal(result.changed, false);
    assert.ok(result.refused.length > 0);
    assert.ok(result.refused.every((d) => d.code.startsWith('toml-') && d.line === 1));
  });

  it('an edit to the same value, or an unset of nothing, changes nothing', () => {
    const result = editManifest(BASE, [
      { op: 'set', path: 'workload.image', value: 'nginx:1.27' },
      { op: 'unset', path: 'kernel' },
    ]);
    assert.deepEqual(result, {
      text: BASE,
      changed: false,
      diagnostics: [],
      refused: [],
      refusedText: null,
    });
  });

  it('parses manifest paths', () => {
    assert.deepEqual(parseManifestPath('storage.volumes[0].host'), [
      'storage',
      'volumes',
      0,
      'host',
    ]);
    assert.deepEqual(parseManifestPath('network.ports[12]'), ['network', 'ports', 12]);
    for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a.[0]', 'a b', 'a[x]'])
      assert.equal(parseManifestPath(bad), null, bad);
  });
});

describe('fixManifest', () => {
  it('fixes keys in the wrong case, typos with one candidate and misplaced keys', () => {
    const text = [
      '[Workload]',
      'Name = "web" # the name',
      'mode = "container"',
      '',
      '[resources]',
      'cpu_weigth = 100 # weight',
      '',
      '[network]',
      'image = "nginx"',
      '',
    ].join('\n');
    const result = fixManifest(text, { path: 'a.toml' });
    assert.equal(
      result.text,
      [
        '[workload]',
        'Name = "web" # the name',
        'mode = "container"',
        'image = "nginx"',
        '',
        '[resources]',
        'cpu_weight = 100 # weight',
        '',
        '[network]',
        '',
      ]
        .join('\n')
        .replace('Name =', 'name ='),
    );
    assert.deepEqual(
      result.fixes.map((f) => [f.line, f.column, f.code, f.message]),
      [
        [1, 2, 'key-case', "renamed 'Workload' to 'workload'"],
        [2, 1, 'key-case', "renamed 'Name' to 'name'"],
        [6, 1, 'unknown-key', "renamed 'cpu_weigth' to 'cpu_weight'"],
        [9, 1, 'unknown-key', "moved 'image' into [workload]"],
      ],
    );
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.changed, true);
  });

  it('a moved key takes the comment block above it and its trailing comment along', () => {
    const text = [
      '[workload]',
      'name = "web"',
      'mode = "container"',
      '',
      '[network]',
      '# pinned: 1.27 breaks the health check',
      'image = "nginx:1.26" # see INC-42',
      'ports = ["80:80"]',
      '',
    ].join('\n');
    const result = fixManifest(text);
    assert.equal(
      result.text,
      [
        '[workload]',
        'name = "web"',
        'mode = "container"',
        '# pinned: 1.27 breaks the health check',
        'image = "nginx:1.26" # see INC-42',
        '',
        '[network]',
        'ports = ["80:80"]',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      result.fixes.map((f) => f.message),
      ["moved 'image' into [workload]"],
    );
  });

  it('leaves what has more than one meaning', () => {
    const text = [
      '[workload]',
      'name = "web"',
      'mode = "container"',
      'image = "nginx"',
      '',
      // One edit from 'name' and from 'mode': the hint names one, but it has two meanings.
      'nome = "x"',
      '',
      '[kernel]',
      // mode is a field of [workload] and of [network].
      'mode = "x"',
      'zzz = 1',
      '',
    ].join('\n');
    const before = parseManifest(text).diagnostics.map((d) => d.message);
    assert.ok(before.some((m) => m.includes("unknown key 'nome' in [workload] (did you mean")));
    const result = fixManifest(text);
    assert.equal(result.text, text);
    assert.equal(result.changed, false);
    assert.deepEqual(result.fixes, []);
    assert.deepEqual(
      result.diagnostics.map((d) => d.message),
      before,
    );
  });

  it('does not make a fix whose text has a new error, and says why', () => {
    const text =
      '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n\n[resources]\ncpu_weigth = 20000\n';
    const result = fixManifest(text, { path: 'a.toml' });
    assert.equal(result.text, text);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.column, s.message, s.reason]),
      [
        [
          7,
          1,
          "rename 'cpu_weigth' to 'cpu_weight'",
          'the fixed text would have a new error: cpu-weight-out-of-range cpu_weight 20000 is outside 1–10000',
        ],
      ],
    );
  });

  it('does not move a key into a section that has it, nor rename onto a key that exists', () => {
    const text =
      '[workload]\nname = "web"\nmode = "container"\nimage = "a"\n\n[network]\nimage = "b"\n';
    const result = fixManifest(text);
    assert.equal(result.text, text);
    assert.deepEqual(
      result.skipped.map((s) => [s.message, s.reason]),
      [["move 'image' into [workload]", "[workload] already has 'image'"]],
    );
    const twice = '[workload]\nname = "web"\nName = "api"\nmode = "container"\nimage = "a"\n';
    assert.equal(fixManifest(twice).text, twice);
  });

  it('a key written in two headers is left (renaming one would split it)', () => {
    const text =
      '[workload]\nname = "web"\nmode = "container"\nimage = "a"\n\n[[Storage.volumes]]\nhost = "/a"\ncontainer = "/a"\n\n[[Storage.volumes]]\nhost = "/b"\ncontainer = "/b"\n';
    const result = fixManifest(text);
    assert.equal(result.text, text);
    assert.deepEqual(
      result.skipped.map((s) => s.reason),
      ["'Storage' is written in more than one place"],
    );
  });
});
