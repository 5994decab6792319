import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { CheckerThread, checkerThreads } from '../lib/node/batch.js';
import {
  type CheckOptions,
  type CheckResult,
  checkManifests,
  checkOne,
  DirectoryCasStore,
  loadManifest,
  nodeHost,
  readManifestFile,
} from '../lib/node/index.js';
import { projectRoot } from './helpers.js';

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

/**
 * Files for the pool tests: some valid, some with an error, some too large for a
 * `maxBytes` of 300 (so the same file gives another result under other options), and
 * paths that name no file or a directory.
 */
function manifestFiles(count: number): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'volt-pool-'));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `f${i}.toml`);
    const mode = i % 11 === 3 ? 'vm' : 'container';
    const padding = i % 13 === 7 ? `# ${'x'.repeat(400)}\n` : '';
    writeFileSync(path, `${padding}[workload]\nname = "f${i}"\nmode = "${mode}"\nimage = "x"\n`);
    paths.push(path);
  }
  mkdirSync(join(dir, 'a-directory.toml'));
  for (let i = 0; i < count; i += 97) paths.splice(i, 0, join(dir, `missing${i}.toml`));
  paths.splice(count >> 1, 0, join(dir, 'a-directory.toml'));
  return { dir, paths };
}

/** A reproducible shuffle (a linear congruential generator), so a failure can be rerun. */
function shuffled(list: readonly string[], seed: number): string[] {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** What `checkOne` gives for each file alone, on this thread, with the same options. */
async function alone(
  paths: readonly string[],
  options: Pick<CheckOptions, 'maxBytes'>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const path of paths) results.push(await checkOne(path, options));
  return results;
}

describe('checkManifests calls that run at the same time', () => {
  const { dir, paths } = manifestFiles(1500);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each get exactly their own results, in their input order, whatever else runs or fails', async () => {
    // Two calls of 3,000 files took each other's results (and left undefined entries) when
    // they shared the pool's workers.
    const big = [...paths, ...shuffled(paths, 1)];
    const reversed = [...big].reverse();
    const small = { maxBytes: 300 };
    const calls: { paths: string[]; options: CheckOptions; rejects?: RegExp }[] = [
      { paths: big, options: { workers: 2 } },
      { paths: reversed, options: { workers: 3, ...small } },
      { paths: shuffled(paths, 2).slice(0, 130), options: { workers: 4 } },
      { paths: shuffled(paths, 3).slice(0, 65), options: { workers: 2, ...small } },
      { paths: paths.slice(0, 63), options: {} },
      { paths: shuffled(paths, 4).slice(0, 700), options: { workers: 2 } },
      { paths: [], options: { workers: 2 } },
      { paths: paths.slice(200, 1200), options: { ...small } },
      { paths: shuffled(paths, 5).slice(0, 333), options: { workers: 1 } },
      // Rejecting calls: one stopped by its own progress callback after two batches, one
      // that names a path that is not a string.
      {
        paths: shuffled(paths, 6),
        options: { workers: 3 },
        rejects: /^progress callback gave up$/,
      },
      {
        paths: [...paths.slice(0, 100), 7 as unknown as string],
        options: { workers: 2 },
        rejects: /a manifest path must be a string, got the number 7/,
      },
    ];
    const progress = calls.map((): number[] => []);
    const settled = await Promise.allSettled(
      calls.map((call, i) =>
        checkManifests(call.paths, {
          ...call.options,
          onProgress: (done, total) => {
            assert.equal(total, call.paths.length);
            progress[i]!.push(done);
            if (call.rejects !== undefined && progress[i]!.length === 2)
              throw new Error('progress callback gave up');
          },
        }),
      ),
    );
    const expected = { plain: await alone(paths, {}), small: await alone(paths, small) };
    const byPath = {
      plain: new Map(expected.plain.map((r) => [r.path, r])),
      small: new Map(expected.small.map((r) => [r.path, r])),
    };
    assert.notDeepEqual(expected.plain, expected.small);
    settled.forEach((outcome, i) => {
      const call = calls[i]!;
      if (call.rejects !== undefined) {
        assert.equal(outcome.status, 'rejected', `call ${i}`);
        assert.match(((outcome as PromiseRejectedResult).reason as Error).message, call.rejects);
        return;
      }
      assert.equal(
        outcome.status,
        'fulfilled',
        `call ${i}: ${String((outcome as PromiseRejectedResult).reason)}`,
      );
      const results = (outcome as PromiseFulfilledResult<CheckResult[]>).value;
      const table = call.options.maxBytes === undefined ? byPath.plain : byPath.small;
      assert.equal(results.length, call.paths.length, `call ${i}`);
      results.forEach((result, j) =>
        assert.deepEqual(result, table.get(call.paths[j]!), `call ${i}, file ${j}`),
      );
      if (call.paths.length > 0) assert.equal(progress[i]!.at(-1), call.paths.length);
      assert.ok(
        progress[i]!.every((n, k) => k === 0 || n > progress[i]![k - 1]!),
        `call ${i}: progress ${progress[i]!.join(',')}`,
      );
    });
    // The call stopped by its callback hears nothing more once it has failed.
    assert.equal(progress[9]!.length, 2);
  });
});

describe('the reading options of every entry point', () => {
  const file = join(projectRoot, 'examples', 'container.toml');

  it('refuse a size limit that is not a whole number of bytes (a string read any file)', async () => {
    // maxBytes: 'x' compared false with every size, so the 16 MiB default was lost.
    for (const maxBytes of ['x', '10', -1, 1.5, Number.NaN, Infinity, null, 10n]) {
      const message = /maxBytes must be a whole number of bytes, 0 or more, got/;
      const options = { maxBytes } as unknown as CheckOptions;
      await assert.rejects(checkOne(file, options), { name: 'TypeError', message });
      await assert.rejects(checkManifests([file], options), { name: 'TypeError', message });
      await assert.rejects(loadManifest(file, options), { name: 'TypeError', message });
      await assert.rejects(readManifestFile(file, maxBytes as number), {
        name: 'TypeError',
        message,
      });
      assert.throws(() => nodeHost(options), { name: 'TypeError', message });
      assert.throws(() => new DirectoryCasStore('cas', maxBytes as number), {
        name: 'TypeError',
        message,
      });
    }
    assert.deepEqual(
      (await checkOne(file, { maxBytes: 0 })).diagnostics.map((d) => d.code),
      ['file-too-large'],
    );
  });

  it('refuse a CAS root that is not a path', async () => {
    for (const casRoot of [42, '', {}]) {
      const message = /casRoot must be a directory path, got/;
      const options = { casRoot } as unknown as CheckOptions;
      await assert.rejects(checkOne(file, options), { name: 'TypeError', message });
      await assert.rejects(checkManifests([file], options), { name: 'TypeError', message });
      await assert.rejects(loadManifest(file, options), { name: 'TypeError', message });
      assert.throws(() => new DirectoryCasStore(casRoot as string), { name: 'TypeError', message });
    }
  });
});

describe('a thread of the checkManifests pool', () => {
  // Driven directly, so that what a race makes rare in the pool tests (a reply nobody waits
  // for, an error followed by an exit, a request after the thread stopped) runs every time.
  it("fails the request its worker could not check, with the worker's reason, and stays up", async () => {
    const thread = new CheckerThread();
    try {
      await assert.rejects(thread.request([42 as unknown as string], {}), {
        message: /^a checker thread failed: a manifest path must be a string, got the number 42$/,
      });
      const file = join(projectRoot, 'examples', 'container.toml');
      const [result] = await thread.request([file], {});
      assert.deepEqual(result, await checkOne(file));
    } finally {
      await thread.worker.terminate();
    }
  });

  it('ignores a reply to no request it holds', async () => {
    const thread = new CheckerThread();
    try {
      thread.worker.emit('message', { id: -1, results: [] });
      thread.worker.emit('message', { id: -2, error: 'not for anyone' });
      const file = join(projectRoot, 'examples', 'container.toml');
      assert.deepEqual(await thread.request([file], {}), [await checkOne(file)]);
    } finally {
      await thread.worker.terminate();
    }
  });

  it('after an error, fails what it held once, then every request, and its exit changes nothing', async () => {
    const thread = new CheckerThread();
    const held = thread.request([join(projectRoot, 'examples', 'container.toml')], {});
    thread.worker.emit('error', new Error('out of memory'));
    await assert.rejects(held, { message: 'a checker thread failed: out of memory' });
    await thread.worker.terminate();
    await assert.rejects(thread.request([], {}), {
      message: 'a checker thread failed: out of memory',
    });
  });
});

describe('the checkManifests worker pool after a failure', () => {
  const { dir, paths } = manifestFiles(1200);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails only the call a killed worker served; the next call gets exactly its own results', async () => {
    // The call rejected, but the pool's other worker went on with its batches and the next
    // call received 128 results of the failed one.
    let killed: Worker | undefined;
    let progressCalls = 0;
    const failing = checkManifests(paths, {
      workers: 2,
      onProgress: () => {
        progressCalls++;
        if (killed !== undefined) return;
        killed = checkerThreads()[0]!;
        void killed.terminate();
      },
    });
    await assert.rejects(failing, /a checker thread stopped/);
    const progressAtFailure = progressCalls;
    assert.ok(killed !== undefined && !checkerThreads().includes(killed));

    const next = [...paths].reverse();
    const results = await checkManifests(next, { workers: 2, maxBytes: 300 });
    assert.deepEqual(results, await alone(next, { maxBytes: 300 }));
    assert.equal(progressCalls, progressAtFailure);
    assert.ok(checkerThreads().length >= 2);
    assert.ok(!checkerThreads().includes(killed));
  });

  it('replaces a worker that stopped while idle', async () => {
    const some = shuffled(paths, 8).slice(0, 400);
    await checkManifests(some, { workers: 2 }); // so the pool has two threads
    const stopped = checkerThreads()[1]!;
    await stopped.terminate();
    assert.deepEqual(await checkManifests(some, { workers: 2 }), await alone(some, {}));
    assert.ok(!checkerThreads().includes(stopped));
  });
});

describe('the checkManifests worker pool when idle', () => {
  it('does not keep the process alive, even with a thread that was never sent a file', () => {
    // 100 files for 2 workers: both batches go to the first thread. The second one's
    // 'message' listener, added after unref(), kept the process running for ever.
    const script = `
      import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { checkManifests } from ${JSON.stringify(`${projectRoot}dist/lib/node/index.js`)};
      const dir = mkdtempSync(join(tmpdir(), 'volt-idle-'));
      const paths = [];
      for (let i = 0; i < 100; i++) {
        paths.push(join(dir, 'm' + i + '.toml'));
        writeFileSync(paths[i], '[workload]\\nname = "w"\\nmode = "container"\\nimage = "x"\\n');
      }
      const results = await checkManifests(paths, { workers: 2 });
      rmSync(dir, { recursive: true, force: true });
      console.log(results.filter((r) => r.diagnostics.length === 0).length);
    `;
    // A file, not --input-type=module -e: the worker threads take the process's flags.
    const dir = mkdtempSync(join(tmpdir(), 'volt-idle-script-'));
    const scriptPath = join(dir, 'check.mjs');
    writeFileSync(scriptPath, script);
    const child = spawnSync(process.execPath, [scriptPath], {
      encoding: 'utf8',
      // A process that never ends fails the test instead of stopping the suite.
      timeout: 60_000,
    });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(child.stderr, '');
    assert.equal(child.signal, null, 'the process had to be killed: it did not end');
    assert.equal(child.status, 0);
    assert.equal(child.stdout, '100\n');
  });
});

describe('checkManifests worker count', () => {
  const { dir, paths } = manifestFiles(400);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cap = availableParallelism() * 2;

  it('is at most twice the CPUs, however many are asked for', async () => {
    // 1,000 workers asked for gave 313 threads and 3.4 GB of memory.
    const many = Array.from({ length: 10 }, (_, i) => shuffled(paths, i)).flat();
    assert.ok(Math.ceil(many.length / 64) > cap);
    const results = await checkManifests(many, { workers: 1000 });
    assert.deepEqual(results, await alone(many, {}));
    assert.ok(checkerThreads().length <= cap, `${checkerThreads().length} threads`);
  });

  it('is a positive whole number (anything else is a TypeError)', async () => {
    // workers: NaN gave an array of 401 empty slots.
    for (const workers of [0, -1, 1.5, NaN, Infinity, '4']) {
      await assert.rejects(checkManifests(paths, { workers: workers as number }), {
        name: 'TypeError',
        message: /^workers must be a positive whole number, got /,
      });
    }
  });

  it('--workers above the cap is capped, with a note on stderr', () => {
    const cli = `${projectRoot}dist/lib/cli/main.js`;
    const run = (workers: string) =>
      spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--workers', workers, dir], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '' },
        timeout: 120_000,
      });
    const capped = run('1000');
    assert.equal(
      capped.stderr,
      `note: --workers 1000 is more than ${cap} (2 per core); using ${cap}\n`,
    );
    assert.equal(capped.status, 1); // the broken files are errors
    const atCap = run(String(cap));
    assert.equal(atCap.stderr, '');
    assert.equal(atCap.status, 1);
    assert.equal(capped.stdout, atCap.stdout);
    assert.ok(JSON.parse(capped.stdout).length > 0);
  });
});
