/**
 * Streaming gives exactly what a whole-input parse gives: every toml-test document
 * (valid and invalid, 1.0 and 1.1) is split at many chunk boundaries, as bytes and as
 * strings, and must produce the identical value or the identical error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer, NEED_MORE, TomlError, parse, parseStream, tokenize } from '../lib/toml/index.js';
import type { LexToken } from '../lib/toml/index.js';
import { errorFields, needsTomlTest, tomlTestCases } from './helpers.js';

type Outcome = { value: unknown } | { error: Record<string, unknown> };

/** Only TomlError may escape a parse; its fields are what two runs must agree on. */
function failure(error: unknown): Outcome {
  if (!(error instanceof TomlError)) throw error;
  return { error: errorFields(error) };
}

function whole(bytes: Uint8Array, version: '1.0' | '1.1'): Outcome {
  try {
    return { value: parse(bytes, { version, integers: 'bigint' }) };
  } catch (error) {
    return failure(error);
  }
}

async function streamed(chunks: (string | Uint8Array)[], version: '1.0' | '1.1'): Promise<Outcome> {
  async function* source() {
    for (const chunk of chunks) yield chunk;
  }
  try {
    return { value: await parseStream(source(), { version, integers: 'bigint' }) };
  } catch (error) {
    return failure(error);
  }
}

/** Split points: every offset for small inputs, about 40 spread offsets for large ones. */
function splitPoints(length: number): number[] {
  if (length <= 300) return Array.from({ length: length + 1 }, (_, i) => i);
  const points = new Set<number>([0, 1, 2, length - 2, length - 1, length]);
  for (let i = 1; i < 40; i++) points.add(Math.floor((length * i) / 40));
  return [...points];
}

/** Deterministic pseudo-random chunking into pieces of 1 to 7 units. */
function randomChunks<T extends string | Uint8Array>(input: T, seed: number): T[] {
  const out: T[] = [];
  let state = seed;
  for (let i = 0; i < input.length;) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const size = 1 + (state % 7);
    out.push(input.slice(i, i + size) as T);
    i += size;
  }
  return out;
}

for (const version of ['1.0', '1.1'] as const) {
  describe(`parseStream on every toml-test ${version} document`, needsTomlTest, () => {
    const cases = tomlTestCases(version);
    it('gives the whole-input result at every split', async () => {
      let comparisons = 0;
      for (const testCase of cases) {
        const bytes = new Uint8Array(readFileSync(testCase.tomlPath));
        const expected = whole(bytes, version);
        assert.equal('value' in expected, testCase.valid, testCase.name);
        const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
        const variants: (string | Uint8Array)[][] = [];
        for (const at of splitPoints(bytes.length))
          variants.push([bytes.subarray(0, at), bytes.subarray(at)]);
        variants.push(Array.from(bytes, (b) => Uint8Array.of(b)));
        variants.push(randomChunks(bytes, bytes.length));
        if ('value' in expected) {
          // Valid documents are valid UTF-8, so string chunks apply too.
          for (const at of splitPoints(text.length))
            variants.push([text.slice(0, at), text.slice(at)]);
          variants.push(randomChunks(text, 7));
        }
        for (const chunks of variants) {
          const actual = await streamed(chunks, version);
          assert.deepStrictEqual(
            actual,
            expected,
            `${testCase.name} split as ${chunks.map((c) => c.length).join('+')}`,
          );
          comparisons++;
        }
      }
      assert.ok(comparisons > 50_000, `only ${comparisons} comparisons`);
    });

    it('counts text chunks by their UTF-8 bytes in the byte offset of invalid UTF-8', async () => {
      // Text up to a split point, bytes after it: the error's byteOffset is the whole
      // input's (it counted the bytes of byte chunks only).
      const strict = new TextDecoder('utf-8', { fatal: true });
      let comparisons = 0;
      for (const testCase of cases) {
        const bytes = new Uint8Array(readFileSync(testCase.tomlPath));
        const expected = whole(bytes, version);
        if (!('error' in expected) || expected.error['code'] !== 'invalid-utf8') continue;
        const bad = expected.error['byteOffset'] as number;
        for (const at of splitPoints(bad)) {
          let head: string;
          try {
            head = strict.decode(bytes.subarray(0, at));
          } catch {
            continue; // The split falls inside a character: no text for the head.
          }
          const chunks = [head, bytes.subarray(at)];
          assert.deepStrictEqual(
            await streamed(chunks, version),
            expected,
            `${testCase.name} at ${at}`,
          );
          const lexer = new Lexer({ version });
          for (const chunk of chunks) lexer.write(chunk);
          lexer.end();
          const withBytes = (tokens: Iterable<LexToken>) =>
            [...tokens].map((t) => [t.kind, t.start, t.error?.message, t.error?.byteOffset]);
          assert.deepStrictEqual(withBytes(lexer.drain()), withBytes(tokenize(bytes, { version })));
          comparisons++;
        }
      }
      assert.ok(comparisons > 100, `only ${comparisons} comparisons`);
    });
  });
}

function plain(tokens: Iterable<LexToken>) {
  return [...tokens].map((t) => ({ ...t, error: t.error?.message }));
}

describe('Lexer fed in chunks', () => {
  it(
    'produces the same tokens as one piece, for every toml-test document and split',
    needsTomlTest,
    () => {
      let documents = 0;
      for (const testCase of tomlTestCases('1.1')) {
        const bytes = new Uint8Array(readFileSync(testCase.tomlPath));
        const expected = plain(tokenize(bytes));
        for (const chunks of [
          randomChunks(bytes, 3),
          Array.from(bytes, (b) => Uint8Array.of(b)),
          [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)],
        ]) {
          const lexer = new Lexer();
          const tokens: LexToken[] = [];
          for (const chunk of chunks) {
            lexer.write(chunk);
            for (let t = lexer.next(); t !== NEED_MORE && t !== null; t = lexer.next())
              tokens.push(t);
          }
          lexer.end();
          tokens.push(...lexer.drain());
          assert.deepStrictEqual(plain(tokens), expected, testCase.name);
        }
        documents++;
      }
      assert.equal(documents, 712);
    },
  );

  it('says NEED_MORE until a statement is complete', () => {
    const lexer = new Lexer();
    lexer.write('key = "val');
    assert.equal(lexer.next(), NEED_MORE);
    lexer.write('ue"\n');
    const kinds: string[] = [];
    for (const t of lexer.drain()) kinds.push(t.text);
    assert.deepEqual(kinds, ['key', ' ', '=', ' ', '"value"', '\n']);
    assert.equal(lexer.next(), NEED_MORE);
    lexer.end();
    assert.equal(lexer.next(), null);
  });
});
