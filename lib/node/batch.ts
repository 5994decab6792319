/**
 * Checking many manifests: a pool of worker threads, each loading, resolving and
 * validating files; results come back in input order and one bad file never stops the
 * rest. Small sets are checked on the calling thread (starting workers costs more).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Diagnostic, diagnostic } from '../manifest/diagnostics.js';
import { describeValue } from '../manifest/encode.js';
import { type LoadManifestOptions, checkLoadOptions, checkPath, loadManifest } from './load.js';
import { checkOptionsObject } from '../toml/options.js';
import { suppressInline } from './suppressions.js';

export interface CheckResult {
  path: string;
  diagnostics: Diagnostic[];
  /**
   * The files read, the manifest first and then its `extends` chain as named
   * (`cas://sha256:…` for a stored base); just `[path]` when it could not be read.
   */
  files: string[];
}

export interface CheckOptions extends Pick<LoadManifestOptions, 'casRoot' | 'maxBytes' | 'root'> {
  /**
   * Honour `# volt-manifest: ignore[code, …]` comments in the manifest and its bases (see
   * `suppressions.ts`): what they name on their line is left out, and the problems with
   * them (`suppression-*`, `unused-suppression`) are added. Default false.
   */
  suppressions?: boolean;
  /**
   * Worker threads, a positive whole number; default: the machine's available
   * parallelism, at most {@link WORKERS_PER_CPU} per CPU. 1 checks in-thread.
   */
  workers?: number;
  /** Called after each batch of files with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

/** Below this many files, workers are not worth their start-up time. */
export const MIN_FILES_FOR_WORKERS = 64;
/** Files handed to a worker at a time: small enough to balance, large enough to amortize messages. */
const BATCH = 64;
/**
 * Batches a worker has queued at once: it starts the next as soon as it posts a result,
 * instead of idling while the result travels and the next batch is sent.
 */
const BATCHES_IN_FLIGHT = 2;

/** Checks one file; an unexpected failure becomes an `internal-error` diagnostic. */
export async function checkOne(path: string, options: CheckOptions = {}): Promise<CheckResult> {
  checkOptionsObject(options);
  checkPath(path);
  checkLoadOptions(options);
  try {
    const loadOptions: LoadManifestOptions = {};
    if (options.casRoot !== undefined) loadOptions.casRoot = options.casRoot;
    if (options.maxBytes !== undefined) loadOptions.maxBytes = options.maxBytes;
    if (options.root !== undefined) loadOptions.root = options.root;
    const result = await loadManifest(path, loadOptions);
    const files = result.sources.length === 0 ? [path] : result.sources.map((s) => s.file);
    const diagnostics = options.suppressions === true ? suppressInline(result) : result.diagnostics;
    return { path, diagnostics, files };
  } catch (error) {
    const message = `internal error while checking: ${error instanceof Error ? error.message : String(error)}`;
    return {
      path,
      files: [path],
      diagnostics: [
        diagnostic('internal-error', message, '', {
          file: path,
          line: 0,
          column: 0,
          endLine: 0,
          endColumn: 0,
        }),
      ],
    };
  }
}

/**
 * The most worker threads a call gets, per CPU (`availableParallelism()`). Checking is
 * CPU-bound, so threads beyond the CPUs only add memory and switching (1,000 asked for
 * gave 313 threads and 3.4 GB); two per CPU leaves room for threads that wait on a slow
 * disk.
 */
export const WORKERS_PER_CPU = 2;

/** The cap on `workers`: {@link WORKERS_PER_CPU} per CPU of this machine. */
export function maxWorkers(): number {
  return availableParallelism() * WORKERS_PER_CPU;
}

/** What a pool worker is sent: the files to check for one request, named by its id. */
export interface CheckRequest {
  id: number;
  paths: string[];
  options: Pick<CheckOptions, 'casRoot' | 'maxBytes' | 'root' | 'suppressions'>;
}

/** A pool worker's answer to the request `id`: the results, or why it could not check. */
export type CheckReply = { id: number; results: CheckResult[] } | { id: number; error: string };

interface PendingRequest {
  resolve(results: CheckResult[]): void;
  reject(error: Error): void;
}

/**
 * A thread of the pool and the requests it has not answered. Each answer goes to the
 * request its id names, so calls that share the thread never see each other's results;
 * a thread that stops fails the requests it holds, and only those. Exported for tests
 * (not by `volt-manifest/node`).
 */
export class CheckerThread {
  readonly worker = new Worker(new URL('./check-worker.js', import.meta.url));
  private readonly pending = new Map<number, PendingRequest>();
  private stopped: Error | null = null;

  constructor() {
    this.worker.on('message', (reply: CheckReply) => {
      const request = this.pending.get(reply.id);
      if (request === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in reply) request.reject(new Error(`a checker thread failed: ${reply.error}`));
      else request.resolve(reply.results);
    });
    this.worker.on('error', (error) =>
      this.stop(new Error(`a checker thread failed: ${error.message}`, { cause: error })),
    );
    this.worker.on('exit', (code) =>
      this.stop(new Error(`a checker thread stopped unexpectedly (exit code ${code})`)),
    );
    // Idle threads do not keep the process alive; one with requests does (see request).
    // After the 'message' listener: adding one refs the thread's port again.
    this.worker.unref();
  }

  /** Checks `paths` on this thread. */
  request(paths: string[], options: CheckRequest['options']): Promise<CheckResult[]> {
    if (this.stopped !== null) return Promise.reject(this.stopped);
    const id = nextRequestId++;
    const message: CheckRequest = { id, paths, options };
    return new Promise((resolve, reject) => {
      this.worker.postMessage(message);
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  /** Leaves the pool (so the next call starts a new thread) and fails what it held. */
  private stop(error: Error): void {
    if (this.stopped !== null) return;
    this.stopped = error;
    const index = pool.indexOf(this);
    if (index >= 0) pool.splice(index, 1);
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
    this.worker.unref();
  }
}

let nextRequestId = 0;

/**
 * Threads are kept between calls (idle ones do not keep the process alive): a thread's
 * first files run before its JIT has warmed up, so a fresh pool per call would pay that
 * again and again. Calls running at the same time share them.
 */
const pool: CheckerThread[] = [];

function checkerPool(size: number): CheckerThread[] {
  while (pool.length < size) pool.push(new CheckerThread());
  return pool.slice(0, size);
}

/** For tests: the pool's worker threads (not exported by `volt-manifest/node`). */
export function checkerThreads(): Worker[] {
  return pool.map((thread) => thread.worker);
}

/** Checks every file; results are in the order of `paths`. */
export async function checkManifests(
  paths: readonly string[],
  options: CheckOptions = {},
): Promise<CheckResult[]> {
  checkOptionsObject(options);
  // A single path given as a string would otherwise be checked one character at a time.
  if (!Array.isArray(paths))
    throw new TypeError(`paths must be an array of strings, got ${describeValue(paths)}`);
  for (const path of paths) checkPath(path);
  checkLoadOptions(options);
  const asked = options.workers ?? availableParallelism();
  if (!Number.isInteger(asked) || asked < 1)
    throw new TypeError(`workers must be a positive whole number, got ${describeValue(asked)}`);
  const workers = Math.min(asked, maxWorkers(), Math.ceil(paths.length / BATCH));
  if (workers <= 1 || paths.length < MIN_FILES_FOR_WORKERS) return checkInThread(paths, options);
  const results: CheckResult[] = new Array<CheckResult>(paths.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const workerOptions = {
    casRoot: options.casRoot,
    maxBytes: options.maxBytes,
    root: options.root,
    suppressions: options.suppressions,
  };
  // One lane keeps one batch of this call queued on a thread; a thread gets
  // BATCHES_IN_FLIGHT lanes. Once the call has failed, no lane sends or reports anything.
  const lane = async (thread: CheckerThread) => {
    try {
      while (!failed && next < paths.length) {
        const start = next;
        next = Math.min(paths.length, next + BATCH);
        const batch = await thread.request(paths.slice(start, next), workerOptions);
        if (failed) return;
        batch.forEach((result, i) => (results[start + i] = result));
        done += batch.length;
        options.onProgress?.(done, paths.length);
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const lanes: Promise<void>[] = [];
  for (const thread of checkerPool(workers))
    for (let i = 0; i < BATCHES_IN_FLIGHT; i++) lanes.push(lane(thread));
  await Promise.all(lanes);
  return results;
}

async function checkInThread(
  paths: readonly string[],
  options: CheckOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const path of paths) {
    results.push(await checkOne(path, options));
    if (results.length % BATCH === 0 || results.length === paths.length) {
      options.onProgress?.(results.length, paths.length);
    }
  }
  return results;
}
