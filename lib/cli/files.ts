/** Turning command-line paths into the list of manifest files. */
import { isUtf8 } from 'node:buffer';
import { existsSync, statSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { loadError } from '../node/load.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { type ParsedArgs, UsageError } from './args.js';
import { CONFIG_NAME, type ProjectFilter } from './config.js';
import {
  type IgnoreRule,
  type PathPattern,
  gitignoreRules,
  globMatcher,
  ignoreRule,
  isGlob,
  isIgnored,
} from './glob.js';

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

/** Whether `path` leads to a directory, following links; false when it leads nowhere. */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Version-control directories: never walked, whatever the options. */
const VCS_DIRECTORIES = new Set(['.git', '.hg', '.svn']);

export interface Selection {
  /**
   * Skip `node_modules`, names starting with `.`, and what `.gitignore` files exclude,
   * while walking (true unless `--no-ignore`).
   */
  ignoreFiles?: boolean;
  /** `--ignore` patterns, in `.gitignore` syntax, relative to the current directory. */
  ignorePatterns?: readonly string[];
  /**
   * A directory (absolute) that every path must be inside by its real path (for a glob,
   * the directory its walk starts from): the configuration's, for its `include` patterns,
   * which come with the manifests and must not reach outside through a symbolic link.
   */
  within?: string;
  /** The `include` and `exclude` of the project configuration, for what a walk finds. */
  project?: ProjectFilter;
  /**
   * A directory or pattern that gives no file is not an error (the caller says so when
   * all of them together give none: the `include` patterns of a configuration).
   */
  mayBeEmpty?: boolean;
}

/** Whether `pattern` matches `path` (relative, `/`-separated) or a directory it is in. */
function matchesOrInside(pattern: PathPattern, path: string): boolean {
  if (pattern.test(path)) return true;
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1))
    if (pattern.test(path.slice(0, slash))) return true;
  return false;
}

/**
 * Whether the configuration leaves out `path` (absolute), found while walking: a file or
 * directory that an `exclude` pattern matches, or a file that no `include` pattern matches
 * (itself or a directory it is in). Paths outside the configuration's directory are kept.
 */
function leftOutByProject(project: ProjectFilter, path: string, isDir: boolean): boolean {
  const prefix = project.dir === '/' ? '/' : `${project.dir}/`;
  if (!path.startsWith(prefix)) return false;
  const inside = path.slice(prefix.length);
  // A directory is tested with a trailing '/' too, so 'generated/**' leaves it unwalked.
  if (project.exclude.some((r) => r.test(inside) || (isDir && r.test(`${inside}/`)))) return true;
  if (isDir || project.include === null) return false;
  return !project.include.some((r) => matchesOrInside(r, inside));
}

/**
 * The rules of the `.gitignore` files above the directory `absolute`, up to the root of the
 * git work tree it is in (the nearest directory above it with a `.git`), outermost first; none
 * outside a work tree. The walk reads the directory's own file and those below it.
 */
function rulesAbove(absolute: string): IgnoreRule[] {
  const above: string[] = [];
  for (let dir = absolute; ;) {
    if (existsSync(join(dir, '.git'))) {
      return above.reverse().flatMap((d) => gitignoreRules(d));
    }
    const parent = dirname(dir);
    if (parent === dir) return [];
    above.push((dir = parent));
  }
}

/**
 * Files as given (any name), directories walked recursively for `*.toml` files in sorted
 * order, and glob patterns (`'ex/**\/*.toml'`, when no file has that name) expanded to the
 * `*.toml` files they match, by the same walk. The walk skips version-control directories,
 * and (unless `ignoreFiles` is false) `node_modules`, names starting with `.` and what the
 * `.gitignore` files of the tree (and those above it, up to the root of its git work tree)
 * exclude; `ignorePatterns` are more such lines. A file named as it is is always taken.
 * A directory or pattern that gives no file is a usage error that says so.
 *
 * Symbolic links found inside directories are not followed (so a walk never leaves the
 * tree or loops); with `followLinks: false` a link given directly is refused too. Links
 * named `*.toml` are listed as problems; with `linkedDirectories`, so are links to
 * directories, whose manifests would otherwise go unchecked without a word.
 */
export async function expandPaths(
  paths: readonly string[],
  followLinks: boolean,
  {
    linkedDirectories = false,
    ignoreFiles = true,
    ignorePatterns = [],
    project,
    mayBeEmpty = false,
    within,
  }: { linkedDirectories?: boolean } & Selection = {},
): Promise<Expansion> {
  const files: string[] = [];
  const seen = new Set<string>();
  const problems: Expansion['problems'] = [];
  const cwd = process.cwd();
  // --no-ignore takes everything but VCS directories, --ignore patterns too (as ESLint's).
  const patternRules = ignoreFiles ? ignorePatterns.flatMap((p) => ignoreRule(p, cwd) ?? []) : [];
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  /** Entries of the current argument left out by an ignore rule (for the message when none is left). */
  let ignored = 0;
  /** Entries of the current argument left out by the configuration's include and exclude. */
  let leftOut = 0;
  /**
   * Walks `dir`, whose path from the start of a glob is `relative`; `match`, for a glob,
   * is what that path of a file must match. `rules` are the ignore rules from above.
   */
  const walk = async (
    dir: string,
    inherited: readonly IgnoreRule[],
    relative: string,
    match: PathPattern | null,
  ): Promise<void> => {
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
    const absolute = resolve(dir);
    // The directory's own .gitignore first, then --ignore: the last rule that matches wins.
    const rules = ignoreFiles
      ? [
          ...inherited.filter((r) => !patternRules.includes(r)),
          ...gitignoreRules(absolute),
          ...patternRules,
        ]
      : [];
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
      const isDir = entry.isDirectory();
      if (isDir && VCS_DIRECTORIES.has(name)) continue;
      // What the walk would pass over anyway is not counted as ignored; nor is a
      // configuration file, which is never a manifest.
      if (!isDir && !entry.isSymbolicLink() && (!name.endsWith('.toml') || name === CONFIG_NAME))
        continue;
      const entryPath = `${absolute === '/' ? '' : absolute}/${name}`;
      const skipped =
        (ignoreFiles && (name.startsWith('.') || (isDir && name === 'node_modules'))) ||
        isIgnored(rules, entryPath, isDir);
      if (skipped) {
        ignored++;
        continue;
      }
      if (project !== undefined && leftOutByProject(project, entryPath, isDir)) {
        leftOut++;
        continue;
      }
      const inside = relative === '' ? name : `${relative}/${name}`;
      const matches = isDir || match === null || match.test(inside);
      if (!utf8) {
        // Not passed over without a word: a manifest (or a directory that may hold some)
        // that cannot be checked is reported, its name escaped.
        if (matches) {
          problems.push({
            at: files.length,
            path,
            reason: 'unreadable',
            message: `${path}: cannot be ${isDir ? 'searched' : 'read'}: its name is not valid UTF-8 (rename it)`,
          });
        }
        continue;
      }
      if (entry.isSymbolicLink()) {
        if (!matches) continue;
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
      } else if (isDir) await walk(path, rules, inside, match);
      else if (entry.isFile() && matches) add(path);
    }
  };
  const startRules = (dir: string) =>
    ignoreFiles ? [...rulesAbove(resolve(dir)), ...patternRules] : [];
  /** A usage error when the argument `path` gave nothing from `before` on. */
  const mustFind = (message: string, before: { files: number; problems: number }) => {
    if (mayBeEmpty || files.length > before.files || problems.length > before.problems) return;
    const why =
      ignored > 0
        ? ` (${ignored} ${ignored === 1 ? 'entry is' : 'entries are'} ignored by .gitignore, --ignore or the default skips; --no-ignore takes ${ignored === 1 ? 'it' : 'them'})`
        : '';
    const byProject =
      leftOut > 0
        ? ` (${leftOut} ${leftOut === 1 ? 'entry is' : 'entries are'} left out by the include and exclude patterns of the configuration; --no-config takes ${leftOut === 1 ? 'it' : 'them'})`
        : '';
    throw new UsageError(`${message}${why}${byProject}`);
  };
  for (const path of paths) {
    ignored = 0;
    leftOut = 0;
    const before = { files: files.length, problems: problems.length };
    if (within !== undefined && (await outside(path, within))) {
      problems.push({
        at: files.length,
        path,
        reason: 'unreadable',
        message: `${path}: outside the directory of the configuration (through a symbolic link), not read`,
      });
      continue;
    }
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      if (isGlob(path)) {
        await expandGlob(path);
        mustFind(`no files matching the pattern '${path}' were found`, before);
        continue;
      }
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
    } else if (info.isDirectory()) {
      await walk(path, startRules(path), '', null);
      mustFind(`no *.toml files found in the directory '${path}'`, before);
    } else add(path);
  }
  return { files, problems };

  /** The files the glob `pattern` matches, walked from its first segments without `*?[`. */
  async function expandGlob(pattern: string): Promise<void> {
    const { base, rest } = globStart(pattern);
    if (!(await isDirectory(base))) return;
    await walk(base, startRules(base), '', globMatcher(rest));
  }
}

/** Where the walk for the glob `pattern` starts (its segments before the first with `*?[`), and the rest. */
function globStart(pattern: string): { base: string; rest: string } {
  const segments = pattern.split('/');
  const literal = segments.findIndex((s) => isGlob(s));
  // Escapes in the literal part name the characters themselves.
  const baseSegments = segments.slice(0, literal).map((s) => s.replace(/\\(.)/gu, '$1'));
  const base = literal === 0 ? '.' : baseSegments.join('/') || '/';
  return { base, rest: segments.slice(literal).join('/') };
}

/**
 * Whether `path` (or, for a glob that names no file, where its walk starts) is outside
 * `directory` by its real path; false when it does not exist (it is reported as missing).
 */
async function outside(path: string, directory: string): Promise<boolean> {
  let real;
  try {
    real = await realpath(path);
  } catch {
    if (!isGlob(path)) return false;
    try {
      real = await realpath(globStart(path).base);
    } catch {
      return false;
    }
  }
  const from = relative(await realpath(directory), real);
  return from === '..' || from.startsWith('../') || isAbsolute(from);
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

/**
 * `--output-file FILE`, checked before any file is: its directory must exist and the name
 * must not be a directory, so that a run does not check everything and then fail to write.
 */
export function outputFileOption(file: string): void {
  if (file === '') throw new UsageError("option '--output-file' needs a file name, got ''");
  let info;
  try {
    info = statSync(dirname(file));
  } catch (error) {
    throw new UsageError(`option '--output-file': ${loadError(error, dirname(file)).message}`);
  }
  if (!info.isDirectory())
    throw new UsageError(`option '--output-file': ${dirname(file)} is not a directory`);
  if (existsSync(file) && statSync(file).isDirectory())
    throw new UsageError(`option '--output-file': ${file} is a directory`);
}

/**
 * What `check` and `fmt` take besides their files: PATH `-` (standard input, then the only
 * PATH) with the name `--stdin-filename` gives it, and the `--ignore` patterns. Usage
 * errors for a misuse of either.
 */
export function pathOptions(args: ParsedArgs): {
  fromStdin: boolean;
  stdinName: string | undefined;
  ignorePatterns: string[];
} {
  const stdinName = args.options.get('stdin-filename') as string | undefined;
  const fromStdin = args.positionals.includes('-');
  if (fromStdin && args.positionals.length > 1)
    throw new UsageError("PATH '-' (standard input) must be the only PATH");
  if (stdinName !== undefined && !fromStdin)
    throw new UsageError(
      "option '--stdin-filename' names what PATH '-' reads; give '-' as the PATH",
    );
  if (stdinName === '') throw new UsageError("option '--stdin-filename' needs a file name");
  const ignorePatterns = args.values.get('ignore') ?? [];
  if (ignorePatterns.some((p) => p.trim() === '' || p.startsWith('#')))
    throw new UsageError("option '--ignore' needs a pattern (not empty, not a '#' comment)");
  return { fromStdin, stdinName, ignorePatterns };
}
