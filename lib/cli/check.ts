/** `volt-manifest check`: validate manifests and report every problem. */
import { realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import process from 'node:process';
import { type Diagnostic, diagnostic, hasErrors } from '../manifest/diagnostics.js';
import { isInheritableRequirement } from '../manifest/validate.js';
import { type CheckResult, WORKERS_PER_CPU, checkManifests, maxWorkers } from '../node/batch.js';
import { UsageError, parseArgs } from './args.js';
import { expandPaths, rootOption } from './files.js';
import type { Io } from './io.js';
import {
  SourceCache,
  escapeControl,
  formatGithub,
  formatHuman,
  formatJson,
  summary,
  type OutputFormat,
} from './report.js';

export const checkHelp = `Usage: volt-manifest check [options] PATH...

Checks manifests: files, or directories searched recursively for *.toml. Resolves
'extends', validates, and prints every diagnostic. A file that cannot be read is
reported and the others are still checked.

Options:
  --format FORMAT   human (default), json (one array of diagnostics) or github
                    (workflow annotations)
  --no-color        no colours (they are only used on a terminal, never with NO_COLOR)
  --exit-zero       exit 0 even when errors are found (report only)
  --quiet           report errors only (warnings still count for --max-warnings)
  --max-warnings N  exit 1 when there are more than N warnings
  --workers N       worker threads for large sets (default: all cores; at most
                    ${WORKERS_PER_CPU} per core)
  --cas-root DIR    directory store for cas://sha256:... bases (<DIR>/sha256/<hex>);
                    default: $VOLT_CAS_ROOT
  --root DIR        a base named by 'extends' must be inside DIR, symbolic links
                    resolved (extends-outside-root otherwise, and it is not read);
                    default: the current directory. '--root /' allows any base:
                    only for manifests you trust
  -h, --help        show this help

Exit status: 0 no errors (warnings allowed up to --max-warnings), 1 errors found or
too many warnings, 2 usage error.
`;

/** Problems with the paths themselves, as diagnostics. */
function pathDiagnostics(
  problems: Awaited<ReturnType<typeof expandPaths>>['problems'],
): Diagnostic[] {
  return problems
    .filter((p) => p.reason !== 'symlink' && p.reason !== 'linked-directory')
    .map((p) =>
      diagnostic(p.reason === 'not-found' ? 'file-not-found' : 'file-unreadable', p.message, '', {
        file: p.path,
        line: 0,
        column: 0,
        endLine: 0,
        endColumn: 0,
      }),
    );
}

/** One name per file, for telling whether two names are the same file. */
function fileKey(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

/**
 * Each result's diagnostics as what is run sees them, and how many checked files are
 * bases. A checked file that another checked file extends is a base: what it may leave
 * to a child (a required name or mode, something to run, a kernel path) is checked on the
 * children that resolve it, not on the base alone. An `extends` cycle is reported once,
 * by the first file that meets it: the others meet the same files, or the same `extends`.
 */
function asRun(results: readonly CheckResult[]): { perFile: Diagnostic[][]; bases: number } {
  const baseKeys = new Set<string>();
  for (const r of results) {
    for (let i = 1; i < r.files.length; i++) {
      if (!r.files[i]!.startsWith('cas://')) baseKeys.add(fileKey(r.files[i]!));
    }
  }
  const cycles = new Set<string>();
  let bases = 0;
  const perFile = results.map((r) => {
    const isBase = baseKeys.size > 0 && baseKeys.has(fileKey(r.path));
    if (isBase) bases++;
    return r.diagnostics.filter((d) => {
      if (isBase && d.file === r.path && isInheritableRequirement(d)) return false;
      if (d.code !== 'extends-cycle') return true;
      const at = `at\u0000${d.file}\u0000${d.line}\u0000${d.column}`;
      const members = `in\u0000${[...new Set(r.files.map(fileKey))].sort().join('\u0000')}`;
      if (cycles.has(at) || cycles.has(members)) return false;
      cycles.add(at);
      cycles.add(members);
      return true;
    });
  });
  return { perFile, bases };
}

/** The same diagnostic can come from a base checked on its own and through a child. */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function checkCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    format: { value: true, choices: ['human', 'json', 'github'] },
    'no-color': {},
    'exit-zero': {},
    quiet: {},
    'max-warnings': { value: true },
    workers: { value: true },
    'cas-root': { value: true },
    root: { value: true },
    help: {},
    h: {},
  });
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(checkHelp);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("'check' needs at least one PATH");
  const format = (args.options.get('format') ?? 'human') as OutputFormat;
  const maxWarningsText = args.options.get('max-warnings') as string | undefined;
  if (maxWarningsText !== undefined && !/^[0-9]+$/.test(maxWarningsText)) {
    throw new UsageError('--max-warnings needs a whole number of 0 or more');
  }
  const maxWarnings = maxWarningsText === undefined ? Infinity : Number(maxWarningsText);
  const color = io.color && !args.options.has('no-color');
  const workersText = args.options.get('workers');
  let workers: number | undefined;
  if (workersText !== undefined) {
    workers = Number(workersText);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError('--workers needs a positive whole number');
    const cap = maxWorkers();
    if (workers > cap) {
      io.stderr(
        `note: --workers ${workers} is more than ${cap} (${WORKERS_PER_CPU} per core); using ${cap}\n`,
      );
      workers = cap;
    }
  }
  const casRoot =
    (args.options.get('cas-root') as string | undefined) ?? process.env['VOLT_CAS_ROOT'];
  const root = rootOption(args.options.get('root') as string | undefined);

  const { files, problems } = await expandPaths(args.positionals, true, {
    linkedDirectories: true,
  });
  for (const p of problems)
    if (p.reason === 'symlink' || p.reason === 'linked-directory')
      io.stderr(`note: ${escapeControl(p.message)}\n`);
  const progress = io.stderrIsTTY && files.length > 200;
  const results = await checkManifests(files, {
    ...(workers !== undefined ? { workers } : {}),
    ...(casRoot !== undefined ? { casRoot } : {}),
    ...(root !== undefined ? { root } : {}),
    ...(progress ? { onProgress: (done, total) => io.stderr(`\rchecking ${done}/${total}`) } : {}),
  });
  if (progress) io.stderr('\r\u001b[K');
  const { perFile, bases } = asRun(results);
  // In input order: a path that could not be used stands where it was named.
  const inOrder: Diagnostic[] = [];
  let next = 0;
  for (let i = 0; i <= perFile.length; i++) {
    while (next < problems.length && problems[next]!.at <= i) {
      for (const d of pathDiagnostics([problems[next]!])) inOrder.push(d);
      next++;
    }
    for (const d of perFile[i] ?? []) inOrder.push(d);
  }
  const found = dedupe(inOrder);
  const warnings = found.filter((d) => d.severity === 'warning').length;
  // --quiet: errors only, as ESLint's; the warnings still count for --max-warnings.
  const diagnostics = args.options.has('quiet')
    ? found.filter((d) => d.severity === 'error')
    : found;
  const checked = files.length;

  if (format === 'json') io.stdout(formatJson(diagnostics));
  else if (format === 'github') io.stdout(diagnostics.map(formatGithub).join(''));
  else {
    const sources = new SourceCache();
    io.stdout(diagnostics.map((d) => formatHuman(d, color, sources)).join('\n'));
    if (diagnostics.length > 0) io.stdout('\n');
    io.stdout(summary(diagnostics, checked, color, bases));
  }
  const tooManyWarnings = warnings > maxWarnings;
  if (tooManyWarnings) {
    io.stderr(
      `volt-manifest: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`,
    );
  }
  if (args.options.has('exit-zero')) return 0;
  return hasErrors(diagnostics) || tooManyWarnings ? 1 : 0;
}
