/**
 * Fuzzing the TOML engine: a seeded mutation fuzzer over the toml-test corpus (and over
 * generated documents), and a grammar-based generator of random valid documents.
 *
 * Invariants, for every input (see `checkInput` and `checkGenerated`): `parse` returns a
 * value or throws a `TomlError`, nothing else, for TOML 1.1 and 1.0 and every integer
 * mode; no parse takes more than a generous bound (blow-ups only, speed is the
 * benchmark's business) and none hangs (a watchdog stops the worker); whatever 1.0
 * accepts, 1.1 accepts alike; accepted values round-trip through `stringify`;
 * `parseLocated`, `parseStream` in random chunks and parsing the UTF-8 bytes agree with
 * `parse` exactly, errors included; the located trees span exactly the text of every
 * key, header and value (`checkSpans`); `tokenize` never throws and covers the input. A
 * generated document parses to exactly the value it was generated from.
 *
 * CI runs a fixed, seeded number of iterations. More:
 *   VOLT_FUZZ_ITERATIONS=1000000 node --test dist/test/fuzz.test.js
 * Others: VOLT_FUZZ_SEED (default 1), VOLT_FUZZ_START (first iteration, to reproduce one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { TomlError, parse, parseStream, tokenize } from '../lib/toml/index.js';
import { type CheckContext, Rng, checkInput, describeInput } from './fuzz-support.js';
import { needsTomlTest } from './helpers.js';
import {
  type FuzzJob,
  type FuzzKind,
  type FuzzResult,
  generatedInput,
  loadCorpus,
  mutatedInput,
} from './fuzz-worker.js';

const env = process.env;
const ITERATIONS = {
  mutate: Number(env['VOLT_FUZZ_ITERATIONS'] ?? 4000),
  generate: Number(env['VOLT_FUZZ_ITERATIONS'] ?? 1500),
};
const SEED = Number(env['VOLT_FUZZ_SEED'] ?? 1);
const START = Number(env['VOLT_FUZZ_START'] ?? 0);
/** No progress for this long means an input hangs. */
const STALL_MS = 60_000;

/** Runs `count` iterations in a worker; fails with the input if one stalls. */
function runWorker(kind: FuzzKind, count: number): Promise<FuzzResult> {
  const progress = new SharedArrayBuffer(8);
  const job: FuzzJob = { kind, seed: SEED, start: START, count, progress };
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
    workerData: { voltFuzz: job },
  });
  const view = new Int32Array(progress);
  return new Promise((resolve, reject) => {
    let last = -1;
    let since = Date.now();
    const timer = setInterval(() => {
      const done = Atomics.load(view, 1);
      if (done !== last) {
        last = done;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        clearInterval(timer);
        const index = Atomics.load(view, 0);
        void worker.terminate();
        const input =
          kind === 'mutate'
            ? describeInput(mutatedInput(SEED, index, loadCorpus()).input)
            : JSON.stringify(generatedInput(SEED, index).doc.text);
        reject(new Error(`${kind} iteration ${index} (seed ${SEED}) hangs: ${input}`));
      }
    }, 1000);
    worker.once('message', (message: { result?: FuzzResult; error?: string }) => {
      clearInterval(timer);
      void worker.terminate();
      if (message.result) resolve(message.result);
      else reject(new Error(`fuzz worker failed: ${message.error}`));
    });
    worker.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
  });
}

function report(kind: FuzzKind, result: FuzzResult): string[] {
  return result.failures.map(
    (f) =>
      `${kind} #${f.index} (VOLT_FUZZ_SEED=${SEED} VOLT_FUZZ_START=${f.index} VOLT_FUZZ_ITERATIONS=1): ${f.input}\n    ${f.problems.join('\n    ')}`,
  );
}

describe('fuzz', { concurrency: 2 }, () => {
  it(
    `mutated documents (${ITERATIONS.mutate} iterations, seed ${SEED})`,
    needsTomlTest,
    async (t) => {
      const result = await runWorker('mutate', ITERATIONS.mutate);
      t.diagnostic(
        `accepted ${result.accepted}, rejected ${result.rejected}, largest input ${result.largest}, codes ${JSON.stringify(result.codes)}`,
      );
      assert.deepEqual(report('mutate', result), []);
      assert.equal(result.accepted + result.rejected, ITERATIONS.mutate);
      if (ITERATIONS.mutate >= 1000) {
        // The mutator reaches both outcomes and most of the error kinds.
        assert.ok(result.accepted > ITERATIONS.mutate / 20, `only ${result.accepted} accepted`);
        assert.ok(result.rejected > ITERATIONS.mutate / 2, `only ${result.rejected} rejected`);
        assert.ok(Object.keys(result.codes).length >= 25, Object.keys(result.codes).join(', '));
      }
    },
  );

  it(`generated valid documents (${ITERATIONS.generate} documents, seed ${SEED})`, async (t) => {
    const result = await runWorker('generate', ITERATIONS.generate);
    t.diagnostic(
      `checked ${result.accepted}, ${result.used11} with TOML 1.1 syntax, largest ${result.largest} chars`,
    );
    assert.deepEqual(report('generate', result), []);
    assert.equal(result.accepted, ITERATIONS.generate);
    if (ITERATIONS.generate >= 500) {
      assert.ok(result.used11 > ITERATIONS.generate / 10, `only ${result.used11} used 1.1`);
      assert.ok(result.used11 < ITERATIONS.generate / 1.5, `${result.used11} used 1.1`);
    }
  });
});

/**
 * Every engine bug the fuzzers found, as a fixed input with its exact expected outcome,
 * plus the full invariant check on it.
 */
describe('fuzz regressions', () => {
  async function invariants(input: string | Uint8Array): Promise<void> {
    const ctx: CheckContext = { rng: new Rng(7), problems: [], stream: true };
    await checkInput(ctx, input);
    assert.deepEqual(ctx.problems, [], describeInput(input));
  }

  it('a float whose exponent sign is the fifth character is a float, not a date (lib/toml/scalars.ts)', async () => {
    // Found by the generator: `true =1.0E-1` was rejected with "year must be four digits".
    const cases: [string, number][] = [
      ['1.0E-1', 0.1],
      ['1.2e-5', 0.000012],
      ['123e-5', 0.00123],
      ['1_2e-5', 0.00012],
      ['9.9e-99', 9.9e-99],
      ['-1.2e-5', -0.000012],
    ];
    for (const [text, value] of cases) {
      assert.deepEqual(parse(`a = ${text}`), { a: value }, text);
      assert.deepEqual(parse(`a = [${text}, ${text}]`), { a: [value, value] }, text);
      await invariants(`a = ${text}`);
    }
    // Four digits and '-' are still a date, and invalid dates still say so.
    assert.equal(String(parse('a = 1234-05-06')['a']), '1234-05-06');
    assert.throws(
      () => parse('a = 1234-13-01'),
      (e: TomlError) => e.code === 'invalid-datetime',
    );
    assert.throws(
      () => parse('a = 12_3-05-06'),
      (e: TomlError) => e.code === 'invalid-integer',
    );
  });

  it('a byte-order mark starting a streamed piece is not the document start (lib/toml/errors.ts)', async () => {
    // Found by the mutation fuzzer: parseStream in 1-character chunks gave endColumn 1
    // for a U+FEFF at the start of line 6 where parse gave 2.
    const source = 'a = 1\n\uFEFFb = 2\n';
    const whole = errorOf(() => parse(source));
    assert.deepEqual(
      [whole.code, whole.line, whole.column, whole.endLine, whole.endColumn],
      ['invalid-character', 2, 1, 2, 2],
    );
    for (const chunks of [['a = 1\n', '\uFEFFb = 2\n'], [...source]]) {
      const streamed = await parseStream(chunks).then(
        () => assert.fail('accepted'),
        (error: unknown) => error as TomlError,
      );
      assert.deepEqual(
        [streamed.line, streamed.column, streamed.endLine, streamed.endColumn],
        [2, 1, 2, 2],
      );
    }
    // The tokenizer (which drops the document's own mark) agrees on a second mark.
    const token = [...tokenize('\uFEFF\uFEFFa = 1')].find((t) => t.error !== undefined)!;
    assert.deepEqual([token.error!.column, token.error!.endColumn], [1, 2]);
    await invariants(source);
    await invariants(`\uFEFF${source}`);
  });

  it('tokenize recovering from an error on every line stays linear (lexer/lexer.ts)', async () => {
    // Found by the mutation fuzzer: 9 000 characters of `\` lines inside an unterminated
    // multi-line string took over 2 s (every error position was counted from the start
    // of the statement). hostile.test.ts checks 40 000 lines against the blow-up bound.
    await invariants(`a = """6 quot\\\n${'\\\n'.repeat(5000)}`);
    await invariants(`capitalized-true\\\n${'\\\n'.repeat(5000)}`);
  });
});

function errorOf(run: () => unknown): TomlError {
  try {
    run();
  } catch (error) {
    if (error instanceof TomlError) return error;
    throw error;
  }
  assert.fail('accepted');
}
