/**
 * The real-world corpus (`../shared/realworld/`, read its README): 6,526 TOML files from
 * public repositories. The bench times the files that tomllib reads as TOML 1.0 (`v10`
 * not null in expected.jsonl.gz) and that every parse contender reads (ours, smol-toml and
 * the other peers): the same list for every contender, split into lockfiles and the rest
 * (config files) by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { peers } from './peers.js';

export const corpusDir = fileURLToPath(new URL('../../../shared/realworld/', import.meta.url));
export const corpusPath = `${corpusDir}corpus.jsonl.gz`;
const expectedPath = `${corpusDir}expected.jsonl.gz`;

/** Files under this many bytes (UTF-8) are the "small files" group. */
export const SMALL_FILE_BYTES = 4096;

export interface CorpusFile {
  /** `<owner>+<repo>/<path with / written as __>`, as in the corpus. */
  name: string;
  text: string;
  bytes: number;
  lockfile: boolean;
}

export interface Corpus {
  files: CorpusFile[];
  /** Files in corpus.jsonl.gz. */
  total: number;
  /** Of those, rejected by tomllib as TOML 1.0 (`v10` null). */
  notToml10: number;
  /** Of the rest, files that a contender's parse rejects: the first that does, and its error. */
  rejected: { name: string; by: string; error: string }[];
}

/** The file's own name: the last part of its path in the repository. */
export function baseName(corpusName: string): string {
  const path = corpusName.slice(corpusName.indexOf('/') + 1);
  const parts = path.split('__');
  return parts[parts.length - 1]!;
}

/**
 * A lockfile, by its name: `*.lock` (Cargo.lock, poetry.lock, uv.lock, pdm.lock, mise.lock,
 * uv's script locks `*.py.lock`, ...) or a PEP 751 lock `pylock.toml` / `pylock.*.toml`.
 * Everything else counts as a config file.
 */
export function isLockfile(corpusName: string): boolean {
  const name = baseName(corpusName);
  return name.endsWith('.lock') || /^pylock(\.[^.]+)?\.toml$/.test(name);
}

function jsonLines(path: string): unknown[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!;
}

/**
 * The first parse contender (ours first) that throws on `text`, and its message. Each
 * parses it twice, as the timed rounds will: @iarna/toml keeps state between calls and
 * accepts a key named `constructor` on its first parse only.
 */
function rejectedBy(text: string): { by: string; error: string } | null {
  for (const peer of peers) {
    if (peer.parse === undefined) continue;
    try {
      peer.parse(text);
      peer.parse(text);
    } catch (error) {
      return { by: peer.name, error: firstLine(error) };
    }
  }
  return null;
}

const cached = new Map<number, Corpus>();

/**
 * The corpus as the bench times it, or why it cannot (one line); with `every` > 1 only
 * every `every`-th file (for a quick run). Read once per process. Texts are decoded
 * from UTF-8 once (flat strings).
 */
export function loadCorpus(every = 1): Corpus | { skipped: string } {
  const done = cached.get(every);
  if (done !== undefined) return done;
  if (!existsSync(corpusPath) || !existsSync(expectedPath)) {
    return { skipped: `the real-world corpus is missing (${corpusPath} not found)` };
  }
  const expected = new Map<string, unknown>();
  for (const row of jsonLines(expectedPath) as { file: string; v10: unknown }[]) {
    expected.set(row.file, row.v10);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const corpus: Corpus = { files: [], total: 0, notToml10: 0, rejected: [] };
  const rows = jsonLines(corpusPath) as { file: string; b64: string }[];
  for (let i = 0; i < rows.length; i += every) {
    const row = rows[i]!;
    corpus.total++;
    const v10 = expected.get(row.file);
    if (v10 === null || v10 === undefined) {
      corpus.notToml10++;
      continue;
    }
    const bytes = Buffer.from(row.b64, 'base64');
    const text = decoder.decode(bytes);
    const rejection = rejectedBy(text);
    if (rejection !== null) {
      corpus.rejected.push({ name: row.file, ...rejection });
      continue;
    }
    corpus.files.push({
      name: row.file,
      text,
      bytes: bytes.length,
      lockfile: isLockfile(row.file),
    });
  }
  cached.set(every, corpus);
  return corpus;
}
