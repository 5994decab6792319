/**
 * The benchmark as a smoke run: it works end to end and prints its tables. Speed is
 * never asserted here (only `npm run bench` measures it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from './helpers.js';

const script = join(projectRoot, 'dist/bench/run.js');
const docs = join(projectRoot, 'docs/benchmarks.md');

function runBench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--expose-gc', script, '--quick', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    // A guard against a hung run, not a speed bound (speed is the bench's job): the quick
    // run gained the real-world, distinct-keys, per-call and QuickJS groups (issue 16) and
    // took 52-60 s on a shared, loaded 2-core machine.
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function snapshot(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

test('bench --quick prints every table, writes only where --out says', () => {
  const before = snapshot(docs);
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const { status, stdout, stderr } = runBench('--out', dir);
    assert.equal(status, 0, stderr);
    for (const header of [
      '## Throughput',
      '| contender | median ms | MB/s | docs/s | peak heap MB | retained MB | time vs ours |',
      '## Optimized code lost at a full GC',
      '| operation | contender | steady µs per document |',
      '## Scaling',
      '| shape | N | ms at N, 2N, 4N |',
      '## Bundle size',
      '| entry | minified bytes | min+gzip bytes |',
      '## Where the time goes',
      '## QuickJS',
      '| bundle (esbuild iife, minified) | minified bytes | evaluate (load) ms |',
      'real-world corpus, every file',
      'distinct-keys document',
      'Per call: volt-manifest',
      'editing: manifest set',
      'editing: mixed document',
      '## Targets of issue 20',
      '## Targets of issue 16',
      '## Targets of issue 7',
      '| target | measured | status |',
    ]) {
      assert.ok(stdout.includes(header), `missing ${header}`);
    }
    const markdown = readFileSync(join(dir, 'benchmarks.md'), 'utf8');
    assert.ok(markdown.startsWith('# Benchmarks'));
    const sections = markdown.split('\n').filter((line) => line.startsWith('## '));
    assert.deepEqual(
      sections.filter((line, i) => sections.indexOf(line) !== i),
      [],
      'each section once',
    );
    assert.ok(markdown.includes('JS build only (floor'), 'the build floor row');
    assert.ok(markdown.includes('](benchmarks.svg)'));
    const svg = readFileSync(join(dir, 'benchmarks.svg'), 'utf8');
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    // A quick run never touches the committed results.
    assert.equal(snapshot(docs), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
