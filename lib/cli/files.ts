/** Turning command-line paths into the list of manifest files. */
import { isUtf8 } from 'node:buffer';
import { statSync } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadError } from '../node/load.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { UsageError } from './args.js';

export interface Expansion {
  /** Files to process, in order, without duplicates. */
  files: string[];
  /** Paths that could not be used: missing, unreadable, special files, links not followed. */
  problems: {
    path: string;
    reason: 'not-found' | 'unreadable' | 'symlink' | 'linked-directory';
    message: string;
    /** How many files come before it: where it stands among the files, in input order. */
    at: number;
  }[];
}

/**
 * A file name that is not UTF-8, readable: its valid parts as text, each byte that is not
 * part of a character as `\xNN`. (A string made from it would hold U+FFFD in their place
 * and name a file that does not exist.)
 */
function escapedFileName(name: Uint8Array): string {
  let out = '';
  let rest = name;
  for (;;) {
    const { text, error } = decodeStrictUtf8(rest);
    out += text;
    if (error === null) return out;
    out += `\\x${rest[error.byteOffset]!.toString(16).padStart(2, '0')}`;
    rest = rest.subarray(error.byteOffset + 1);
  }
}

const TOML_SUFFIX = Buffer.from('.toml');

/** Whether `path` leads to a directory, following links; false when it leads nowhere. */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Files as given (any name), directories walked recursively for `*.toml` files in sorted
 * order. Symbolic links found inside directories are not followed (so a walk never leaves
 * the tree or loops); with `followLinks: false` a link given directly is refused too.
 * Links named `*.toml` are listed as problems; with `linkedDirectories`, so are links to
 * directories, whose manifests would otherwise go unchecked without a word.
 */
export async function expandPaths(
  paths: readonly string[],
  followLinks: boolean,
  { linkedDirectories = false }: { linkedDirectories?: boolean } = {},
): Promise<Expansion> {
  const files: string[] = [];
  const seen = new Set<string>();
  const problems: Expansion['problems'] = [];
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      // Names as bytes: one that is not UTF-8 has no string that names the file.
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      problems.push({
        at: files.length,
        path: dir,
        reason: 'unreadable',
        message: `${dir}: ${(error as Error).message}`,
      });
      return;
    }
    const named = entries.map((entry) => {
      const utf8 = isUtf8(entry.name);
      return {
        entry,
        utf8,
        name: utf8 ? entry.name.toString('utf8') : escapedFileName(entry.name),
      };
    });
    named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { entry, utf8, name } of named) {
      const path = join(dir, name);
      if (!utf8) {
        // Not passed over without a word: a manifest (or a directory that may hold some)
        // that cannot be checked is reported, its name escaped.
        const isManifest = !entry.isDirectory() && entry.name.subarray(-5).equals(TOML_SUFFIX);
        if (isManifest || entry.isDirectory()) {
          problems.push({
            at: files.length,
            path,
            reason: 'unreadable',
            message: `${path}: cannot be ${entry.isDirectory() ? 'searched' : 'read'}: its name is not valid UTF-8 (rename it)`,
          });
        }
        continue;
      }
      if (entry.isSymbolicLink()) {
        if (name.endsWith('.toml')) {
          problems.push({
            at: files.length,
            path,
            reason: 'symlink',
            message: `${path}: a symbolic link, not followed`,
          });
        } else if (linkedDirectories && (await isDirectory(path))) {
          problems.push({
            at: files.length,
            path,
            reason: 'linked-directory',
            message: `${path}: a symbolic link to a directory, not followed`,
          });
        }
      } else if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && name.endsWith('.toml')) add(path);
    }
  };
  for (const path of paths) {
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      const problem = loadError(error, path);
      problems.push({
        at: files.length,
        path,
        reason: problem.kind === 'not-found' ? 'not-found' : 'unreadable',
        message: problem.message,
      });
      continue;
    }
    if (info.isSymbolicLink() && !followLinks) {
      problems.push({
        at: files.length,
        path,
        reason: 'symlink',
        message: `${path}: a symbolic link, not followed`,
      });
    } else if (info.isDirectory()) await walk(path);
    else add(path);
  }
  return { files, problems };
}

/**
 * `--root DIR`, checked before any file is: a root that is not a directory would report
 * every base as unreadable, one file at a time.
 */
export function rootOption(root: string | undefined): string | undefined {
  if (root === undefined) return undefined;
  if (root === '') throw new UsageError("option '--root' needs a directory, got ''");
  let info;
  try {
    info = statSync(root);
  } catch (error) {
    throw new UsageError(`option '--root': ${loadError(error, root).message}`);
  }
  if (!info.isDirectory()) throw new UsageError(`option '--root': ${root} is not a directory`);
  return root;
}
