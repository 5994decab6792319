/**
 * The fuzz loop, run in a worker thread so the test can stop it if one input hangs (a
 * synchronous infinite loop cannot be interrupted otherwise). Imported by the test
 * runner as a file of its own too, where it does nothing.
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  type CheckContext,
  Rng,
  checkGenerated,
  checkInput,
  describeInput,
  generateDocument,
  mutateBytes,
  mutateText,
  seedFor,
} from './fuzz-support.js';
import { tomlTestCases } from './helpers.js';

export type FuzzKind = 'mutate' | 'generate';

export interface FuzzJob {
  kind: FuzzKind;
  seed: number;
  start: number;
  count: number;
  /** `Int32Array` view: [0] is the index being checked, [1] the number done. */
  progress: SharedArrayBuffer;
}

export interface FuzzFailure {
  index: number;
  input: string;
  problems: string[];
}

export interface FuzzResult {
  failures: FuzzFailure[];
  accepted: number;
  rejected: number;
  /** How often each error code was the outcome. */
  codes: Record<string, number>;
  largest: number;
  /** Generated documents that used TOML 1.1 syntax. */
  used11: number;
}

export interface Corpus {
  texts: string[];
  bytes: Uint8Array[];
}

/** Every document of toml-test (1.0 and 1.1 lists, valid and invalid), once. */
export function loadCorpus(): Corpus {
  const seen = new Set<string>();
  const texts: string[] = [];
  const bytes: Uint8Array[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  for (const version of ['1.0', '1.1'] as const) {
    for (const testCase of tomlTestCases(version)) {
      if (seen.has(testCase.tomlPath)) continue;
      seen.add(testCase.tomlPath);
      const data = new Uint8Array(readFileSync(testCase.tomlPath));
      bytes.push(data);
      texts.push(decoder.decode(data));
    }
  }
  return { texts, bytes };
}

/**
 * The input of iteration `index`: a corpus or generated document with random edits, as
 * text or as bytes. `rng` continues from it, for the checks' own random choices.
 */
export function mutatedInput(
  seed: number,
  index: number,
  corpus: Corpus,
): { input: string | Uint8Array; rng: Rng } {
  const rng = new Rng(seedFor(seed, 1, index));
  const encoder = new TextEncoder();
  let base: string;
  let baseBytes: Uint8Array;
  if (rng.chance(0.3)) {
    base = generateDocument(rng, { v11: rng.chance(0.5), tomllibSafe: false }).text;
    baseBytes = encoder.encode(base);
  } else {
    const i = rng.int(corpus.texts.length);
    base = corpus.texts[i]!;
    baseBytes = corpus.bytes[i]!;
  }
  const input = rng.chance(0.6)
    ? mutateText(rng, base, corpus.texts)
    : mutateBytes(rng, baseBytes, corpus.bytes);
  return { input, rng };
}

export function generatedInput(seed: number, index: number) {
  const rng = new Rng(seedFor(seed, 2, index));
  const doc = generateDocument(rng, { v11: rng.chance(0.5), tomllibSafe: false });
  return { doc, rng };
}

async function run(job: FuzzJob): Promise<FuzzResult> {
  const progress = new Int32Array(job.progress);
  const corpus = job.kind === 'mutate' ? loadCorpus() : null;
  const result: FuzzResult = {
    failures: [],
    accepted: 0,
    rejected: 0,
    codes: {},
    largest: 0,
    used11: 0,
  };
  for (let index = job.start; index < job.start + job.count; index++) {
    Atomics.store(progress, 0, index);
    let input: string | Uint8Array;
    const ctx: CheckContext = { rng: new Rng(0), problems: [], stream: false };
    if (corpus !== null) {
      const made = mutatedInput(job.seed, index, corpus);
      input = made.input;
      ctx.rng = made.rng;
      ctx.stream = index % 4 === 0;
      const outcome = await checkInput(ctx, input);
      if (outcome.ok) result.accepted++;
      else if ('error' in outcome) {
        result.rejected++;
        result.codes[outcome.error.code] = (result.codes[outcome.error.code] ?? 0) + 1;
      }
    } else {
      const { doc, rng } = generatedInput(job.seed, index);
      input = doc.text;
      ctx.rng = rng;
      ctx.stream = true;
      if (doc.uses11) result.used11++;
      await checkGenerated(ctx, doc);
      if (ctx.problems.length === 0) result.accepted++;
    }
    result.largest = Math.max(result.largest, input.length);
    if (ctx.problems.length > 0 && result.failures.length < 40) {
      result.failures.push({ index, input: describeInput(input), problems: ctx.problems });
    }
    Atomics.store(progress, 1, index - job.start + 1);
  }
  return result;
}

if (!isMainThread && parentPort !== null && (workerData as { voltFuzz?: FuzzJob })?.voltFuzz) {
  const job = (workerData as { voltFuzz: FuzzJob }).voltFuzz;
  run(job).then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) =>
      parentPort!.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}
