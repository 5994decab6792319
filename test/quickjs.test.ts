/**
 * The built TOML engine, bundled into one script, runs inside QuickJS with no Node
 * globals and gives byte-for-byte the results Node gives: the tagged JSON of every valid
 * toml-test document (1.0 and 1.1 lists), the exact error (code, position, message,
 * code frame) of every invalid one, and the text `stringify` writes.
 *
 * The manifest core does the same on every example manifest: diagnostics, canonical
 * encoding, digest, JSON form and formatting.
 *
 * One QuickJS context per engine; documents go in by batches.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as manifestCore from '../lib/index.js';
import * as toml from '../lib/toml/index.js';
import { toTagged } from '../lib/toml/tagged.js';
import { generatedInput, loadCorpus, mutatedInput } from './fuzz-worker.js';
import { QuickJS, bundleForQuickJS } from './quickjs-support.js';
import {
  manifestFiles,
  needsTomlTest,
  projectRoot,
  tomlTestCases,
  tomlTestMissing,
} from './helpers.js';

const SEED = Number(process.env['VOLT_FUZZ_SEED'] ?? 1);
const TOML_ENTRY = fileURLToPath(new URL('dist/lib/toml/index.js', `file://${projectRoot}`));

const MANIFEST_ENTRY = fileURLToPath(new URL('dist/lib/index.js', `file://${projectRoot}`));

/**
 * The runner, as source text: evaluated in QuickJS against the bundle and in Node
 * against the module, so both sides run exactly the same code around the engine.
 * Input: JSON `{ version, documents }`, each document a byte string (one char per byte).
 * Output: JSON, per document the tagged JSON and `stringify` text, or the error fields.
 */
const RUNNER = String.raw`(function (toml) {
  function tag(value) {
    switch (typeof value) {
      case 'string': return { type: 'string', value: value };
      case 'bigint': return { type: 'integer', value: value.toString() };
      case 'number': return { type: 'float', value: Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : Object.is(value, -0) ? '-0' : String(value) };
      case 'boolean': return { type: 'bool', value: String(value) };
    }
    if (value instanceof toml.OffsetDateTime) return { type: 'datetime', value: value.toString() };
    if (value instanceof toml.LocalDateTime) return { type: 'datetime-local', value: value.toString() };
    if (value instanceof toml.LocalDate) return { type: 'date-local', value: value.toString() };
    if (value instanceof toml.LocalTime) return { type: 'time-local', value: value.toString() };
    if (Array.isArray(value)) return value.map(tag);
    const out = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, { value: tag(value[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return function run(input) {
    const request = JSON.parse(input);
    const results = [];
    for (const text of request.documents) {
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      try {
        const value = toml.parse(bytes, { version: request.version, integers: 'bigint' });
        results.push({ tagged: JSON.stringify(tag(value)), text: toml.stringify(value, { numbers: 'float' }) });
      } catch (error) {
        if (!(error instanceof toml.TomlError)) {
          results.push({ crash: String(error) });
          continue;
        }
        results.push({
          error: [error.code, error.line, error.column, error.endLine, error.endColumn, error.offset, error.byteOffset === undefined ? null : error.byteOffset, error.message, error.codeFrame()],
        });
      }
    }
    return JSON.stringify(results);
  };
})`;

interface Result {
  tagged?: string;
  text?: string;
  error?: unknown[];
  crash?: string;
}

let quickjs: QuickJS | null = null;
const nodeRun = (
  new Function(`return ${RUNNER}`) as () => (t: unknown) => (input: string) => string
)()(toml);

/** Bundles the built entry at `entryPath` and evaluates it in the QuickJS context. */
async function loadInQuickJS(entryPath: string, globalName: string): Promise<void> {
  const bundle = await bundleForQuickJS(entryPath, globalName);
  assert.doesNotMatch(bundle, /\brequire\(|["']node:/, 'the bundle needs no Node module');
  quickjs!.eval(bundle, entryPath);
}

function byteString(path: string): string {
  return Buffer.from(readFileSync(path)).toString('latin1');
}

/** Runs documents in batches in both runtimes; returns both results, in order. */
function runBoth(documents: string[], version: '1.0' | '1.1'): { node: Result[]; quick: Result[] } {
  const node: Result[] = [];
  const quick: Result[] = [];
  for (let i = 0; i < documents.length; i += 100) {
    const input = JSON.stringify({ version, documents: documents.slice(i, i + 100) });
    const fromQuickJS = quickjs!.call('__voltRun', input);
    const fromNode = nodeRun(input);
    // Byte for byte, the whole batch.
    assert.equal(fromQuickJS, fromNode, `batch at ${i} differs between QuickJS and Node`);
    node.push(...(JSON.parse(fromNode) as Result[]));
    quick.push(...(JSON.parse(fromQuickJS) as Result[]));
  }
  return { node, quick };
}

describe('the TOML engine inside QuickJS', () => {
  before(async () => {
    quickjs = await QuickJS.create();
    await loadInQuickJS(TOML_ENTRY, 'VoltToml');
    quickjs.eval(`globalThis.__voltRun = ${RUNNER}(globalThis.VoltToml);`, 'runner.js');
  });
  after(() => quickjs?.dispose());

  it('runs with no Node globals', () => {
    assert.equal(
      quickjs!.eval(
        '[typeof process, typeof Buffer, typeof require, typeof module, typeof __dirname, typeof TextDecoder, typeof TextEncoder, typeof setTimeout].join()',
      ),
      'undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined',
    );
    assert.equal(
      quickjs!.eval(
        'typeof VoltToml.parse + typeof VoltToml.stringify + typeof VoltToml.parseStream',
      ),
      'functionfunctionfunction',
    );
  });

  for (const version of ['1.0', '1.1'] as const) {
    const cases = tomlTestMissing === null ? tomlTestCases(version) : [];

    it(
      `gives Node's exact results on every valid toml-test ${version} document`,
      needsTomlTest,
      () => {
        const valid = cases.filter((c) => c.valid);
        const { node, quick } = runBoth(
          valid.map((c) => byteString(c.tomlPath)),
          version,
        );
        assert.equal(quick.length, valid.length);
        valid.forEach((testCase, i) => {
          const result = quick[i]!;
          assert.ok(result.tagged !== undefined, `${testCase.name}: ${JSON.stringify(result)}`);
          // The runner's tagging is the project's tagged JSON.
          const value = toml.parse(readFileSync(testCase.tomlPath), {
            version,
            integers: 'bigint',
          });
          assert.equal(node[i]!.tagged, JSON.stringify(toTagged(value)), testCase.name);
          assert.equal(node[i]!.text, toml.stringify(value, { numbers: 'float' }), testCase.name);
        });
      },
    );

    it(
      `rejects every invalid toml-test ${version} document exactly as Node does`,
      needsTomlTest,
      () => {
        const invalid = cases.filter((c) => !c.valid);
        const { quick } = runBoth(
          invalid.map((c) => byteString(c.tomlPath)),
          version,
        );
        assert.equal(quick.length, invalid.length);
        invalid.forEach((testCase, i) => {
          assert.ok(quick[i]!.error !== undefined, `${testCase.name}: ${JSON.stringify(quick[i])}`);
        });
      },
    );
  }

  it("gives Node's exact results on generated and mutated documents", needsTomlTest, () => {
    const corpus = loadCorpus();
    const documents: string[] = [];
    for (let i = 0; i < 500; i++) {
      documents.push(Buffer.from(generatedInput(SEED, i).doc.text, 'utf8').toString('latin1'));
      const { input } = mutatedInput(SEED, i, corpus);
      documents.push(Buffer.from(input).toString('latin1'));
    }
    const { quick } = runBoth(documents, '1.1');
    const accepted = quick.filter((r) => r.tagged !== undefined).length;
    const rejected = quick.filter((r) => r.error !== undefined).length;
    assert.equal(accepted + rejected, documents.length);
    assert.ok(accepted > 500 && rejected > 250, `${accepted} accepted, ${rejected} rejected`);
  });

  it('reaches the default nesting limit; deeper nesting is a TomlError, never a crash', () => {
    const run = (source: string, maxDepth: number) =>
      quickjs!.eval(
        `(() => { try { VoltToml.parse(${JSON.stringify(source)}, { maxDepth: ${maxDepth} }); return 'ok'; } catch (e) { return e instanceof VoltToml.TomlError ? e.code + ' ' + e.message : 'crash ' + e; } })()`,
      );
    for (const [open, close] of [
      ['[', ']'],
      ['{a=', '}'],
      ['[{a=', '}]'],
    ] as const) {
      const depth = open === '[{a=' ? 128 : 256;
      assert.equal(
        run(`a = ${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`, 256),
        'ok',
        open,
      );
      assert.match(
        String(run(`a = ${open.repeat(depth + 1)}`, 256)),
        /^max-depth nesting is deeper than the maximum of 256/,
        open,
      );
      // A raised limit the QuickJS stack cannot hold: its InternalError becomes max-depth.
      assert.match(
        String(run(`a = ${open.repeat(100_000)}`, 1e9)),
        /^max-depth nesting is deeper than the JavaScript stack allows/,
        open,
      );
    }
  });
});

/**
 * The manifest runner: for each manifest text, the diagnostics, the canonical encoding,
 * the digest and the JSON form (or the encoder's error), all as one JSON string.
 */
const MANIFEST_RUNNER = String.raw`(function (core) {
  return function (input) {
    const documents = JSON.parse(input);
    return JSON.stringify(documents.map(function (doc) {
      const result = core.parseManifest(doc.text, { path: doc.path });
      return {
        diagnostics: result.diagnostics,
        encoded: core.encodeManifest(result.manifest),
        digest: core.manifestDigest(result.manifest),
        json: core.manifestToJSON(result.manifest),
        fromJSON: core.manifestFromJSON(JSON.stringify(core.manifestToJSON(result.manifest))).diagnostics,
        formatted: core.formatManifest(doc.text, { path: doc.path }),
      };
    }));
  };
})`;

describe('the manifest core inside QuickJS', () => {
  let engine: QuickJS | null = null;
  before(async () => {
    engine = await QuickJS.create();
    const bundle = await bundleForQuickJS(MANIFEST_ENTRY, 'VoltManifest');
    assert.doesNotMatch(bundle, /\brequire\(|["']node:/, 'the bundle needs no Node module');
    engine.eval(bundle, MANIFEST_ENTRY);
    engine.eval(
      `globalThis.__voltManifest = ${MANIFEST_RUNNER}(globalThis.VoltManifest);`,
      'runner.js',
    );
  });
  after(() => engine?.dispose());

  it("gives Node's exact results on every example manifest", () => {
    const files = manifestFiles(`${projectRoot}examples`);
    assert.ok(files.length >= 12);
    const input = JSON.stringify(
      files.map((file) => ({
        path: file.slice(projectRoot.length),
        text: readFileSync(file, 'utf8'),
      })),
    );
    const nodeRunManifests = (
      new Function(`return ${MANIFEST_RUNNER}`) as () => (
        core: unknown,
      ) => (input: string) => string
    )()(manifestCore);
    const fromQuickJS = engine!.call('__voltManifest', input);
    assert.equal(fromQuickJS, nodeRunManifests(input));
    const results = JSON.parse(fromQuickJS) as { diagnostics: unknown[]; digest: string }[];
    assert.ok(
      results.some((r) => r.diagnostics.length > 0),
      'the broken examples are reported',
    );
    assert.ok(results.every((r) => /^sha256:[0-9a-f]{64}$/.test(r.digest)));
  });
});
