/**
 * Bundle size: esbuild bundles and minifies an entry that uses only some exports (so
 * tree shaking decides what stays), then gzip at level 9 gives the transferred size.
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { projectRoot } from './inputs.js';

export interface BundleEntry {
  name: string;
  /** ES module source of the entry, resolved from the project root. */
  source: string;
  /** A file the entry needs; when it is missing the entry is skipped with a note. */
  requires?: string;
}

export interface BundleResult {
  entry: BundleEntry;
  minBytes?: number;
  gzipBytes?: number;
  /** Minified bytes per source file, largest first (where the size comes from). */
  files?: { file: string; bytes: number }[];
  /** Why there is no figure. */
  skipped?: string;
}

/**
 * The measured entries. Ours are bundled from `dist/` (what the package ships). The
 * manifest core (`dist/lib/index.js`) appears once it exists.
 */
export function bundleEntries(): BundleEntry[] {
  return [
    {
      name: OUR_PARSE,
      source: "export { parse } from './dist/lib/toml/index.js';",
    },
    {
      name: 'volt-manifest/toml: parse + stringify',
      source: "export { parse, stringify } from './dist/lib/toml/index.js';",
    },
    {
      name: 'volt-manifest (manifest core, all exports)',
      source: "export * from './dist/lib/index.js';",
      requires: 'dist/lib/index.js',
    },
    { name: 'smol-toml: parse', source: "export { parse } from 'smol-toml';" },
    {
      name: 'smol-toml: parse + stringify',
      source: "export { parse, stringify } from 'smol-toml';",
    },
  ];
}

export const OUR_PARSE = 'volt-manifest/toml: parse';
export const OUR_PARSE_STRINGIFY = 'volt-manifest/toml: parse + stringify';
export const SMOL_PARSE_STRINGIFY = 'smol-toml: parse + stringify';

export async function bundleSize(entry: BundleEntry): Promise<BundleResult> {
  if (entry.requires !== undefined && !existsSync(`${projectRoot}${entry.requires}`)) {
    return { entry, skipped: `${entry.requires} does not exist yet` };
  }
  try {
    const result = await build({
      stdin: { contents: entry.source, resolveDir: projectRoot, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const output = Object.values(result.metafile.outputs)[0];
    const files = Object.entries(output?.inputs ?? {})
      .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
      .filter((f) => f.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    return { entry, minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, files };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n', 1)[0]! : String(error);
    return { entry, skipped: `bundling failed: ${message}` };
  }
}

export async function runBundle(): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const entry of bundleEntries()) results.push(await bundleSize(entry));
  return results;
}
