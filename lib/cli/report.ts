/**
 * Printing diagnostics: for people (with code frames), as JSON, as GitHub annotations, or
 * as SARIF for code scanning.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeFrameLine, escapeControl } from '../toml/errors.js';
import { DIAGNOSTIC_CODES, type Diagnostic } from '../manifest/diagnostics.js';
import { VERSION } from './version.js';
import { alignCaret } from './width.js';

/** Messages on the terminal are escaped as code frames are (see `escapeControl`). */
export { escapeControl };

export type OutputFormat = 'human' | 'json' | 'github' | 'sarif';

export const paint = (on: boolean, code: string) => (text: string) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text;

/** Source lines of files, read once, for code frames. */
export class SourceCache {
  private readonly texts = new Map<string, string[] | null>();
  /** Per file, its lines made ready for framing, each once however many problems it has. */
  private readonly frames = new Map<string, Map<number, CodeFrameLine>>();

  /** Frames for `file` from `text` instead of the file (a manifest read from stdin). */
  set(file: string, text: string): void {
    this.texts.set(file, text.replace(/^\uFEFF/, '').split(/\r?\n/));
    this.frames.delete(file);
  }

  line(file: string, line: number): string | undefined {
    if (!this.texts.has(file)) {
      let lines: string[] | null = null;
      try {
        if (!file.startsWith('cas://') && file !== '')
          // Without a byte-order mark, which columns do not count (see lineAt).
          lines = readFileSync(file, 'utf8')
            .replace(/^\uFEFF/, '')
            .split(/\r?\n/);
      } catch {
        lines = null;
      }
      this.texts.set(file, lines);
    }
    return this.texts.get(file)?.[line - 1];
  }

  /** Line `line` of `file` for code frames, or undefined when it cannot be read. */
  frameLine(file: string, line: number): CodeFrameLine | undefined {
    let lines = this.frames.get(file);
    let frame = lines?.get(line);
    if (frame !== undefined) return frame;
    const text = this.line(file, line);
    if (text === undefined) return undefined;
    frame = new CodeFrameLine(text);
    if (lines === undefined) this.frames.set(file, (lines = new Map()));
    lines.set(line, frame);
    return frame;
  }
}

/** `file:line:column: error CODE message`, a code frame, for one diagnostic. */
export function formatHuman(d: Diagnostic, color: boolean, sources: SourceCache): string {
  const bold = paint(color, '1');
  const severity =
    d.severity === 'error' ? paint(color, '31;1')('error') : paint(color, '33;1')('warning');
  const file = escapeControl(d.file);
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file || '<input>';
  const path = d.line === 0 && d.path !== '' ? ` (at ${escapeControl(d.path)})` : '';
  let out = `${bold(where)}: ${severity} ${paint(color, '2')(d.code)} ${escapeControl(d.message)}${path}\n`;
  const frameLine = d.line > 0 ? sources.frameLine(d.file, d.line) : undefined;
  if (frameLine !== undefined) {
    // Carets under wide characters (CJK, emoji) take two columns, as the characters do.
    const frame = alignCaret(frameLine.render(d.line, d.column, d.endLine, d.endColumn));
    const [source, caret] = frame.split('\n');
    out += `${source}\n${paint(color, d.severity === 'error' ? '31' : '33')(caret!)}\n`;
  }
  return out;
}

/** One line of the summary: counts of errors and warnings over the files checked. */
export function summary(
  diagnostics: readonly Diagnostic[],
  files: number,
  color: boolean,
  bases = 0,
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  // Bases are checked through the manifests that extend them (see check.ts).
  const checked = `${files} file${files === 1 ? '' : 's'} checked${bases === 0 ? '' : `, ${bases} base${bases === 1 ? '' : 's'}`}`;
  if (diagnostics.length === 0) return `${paint(color, '32')('✔')} ${checked}, no problems\n`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const affected = new Set(diagnostics.map((d) => d.file)).size;
  const mark = errors > 0 ? paint(color, '31')('✖') : paint(color, '33')('⚠');
  return `${mark} ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(affected, 'file')} (${checked})\n`;
}

/** The JSON form: one array of every diagnostic. */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const rows = diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    code: d.code,
    message: d.message,
    path: d.path,
  }));
  return `${jsonText(rows, 2)}\n`;
}

/**
 * `JSON.stringify(value, null, indent)`, safe to print: JSON escapes C0 itself, but leaves
 * DEL, C1, U+2028, U+2029 and the bidirectional formatting characters raw. They are written
 * as `\uXXXX` here, which JSON reads back as the same strings.
 */
export function jsonText(
  value: unknown,
  indent?: number,
  replacer?: (key: string, value: unknown) => unknown,
): string {
  // A raw line feed in JSON text is the layout's, never inside a string.
  return JSON.stringify(value, replacer, indent).split('\n').map(escapeControl).join('\n');
}

/**
 * Workflow command text: control characters escaped as in every format (line breaks
 * included, so the text cannot start a command of its own), then `%`, GitHub's escape.
 */
function escapeData(text: string): string {
  return escapeControl(text).replace(/%/g, '%25');
}

/** GitHub's escapes first: a file name that starts with `::` stays its own name here. */
function escapeProperty(text: string): string {
  return escapeControl(text.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C'));
}

/** A GitHub Actions workflow command: `::error file=…,line=…::message`. */
export function formatGithub(d: Diagnostic): string {
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.line > 0) {
    props.push(
      `line=${d.line}`,
      `col=${d.column}`,
      `endLine=${d.endLine}`,
      `endColumn=${d.endColumn}`,
    );
  }
  props.push(`title=${escapeProperty(d.code)}`);
  const path = d.path !== '' ? ` (${d.path})` : '';
  return `::${d.severity} ${props.join(',')}::${escapeData(d.message + path)}\n`;
}

/** The first sentence of a catalogue summary, for a rule's short description. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

/**
 * A file name as a SARIF artifact URI: an absolute path as a `file:` URL, a relative one
 * (relative to the directory the command ran in, `%SRCROOT%`) with each segment
 * percent-encoded, a `cas://` reference as it is.
 */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (file.startsWith('cas://')) return { uri: file };
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * SARIF 2.1.0 (for GitHub code scanning): one run of `volt-manifest`, its rules the codes of
 * the catalogue (docs/error-codes.md) and each TOML syntax code met, its results at
 * 1-based lines and columns counted in Unicode code points (`columnKind`), the end
 * column being the one after the span, as SARIF counts it. `cwd` is where relative file
 * names start (`%SRCROOT%`).
 */
export function formatSarif(diagnostics: readonly Diagnostic[], cwd: string): string {
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (id: string, rule: object) => {
    ruleIndex.set(id, rules.length);
    rules.push({ id, ...rule });
  };
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    if (code === 'toml-syntax') continue;
    addRule(code, {
      shortDescription: { text: firstSentence(info.summary) },
      fullDescription: { text: info.summary },
      defaultConfiguration: { level: info.severity },
    });
  }
  const syntax = DIAGNOSTIC_CODES['toml-syntax'];
  for (const d of diagnostics) {
    if (ruleIndex.has(d.code)) continue;
    addRule(d.code, {
      shortDescription: { text: `TOML syntax error ${d.code.replace(/^toml-/, '')}` },
      fullDescription: { text: syntax.summary },
      defaultConfiguration: { level: d.severity },
    });
  }
  const results = diagnostics.map((d) => {
    const physicalLocation: Record<string, unknown> = {
      artifactLocation: artifactLocation(d.file),
    };
    if (d.line > 0) {
      physicalLocation['region'] = {
        startLine: d.line,
        startColumn: d.column,
        endLine: Math.max(d.endLine, d.line),
        endColumn: Math.max(d.endColumn, 1),
      };
    }
    const location: Record<string, unknown> = { physicalLocation };
    if (d.path !== '')
      location['logicalLocations'] = [{ fullyQualifiedName: d.path, kind: 'member' }];
    return {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: d.severity,
      message: { text: d.message },
      locations: [location],
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'volt-manifest',
            version: VERSION,
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return `${jsonText(log, 2)}\n`;
}
