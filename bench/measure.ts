/** Timing helpers: medians over repeated runs, garbage collected between runs. */

const gc = (globalThis as { gc?: () => void }).gc;

export interface Measurement {
  name: string;
  /** Median milliseconds per run. */
  ms: number;
  runs: number;
}

/** Runs `fn` `warmup` times, then `runs` times with GC settled before each; the median. */
export function measure(name: string, fn: () => unknown, runs: number, warmup = 3): Measurement {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const start = performance.now();
    sink = fn();
    times.push(performance.now() - start);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const ms = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { name, ms, runs };
}

export function hasGc(): boolean {
  return gc !== undefined;
}
