/** `volt-manifest check`: validate manifests and report every problem. */
import { realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import process from 'node:process';
import { type Diagnostic, diagnostic, hasErrors } from '../manifest/diagnostics.js';
import { isInheritableRequirement } from '../manifest/validate.js';
import { resolveManifest } from '../manifest/resolve.js';
import { type CheckResult, WORKERS_PER_CPU, checkManifests, maxWorkers } from '../node/batch.js';
import { DirectoryCasStore, type NodeHostOptions, nodeHost } from '../node/load.js';
import { UsageError, parseArgs } from './args.js';
import { type Expansion, expandPaths, outputFileOption, pathOptions, rootOption } from './files.js';
import {
  CONFIG_NAME,
  casRootOption,
  configPaths,
  noFilesFromConfig,
  projectConfig,
  projectFilter,
  withRuleSeverities,
} from './config.js';
import { suppressInline } from '../node/suppressions.js';
import { writeFileAtomically } from '../node/load.js';
import { fixFiles } from './fix.js';
import type { Io } from './io.js';
import {
  SourceCache,
  escapeControl,
  formatGithub,
  formatHuman,
  formatJson,
  formatSarif,
  summary,
  type OutputFormat,
} from './report.js';

export const checkHelp = `Usage: volt-manifest check [options] PATH...

Checks manifests: files, directories searched recursively for *.toml, or glob patterns
('ex/**/*.toml': * ? [...] **, expanded here, quoted so the shell does not) matching
*.toml files. Resolves 'extends', validates, and prints every diagnostic. A file that
cannot be read is reported and the others are still checked; a directory or pattern
that gives no file is a usage error. PATH '-' reads one manifest from standard input.
Without a PATH, the files of the project configuration are checked (its 'include').

Options:
  --format FORMAT   human (default), json (one array of diagnostics), github
                    (workflow annotations) or sarif (SARIF 2.1.0, for code scanning)
  --output-file FILE  write the report to FILE (atomically, no colour), not stdout
  --no-color        no colours (they are only used on a terminal, never with NO_COLOR)
  --exit-zero       exit 0 even when errors are found (report only)
  --fix             first fix what has one meaning (a key in the wrong case, a typo
                    with one candidate, a key one other section takes), in place;
                    each fix is listed on stderr, the report is what is left
  --quiet           report errors only (warnings still count for --max-warnings)
  --max-warnings N  exit 1 when there are more than N warnings
  --ignore PATTERN  leave out what PATTERN (.gitignore syntax, from the current
                    directory) matches while walking; repeatable
  --no-ignore       walk node_modules, dot-directories and dot-files, and what
                    .gitignore files and --ignore exclude (never .git, .hg, .svn)
  --shard I/N       check only part I of N of the files (file k, from 0, is in part
                    k mod N + 1): N CI jobs each check one part
  --stdin-filename PATH  with PATH '-': the name the manifest on stdin is reported
                    under, and where its 'extends' are resolved from
  --workers N       worker threads for large sets (default: all cores; at most
                    ${WORKERS_PER_CPU} per core)
  --cas-root DIR    directory store for cas://sha256:... bases (<DIR>/sha256/<hex>);
                    default: $VOLT_CAS_ROOT
  --root DIR        a base named by 'extends' must be inside DIR, symbolic links
                    resolved (extends-outside-root otherwise, and it is not read);
                    default: the current directory. '--root /' allows any base:
                    only for manifests you trust
  --config FILE     the project configuration (default: the nearest ${CONFIG_NAME}
                    in the current directory or above): include, exclude, root,
                    cas_root and [rules] severities (error, warning, off)
  --no-config       use no project configuration
  -h, --help        show this help

A walk skips .git, .hg, .svn, node_modules, names starting with '.', and what the
.gitignore files of the tree (and above it, up to its git work tree's root) exclude.
A file named as it is is always checked. '# volt-manifest: ignore[code, ...]' at the
end of a line suppresses those codes on that line (an unused one is a warning).

Exit status: 0 no errors (warnings allowed up to --max-warnings), 1 errors found or
too many warnings, 2 usage error (or no file matching a PATH).
`;

/** Problems with the paths themselves, as diagnostics. */
function pathDiagnostics(problems: Expansion['problems']): Diagnostic[] {
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
 * The file among `inputs` that a report written to `outputFile` would replace (the same
 * file by its real path), or null. A report must not overwrite what it is about.
 */
function inputAt(outputFile: string, inputs: Iterable<string>): string | null {
  const key = fileKey(outputFile);
  for (const input of inputs) {
    if (input !== '' && !input.startsWith('cas://') && fileKey(input) === key) return input;
  }
  return null;
}

/** The usage error for `--output-file` naming `input`, which the command reads. */
function outputIsInput(input: string): UsageError {
  return new UsageError(
    `option '--output-file' names ${input}, which this command reads: the report would replace it (nothing was written)`,
  );
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

/** `--shard I/N`: which of N equal parts of the file list this run checks (1-based). */
function shardOption(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `option '--shard' needs I/N with 1 <= I <= N (such as 2/4, the second of four parts); got '${text}'`,
    );
  }
  return { index, count };
}

/**
 * The files of shard `index` of `count` and the path problems it reports: file i (from 0,
 * in input order) belongs to shard (i mod count) + 1, so the shards differ in size by one
 * file at most. A path that could not be used is reported by shard 1 alone, so a merged
 * report has it once.
 */
function shardOf(
  expansion: Expansion,
  { index, count }: { index: number; count: number },
): Expansion {
  const files = expansion.files.filter((_, i) => i % count === index - 1);
  // Where a problem stands among the files that are kept: those before it.
  const kept = (at: number) => Math.floor((at + count - index) / count);
  const problems = index === 1 ? expansion.problems.map((p) => ({ ...p, at: kept(p.at) })) : [];
  return { files, problems };
}

/**
 * The manifest on standard input, checked as the file `path` would be: named so in the
 * report, its `extends` resolved from that file's directory, inside the root.
 */
async function checkStdin(
  io: Io,
  path: string,
  sources: SourceCache,
  options: { casRoot?: string; root?: string },
): Promise<CheckResult> {
  const bytes = await io.readStdin();
  const hostOptions: NodeHostOptions = {};
  if (options.casRoot !== undefined) hostOptions.cas = new DirectoryCasStore(options.casRoot);
  if (options.root !== undefined) hostOptions.root = options.root;
  const result = await resolveManifest(bytes, { path, host: nodeHost(hostOptions) });
  // Frames come from what was read, not from a file of that name on disk.
  sources.set(path, new TextDecoder().decode(bytes));
  const files = result.sources.length === 0 ? [path] : result.sources.map((s) => s.file);
  return { path, diagnostics: suppressInline(result), files };
}

export async function checkCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    format: { value: true, choices: ['human', 'json', 'github', 'sarif'] },
    'output-file': { value: true },
    'no-color': {},
    'exit-zero': {},
    fix: {},
    quiet: {},
    'max-warnings': { value: true },
    ignore: { value: true },
    'no-ignore': {},
    shard: { value: true },
    'stdin-filename': { value: true },
    workers: { value: true },
    'cas-root': { value: true },
    root: { value: true },
    config: { value: true },
    'no-config': {},
    help: {},
    h: {},
  });
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(checkHelp);
    return 0;
  }
  const format = (args.options.get('format') ?? 'human') as OutputFormat;
  const maxWarningsText = args.options.get('max-warnings') as string | undefined;
  if (maxWarningsText !== undefined && !/^[0-9]+$/.test(maxWarningsText)) {
    throw new UsageError('--max-warnings needs a whole number of 0 or more');
  }
  const maxWarnings = maxWarningsText === undefined ? Infinity : Number(maxWarningsText);
  const outputFile = args.options.get('output-file') as string | undefined;
  if (outputFile !== undefined) outputFileOption(outputFile);
  // A report written to a file has no colour: it is read later, not on this terminal.
  const color = io.color && !args.options.has('no-color') && outputFile === undefined;
  const shard = shardOption(args.options.get('shard') as string | undefined);
  const { fromStdin, stdinName, ignorePatterns } = pathOptions(args);
  if (fromStdin && args.options.has('fix'))
    throw new UsageError("option '--fix' rewrites files; it does not take PATH '-'");
  const { config, diagnostics: configProblems } = await projectConfig(args);
  if (args.positionals.length === 0 && config === null)
    throw new UsageError(
      `'check' needs at least one PATH (or a ${CONFIG_NAME} in this directory or one above it)`,
    );
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
  const casRoot = casRootOption(args, config);
  const root = rootOption(args.options.get('root') as string | undefined) ?? config?.root;
  if (outputFile !== undefined) {
    const input = inputAt(outputFile, [config?.file ?? configProblems[0]?.file ?? '']);
    if (input !== null) throw outputIsInput(input);
  }
  const sources = new SourceCache();
  /** Writes the report where it goes; false when it could not be written. */
  const emit = async (report: string): Promise<boolean> => {
    if (outputFile === undefined) {
      io.stdout(report);
      return true;
    }
    try {
      await writeFileAtomically(outputFile, report);
      return true;
    } catch (error) {
      io.stderr(
        `volt-manifest: ${escapeControl(`cannot write the report to ${outputFile}: ${(error as Error).message}`)}\n`,
      );
      return false;
    }
  };
  const formatted = (diagnostics: readonly Diagnostic[], checked: number, bases: number) => {
    if (format === 'json') return formatJson(diagnostics);
    if (format === 'github') return diagnostics.map(formatGithub).join('');
    if (format === 'sarif') return formatSarif(diagnostics, process.cwd());
    let report = diagnostics.map((d) => formatHuman(d, color, sources)).join('\n');
    if (diagnostics.length > 0) report += '\n';
    return report + summary(diagnostics, checked, color, bases);
  };
  if (configProblems.length > 0) {
    // Reported as a manifest's problems are, in the format asked for; nothing is checked.
    await emit(formatted(configProblems, 0, 0));
    io.stderr(
      `volt-manifest: the configuration ${escapeControl(configProblems[0]!.file)} has problems; nothing was checked\n`,
    );
    return 2;
  }

  let files: string[];
  let problems: Expansion['problems'];
  let results: CheckResult[];
  if (fromStdin) {
    files = [stdinName ?? '<stdin>'];
    problems = [];
    results = [
      await checkStdin(io, files[0]!, sources, {
        ...(casRoot !== undefined ? { casRoot } : {}),
        ...(root !== undefined ? { root } : {}),
      }),
    ];
  } else {
    const fromConfig = args.positionals.length === 0;
    const expansion = await expandPaths(
      fromConfig ? configPaths(config!) : args.positionals,
      true,
      {
        linkedDirectories: true,
        ignoreFiles: !args.options.has('no-ignore'),
        ignorePatterns,
        ...(config !== null ? { project: projectFilter(config) } : {}),
        ...(fromConfig ? { within: config!.dir } : {}),
        mayBeEmpty: fromConfig,
      },
    );
    if (fromConfig && expansion.files.length === 0 && expansion.problems.length === 0)
      throw new UsageError(noFilesFromConfig(config!));
    ({ files, problems } = shard === undefined ? expansion : shardOf(expansion, shard));
    for (const p of problems)
      if (p.reason === 'symlink' || p.reason === 'linked-directory')
        io.stderr(`note: ${escapeControl(p.message)}\n`);
    if (outputFile !== undefined) {
      // Every file named or found, not only this shard's: none of them is a report.
      const input = inputAt(outputFile, expansion.files);
      if (input !== null) throw outputIsInput(input);
    }
    if (args.options.has('fix')) await fixFiles(files, io);
    const progress = io.stderrIsTTY && files.length > 200;
    results = await checkManifests(files, {
      suppressions: true,
      ...(workers !== undefined ? { workers } : {}),
      ...(casRoot !== undefined ? { casRoot } : {}),
      ...(root !== undefined ? { root } : {}),
      ...(progress
        ? { onProgress: (done, total) => io.stderr(`\rchecking ${done}/${total}`) }
        : {}),
    });
    if (progress) io.stderr('\r\u001b[K');
  }
  if (outputFile !== undefined) {
    // A base is known only once read; it is not replaced either.
    const input = inputAt(
      outputFile,
      results.flatMap((r) => r.files),
    );
    if (input !== null) throw outputIsInput(input);
  }
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
  // [rules] of the configuration: what is reported, counted and decides the exit status.
  const found =
    config === null ? dedupe(inOrder) : withRuleSeverities(dedupe(inOrder), config.rules);
  const warnings = found.filter((d) => d.severity === 'warning').length;
  // --quiet: errors only, as ESLint's; the warnings still count for --max-warnings.
  const diagnostics = args.options.has('quiet')
    ? found.filter((d) => d.severity === 'error')
    : found;
  const checked = files.length;

  if (!(await emit(formatted(diagnostics, checked, bases)))) return 2;
  const tooManyWarnings = warnings > maxWarnings;
  if (tooManyWarnings) {
    io.stderr(
      `volt-manifest: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`,
    );
  }
  if (args.options.has('exit-zero')) return 0;
  return hasErrors(diagnostics) || tooManyWarnings ? 1 : 0;
}
