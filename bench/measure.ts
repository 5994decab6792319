/**
 * Timing: medians over repeated runs, garbage collected before every run, contenders
 * interleaved round by round so that noise from other work on the machine (which comes
 * in bursts) falls on all of them alike instead of on whichever ran during the burst.
 */

import v8 from 'node:v8';

const gc = (globalThis as { gc?: () => void }).gc;

export function hasGc(): boolean {
  return gc !== undefined;
}

/** Collects garbage twice (the second pass frees what finalizers of the first released). */
export function settleGc(): void {
  gc?.();
  gc?.();
}

/** One run of a contender: what it returns is kept until the timing ends. */
export type RunFn = () => unknown;

export interface Timed {
  /** Median milliseconds per run. */
  ms: number;
  /** Every sample, in milliseconds, in the order measured. */
  samples: number[];
  /**
   * With `gcTime`: the median of each run's time minus the GC pauses V8 reported during
   * it (the work of the code itself, apart from the collector's).
   */
  withoutGcMs?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times one run (a contender may be asynchronous: a worker pool, a stream). With
 * `gcTime`, also the milliseconds V8 spent in GC pauses during the run. With `warmMs`
 * (not null), the timed run comes right after untimed runs of the same function for at
 * least that many milliseconds (at least one), themselves after the GC settle.
 */
async function timeOnce(
  fn: RunFn,
  gcTime: boolean,
  warmMs: number | null,
): Promise<{ ms: number; gcMs: number }> {
  // The previous run's result goes first: kept alive, it would be one more thing in the
  // heap for this run's collections to walk.
  keep(undefined);
  settleGc();
  if (warmMs !== null) {
    // A full collection discards the optimized JavaScript that depends on object layouts
    // no live object has any more (V8's "weak objects" deoptimization), but never a
    // WebAssembly module's compiled code: timed straight after it, a JavaScript contender
    // would run cold and a WebAssembly one warm. The untimed runs put every contender
    // back in its steady state (one run is not enough: V8 optimizes on other threads,
    // and a 100 KB document is one call); their garbage is their own, as in a loop.
    const until = performance.now() + warmMs;
    do {
      const warm = fn();
      if (warm instanceof Promise) await warm;
    } while (performance.now() < until);
  }
  const profiler = gcTime ? new v8.GCProfiler() : null;
  profiler?.start();
  const start = performance.now();
  const result = fn();
  if (result instanceof Promise) await result;
  const ms = performance.now() - start;
  let gcMs = 0;
  // The profiler reports each pause's cost in microseconds.
  if (profiler !== null) for (const s of profiler.stop().statistics) gcMs += s.cost / 1000;
  keep(result);
  return { ms, gcMs };
}

let kept: unknown;
/** Keeps a result reachable past the timing so the work cannot be optimized away. */
function keep(value: unknown): void {
  kept = value;
  if (kept === Symbol.for('never')) console.log(kept);
}

/**
 * Times every function `rounds` times after `warmup` untimed runs each. Each round runs
 * all of them once, starting at a different one (rotated), with GC settled before each
 * run (and with `warmMs`, untimed runs after that: see `timeOnce`). Returns the
 * median per function, in input order.
 */
export async function interleaved(
  fns: readonly RunFn[],
  rounds: number,
  warmup: number,
  gcTime = false,
  warmMs: number | null = null,
): Promise<Timed[]> {
  for (let w = 0; w < warmup; w++) for (const fn of fns) await timeOnce(fn, false, null);
  const samples: number[][] = fns.map(() => []);
  const withoutGc: number[][] = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (round + k) % fns.length;
      const { ms, gcMs } = await timeOnce(fns[i]!, gcTime, warmMs);
      samples[i]!.push(ms);
      withoutGc[i]!.push(ms - gcMs);
    }
  }
  keep(undefined);
  return samples.map((s, i) => {
    const timed: Timed = { ms: median(s), samples: s };
    if (gcTime) timed.withoutGcMs = median(withoutGc[i]!);
    return timed;
  });
}
