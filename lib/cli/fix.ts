/**
 * `check --fix`: before the check, each file gets the fixes that have exactly one meaning
 * (`fixManifest`), written atomically as `fmt` writes; what changed goes to stderr, so
 * the report on stdout (any format) is the problems that are left.
 */
import { fixManifest } from '../manifest/edit.js';
import { readManifestFile } from '../node/load.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { WriteRefused, writeAtomically } from './fmt.js';
import type { Io } from './io.js';
import { escapeControl } from './report.js';

/**
 * Fixes `files` in place and says on stderr what each fix did (`file:line:column: fixed
 * key-case: renamed 'Name' to 'name'`) or why one found was not made. A file that cannot
 * be read or written is left for the check to report.
 */
export async function fixFiles(files: readonly string[], io: Io): Promise<void> {
  let fixed = 0;
  let changedFiles = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readManifestFile(file);
    } catch {
      continue; // The check reports it.
    }
    const decoded = decodeStrictUtf8(bytes);
    if (decoded.error !== null) continue;
    const result = fixManifest(decoded.text, { path: file });
    const name = escapeControl(file);
    for (const skip of result.skipped) {
      io.stderr(
        `${name}:${skip.line}:${skip.column}: not fixed ${skip.code}: ${escapeControl(`${skip.message}: ${skip.reason}`)}\n`,
      );
    }
    if (!result.changed) continue;
    try {
      await writeAtomically(file, result.text, bytes);
    } catch (error) {
      const reason =
        error instanceof WriteRefused
          ? error.message
          : `${file}: cannot write: ${(error as Error).message}`;
      io.stderr(`${escapeControl(reason)}: not fixed\n`);
      continue;
    }
    for (const fix of result.fixes) {
      io.stderr(
        `${name}:${fix.line}:${fix.column}: fixed ${fix.code}: ${escapeControl(fix.message)}\n`,
      );
    }
    fixed += result.fixes.length;
    changedFiles++;
  }
  if (fixed > 0) {
    io.stderr(
      `fixed ${fixed} problem${fixed === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}\n`,
    );
  }
}
