/**
 * Peak memory of one contender, measured in a fresh Node process so that nothing left by
 * another contender (heap layout, JIT state, retained pages) counts against it.
 *
 * Method: the child loads the suite data and runs the contender's (untimed) setup, settles
 * GC and takes the V8 heap in use (plus external memory) as the baseline. It then runs the
 * contender once under V8's GC profiler (`v8.GCProfiler`). Heap use only falls at a
 * collection, so its highest point during the run is either just before one of the
 * collections the profiler recorded or at the end of the run: the peak is exact at that
 * granularity and includes garbage not yet collected, as the process really held it.
 * Holding the result, the child then settles GC again: what remains over the baseline is
 * the size of the result. RSS is not used: V8 keeps freed pages, and getrusage only gives
 * the peak of the whole process life (data generation included).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { settleGc } from './measure.js';

export interface MemoryFigures {
  /** Highest heap (plus external) use over the baseline during the run, in bytes. */
  peakBytes: number;
  /** Heap still used by the result after GC, over the baseline, in bytes. */
  retainedBytes: number;
}

const childScript = fileURLToPath(new URL('./memory-child.js', import.meta.url));

function heapInUse(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

/** Runs one contender once and measures it (in the child process). */
export async function measureRun(run: () => unknown): Promise<MemoryFigures> {
  settleGc();
  const baseline = heapInUse();
  const profiler = new v8.GCProfiler();
  profiler.start();
  let result = run();
  if (result instanceof Promise) result = await result;
  const atEnd = heapInUse();
  const profile = profiler.stop();
  let peak = atEnd;
  for (const gc of profile.statistics) {
    const before = gc.beforeGC.heapStatistics;
    peak = Math.max(peak, before.usedHeapSize + before.externalMemory);
  }
  settleGc();
  const retained = heapInUse();
  if (result === Symbol.for('never')) console.log(result);
  return {
    peakBytes: Math.max(0, peak - baseline),
    retainedBytes: Math.max(0, retained - baseline),
  };
}

/**
 * Measures a contender in a fresh process. `dataPath` is the suite data as JSON (written
 * once by the parent, so children do not regenerate it).
 */
export function measureInChild(
  suiteId: string,
  groupId: string,
  contender: string,
  dataPath: string,
): Promise<MemoryFigures | { error: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', childScript, suiteId, groupId, contender, dataPath],
      { maxBuffer: 1 << 20, timeout: 180_000 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        if (error !== null || !last.startsWith('{')) {
          resolve({ error: (stderr.trim().split('\n').pop() ?? '') || String(error) });
          return;
        }
        resolve(JSON.parse(last) as MemoryFigures);
      },
    );
  });
}
