/** `fmt --diff`: unified diffs that apply, as small as `diff --minimal`'s, safe to print. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_EDITS, unifiedDiff } from '../lib/cli/diff.js';
import { projectRoot } from './helpers.js';

const cli = join(projectRoot, 'dist/lib/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'volt-diff-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Applies a unified diff to `before`, checking every context and removed line. */
function applyDiff(before: string, diff: string): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  const lines = diff.replace(/\n$/, '').split('\n');
  assert.match(lines[0]!, /^--- a\//);
  assert.match(lines[1]!, /^\+\+\+ b\//);
  let i = 2;
  while (i < lines.length) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!);
    assert.ok(header, `hunk header: ${lines[i]}`);
    const [aFrom, aCount, , bCount] = header.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const start = aCount === 0 ? aFrom : aFrom - 1;
    assert.ok(start >= at, 'hunks in order, not overlapping');
    while (at < start) out.push(a[at++]!);
    let seenA = 0;
    let seenB = 0;
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      const text = line.slice(1);
      if (line[0] === ' ' || line[0] === '-') {
        assert.equal(a[at], text, `line ${at + 1} of the original`);
        at++;
        seenA++;
      }
      if (line[0] === ' ' || line[0] === '+') {
        out.push(text);
        seenB++;
      }
    }
    assert.deepEqual([seenA, seenB], [aCount, bCount], 'hunk header counts');
  }
  while (at < a.length) out.push(a[at++]!);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function changedLines(diff: string): number {
  // The first two lines name the files.
  return diff
    .split('\n')
    .slice(2)
    .filter((l) => l[0] === '-' || l[0] === '+').length;
}

const hasDiff = spawnSync('diff', ['--version']).status === 0;

describe('unifiedDiff', () => {
  it('is empty for the same lines, and names the file', () => {
    assert.equal(unifiedDiff('m.toml', 'a\nb\n', 'a\nb\n', false), '');
    assert.equal(
      unifiedDiff('m.toml', 'a\nb\nc\n', 'a\nc\nd\n', false),
      '--- a/m.toml\n+++ b/m.toml\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n',
    );
    assert.equal(
      unifiedDiff('m.toml', '', 'x\n', false),
      '--- a/m.toml\n+++ b/m.toml\n@@ -0,0 +1,1 @@\n+x\n',
    );
  });

  it('applies to give the new text, with as few changed lines as diff --minimal (random)', (t) => {
    if (!hasDiff) t.diagnostic('diff is not installed: the size comparison is skipped');
    const next = random(19);
    for (let round = 0; round < 200; round++) {
      const make = () =>
        Array.from({ length: Math.floor(next() * 30) }, () => 'abcdef'[Math.floor(next() * 6)]!);
      const before = make()
        .map((l) => `${l}\n`)
        .join('');
      const afterText = make()
        .map((l) => `${l}\n`)
        .join('');
      const diff = unifiedDiff('f', before, afterText, false);
      if (before === afterText) {
        assert.equal(diff, '');
        continue;
      }
      assert.equal(applyDiff(before, diff), afterText, `round ${round}`);
      if (hasDiff) {
        const a = join(dir, 'a');
        const b = join(dir, 'b');
        writeFileSync(a, before);
        writeFileSync(b, afterText);
        const gnu = spawnSync('diff', ['--minimal', '-u', a, b], { encoding: 'utf8' }).stdout;
        assert.equal(changedLines(diff), changedLines(gnu), `round ${round}`);
      }
    }
  });

  it(`writes more than ${MAX_EDITS} changes as one replacement that still applies`, () => {
    const before = Array.from({ length: 5000 }, (_, i) => `old ${i}\n`).join('');
    const afterText = Array.from({ length: 5000 }, (_, i) => `new ${i}\n`).join('');
    const diff = unifiedDiff('f', `same\n${before}same\n`, `same\n${afterText}same\n`, false);
    assert.equal(applyDiff(`same\n${before}same\n`, diff), `same\n${afterText}same\n`);
    assert.equal(changedLines(diff), 10000);
  });

  it('escapes control characters in lines and the file name; tabs stay', () => {
    const diff = unifiedDiff('a\u001b[2J.toml', 'k = 1\n', 'k = "\u001b]0;x\u0007"\t# c\n', false);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(diff), JSON.stringify(diff));
    assert.match(diff, /^--- a\/a\\u001b\[2J\.toml\n/);
    assert.match(diff, /\n\+k = "\\u001b\]0;x\\u0007"\t# c\n/);
  });

  it('colours removed, added and hunk lines when asked', () => {
    const diff = unifiedDiff('f', 'a\n', 'b\n', true);
    assert.match(diff, /\u001b\[31m-a\u001b\[0?m/);
    assert.match(diff, /\u001b\[32m\+b\u001b\[0?m/);
    assert.match(diff, /\u001b\[36m@@ -1,1 \+1,1 @@\u001b\[0?m/);
  });
});

describe('fmt --diff', () => {
  const unsorted =
    '# top\n\n[resources]\ncpu_weight = 5\n[workload]\nname = "web"\nimage = "x"\nmode = "container"\n';

  it('prints the diff, writes nothing and exits 1; nothing when formatted', () => {
    const file = join(dir, 'm.toml');
    writeFileSync(file, unsorted);
    const result = spawnSync(process.execPath, [cli, 'fmt', '--diff', file], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(readFileSync(file, 'utf8'), unsorted);
    assert.match(result.stderr, /1 file would be reformatted/);
    spawnSync(process.execPath, [cli, 'fmt', file]);
    const formatted = readFileSync(file, 'utf8');
    writeFileSync(file, unsorted);
    assert.equal(applyDiff(unsorted, result.stdout), formatted);
    assert.match(result.stdout, new RegExp(`^--- a/${file}\n\\+\\+\\+ b/${file}\n@@ `));
    writeFileSync(file, formatted);
    const clean = spawnSync(process.execPath, [cli, 'fmt', '--diff', file], { encoding: 'utf8' });
    assert.deepEqual([clean.status, clean.stdout], [0, '']);
  });

  it('reads standard input with -', () => {
    const result = spawnSync(
      process.execPath,
      [cli, 'fmt', '--diff', '-', '--stdin-filename', 'web.toml'],
      { encoding: 'utf8', input: unsorted },
    );
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^--- a\/web\.toml\n\+\+\+ b\/web\.toml\n@@ /);
  });
});
