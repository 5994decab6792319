/** Benchmark inputs: flat strings, files read at run time, paths of the project. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (the bench runs from `dist/bench`). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Scratch space for the bench (ignored by git): data for child processes, profiles. */
/** Generated data and profiles, under node_modules/.cache (not in the checkout's own files). */
export const cacheDir = `${projectRoot}node_modules/.cache/volt-manifest-bench/`;

/** The TOML spec's example, from the shared toml-test checkout next to the project. */
export const specExamplePath = fileURLToPath(
  new URL('../../../shared/toml-test/tests/valid/spec-example-1.toml', import.meta.url),
);

/**
 * A flat copy of `text`. Strings built by concatenation are ropes, and the first reader
 * pays for flattening them; a round trip through bytes gives a flat sequential string,
 * so no contender pays for that (and none profits from another having paid).
 */
export function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** The spec example, or `null` when the shared checkout is not there. */
export function readSpecExample(): string | null {
  return existsSync(specExamplePath) ? flat(readFileSync(specExamplePath, 'utf8')) : null;
}

/** UTF-8 size of a list of texts. */
export function utf8Bytes(texts: readonly string[]): number {
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text, 'utf8');
  return bytes;
}

/** The version of an installed package, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    const json = JSON.parse(
      readFileSync(`${projectRoot}node_modules/${name}/package.json`, 'utf8'),
    ) as { version?: string };
    return json.version ?? '?';
  } catch {
    return 'not installed';
  }
}

/** The first line of an error message, shortened for a table cell. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}
