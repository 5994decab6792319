/** `json`, `from-json`, `resolve` and `digest`: one manifest in, one result out. */
import { hasErrors, hasReadErrors, type Diagnostic } from '../manifest/diagnostics.js';
import { encodeManifest, manifestDigest } from '../manifest/encode.js';
import { manifestFromJSON, manifestToJSON } from '../manifest/json.js';
import { type ManifestResult, parseManifest } from '../manifest/read.js';
import { ManifestLoadError, resolveManifest } from '../manifest/resolve.js';
import { isInheritableRequirement } from '../manifest/validate.js';
import {
  DirectoryCasStore,
  type NodeHostOptions,
  loadManifest,
  nodeHost,
  readManifestFile,
} from '../node/load.js';
import { UsageError, parseArgs } from './args.js';
import { CONFIG_NAME, casRootOption, projectConfig, reportConfigProblems } from './config.js';
import { rootOption } from './files.js';
import type { Io } from './io.js';
import { SourceCache, escapeControl, formatHuman, jsonText } from './report.js';

const COMMON = `  --cas-root DIR   directory store for cas://sha256:... bases (default: $VOLT_CAS_ROOT,
                   else the configuration's cas_root)
  --root DIR       a base named by 'extends' must be inside DIR, symbolic links resolved
                   (default: the configuration's root, else the current directory;
                   '--root /' allows any base)
  --config FILE    the project configuration, for root and cas_root (default: the
                   nearest ${CONFIG_NAME} here or above; not read by from-json)
  --no-config      use no project configuration
  -h, --help       show this help

PATH '-' reads standard input. Problems go to stderr. A manifest that is run (resolve,
--resolved) fails on any error; one that is converted or digested fails only when it
does not read as written (syntax, wrong type, unknown key), so a base meant to be
extended converts. On failure nothing is written to stdout and the exit status is 1.
`;

export const jsonHelp = `Usage: volt-manifest json [--resolved] PATH

Prints the manifest as JSON (the Go json names; empty fields left out).

  --resolved       merge the 'extends' chain first
${COMMON}`;

export const fromJsonHelp = `Usage: volt-manifest from-json PATH

Reads a manifest in its JSON form and prints its canonical TOML.

${COMMON}`;

export const resolveHelp = `Usage: volt-manifest resolve PATH

Prints the manifest merged with its 'extends' chain, in canonical TOML.

${COMMON}`;

export const digestHelp = `Usage: volt-manifest digest [--resolved] PATH

Prints sha256:<hex> of the manifest's canonical TOML (its content address).

  --resolved       digest the manifest merged with its 'extends' chain
${COMMON}`;

async function readInput(path: string, io: Io): Promise<Uint8Array> {
  return path === '-' ? io.readStdin() : readManifestFile(path);
}

/**
 * Prints the problems; true when the command fails on them. A manifest that is run
 * (`resolve`, `--resolved`) fails on any error. One that is only converted or digested
 * (`json`, `digest`, `from-json`) fails only when it did not read as written: a base meant
 * to be extended (no name, say) still converts and digests, its problems printed.
 */
function report(diagnostics: readonly Diagnostic[], io: Io, run: boolean): boolean {
  const sources = new SourceCache();
  for (const d of diagnostics) {
    // What a base leaves to the manifests extending it is a problem of what is run only.
    if (run || !isInheritableRequirement(d)) io.stderr(formatHuman(d, io.color, sources));
  }
  return run ? hasErrors(diagnostics) : hasReadErrors(diagnostics);
}

async function load(
  path: string,
  resolved: boolean,
  casRoot: string | undefined,
  root: string | undefined,
  io: Io,
): Promise<ManifestResult> {
  const hostOptions: NodeHostOptions = {};
  if (casRoot !== undefined) hostOptions.cas = new DirectoryCasStore(casRoot);
  if (root !== undefined) hostOptions.root = root;
  if (path !== '-') {
    if (resolved) return loadManifest(path, hostOptions);
    return parseManifest(await readManifestFile(path), { path });
  }
  const bytes = await io.readStdin();
  if (!resolved) return parseManifest(bytes, { path: '<stdin>' });
  return resolveManifest(bytes, { path: '<stdin>', host: nodeHost(hostOptions) });
}

export function manifestCommand(name: 'json' | 'from-json' | 'resolve' | 'digest') {
  const help = {
    json: jsonHelp,
    'from-json': fromJsonHelp,
    resolve: resolveHelp,
    digest: digestHelp,
  }[name];
  return async (argv: readonly string[], io: Io): Promise<number> => {
    const args = parseArgs(argv, {
      ...(name === 'json' || name === 'digest' ? { resolved: {} } : {}),
      'cas-root': { value: true },
      root: { value: true },
      config: { value: true },
      'no-config': {},
      help: {},
      h: {},
    });
    if (args.options.has('help') || args.options.has('h')) {
      io.stdout(help);
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError(`'${name}' takes exactly one PATH`);
    const path = args.positionals[0]!;
    const givenRoot = rootOption(args.options.get('root') as string | undefined);
    try {
      if (name === 'from-json') {
        const bytes = await readInput(path, io);
        const result = manifestFromJSON(bytes, { path: path === '-' ? '<stdin>' : path });
        if (report(result.diagnostics, io, false)) return 1;
        io.stdout(encodeManifest(result.manifest));
        return 0;
      }
      const { config, diagnostics: configProblems } = await projectConfig(args);
      if (configProblems.length > 0) {
        reportConfigProblems(configProblems, io);
        return 2;
      }
      const casRoot = casRootOption(args, config);
      const root = givenRoot ?? config?.root;
      const resolved = name === 'resolve' || args.options.has('resolved');
      const result = await load(path, resolved, casRoot, root, io);
      if (report(result.diagnostics, io, resolved)) return 1;
      if (name === 'json') io.stdout(`${jsonText(manifestToJSON(result.manifest), 2)}\n`);
      else if (name === 'resolve') io.stdout(encodeManifest(result.manifest));
      else io.stdout(`${manifestDigest(result.manifest)}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof ManifestLoadError)) throw error;
      io.stderr(`${escapeControl(error.message)}\n`);
      return 1;
    }
  };
}
