/**
 * What `npm pack` publishes: the built library and CLI, their type declarations, the
 * docs, README and LICENSE; no tests, benchmarks, sources maps pointing at sources that
 * are not shipped, caches or coverage. And no install-time script (`prepare`, `install`,
 * `postinstall`) that would run in every consumer's install: the build runs in `prepack`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { projectRoot } from './helpers.js';

interface PackFile {
  path: string;
}

it('packs the library, its types, docs, README and LICENSE, and nothing else', () => {
  // --ignore-scripts: prepack would rebuild dist while other tests read it.
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const files = (JSON.parse(result.stdout) as { files: PackFile[] }[])[0]!.files.map((f) => f.path);
  for (const needed of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/lib/index.js',
    'dist/lib/index.d.ts',
    'dist/lib/toml/index.js',
    'dist/lib/toml/index.d.ts',
    'dist/lib/node/index.js',
    'dist/lib/cli/main.js',
    'dist/lexer/lexer.js',
    'docs/security.md',
  ]) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  const unwanted = files.filter(
    (path) =>
      path.startsWith('dist/test/') ||
      path.startsWith('dist/bench/') ||
      path.startsWith('test/') ||
      path.startsWith('bench/') ||
      path.startsWith('coverage/') ||
      path.includes('.cache') ||
      path.includes('bench-cache') ||
      path.endsWith('.map') ||
      path.endsWith('.ts') !== path.endsWith('.d.ts'),
  );
  assert.deepEqual(unwanted, []);
});

it('has no install-time script, a top-level types entry and the package metadata', () => {
  const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as {
    scripts: Record<string, string>;
    types?: string;
    main?: string;
    keywords?: string[];
    license?: string;
  };
  for (const script of ['prepare', 'preinstall', 'install', 'postinstall']) {
    assert.equal(pkg.scripts[script], undefined, `no ${script} script`);
  }
  assert.equal(pkg.scripts['prepack'], 'tsc -p .');
  assert.equal(pkg.types, './dist/lib/index.d.ts');
  assert.equal(pkg.main, './dist/lib/index.js');
  assert.ok((pkg.keywords ?? []).includes('toml'));
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(`${projectRoot}LICENSE`, 'utf8'), /^MIT License/);
});
