/**
 * No Node in the core. The core is every built module under `dist/lexer` and `dist/lib`
 * except the CLI (`dist/lib/cli`) and the Node loaders (`dist/lib/node`). Walking the
 * import graph from every core module must reach only core modules, through relative
 * specifiers: no `node:` builtin, no bare package. The core's sources (and its built
 * code) must not use the Node globals `process`, `Buffer`, `require`, `__dirname`,
 * `__filename`, nor `TextDecoder`/`TextEncoder` (not in every runtime the core targets),
 * with one exception: a module that works without a global may look it up on
 * `globalThis` (see `OPTIONAL_LOOKUPS`).
 *
 * The checkers are tested on small synthetic modules first, so a pass means something.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot } from './helpers.js';

const FORBIDDEN_GLOBALS = new Set([
  'process',
  'Buffer',
  'require',
  '__dirname',
  '__filename',
  'TextDecoder',
  'TextEncoder',
]);

/**
 * Globals that a core module (by path without extension) may look up on `globalThis`,
 * because it works without them: `lib/toml/utf8-text` uses the platform's `TextDecoder` and
 * `TextEncoder` where there are some and converts the text itself elsewhere (the QuickJS
 * test runs that path, where neither exists, and unit tests compare the two). A bare name,
 * or a lookup in any other module, is still reported.
 */
const OPTIONAL_LOOKUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['lib/toml/utf8-text', ['TextDecoder', 'TextEncoder']],
]);

/** The names `path` (a core source or built file) may look up on `globalThis`. */
function optionalLookups(base: string, path: string): readonly string[] {
  const module = relative(base, path)
    .split(sep)
    .join('/')
    .replace(/\.(ts|js)$/, '');
  return OPTIONAL_LOOKUPS.get(module) ?? [];
}

/** Directories (relative to the root) whose modules are not core. */
const NOT_CORE = [join('lib', 'cli'), join('lib', 'node')];

function isCore(relativePath: string): boolean {
  return !NOT_CORE.some((dir) => relativePath === dir || relativePath.startsWith(dir + sep));
}

/** Files under `dir` (recursively) with one of `extensions`, skipping non-core ones. */
function coreFiles(base: string, dirs: string[], test: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (!isCore(relative(base, path))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (test(name)) out.push(path);
    }
  };
  for (const dir of dirs) if (existsSync(join(base, dir))) walk(join(base, dir));
  return out;
}

/** Every module specifier of a JavaScript/TypeScript source: static, dynamic, require. */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Uses of the forbidden globals in `source`, as `name@line`; `optional` names may be
 * looked up as `globalThis.name`.
 */
function globalUses(source: string, fileName: string, optional: readonly string[] = []): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, name: string) => {
    found.push(`${name}@${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text)) {
      const parent = node.parent;
      // `x.process` is a property of x, and `{ process: … }` a property name: not the
      // global, unless x is globalThis.
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) ||
          ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent) ||
          ts.isPropertySignature(parent) ||
          ts.isMethodSignature(parent)) &&
          parent.name === node);
      const onGlobalThis =
        ts.isPropertyAccessExpression(parent) &&
        ts.isIdentifier(parent.expression) &&
        parent.expression.text === 'globalThis';
      if (onGlobalThis ? !optional.includes(node.text) : !isMemberName) report(node, node.text);
    }
    // globalThis['process']
    if (
      ts.isElementAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'globalThis' &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      FORBIDDEN_GLOBALS.has(node.argumentExpression.text)
    ) {
      report(node, node.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the checkers themselves', () => {
  it('find every kind of import', () => {
    assert.deepEqual(
      specifiers(
        [
          "import fs from 'node:fs';",
          "import { x } from './x.js';",
          "export * from '../y.js';",
          "export { z } from 'lodash';",
          "import 'side-effect';",
          "const m = await import('node:path');",
          "const r = require('os');",
          '// import nope from "comment";',
          'const s = "import no from \'string\'";',
        ].join('\n'),
      ),
      ['node:fs', './x.js', '../y.js', 'lodash', 'side-effect', 'node:path', 'os'],
    );
  });

  it('find uses of the Node globals and ignore properties, comments and strings', () => {
    const source = [
      'const a = process.env;', // 1
      'const b = Buffer.from("");', // 2
      'const c = require("x");', // 3
      'const d = __dirname + __filename;', // 4
      'const e = new TextDecoder();', // 5
      'const f = globalThis.process;', // 6
      "const g = globalThis['TextEncoder'];", // 7
      'const ok1 = options.process;', // 8
      'const ok2 = { process: 1, Buffer() {} };', // 9
      '// process Buffer require', // 10
      'const ok3 = "process";', // 11
      'class K { process = 1; require(): void {} }', // 12
    ].join('\n');
    assert.deepEqual(globalUses(source, 'synthetic.ts'), [
      'process@1',
      'Buffer@2',
      'require@3',
      '__dirname@4',
      '__filename@4',
      'TextDecoder@5',
      'process@6',
      'TextEncoder@7',
    ]);
  });

  it('let a module look up only its optional globals, only on globalThis', () => {
    const source = [
      'const a = globalThis.TextDecoder;', // 1
      'const b = new TextDecoder();', // 2
      'const c = globalThis.process;', // 3
      "const d = globalThis['TextDecoder'];", // 4
    ].join('\n');
    assert.deepEqual(globalUses(source, 'synthetic.ts', ['TextDecoder']), [
      'TextDecoder@2',
      'process@3',
      'TextDecoder@4',
    ]);
    assert.deepEqual(
      optionalLookups(projectRoot, join(projectRoot, 'lib', 'toml', 'utf8-text.ts')),
      ['TextDecoder', 'TextEncoder'],
    );
    assert.deepEqual(
      optionalLookups(projectRoot, join(projectRoot, 'lib', 'toml', 'parse.ts')),
      [],
    );
  });
});

describe('the core uses no Node', () => {
  const dist = join(projectRoot, 'dist');
  const built = coreFiles(dist, ['lexer', 'lib'], (name) => name.endsWith('.js'));
  const sources = coreFiles(
    projectRoot,
    ['lexer', 'lib'],
    (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'),
  );

  it('covers the whole built core', () => {
    const names = built.map((path) => relative(dist, path).split(sep).join('/'));
    for (const name of [
      'lib/toml/index.js',
      'lib/toml/parse.js',
      'lib/toml/parser.js',
      'lib/toml/stringify.js',
      'lexer/scanner.js',
      'lexer/utf8.js',
    ]) {
      assert.ok(names.includes(name), `${name} is scanned`);
    }
    assert.ok(!names.some((name) => name.startsWith('lib/cli/') || name.startsWith('lib/node/')));
    // Every core source is built (so the built graph is the whole core).
    for (const path of sources) {
      const js = join(dist, relative(projectRoot, path)).replace(/\.ts$/, '.js');
      assert.ok(built.includes(js), `${relative(projectRoot, path)} is built`);
    }
  });

  it('imports only core modules, by relative paths: no node: builtin, no package', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    const queue = [...built];
    while (queue.length > 0) {
      const path = queue.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const name = relative(dist, path);
      if (!isCore(name)) {
        problems.push(`${name} is reached from the core`);
        continue;
      }
      for (const specifier of specifiers(readFileSync(path, 'utf8'))) {
        if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
          problems.push(`${name} imports ${JSON.stringify(specifier)}`);
          continue;
        }
        const target = resolve(dirname(path), specifier);
        if (!existsSync(target)) problems.push(`${name} imports missing ${specifier}`);
        else queue.push(target);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(seen.size >= built.length);
  });

  it('uses no Node global, in its sources or in its built code', () => {
    const problems: string[] = [];
    for (const path of sources) {
      const uses = globalUses(readFileSync(path, 'utf8'), path, optionalLookups(projectRoot, path));
      if (uses.length > 0) problems.push(`${relative(projectRoot, path)}: ${uses.join(', ')}`);
    }
    for (const path of built) {
      const uses = globalUses(readFileSync(path, 'utf8'), path, optionalLookups(dist, path));
      if (uses.length > 0) problems.push(`${relative(projectRoot, path)}: ${uses.join(', ')}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(sources.length >= 15, `only ${sources.length} core sources`);
  });
});
