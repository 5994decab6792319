/**
 * Imports point down the layers only: `lexer/` ← `lib/toml/` ← `lib/manifest/` ←
 * `lib/node/` ← `lib/cli/`. A module may import its own layer and the layers below it.
 * The lexer may use two leaf modules of the engine (its errors and its options) and
 * nothing else of it. `lib/index.ts` is the manifest layer's entry.
 *
 * The test reads the import statements of every source file (static, dynamic, `export …
 * from`) and fails on one that points the wrong way; the checker is tried on synthetic
 * imports first, so a pass means something.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { posix } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot, sourceFiles } from './helpers.js';

/** The layers, lowest first: a directory (or a single file) and the layer's name. */
const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: 'lexer', paths: ['lexer/'] },
  { name: 'toml', paths: ['lib/toml/'] },
  { name: 'manifest', paths: ['lib/manifest/', 'lib/index.ts'] },
  { name: 'node', paths: ['lib/node/'] },
  { name: 'cli', paths: ['lib/cli/'] },
];

/** What a lower layer may still import from a higher one (from layer → exact modules). */
const ALLOWED_UPWARD: ReadonlyMap<string, readonly string[]> = new Map([
  ['lexer', ['lib/toml/errors.ts', 'lib/toml/options.ts']],
]);

/** The layer index of a project-relative source path (posix separators), or -1. */
function layerOf(path: string): number {
  return LAYERS.findIndex((layer) =>
    layer.paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)),
  );
}

/**
 * The wrong-way imports of the module at `from` (project-relative, posix) whose
 * relative specifiers are `specifiers`: an import of a module in a higher layer, unless
 * listed in ALLOWED_UPWARD; an import that leaves the layered tree altogether.
 */
function wrongWay(from: string, specifiers: readonly string[]): string[] {
  const own = layerOf(from);
  const problems: string[] = [];
  for (const specifier of specifiers) {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
    const target = posix
      .normalize(posix.join(posix.dirname(from), specifier))
      .replace(/\.js$/, '.ts');
    const layer = layerOf(target);
    if (layer === -1) {
      problems.push(`${from} imports ${specifier}, outside the layered tree`);
    } else if (layer > own && !(ALLOWED_UPWARD.get(LAYERS[own]!.name) ?? []).includes(target)) {
      problems.push(
        `${from} (${LAYERS[own]!.name}) imports ${target} (${LAYERS[layer]!.name}), a higher layer`,
      );
    }
  }
  return problems;
}

function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

describe('the layer checker itself', () => {
  it('places files in their layers', () => {
    assert.equal(layerOf('lexer/scanner.ts'), 0);
    assert.equal(layerOf('lib/toml/parser.ts'), 1);
    assert.equal(layerOf('lib/manifest/read.ts'), 2);
    assert.equal(layerOf('lib/index.ts'), 2);
    assert.equal(layerOf('lib/node/load.ts'), 3);
    assert.equal(layerOf('lib/cli/main.ts'), 4);
    assert.equal(layerOf('lib/parser.ts'), -1);
    assert.equal(layerOf('lib/tomlish/x.ts'), -1);
  });

  it('flags imports that point up or out, and allows the listed leaves', () => {
    assert.deepEqual(wrongWay('lib/toml/parser.ts', ['../../lexer/scanner.js', './errors.js']), []);
    assert.deepEqual(wrongWay('lib/cli/main.ts', ['../index.js', '../toml/index.js']), []);
    assert.deepEqual(
      wrongWay('lexer/lexer.ts', ['../lib/toml/errors.js', '../lib/toml/options.js']),
      [],
    );
    assert.deepEqual(wrongWay('lexer/lexer.ts', ['../lib/toml/parse.js']), [
      'lexer/lexer.ts (lexer) imports lib/toml/parse.ts (toml), a higher layer',
    ]);
    assert.deepEqual(wrongWay('lib/toml/parse.ts', ['../manifest/read.js', '../index.js']), [
      'lib/toml/parse.ts (toml) imports lib/manifest/read.ts (manifest), a higher layer',
      'lib/toml/parse.ts (toml) imports lib/index.ts (manifest), a higher layer',
    ]);
    assert.deepEqual(wrongWay('lib/manifest/read.ts', ['../node/load.js', '../cli/io.js']), [
      'lib/manifest/read.ts (manifest) imports lib/node/load.ts (node), a higher layer',
      'lib/manifest/read.ts (manifest) imports lib/cli/io.ts (cli), a higher layer',
    ]);
    assert.deepEqual(wrongWay('lib/node/load.ts', ['../cli/io.js']), [
      'lib/node/load.ts (node) imports lib/cli/io.ts (cli), a higher layer',
    ]);
    assert.deepEqual(wrongWay('lib/manifest/read.ts', ['../../test/helpers.js']), [
      'lib/manifest/read.ts imports ../../test/helpers.js, outside the layered tree',
    ]);
    // Packages and builtins are another test's business (core-imports).
    assert.deepEqual(wrongWay('lib/cli/main.ts', ['node:fs', 'typescript']), []);
  });

  it('reads every kind of import', () => {
    assert.deepEqual(
      specifiersOf(
        "import a from './a.js';\nexport * from '../b.js';\nconst c = await import('../c.js');\nimport type { D } from './d.js';",
      ),
      ['./a.js', '../b.js', '../c.js', './d.js'],
    );
  });
});

describe('the source tree', () => {
  const files = sourceFiles();

  it('has every source file in a layer', () => {
    assert.ok(files.length >= 50, `only ${files.length} sources`);
    assert.deepEqual(
      files.filter((file) => layerOf(file) === -1),
      [],
    );
    // The engine is in its own folder: nothing of it is left loose in lib/.
    assert.deepEqual(
      files.filter((file) => dirname(file) === 'lib' && file !== 'lib/index.ts'),
      [],
    );
    for (const layer of LAYERS) {
      assert.ok(
        files.some((file) => layerOf(file) === LAYERS.indexOf(layer)),
        `layer ${layer.name} has files`,
      );
    }
  });

  it('imports only down the layers', () => {
    const problems: string[] = [];
    for (const file of files) {
      problems.push(...wrongWay(file, specifiersOf(readFileSync(join(projectRoot, file), 'utf8'))));
    }
    assert.deepEqual(problems, []);
  });
});
