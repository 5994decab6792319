/** `volt-manifest fmt`: rewrite manifests in canonical form, atomically, losing nothing. */
import { randomBytes } from 'node:crypto';
import { access, constants, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatManifest } from '../manifest/format.js';
import { readManifestFile } from '../node/load.js';
import { UsageError, parseArgs } from './args.js';
import {
  CONFIG_NAME,
  configPaths,
  noFilesFromConfig,
  projectConfig,
  projectFilter,
  reportConfigProblems,
} from './config.js';
import { expandPaths, pathOptions } from './files.js';
import type { Io } from './io.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { unifiedDiff } from './diff.js';
import { escapeControl } from './report.js';

export const fmtHelp = `Usage: volt-manifest fmt [--check | --diff] PATH... (or - for standard input)

Rewrites manifests (files, directories searched recursively for *.toml, or glob
patterns such as 'ex/**/*.toml') in canonical form: sections and keys in model order,
empty values left out (kept in a manifest with 'extends', where they override). PATH '-' reads a manifest from standard input and
writes its canonical form to standard output (nothing, and exit 1, when refused).
Directories and patterns are walked as by 'check' (no .git, node_modules, dot-names or
what .gitignore excludes); one that gives no file is a usage error.

Nothing you wrote is lost:
  - comments move with the key or table they annotate (lines above it stay above it,
    a comment at the end of a line stays there, a header comment stays on top, a
    block followed by a blank line stays under what is above it: the end of its
    section before a header);
  - the line ending (CRLF stays CRLF) and each string's style (literal, multi-line,
    escapes) stay as written when they hold the same value;
  - problems of the model's rules (a value out of range, a missing field) stay, for
    'check' to report; a file is left untouched, with the reason, when it has errors
    formatting would lose (a syntax error, a wrong type, an unknown key: run 'check'),
    when a comment sits inside a multi-line value, or when it is a symbolic link (a
    link to a directory met in a walk gets a note);
  - files are replaced atomically (written to a temporary file, then renamed), so an
    interrupted run never leaves a truncated manifest; the new file gets the old
    one's permission bits and, where allowed, its owner and group;
  - a file that needs changes is not written when it is read-only (no write
    permission), has more than one hard link (replacing it would split them), or
    was changed by someone else while fmt ran.

Options:
  --check      write nothing; list the files that would change and exit 1 if any
  --diff       write nothing; print a unified diff of each file that would change
               (exit 1 if any), as 'diff -u' does
  --ignore PATTERN  leave out what PATTERN (.gitignore syntax) matches; repeatable
  --no-ignore  walk node_modules, dot-names, and what .gitignore and --ignore exclude
  --stdin-filename PATH  with PATH '-': the name used in messages for standard input
  --config FILE  the project configuration (default: the nearest ${CONFIG_NAME} here
               or above); without a PATH, its 'include' files are formatted
  --no-config  use no project configuration
  -h, --help   show this help

Exit status: 0 done (or nothing to change), 1 a file was refused or would change
(--check), 2 usage error.
`;

/** A file `fmt` will not replace, for a reason the user can act on (not an I/O failure). */
export class WriteRefused extends Error {
  override readonly name = 'WriteRefused';
}

/**
 * Replaces `path`, read as `original`, with `text` atomically, keeping its permission bits
 * and, where the system allows it, its owner and group. Throws `WriteRefused`, leaving the
 * file as it is, when replacing it would do what writing into it could not: change a
 * read-only file, or split a file with several hard links (the other names would keep the
 * old text); or when the file no longer holds `original` (saved by someone else meanwhile).
 */
export async function writeAtomically(
  path: string,
  text: string,
  original: Uint8Array,
): Promise<void> {
  const info = await lstat(path);
  if (!info.isFile()) throw new WriteRefused(`${path} is not a regular file`);
  // The mode bits rather than only access(): root may write anything, but a file with no
  // write bit was still made read-only on purpose.
  if ((info.mode & 0o222) === 0) throw new WriteRefused(`${path} is read-only`);
  try {
    await access(path, constants.W_OK);
  } catch {
    throw new WriteRefused(`${path} is read-only for you (no write permission)`);
  }
  if (info.nlink > 1) {
    throw new WriteRefused(
      `${path} has ${info.nlink} hard links (replacing it would leave the other names with the old text)`,
    );
  }
  // Named after the file, so one left behind by a crash says whose it is; a name too long
  // to take 18 more bytes (most file systems stop at 255) gets a short one.
  const name = basename(path);
  const stem = Buffer.byteLength(name) <= 200 ? name : 'volt-fmt';
  const temporary = join(dirname(path), `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    // The owner first: changing it may clear set-user-ID and set-group-ID bits. The
    // mode is set explicitly because the one given to open() is reduced by the umask.
    await handle.chown(info.uid, info.gid).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPERM') throw error;
    });
    await handle.chmod(info.mode & 0o7777);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    // Checked last, after the slow part, so the window for an edit to be lost is as small
    // as a rename (an editor saving meanwhile would otherwise see its text replaced).
    if (!(await readFile(path)).equals(original)) {
      throw new WriteRefused(`${path} changed while it was being formatted`);
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

export async function fmtCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    check: {},
    diff: {},
    ignore: { value: true },
    'no-ignore': {},
    'stdin-filename': { value: true },
    config: { value: true },
    'no-config': {},
    help: {},
    h: {},
  });
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(fmtHelp);
    return 0;
  }
  const { config, diagnostics: configProblems } = await projectConfig(args);
  if (configProblems.length > 0) {
    reportConfigProblems(configProblems, io);
    return 2;
  }
  if (args.positionals.length === 0 && config === null)
    throw new UsageError(
      `'fmt' needs at least one PATH (or a ${CONFIG_NAME} in this directory or one above it)`,
    );
  const showDiff = args.options.has('diff');
  const checkOnly = args.options.has('check') || showDiff;
  const { fromStdin, stdinName, ignorePatterns } = pathOptions(args);
  if (fromStdin) return fmtStdin(io, stdinName ?? '<stdin>', checkOnly, showDiff);
  const fromConfig = args.positionals.length === 0;
  const { files, problems } = await expandPaths(
    fromConfig ? configPaths(config!) : args.positionals,
    false,
    {
      linkedDirectories: true,
      ignoreFiles: !args.options.has('no-ignore'),
      ignorePatterns,
      ...(config !== null ? { project: projectFilter(config) } : {}),
      ...(fromConfig ? { within: config!.dir } : {}),
      mayBeEmpty: fromConfig,
    },
  );
  if (fromConfig && files.length === 0 && problems.length === 0)
    throw new UsageError(noFilesFromConfig(config!));
  let failed = false;
  for (const problem of problems) {
    // Links are not followed (a walk must not leave the tree or go round in a circle),
    // but the manifests behind one should not be passed over without a word.
    if (problem.reason === 'linked-directory') {
      io.stderr(`note: ${escapeControl(problem.message)}\n`);
      continue;
    }
    io.stderr(`${escapeControl(problem.message)}: left untouched\n`);
    failed = true;
  }
  let changed = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readManifestFile(file);
    } catch (error) {
      io.stderr(`${escapeControl((error as Error).message)}: left untouched\n`);
      failed = true;
      continue;
    }
    const outcome = formatManifest(bytes, { path: file });
    if (!outcome.ok) {
      io.stderr(`${escapeControl(`${file}: not formatted: ${outcome.reason}`)}\n`);
      failed = true;
      continue;
    }
    if (!outcome.changed) continue;
    changed++;
    if (showDiff) {
      io.stdout(unifiedDiff(file, decodeStrictUtf8(bytes).text, outcome.text, io.color));
      continue;
    }
    if (checkOnly) {
      io.stdout(`${escapeControl(file)}\n`);
      continue;
    }
    try {
      await writeAtomically(file, outcome.text, bytes);
      io.stdout(`formatted ${escapeControl(file)}\n`);
    } catch (error) {
      if (error instanceof WriteRefused)
        io.stderr(`${escapeControl(error.message)}: left untouched\n`);
      else
        io.stderr(
          `${escapeControl(`${file}: cannot write: ${(error as Error).message}`)} (left untouched)\n`,
        );
      failed = true;
    }
  }
  if (checkOnly && changed > 0) {
    io.stderr(`${changed} file${changed === 1 ? '' : 's'} would be reformatted\n`);
    return 1;
  }
  return failed ? 1 : 0;
}

/**
 * `fmt -`: the canonical form of the manifest on standard input, on standard output (the
 * text as it was when it is already canonical), as editors pipe a buffer through. With
 * `--check`, nothing is written but the name when it would change (exit 1). A refusal
 * writes nothing on stdout, the reason on stderr, and exits 1.
 */
async function fmtStdin(
  io: Io,
  name: string,
  checkOnly: boolean,
  showDiff: boolean,
): Promise<number> {
  const bytes = await io.readStdin();
  const outcome = formatManifest(bytes, { path: name });
  if (!outcome.ok) {
    io.stderr(`${escapeControl(`${name}: not formatted: ${outcome.reason}`)}\n`);
    return 1;
  }
  if (checkOnly) {
    if (!outcome.changed) return 0;
    if (showDiff)
      io.stdout(unifiedDiff(name, decodeStrictUtf8(bytes).text, outcome.text, io.color));
    else io.stdout(`${escapeControl(name)}\n`);
    io.stderr('1 file would be reformatted\n');
    return 1;
  }
  io.stdout(outcome.text);
  return 0;
}
