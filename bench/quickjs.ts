/**
 * The constrained runtime: each library bundled by esbuild (iife, minified, platform
 * neutral) and run inside QuickJS (quickjs-emscripten, WebAssembly). Timed from the host
 * around each call into QuickJS: `parse` over the manifest set and over the distinct-keys
 * document, and the evaluation of each bundle (loading it) in a fresh context.
 * Contenders are interleaved round by round, as in the throughput groups.
 */
import { build } from 'esbuild';
import { type QuickJSContext, type QuickJSRuntime, getQuickJS } from 'quickjs-emscripten';
import { distinctKeysDocument, manifestSet } from './generate.js';
import { flat, projectRoot } from './inputs.js';
import { median } from './measure.js';

export const QJS_OUR_PARSE = 'volt-manifest: parse';
export const QJS_OUR_PARSE_STRINGIFY = 'volt-manifest: parse + stringify';
export const QJS_SMOL_PARSE = 'smol-toml: parse';
export const QJS_SMOL_PARSE_STRINGIFY = 'smol-toml: parse + stringify';

interface BundleSpec {
  name: string;
  source: string;
  /** Timed on the data (parse); the other bundles are only loaded. */
  parses: boolean;
}

const bundles: BundleSpec[] = [
  {
    name: QJS_OUR_PARSE,
    source: "export { parse } from './dist/lib/toml/index.js';",
    parses: true,
  },
  {
    name: QJS_OUR_PARSE_STRINGIFY,
    source: "export { parse, stringify } from './dist/lib/toml/index.js';",
    parses: false,
  },
  { name: QJS_SMOL_PARSE, source: "export { parse } from 'smol-toml';", parses: true },
  {
    name: QJS_SMOL_PARSE_STRINGIFY,
    source: "export { parse, stringify } from 'smol-toml';",
    parses: false,
  },
];

export interface QuickJsRow {
  name: string;
  minBytes: number;
  /** Median ms to evaluate the bundle in a fresh context. */
  loadMs: number;
  /** Median ms to parse the manifest set and the distinct-keys document (parse bundles). */
  manifestsMs: number | null;
  distinctMs: number | null;
  /** Why a parse could not be timed. */
  error?: string;
}

export interface QuickJsResult {
  manifests: number;
  distinctBytes: number;
  rounds: number;
  loads: number;
  rows: QuickJsRow[];
  /** Set when QuickJS or esbuild could not run here. */
  skipped?: string;
}

async function bundle(spec: BundleSpec): Promise<string> {
  const result = await build({
    stdin: { contents: spec.source, resolveDir: projectRoot, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'lib',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Evaluates `code` in `context`; throws QuickJS's error as a host error. */
function evaluate(context: QuickJSContext, code: string): void {
  const result = context.evalCode(code, 'bench.js');
  if (result.error) {
    const error: unknown = context.dump(result.error);
    result.error.dispose();
    throw new Error(`QuickJS: ${JSON.stringify(error).slice(0, 200)}`);
  }
  result.value.dispose();
}

function timed(context: QuickJSContext, code: string): number {
  const start = performance.now();
  evaluate(context, code);
  return performance.now() - start;
}

/** A context with the bundle loaded, the data as globals and a loop that parses a list. */
function parsingContext(
  runtime: QuickJSRuntime,
  code: string,
  manifests: readonly string[],
  distinct: string,
): QuickJSContext {
  const context = runtime.newContext();
  evaluate(context, code);
  evaluate(
    context,
    `globalThis.manifests = JSON.parse(${JSON.stringify(JSON.stringify(manifests))});`,
  );
  evaluate(
    context,
    `globalThis.distinct = [JSON.parse(${JSON.stringify(JSON.stringify(distinct))})];`,
  );
  evaluate(
    context,
    'globalThis.parseAll = function (texts) { var out = null; for (var i = 0; i < texts.length; i++) out = lib.parse(texts[i]); return out === null ? 0 : 1; };',
  );
  return context;
}

export async function runQuickJs(
  quick: boolean,
  log: (line: string) => void,
): Promise<QuickJsResult> {
  const manifestCount = quick ? 20 : 400;
  const distinctBytes = quick ? 10_000 : 200_000;
  const rounds = quick ? 1 : 7;
  const loads = quick ? 2 : 15;
  const empty = { manifests: manifestCount, distinctBytes, rounds, loads, rows: [] };
  let module: Awaited<ReturnType<typeof getQuickJS>>;
  const codes: string[] = [];
  try {
    module = await getQuickJS();
    for (const spec of bundles) codes.push(await bundle(spec));
  } catch (error) {
    return { ...empty, skipped: error instanceof Error ? error.message : String(error) };
  }
  const manifests = manifestSet(manifestCount).map(flat);
  const distinct = flat(distinctKeysDocument(distinctBytes));
  const runtimes = bundles.map(() => {
    const runtime = module.newRuntime();
    runtime.setMaxStackSize(512 * 1024);
    runtime.setMemoryLimit(1024 * 1024 * 1024);
    return runtime;
  });
  try {
    const rows: QuickJsRow[] = bundles.map((spec, i) => ({
      name: spec.name,
      minBytes: Buffer.byteLength(codes[i]!, 'utf8'),
      loadMs: 0,
      manifestsMs: null,
      distinctMs: null,
    }));
    log('QuickJS: evaluating each bundle in fresh contexts...');
    const loadSamples: number[][] = bundles.map(() => []);
    for (let round = 0; round < loads; round++) {
      for (let k = 0; k < bundles.length; k++) {
        const i = (round + k) % bundles.length;
        const context = runtimes[i]!.newContext();
        loadSamples[i]!.push(timed(context, codes[i]!));
        context.dispose();
      }
    }
    rows.forEach((row, i) => (row.loadMs = median(loadSamples[i]!)));
    log('QuickJS: parsing the manifest set and the distinct-keys document...');
    const parsing = bundles.flatMap((spec, i) => (spec.parses ? [i] : []));
    const contexts = new Map<number, QuickJSContext>();
    for (const i of parsing) {
      const context = parsingContext(runtimes[i]!, codes[i]!, manifests, distinct);
      try {
        // The untimed check run, which is also the warm-up.
        evaluate(context, 'parseAll(manifests); parseAll(distinct);');
        contexts.set(i, context);
      } catch (error) {
        rows[i]!.error = error instanceof Error ? error.message : String(error);
        context.dispose();
      }
    }
    const live = [...contexts.keys()];
    const samples = new Map(
      live.map((i) => [i, { manifests: [] as number[], distinct: [] as number[] }]),
    );
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < live.length; k++) {
        const i = live[(round + k) % live.length]!;
        const context = contexts.get(i)!;
        samples.get(i)!.manifests.push(timed(context, 'parseAll(manifests)'));
        samples.get(i)!.distinct.push(timed(context, 'parseAll(distinct)'));
      }
    }
    for (const i of live) {
      rows[i]!.manifestsMs = median(samples.get(i)!.manifests);
      rows[i]!.distinctMs = median(samples.get(i)!.distinct);
      contexts.get(i)!.dispose();
    }
    return { ...empty, rows };
  } finally {
    for (const runtime of runtimes) runtime.dispose();
  }
}
