/**
 * No array is spread into the arguments of a call in the library (`lexer/`, `lib/`):
 * `list.push(...items)`, `Math.max(...values)`, `String.fromCharCode(...codes)`, or the
 * same through `apply`. An engine takes arguments on its stack, so past some tens of
 * thousands of items the call throws a RangeError: a manifest with 130,000 problems
 * made `diagnostics.push(...problems)` throw out of parseManifest, and 200,000 comment
 * lines crashed `fmt`. Array literals (`[...a, ...b]`) have no such limit and are fine.
 *
 * The checker reads the syntax tree of every source file (TypeScript's parser, so text in
 * strings and comments is not taken for code) and is tried on synthetic sources first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot, sourceFiles } from './helpers.js';

/**
 * Calls that spread an array whose length has a small fixed bound, by file: the exact text
 * of the call, and the bound.
 */
const BOUNDED: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  [
    'lexer/utf8.ts',
    new Map([
      [
        'String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[])',
        'at most CHUNK + 2 (8,194) code units at a time',
      ],
    ]),
  ],
  [
    'lib/manifest/sha256.ts',
    new Map([['String.fromCharCode.apply(null, HEX_CODES)', 'the 64 hex digits of a digest']]),
  ],
]);

/** A call in `file` that spreads an array into its arguments, as `line:column text`. */
function spreadCalls(file: string, source: string): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (call: ts.CallExpression | ts.NewExpression) => {
    const { line, character } = tree.getLineAndCharacterOfPosition(call.getStart(tree));
    found.push(`${line + 1}:${character + 1} ${call.getText(tree)}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const args = node.arguments ?? ts.factory.createNodeArray();
      if (args.some((arg) => ts.isSpreadElement(arg))) report(node);
      else if (ts.isCallExpression(node) && spreadsThroughApply(node)) report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** `f.apply(self, list)` and `Reflect.apply(f, self, list)`: `list` becomes the arguments. */
function spreadsThroughApply(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'apply') return false;
  const isReflect = ts.isIdentifier(callee.expression) && callee.expression.text === 'Reflect';
  return call.arguments.length >= (isReflect ? 3 : 2);
}

/** The spread calls of `file` not listed in BOUNDED, and the listed ones not found. */
function problemsOf(file: string, source: string): string[] {
  const allowed = BOUNDED.get(file) ?? new Map<string, string>();
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const call of spreadCalls(file, source)) {
    const text = call.slice(call.indexOf(' ') + 1);
    if (allowed.has(text)) seen.add(text);
    else problems.push(`${file}:${call}`);
  }
  for (const text of allowed.keys()) {
    if (!seen.has(text)) problems.push(`${file}: no call ${text} (listed as bounded)`);
  }
  return problems;
}

describe('the spread checker itself', () => {
  it('finds arrays spread into calls, directly or through apply', () => {
    const source = [
      'out.push(...items);',
      'const top = Math.max(...values);',
      'const text = String.fromCharCode(...codes);',
      'list.push(\n  ...other.filter((x) => x > 1),\n);',
      'const copy = new Set(...groups);',
      "f(1, 'two', ...rest);",
      'String.fromCharCode.apply(null, codes);',
      'Math.max.apply(Math, values);',
      'Reflect.apply(push, list, items);',
      'a.b.c(...d)(e);',
    ].join('\n');
    assert.deepEqual(spreadCalls('x.ts', source), [
      '1:1 out.push(...items)',
      '2:13 Math.max(...values)',
      '3:14 String.fromCharCode(...codes)',
      '4:1 list.push(\n  ...other.filter((x) => x > 1),\n)',
      '7:14 new Set(...groups)',
      "8:1 f(1, 'two', ...rest)",
      '9:1 String.fromCharCode.apply(null, codes)',
      '10:1 Math.max.apply(Math, values)',
      '11:1 Reflect.apply(push, list, items)',
      '12:1 a.b.c(...d)',
    ]);
  });

  it('leaves alone what is not a spread into arguments', () => {
    const source = [
      'const all = [...a, ...b];',
      'const merged = { ...base, x: 1 };',
      'function f(...args: number[]) { return args; }',
      'const g = (...rest: string[]) => rest;',
      'const [first, ...others] = list;',
      'const { a, ...fields } = record;',
      '// out.push(...items) in a comment',
      "const text = 'push(...items) in a string';",
      'f.call(null, list);',
      'g.apply(list);',
      'list.push(item, [...more]);',
    ].join('\n');
    assert.deepEqual(spreadCalls('x.ts', source), []);
  });

  it('allows only the listed bounded calls, and only where they are', () => {
    const utf8 =
      'out += String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]);';
    assert.deepEqual(problemsOf('lexer/utf8.ts', utf8), []);
    assert.deepEqual(problemsOf('lib/cli/x.ts', utf8), [
      'lib/cli/x.ts:1:8 String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[])',
    ]);
    assert.deepEqual(problemsOf('lexer/utf8.ts', 'const x = 1;'), [
      'lexer/utf8.ts: no call String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]) (listed as bounded)',
    ]);
  });
});

describe('the library', () => {
  it('spreads no array into the arguments of a call', () => {
    const files = sourceFiles();
    assert.ok(files.length >= 50, `only ${files.length} sources`);
    const problems: string[] = [];
    for (const file of files) {
      for (const problem of problemsOf(file, readFileSync(join(projectRoot, file), 'utf8'))) {
        problems.push(problem);
      }
    }
    assert.deepEqual(problems, []);
  });
});
