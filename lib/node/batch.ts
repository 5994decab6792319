/**
 * Checking many manifests: a pool of worker threads, each loading, resolving and
 * validating files; results come back in input order and one bad file never stops the
 * rest. Small sets are checked on the calling thread (starting workers costs more).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Diagnostic, diagnostic } from '../manifest/diagnostics.js';
import { describeValue } from '../manifest/encode.js';
import { type LoadManifestOptions, checkPath, checkRootOption, loadManifest } from './load.js';
import { checkOptionsObject } from '../toml/options.js';

export interface CheckResult {
  path: string;
  diagnostics: Diagnostic[];
}

export interface CheckOptions extends Pick<LoadManifestOptions, 'casRoot' | 'maxBytes' | 'root'> {
  /** Worker threads; default: the machine's available parallelism. 1 checks in-thread. */
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
  checkRootOption(options.root);
  try {
    const loadOptions: LoadManifestOptions = {};
    if (options.casRoot !== undefined) loadOptions.casRoot = options.casRoot;
    if (options.maxBytes !== undefined) loadOptions.maxBytes = options.maxBytes;
    if (options.root !== undefined) loadOptions.root = options.root;
    const result = await loadManifest(path, loadOptions);
    return { path, diagnostics: result.diagnostics };
  } catch (error) {
    const message = `internal error while checking: ${error instanceof Error ? error.message : String(error)}`;
    return {
      path,
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
 * Worker threads are kept between calls (idle ones do not keep the process alive): a
 * worker's first files run before its JIT has warmed up, so a fresh pool per call would
 * pay that again and again.
 */
const pool: Worker[] = [];

function workerPool(size: number): Worker[] {
  while (pool.length < size) {
    const worker = new Worker(new URL('./check-worker.js', import.meta.url));
    worker.unref();
    // A worker that stops (it should not) leaves the pool, so no call waits on it.
    worker.once('exit', () => pool.splice(pool.indexOf(worker), 1));
    pool.push(worker);
  }
  return pool.slice(0, size);
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
  checkRootOption(options.root);
  const workers = Math.max(
    1,
    Math.min(options.workers ?? availableParallelism(), Math.ceil(paths.length / BATCH)),
  );
  if (workers === 1 || paths.length < MIN_FILES_FOR_WORKERS) return checkInThread(paths, options);
  const results: CheckResult[] = new Array<CheckResult>(paths.length);
  let next = 0;
  let done = 0;
  const workerOptions = {
    casRoot: options.casRoot,
    maxBytes: options.maxBytes,
    root: options.root,
  };
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const onMessage = (message: { start: number; results: CheckResult[] }) => {
        inFlight--;
        message.results.forEach((result, i) => (results[message.start + i] = result));
        done += message.results.length;
        options.onProgress?.(done, paths.length);
        send();
      };
      const onError = (error: Error) => {
        finish();
        reject(error);
      };
      const onExit = () => onError(new Error('a checker thread stopped unexpectedly'));
      const finish = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      };
      const send = () => {
        if (next >= paths.length) {
          if (inFlight === 0) {
            finish();
            resolve();
          }
          return;
        }
        const start = next;
        next = Math.min(paths.length, next + BATCH);
        inFlight++;
        worker.postMessage({ start, paths: paths.slice(start, next), options: workerOptions });
      };
      worker.ref();
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      for (let i = 0; i < BATCHES_IN_FLIGHT; i++) send();
    });
  await Promise.all(workerPool(workers).map(run));
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
