import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkManifests, checkOne, loadManifest } from '../lib/node/index.js';

describe('checkManifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volt-batch-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths: string[] = [];
  for (let i = 0; i < 200; i++) {
    const path = join(dir, `m${i}.toml`);
    const bad = i % 37 === 5;
    writeFileSync(
      path,
      `[workload]\nname = "w${i}"\nmode = "${bad ? 'vm' : 'container'}"\nimage = "x"\n`,
    );
    paths.push(path);
  }
  paths.splice(100, 0, join(dir, 'missing.toml'));

  it('takes options only as an object (a worker count given in their place is a TypeError)', async () => {
    await assert.rejects(checkManifests(paths, 2 as unknown as { workers: number }), {
      name: 'TypeError',
      message: /options must be an object/,
    });
  });

  it('takes paths only as strings: one path given as a string is a TypeError, not 7 files', async () => {
    // checkManifests('web.toml') checked 'w', 'e', 'b', '.', …; a null path gave a result
    // whose file was null.
    await assert.rejects(checkManifests('web.toml' as unknown as string[]), {
      name: 'TypeError',
      message: 'paths must be an array of strings, got the string "web.toml"',
    });
    for (const bad of [null, 5, undefined]) {
      const message = /a manifest path must be a string, got (null|the number 5|undefined)$/;
      const list = [...paths.slice(0, 70), bad as unknown as string];
      await assert.rejects(checkManifests(list, { workers: 2 }), { name: 'TypeError', message });
      await assert.rejects(loadManifest(bad as unknown as string), { name: 'TypeError', message });
      await assert.rejects(checkOne(bad as unknown as string), { name: 'TypeError', message });
    }
  });

  it('gives the same results, in input order, with a worker pool and on one thread', async () => {
    const progress: number[] = [];
    const pooled = await checkManifests(paths, {
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    const single = await checkManifests(paths, { workers: 1 });
    assert.deepEqual(pooled, single);
    assert.deepEqual(
      pooled.map((r) => r.path),
      paths,
    );
    const failing = pooled
      .filter((r) => r.diagnostics.length > 0)
      .map((r) => r.path.slice(dir.length + 1));
    assert.deepEqual(failing, [
      'm5.toml',
      'm42.toml',
      'm79.toml',
      'missing.toml',
      'm116.toml',
      'm153.toml',
      'm190.toml',
    ]);
    assert.equal(progress.at(-1), paths.length);
    assert.ok(progress.every((n, i) => i === 0 || n > progress[i - 1]!));
  });

  it('keeps every batch when workers hold two each and the last one is short', async () => {
    // 130 files: batches of 64, 64 and 2 for three workers, so one worker is sent a
    // second batch while the others have none left.
    const some = paths.slice(0, 130);
    const progress: number[] = [];
    const pooled = await checkManifests(some, {
      workers: 3,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(pooled, await checkManifests(some, { workers: 1 }));
    const batches = progress.map((n, i) => n - (i === 0 ? 0 : progress[i - 1]!));
    assert.deepEqual(
      batches.sort((a, b) => a - b),
      [2, 64, 64],
    );
  });
});
