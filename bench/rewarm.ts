/**
 * What a full GC costs a library afterwards. V8's optimized code depends on object
 * layouts (maps) it holds weakly; a full collection when no object of such a layout is
 * alive frees the layout and discards the optimized code that depends on it, so the next
 * calls run unoptimized until V8 optimizes again. The GC-settled throughput figures
 * include this once per run; here it is measured on its own, on a small document: a
 * batch timed in steady state (no forced GC) against the same batch right after one.
 */
import { manifestSet } from './generate.js';
import { readSpecExample } from './inputs.js';
import { interleaved, median, settleGc } from './measure.js';
import { peers } from './peers.js';

export interface RewarmResult {
  operation: string;
  contender: string;
  /** Microseconds per document in steady state. */
  steadyUs: number;
  /** Microseconds per document in a batch started right after a full GC. */
  afterGcUs: number;
  /** Extra milliseconds the batch after a full GC took. */
  extraMs: number;
}

export interface RewarmReport {
  document: string;
  batch: number;
  results: RewarmResult[];
}

interface Case {
  operation: string;
  contender: string;
  /** One batch of `batch` documents. */
  run: () => unknown;
}

function cases(text: string, batch: number): Case[] {
  const out: Case[] = [];
  const repeat = (fn: () => unknown) => () => {
    let last: unknown;
    for (let i = 0; i < batch; i++) last = fn();
    return last;
  };
  for (const peer of peers) {
    const { parse, located, stringify } = peer;
    if (parse)
      out.push({ operation: 'parse', contender: peer.name, run: repeat(() => parse(text)) });
    if (located) {
      out.push({
        operation: 'located parse',
        contender: peer.name,
        run: repeat(() => located(text)),
      });
    }
    if (parse && stringify) {
      const value = parse(text);
      out.push({
        operation: 'stringify',
        contender: peer.name,
        run: repeat(() => stringify(value)),
      });
    }
  }
  return out;
}

/**
 * Median of `samples` batches timed back to back, after running batches untimed for
 * `warmMs` with no forced GC (long enough for V8 to optimize again after the last one).
 */
function steadyState(run: () => unknown, samples: number, warmMs: number): number {
  settleGc();
  const warmEnd = performance.now() + warmMs;
  while (performance.now() < warmEnd) run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function runRewarm(quick: boolean): Promise<RewarmReport> {
  const spec = readSpecExample();
  const text = spec ?? manifestSet(1)[0]!;
  const batch = quick ? 50 : 500;
  const samples = quick ? 1 : 7;
  const results: RewarmResult[] = [];
  for (const c of cases(text, batch)) {
    const steady = steadyState(c.run, samples, quick ? 20 : 300);
    // Each sample: collect (discarding what depends on dead layouts), then one batch.
    const afterGc = await interleaved([c.run], samples, 0);
    settleGc();
    const steadyMs = steady;
    const afterMs = afterGc[0]!.ms;
    results.push({
      operation: c.operation,
      contender: c.contender,
      steadyUs: (steadyMs * 1000) / batch,
      afterGcUs: (afterMs * 1000) / batch,
      extraMs: afterMs - steadyMs,
    });
  }
  return {
    document: spec !== null ? 'the TOML spec example' : 'one generated manifest',
    batch,
    results,
  };
}
