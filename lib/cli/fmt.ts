/** `volt-manifest fmt`: rewrite manifests in canonical form, atomically, losing nothing. */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatManifest } from '../manifest/format.js';
import { readManifestFile } from '../node/load.js';
import { UsageError, parseArgs } from './args.js';
import { expandPaths } from './files.js';
import type { Io } from './io.js';

export const fmtHelp = `Usage: volt-manifest fmt [--check] PATH...

Rewrites manifests (files, or directories searched recursively for *.toml) in
canonical form: sections and keys in model order, empty values left out, one style.

Nothing you wrote is lost:
  - comments move with the key or table they annotate (lines above it stay above it,
    a comment at the end of a line stays there, a header comment stays on top);
  - a file is left untouched, with the reason, when it has errors (run 'check'),
    when a comment sits inside a multi-line value, or when it is a symbolic link;
  - files are replaced atomically (written to a temporary file, then renamed), so an
    interrupted run never leaves a truncated manifest.

Options:
  --check      write nothing; list the files that would change and exit 1 if any
  -h, --help   show this help

Exit status: 0 done (or nothing to change), 1 a file was refused or would change
(--check), 2 usage error.
`;

/** Replaces `path` with `text` atomically, keeping its permissions. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const { mode } = await stat(path);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode & 0o7777);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

export async function fmtCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { check: {}, help: {}, h: {} });
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(fmtHelp);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("'fmt' needs at least one PATH");
  const checkOnly = args.options.has('check');
  const { files, problems } = await expandPaths(args.positionals, false);
  let failed = problems.length > 0;
  for (const problem of problems) io.stderr(`${problem.message}: left untouched\n`);
  let changed = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readManifestFile(file);
    } catch (error) {
      io.stderr(`${(error as Error).message}: left untouched\n`);
      failed = true;
      continue;
    }
    const outcome = formatManifest(bytes, { path: file });
    if (!outcome.ok) {
      io.stderr(`${file}: not formatted: ${outcome.reason}\n`);
      failed = true;
      continue;
    }
    if (!outcome.changed) continue;
    changed++;
    if (checkOnly) {
      io.stdout(`${file}\n`);
      continue;
    }
    try {
      await writeAtomically(file, outcome.text);
      io.stdout(`formatted ${file}\n`);
    } catch (error) {
      io.stderr(`${file}: cannot write: ${(error as Error).message} (left untouched)\n`);
      failed = true;
    }
  }
  if (checkOnly && changed > 0) {
    io.stderr(`${changed} file${changed === 1 ? '' : 's'} would be reformatted\n`);
    return 1;
  }
  return failed ? 1 : 0;
}
