/**
 * Manifests with more problems or comments than a call takes arguments: every problem is
 * returned (none thrown away, no RangeError out of the library), the commands report them
 * (never exit 70, an internal error), and `fmt` goes on to the files after such a one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatManifest, parseManifest, resolveManifest } from '../lib/index.js';
import { projectRoot } from './helpers.js';

const cli = join(projectRoot, 'dist/lib/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'volt-many-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** More than `push(...list)` takes as arguments (it threw from about 120,000 on). */
const PROBLEMS = 130_000;

/** A manifest with `PROBLEMS` invalid port mappings, one per line. */
const manyProblems = `[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n\n[network]\nports = [\n${'  "x",\n'.repeat(PROBLEMS)}]\n`;

function run(args: readonly string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertAllPorts(diagnostics: readonly { code: string; line: number }[], file: string) {
  assert.equal(diagnostics.length, PROBLEMS, file);
  assert.ok(diagnostics.every((d) => d.code === 'port-mapping-invalid'));
  assert.deepEqual(
    [diagnostics[0]!.line, diagnostics[PROBLEMS - 1]!.line],
    [8, 7 + PROBLEMS],
    file,
  );
}

describe(`a manifest with ${PROBLEMS.toLocaleString('en')} problems`, () => {
  it('parseManifest returns every one', () => {
    assertAllPorts(parseManifest(manyProblems, { path: 'many.toml' }).diagnostics, 'parse');
  });

  it("formatManifest formats the file, every problem kept (rules are check's job)", () => {
    const outcome = formatManifest(manyProblems);
    assert.equal(outcome.ok, true);
    if (!outcome.ok) return;
    // The canonical form writes the array on one line: every problem is there, on line 7.
    const kept = parseManifest(outcome.text, { path: 'many.toml' }).diagnostics;
    assert.equal(kept.length, PROBLEMS);
    assert.ok(kept.every((d) => d.code === 'port-mapping-invalid' && d.line === 7));
  });

  it('formatManifest refuses a file with as many problems it would lose, with every one', () => {
    const wrongTypes = manyProblems.replace(/ {2}"x",\n/g, '  1,\n');
    const outcome = formatManifest(wrongTypes);
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.match(outcome.reason, /^130000 errors that formatting would lose /);
    assert.equal(outcome.diagnostics.length, PROBLEMS);
    assert.ok(outcome.diagnostics.every((d) => d.code === 'wrong-type'));
    assert.deepEqual(
      [outcome.diagnostics[0]!.line, outcome.diagnostics[PROBLEMS - 1]!.line],
      [8, 7 + PROBLEMS],
    );
  });

  it('resolveManifest returns every one, from a base too', async () => {
    const child = 'extends = "base.toml"\n';
    const host = { readFile: async () => manyProblems };
    const result = await resolveManifest(child, { path: 'child.toml', host });
    assertAllPorts(result.diagnostics, 'resolve');
    assert.ok(result.diagnostics.every((d) => d.file === 'base.toml'));
    assertAllPorts((await resolveManifest(manyProblems, { host })).diagnostics, 'resolve');
  });

  it('json, digest and resolve report every one; resolve exits 1', () => {
    const file = join(dir, 'many.toml');
    writeFileSync(file, manyProblems);
    // json and digest convert a manifest that reads as written (issue 17): they print its
    // problems and succeed; resolve works on what is run and fails.
    for (const [command, expected] of [
      ['json', 0],
      ['digest', 0],
      ['resolve', 1],
    ] as const) {
      const { status, stdout, stderr } = run([command, file]);
      assert.equal(status, expected, `${command}: ${stderr.slice(0, 2000)}`);
      assert.equal(stdout === '', expected === 1, command);
      assert.doesNotMatch(stderr, /internal error/);
      assert.equal(stderr.match(/: error port-mapping-invalid /g)?.length, PROBLEMS, command);
    }
  });
});

describe('fmt on 200,000 comment lines', () => {
  it('formats that file and the files after it, refusing only the broken one', () => {
    const work = mkdtempSync(join(dir, 'fmt-'));
    const comments = Array.from({ length: 200_000 }, (_, i) => `# note ${i}`).join('\n');
    const files = {
      'a-comments.toml': `# top\n\n[resources]\ncpu_weight = 5\n${comments}\n[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n`,
      'b-broken.toml': '[workload]\nname = 5\n',
      'c-unformatted.toml':
        '[resources]\ncpu_weight = 5\n[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
    const { status, stdout, stderr } = run(['fmt', work]);
    assert.equal(status, 1, stderr.slice(0, 2000));
    assert.doesNotMatch(stderr, /internal error/);
    assert.equal(
      stdout,
      `formatted ${join(work, 'a-comments.toml')}\nformatted ${join(work, 'c-unformatted.toml')}\n`,
    );
    assert.match(stderr, /b-broken\.toml: not formatted: 1 error that formatting would lose /);
    const formatted = readFileSync(join(work, 'a-comments.toml'), 'utf8');
    // Every comment is kept, in order, above the statement under them.
    assert.equal(
      formatted,
      `# top\n\n${comments}\n[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n\n[resources]\ncpu_weight = 5\n`,
    );
    assert.equal(readFileSync(join(work, 'b-broken.toml'), 'utf8'), files['b-broken.toml']);
    assert.equal(
      readFileSync(join(work, 'c-unformatted.toml'), 'utf8'),
      '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n\n[resources]\ncpu_weight = 5\n',
    );
  });
});
