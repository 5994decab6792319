/**
 * The project configuration, `volt-manifest.toml`: found by walking up from the current
 * directory (the nearest one wins, as ESLint's flat config and Ruff's), read with our own
 * TOML engine and checked like a manifest, every problem at its line and column.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { type Diagnostic, type DiagnosticCode, diagnostic } from '../manifest/diagnostics.js';
import { didYouMean } from '../manifest/suggest.js';
import { readManifestFile, loadError } from '../node/load.js';
import { catalogueCodes, unconfigurableReason } from '../node/suppressions.js';
import type { LocatedEntry, LocatedValue } from '../toml/located.js';
import { parseLocatedRecovering } from '../toml/parse.js';
import { syntaxDiagnostic } from '../manifest/diagnostics.js';
import { UsageError, type ParsedArgs } from './args.js';
import { type PathPattern, globMatcher } from './glob.js';
import type { Io } from './io.js';
import { SourceCache, formatHuman } from './report.js';

/** The configuration's file name; a walk never takes a file of this name as a manifest. */
export const CONFIG_NAME = 'volt-manifest.toml';

export type RuleSeverity = 'error' | 'warning' | 'off';
const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'off'];

export interface ProjectConfig {
  /** The file as messages name it (relative to the current directory). */
  file: string;
  /** Its directory, absolute: patterns, `root` and `cas_root` are relative to it. */
  dir: string;
  /** `include` patterns as written; null when not given (every `*.toml` file). */
  include: string[] | null;
  exclude: string[];
  /** `root` and `cas_root`, as paths from the current directory. */
  root?: string;
  casRoot?: string;
  /** `[rules]`: a severity per code. */
  rules: Map<string, RuleSeverity>;
}

/** Which walked files a configuration takes (see `expandPaths`). */
export interface ProjectFilter {
  /** The configuration's directory, absolute. */
  dir: string;
  include: PathPattern[] | null;
  exclude: PathPattern[];
}

const KEYS = ['include', 'exclude', 'root', 'cas_root', 'rules'];

/** The nearest `volt-manifest.toml` in `start` or a directory above it, up to `/`; or null. */
export function findConfig(start: string): string | null {
  for (let dir = resolve(start); ;) {
    const candidate = join(dir, CONFIG_NAME);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here (or not readable as a directory entry): look further up.
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Whether `path` is `directory` or inside it (both absolute, real paths). */
function isInside(path: string, directory: string): boolean {
  const from = relative(directory, path);
  return from === '' || (from !== '..' && !from.startsWith('../') && !isAbsolute(from));
}

/** A path for messages: relative to the current directory, `.` for itself. */
function shown(absolute: string): string {
  return relative(process.cwd(), absolute) || '.';
}

/**
 * Reads and checks the configuration at `path` (named `file` in diagnostics); `text`, when
 * given, is its content (an editor's unsaved text) and the file is not read. A file that
 * cannot be read is a usage error; what it says wrong is a list of diagnostics.
 */
export async function readConfig(
  path: string,
  file: string,
  text?: string,
): Promise<{ config: ProjectConfig; diagnostics: Diagnostic[] }> {
  let bytes: Uint8Array | string;
  try {
    bytes = text ?? (await readManifestFile(path));
  } catch (error) {
    throw new UsageError(`cannot read the configuration: ${(error as Error).message}`);
  }
  const { document, errors } = parseLocatedRecovering(bytes, {}, 100);
  const diagnostics = errors.map((e) => syntaxDiagnostic(e, file));
  const dir = dirname(resolve(path));
  const config: ProjectConfig = { file, dir, include: null, exclude: [], rules: new Map() };
  const at = (node: { start: number; end: number }) => {
    const start = document.position(node.start);
    const end = document.position(node.end);
    return {
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  };
  const add = (
    code: DiagnosticCode,
    message: string,
    path: string,
    node: LocatedValue | LocatedEntry,
  ) => diagnostics.push(diagnostic(code, message, path, at(node)));
  const describe = (node: LocatedValue) =>
    node.type === 'array' || node.type === 'table'
      ? `an ${node.type === 'array' ? 'array' : 'table'}`
      : `${node.type === 'integer' ? 'an' : 'a'} ${node.type} ${document.source.slice(node.start, node.end)}`;

  const patterns = (entry: LocatedEntry): string[] => {
    const node = entry.node;
    if (node.type !== 'array' || node.ofTables) {
      add(
        'config-wrong-type',
        `${entry.key}: expected an array of glob patterns (strings), got ${describe(node)}`,
        entry.key,
        node,
      );
      return [];
    }
    const list: string[] = [];
    node.items.forEach((item, i) => {
      const path = `${entry.key}[${i}]`;
      if (item.type !== 'string') {
        add(
          'config-wrong-type',
          `${path}: expected a glob pattern (a string), got ${describe(item)}`,
          path,
          item,
        );
        return;
      }
      const pattern = item.value as string;
      const problem =
        pattern === ''
          ? 'an empty pattern matches nothing'
          : pattern.startsWith('/')
            ? `'${pattern}' is absolute: patterns are relative to the directory of ${file}`
            : // Escapes name the characters themselves: '\\.\\.' is a '..' segment too.
              pattern.split('/').some((segment) => segment.replace(/\\(.)/gu, '$1') === '..')
              ? `'${pattern}' has a '..' segment: patterns match files inside the directory of ${file} only`
              : null;
      if (problem !== null) add('config-invalid-value', `${path}: ${problem}`, path, item);
      else list.push(pattern);
    });
    return list;
  };
  const directory = (entry: LocatedEntry, mustExist: boolean): string | undefined => {
    const node = entry.node;
    if (node.type !== 'string') {
      add(
        'config-wrong-type',
        `${entry.key}: expected a directory (a string), got ${describe(node)}`,
        entry.key,
        node,
      );
      return undefined;
    }
    if (node.value === '') {
      add('config-invalid-value', `${entry.key}: expected a directory, got ''`, entry.key, node);
      return undefined;
    }
    const absolute = resolve(dir, node.value as string);
    if (mustExist) {
      let problem: string | null = null;
      try {
        if (!statSync(absolute).isDirectory()) problem = `${shown(absolute)} is not a directory`;
        // The configuration comes with the manifests (a pull request may change both): it
        // cannot let their bases reach outside its project, through '..' or a link. A
        // wider root is the command line's to give (--root).
        else if (!isInside(realpathSync(absolute), realpathSync(dir)))
          problem = `${shown(absolute)} is outside the directory of ${file} (a wider root is given with --root)`;
      } catch (error) {
        problem = loadError(error, shown(absolute)).message;
      }
      if (problem !== null) {
        add(
          'config-invalid-value',
          `${entry.key}: ${problem} (relative to the directory of ${file})`,
          entry.key,
          node,
        );
        return undefined;
      }
    }
    return shown(absolute);
  };

  const codes = catalogueCodes();
  const configurable = codes.filter((code) => unconfigurableReason(code) === null);
  for (let entry = document.root.firstEntry; entry !== null; entry = entry.next) {
    switch (entry.key) {
      case 'include':
        config.include = patterns(entry);
        break;
      case 'exclude':
        config.exclude = patterns(entry);
        break;
      case 'root': {
        const root = directory(entry, true);
        if (root !== undefined) config.root = root;
        break;
      }
      case 'cas_root': {
        // The store need not exist yet: 'cas put' makes it.
        const casRoot = directory(entry, false);
        if (casRoot !== undefined) config.casRoot = casRoot;
        break;
      }
      case 'rules': {
        const node = entry.node;
        if (node.type !== 'table') {
          add(
            'config-wrong-type',
            `rules: expected a table of severities by code, got ${describe(node)}`,
            'rules',
            node,
          );
          break;
        }
        for (let rule = node.firstEntry; rule !== null; rule = rule.next) {
          const path = `rules.${rule.key}`;
          const known = codes.includes(rule.key) || rule.key.startsWith('toml-');
          const reason = known ? unconfigurableReason(rule.key) : null;
          if (!known) {
            add(
              'config-unknown-code',
              `'${rule.key}' in [rules] is not a diagnostic code${didYouMean(rule.key, configurable)}`,
              path,
              rule,
            );
            continue;
          }
          if (reason !== null) {
            add(
              'config-invalid-value',
              `'${rule.key}' cannot be configured: ${reason}`,
              path,
              rule,
            );
            continue;
          }
          if (rule.node.type !== 'string') {
            add(
              'config-wrong-type',
              `${path}: expected "error", "warning" or "off", got ${describe(rule.node)}`,
              path,
              rule.node,
            );
            continue;
          }
          const severity = rule.node.value as string;
          if (!(SEVERITIES as readonly string[]).includes(severity)) {
            add(
              'config-invalid-value',
              `${path}: expected "error", "warning" or "off", got "${severity}"${didYouMean(severity, SEVERITIES)}`,
              path,
              rule.node,
            );
            continue;
          }
          config.rules.set(rule.key, severity as RuleSeverity);
        }
        break;
      }
      default:
        add(
          'config-unknown-key',
          `unknown key '${entry.key}' in ${file}${didYouMean(entry.key, KEYS)}`,
          entry.key,
          entry,
        );
    }
  }
  return { config, diagnostics };
}

/**
 * The configuration a command uses: `--config FILE`, none with `--no-config`, else the
 * nearest `volt-manifest.toml` from the current directory up.
 */
export async function projectConfig(
  args: ParsedArgs,
): Promise<{ config: ProjectConfig | null; diagnostics: Diagnostic[] }> {
  const given = args.options.get('config') as string | undefined;
  if (args.options.has('no-config')) {
    if (given !== undefined)
      throw new UsageError("options '--config' and '--no-config' exclude each other");
    return { config: null, diagnostics: [] };
  }
  if (given === '') throw new UsageError("option '--config' needs a file name");
  const path = given ?? findConfig(process.cwd());
  if (path === null) return { config: null, diagnostics: [] };
  if (given === undefined && linksOutside(path))
    throw new UsageError(
      `${shown(path)} is a symbolic link to a file outside its directory: not read (give it with --config, or --no-config)`,
    );
  return readConfig(path, given ?? shown(path));
}

/**
 * True when a configuration found by the search (`findConfig`) is a symbolic link to a file
 * outside its directory: it comes with the manifests, and a link in their tree to a file
 * elsewhere would have that file read and its lines quoted in the report. Not read then.
 */
export function linksOutside(path: string): boolean {
  return !isInside(realpathSync(path), realpathSync(dirname(path)));
}

/** Prints the problems of a configuration on stderr (exit 2 follows). */
export function reportConfigProblems(diagnostics: readonly Diagnostic[], io: Io): void {
  const sources = new SourceCache();
  for (const d of diagnostics) io.stderr(formatHuman(d, io.color, sources));
  io.stderr(
    `volt-manifest: the configuration ${diagnostics[0]!.file} has problems; nothing was done\n`,
  );
}

/** The files-and-directories filter of a configuration, for `expandPaths`. */
export function projectFilter(config: ProjectConfig): ProjectFilter {
  return {
    dir: config.dir,
    include: config.include === null ? null : config.include.map((p) => globMatcher(p)),
    exclude: config.exclude.map((p) => globMatcher(p)),
  };
}

/** `*`, `?`, `[` and `\` in a path, escaped so a glob takes them as themselves. */
function escapeGlob(path: string): string {
  return path.replace(/[*?[\\]/g, '\\$&');
}

/**
 * What `check` and `fmt` take when given no PATH: the `include` patterns, from the current
 * directory, or the configuration's directory when it has none.
 */
export function configPaths(config: ProjectConfig): string[] {
  const from = relative(process.cwd(), config.dir);
  if (config.include === null) return [from || '.'];
  const prefix = from === '' ? '' : `${escapeGlob(from)}/`;
  return config.include.map((pattern) => `${prefix}${pattern}`);
}

/** The usage error when the `include` patterns of `config` (no PATH given) give no file. */
export function noFilesFromConfig(config: ProjectConfig): string {
  return config.include === null
    ? `no *.toml files found in the directory of ${config.file}`
    : `no files matching the include patterns of ${config.file} (${config.include.map((p) => `'${p}'`).join(', ')}) were found`;
}

/**
 * The CAS store root: `--cas-root`, else `$VOLT_CAS_ROOT` (empty counts as not set), else
 * the project configuration's `cas_root`. An empty `--cas-root` is a usage error, as an
 * empty `--root` is.
 */
export function casRootOption(args: ParsedArgs, config: ProjectConfig | null): string | undefined {
  const given = args.options.get('cas-root') as string | undefined;
  if (given === '') throw new UsageError("option '--cas-root' needs a directory, got ''");
  return given ?? envCasRoot() ?? config?.casRoot;
}

/** `$VOLT_CAS_ROOT`, when set to a directory (empty counts as not set). */
export function envCasRoot(): string | undefined {
  return process.env['VOLT_CAS_ROOT'] || undefined;
}

/** `diagnostics` with the severities of `[rules]`: changed, or left out (`off`). */
export function withRuleSeverities(
  diagnostics: readonly Diagnostic[],
  rules: ReadonlyMap<string, RuleSeverity>,
): Diagnostic[] {
  if (rules.size === 0) return [...diagnostics];
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const severity = rules.get(d.code);
    if (severity === 'off') continue;
    out.push(severity === undefined || severity === d.severity ? d : { ...d, severity });
  }
  return out;
}
