/** `volt-manifest cas put`: store manifests in a directory content-addressed store. */
import { encodeManifest } from '../manifest/encode.js';
import { parseManifest } from '../manifest/read.js';
import { ManifestLoadError } from '../manifest/resolve.js';
import { isInheritableRequirement } from '../manifest/validate.js';
import { DirectoryCasStore, readManifestFile } from '../node/load.js';
import { UsageError, parseArgs } from './args.js';
import { CONFIG_NAME, casRootOption, projectConfig, reportConfigProblems } from './config.js';
import type { Io } from './io.js';
import { SourceCache, escapeControl, formatHuman } from './report.js';

export const casHelp = `Usage: volt-manifest cas put [--cas-root DIR] FILE...

Stores each manifest's canonical encoding in the directory store DIR (as
DIR/sha256/<hex>, atomically) and prints its reference, cas://sha256:<hex>, one line
per file in the order given. A manifest that another one extends as
extends = "cas://sha256:<hex>" is then read from the store and checked against its
digest. The reference is the one 'volt-manifest digest FILE' prints.

A file with errors is not stored (its problems go to stderr, the other files are still
stored, and the exit status is 1). What a base leaves to the manifests that extend it
(a name, a mode, something to run) is not required; a relative 'extends' is refused,
since a stored manifest has no directory (it may extend cas:// references only).

  --cas-root DIR   the store (default: $VOLT_CAS_ROOT, else the configuration's cas_root)
  --config FILE    the project configuration, for cas_root (default: the nearest
                   ${CONFIG_NAME} here or above)
  --no-config      use no project configuration
  -h, --help       show this help
`;

export async function casCommand(argv: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined) {
    io.stderr(casHelp);
    return 2;
  }
  if (action === '-h' || action === '--help') {
    io.stdout(casHelp);
    return 0;
  }
  if (action !== 'put') throw new UsageError(`unknown 'cas' action '${action}' (only 'put')`);
  const args = parseArgs(rest, {
    'cas-root': { value: true },
    config: { value: true },
    'no-config': {},
    help: {},
    h: {},
  });
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(casHelp);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("'cas put' needs at least one FILE");
  const { config, diagnostics: configProblems } = await projectConfig(args);
  if (configProblems.length > 0) {
    reportConfigProblems(configProblems, io);
    return 2;
  }
  const root = casRootOption(args, config);
  if (root === undefined) {
    throw new UsageError(
      `'cas put' needs --cas-root DIR (or $VOLT_CAS_ROOT, or cas_root in ${CONFIG_NAME})`,
    );
  }
  const store = new DirectoryCasStore(root);
  const sources = new SourceCache();
  let failed = false;
  for (const path of args.positionals) {
    let bytes: Uint8Array;
    try {
      bytes = await readManifestFile(path);
    } catch (error) {
      if (!(error instanceof ManifestLoadError)) throw error;
      io.stderr(`${escapeControl(error.message)}\n`);
      failed = true;
      continue;
    }
    const result = parseManifest(bytes, { path });
    // A base may leave its name, mode and something to run to the manifests extending it:
    // those are checked on what is run, not here.
    const shown = result.diagnostics.filter((d) => !isInheritableRequirement(d));
    for (const d of shown) io.stderr(formatHuman(d, io.color, sources));
    const errors = shown.filter((d) => d.severity === 'error').length;
    const base = result.manifest.extends;
    const refusal =
      errors > 0
        ? `it has ${errors} error${errors === 1 ? '' : 's'}`
        : base !== '' && !base.startsWith('cas://')
          ? `extends '${base}' is a relative path, and a stored manifest has no directory (it may extend cas://sha256:… references only)`
          : null;
    if (refusal !== null) {
      io.stderr(`${escapeControl(`${path}: not stored: ${refusal}`)}\n`);
      failed = true;
      continue;
    }
    let digest: string;
    try {
      digest = await store.put(encodeManifest(result.manifest));
    } catch (error) {
      // The store cannot take it (a file where a directory should be, no permission, a
      // full disk): this file is not stored, and the others are still tried.
      io.stderr(
        `${escapeControl(`${path}: not stored: cannot write to the store ${root}: ${(error as Error).message}`)}\n`,
      );
      failed = true;
      continue;
    }
    io.stdout(`cas://${digest}\n`);
  }
  return failed ? 1 : 0;
}
