/**
 * The throughput benchmark: every group of every suite, timed on the same data in one
 * process, contenders interleaved; then peak memory per contender in fresh processes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse } from '../lib/toml/index.js';
import { firstDifference } from './compare.js';
import { cacheDir, reason, utf8Bytes } from './inputs.js';
import { type RunFn, interleaved } from './measure.js';
import { type MemoryFigures, measureInChild } from './memory.js';
import {
  type Contender,
  type Group,
  type Size,
  type Suite,
  type SuiteData,
  suites,
} from './suites.js';

export interface Row {
  name: string;
  /** Median ms per run; `null` when the contender could not run on this data. */
  ms: number | null;
  samples: number[];
  /** Why the contender has no figures ("rejects input: …"). */
  notApplicable?: string;
  /** Something about the result worth knowing (e.g. output that is not valid TOML). */
  note?: string;
  memory?: MemoryFigures | { error: string };
  /** Milliseconds of the untimed check run (it also serves as a warm-up). */
  checkMs?: number;
}

export interface GroupResult {
  group: Group;
  rows: Row[];
  /** Interleaved rounds timed for this group. */
  rounds: number;
}

export interface SuiteResult {
  suite: Suite;
  /** Set when the suite could not run here. */
  skipped?: string;
  /** Suite title with its size, e.g. "manifest set (10000 files, 7.5 MB)". */
  heading: string;
  /** TOML bytes (UTF-8) processed per run. */
  bytes: number;
  /** TOML documents processed per run. */
  documents: number;
  groups: GroupResult[];
}

export interface ThroughputOptions {
  size: Size;
  /** Fewest and most interleaved rounds per group (see `roundsFor`). */
  minRounds: number;
  maxRounds: number;
  /** Seconds a group's rounds should take at most (unless that is under `minRounds`). */
  groupBudget: number;
  warmup: number;
  /** Measure memory for these suites' contenders; `first-only` for a smoke run. */
  memory: 'all' | 'first-only' | 'none';
  log: (line: string) => void;
  /** Only these suites (by id); all when absent. */
  only?: readonly string[];
}

function describe(suite: Suite, data: SuiteData, bytes: number): string {
  const mb = `${(bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 1)} MB`;
  if (suite.perCall === true) {
    const length = Buffer.byteLength(data.toml[0]!, 'utf8');
    return `${suite.title} (${length} bytes, ${data.repeat.toLocaleString('en-US')} calls per run)`;
  }
  if (data.repeat > 1) return `${suite.title} (${mb}, ${data.repeat} times per run)`;
  if (data.toml.length > 1) return `${suite.title} (${data.toml.length} files, ${mb})`;
  return `${suite.title} (${mb})`;
}

/**
 * Stringify output that our reader rejects is noted (the timing stands: it is what the
 * library does), so a fast but wrong writer is visible as such.
 */
function checkOutput(contender: Contender, output: unknown): string | undefined {
  if (contender.writesToml !== true || !Array.isArray(output)) return undefined;
  for (const text of output) {
    if (typeof text !== 'string') continue;
    try {
      parse(text);
    } catch (error) {
      return `output is not valid TOML: ${reason(error)}`;
    }
  }
  return undefined;
}

/** A peer's parse results that differ from ours (the first difference), noted. */
function compareResults(reference: unknown, output: unknown): string | undefined {
  if (!Array.isArray(reference) || !Array.isArray(output)) return undefined;
  for (let i = 0; i < reference.length; i++) {
    const diff = firstDifference(reference[i], output[i]);
    if (diff !== null) {
      const where = reference.length > 1 ? `document ${i + 1}, ` : '';
      return `its values differ from ours (date/time types aside): ${where}${diff}`;
    }
  }
  return undefined;
}

/**
 * Sets up and runs each contender once: what fails is reported as n/a, not timed; what
 * gives a different result is noted. The baseline comes first in every group.
 */
async function prepare(
  group: Group,
  data: SuiteData,
): Promise<{ rows: Row[]; runs: (RunFn | null)[] }> {
  const rows: Row[] = [];
  const runs: (RunFn | null)[] = [];
  let reference: unknown = null;
  for (const contender of group.contenders) {
    const row: Row = { name: contender.name, ms: null, samples: [] };
    let run: RunFn | null = null;
    try {
      run = contender.setup(data);
    } catch (error) {
      row.notApplicable = `rejects input: ${reason(error)}`;
    }
    if (run !== null) {
      try {
        const start = performance.now();
        let output = run();
        if (output instanceof Promise) output = await output;
        row.checkMs = performance.now() - start;
        let note = checkOutput(contender, output) ?? contender.check?.(data, output);
        if (contender.readsToml === true) {
          if (contender.name === group.baseline) reference = output;
          else note ??= compareResults(reference, output);
        }
        if (note !== undefined) row.note = note;
      } catch (error) {
        row.notApplicable = `${group.failure}: ${reason(error)}`;
        run = null;
      }
    }
    rows.push(row);
    runs.push(run);
  }
  return { rows, runs };
}

/** Slow contenders get fewer rounds so the whole run stays within minutes. */
function roundsFor(
  rows: readonly Row[],
  options: Pick<ThroughputOptions, 'minRounds' | 'maxRounds' | 'groupBudget'>,
): number {
  let seconds = 0;
  for (const row of rows) seconds += (row.checkMs ?? 0) / 1000;
  const fit = seconds > 0 ? Math.floor(options.groupBudget / seconds) : options.maxRounds;
  return Math.max(options.minRounds, Math.min(options.maxRounds, fit));
}

export interface GroupTiming {
  rows: Row[];
  rounds: number;
}

/** Sets up a group's contenders and times them interleaved (in the current process). */
export async function timeGroup(
  group: Group,
  data: SuiteData,
  options: Pick<ThroughputOptions, 'minRounds' | 'maxRounds' | 'groupBudget' | 'warmup'>,
): Promise<GroupTiming> {
  const { rows, runs } = await prepare(group, data);
  const live = runs.filter((run): run is RunFn => run !== null);
  const rounds = roundsFor(rows, options);
  const timed = await interleaved(live, rounds, options.warmup, false, group.warmMs ?? null);
  let next = 0;
  for (let i = 0; i < runs.length; i++) {
    if (runs[i] === null || runs[i] === undefined) continue;
    const t = timed[next++]!;
    rows[i]!.ms = t.ms;
    rows[i]!.samples = t.samples;
  }
  return { rows, rounds };
}

const groupChild = fileURLToPath(new URL('./group-child.js', import.meta.url));

/** `timeGroup` in a fresh Node process (see group-child.ts). */
function timeGroupInChild(
  suiteId: string,
  groupId: string,
  dataPath: string,
  optionsPath: string,
): Promise<GroupTiming> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', groupChild, suiteId, groupId, dataPath, optionsPath],
      { maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        if (error !== null || !last.startsWith('{')) {
          reject(
            new Error(`timing ${suiteId}/${groupId} failed: ${stderr.trim() || String(error)}`),
          );
          return;
        }
        resolve(JSON.parse(last) as GroupTiming);
      },
    );
  });
}

export async function runThroughput(options: ThroughputOptions): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  let memoryBudget = options.memory === 'first-only' ? 1 : Infinity;
  // Suites that share a missing input (the real-world corpus) say so once.
  const skipReasons = new Set<string>();
  for (const suite of suites()) {
    if (options.only !== undefined && !options.only.includes(suite.id)) continue;
    const loaded = suite.load(options.size);
    if ('skipped' in loaded) {
      if (!skipReasons.has(loaded.skipped)) options.log(`skipped: ${loaded.skipped}`);
      skipReasons.add(loaded.skipped);
      results.push({
        suite,
        skipped: loaded.skipped,
        heading: suite.title,
        bytes: 0,
        documents: 0,
        groups: [],
      });
      continue;
    }
    const data = loaded;
    const bytes = utf8Bytes(data.toml) * data.repeat;
    const result: SuiteResult = {
      suite,
      heading: describe(suite, data, bytes),
      bytes,
      documents: data.toml.length * data.repeat,
      groups: [],
    };
    options.log(`\n## ${result.heading}`);
    mkdirSync(cacheDir, { recursive: true });
    const dataPath = `${cacheDir}data-${suite.id}-${options.size}.json`;
    writeFileSync(dataPath, JSON.stringify(data));
    const optionsPath = `${cacheDir}options-${suite.id}.json`;
    const { minRounds, maxRounds, groupBudget, warmup } = options;
    writeFileSync(optionsPath, JSON.stringify({ minRounds, maxRounds, groupBudget, warmup }));
    for (const group of suite.groups) {
      options.log(`timing ${group.title} (in a fresh process)...`);
      const { rows, rounds } = await timeGroupInChild(suite.id, group.id, dataPath, optionsPath);
      result.groups.push({ group, rows, rounds });
    }
    if (suite.memory && options.memory !== 'none') {
      options.log('measuring peak memory (a fresh process per contender)...');
      for (const { group, rows } of result.groups) {
        for (const row of rows) {
          if (row.ms === null || memoryBudget <= 0) continue;
          memoryBudget--;
          row.memory = await measureInChild(suite.id, group.id, row.name, dataPath);
        }
      }
    }
    results.push(result);
  }
  return results;
}
