/**
 * Formatting a manifest file into its canonical form without losing anything the user
 * wrote. Comments travel with the key or table they annotate: comment lines above a key
 * or header stay above it, a comment at the end of a line stays at the end of that line,
 * and a comment block at the top of the file separated by a blank line stays at the top.
 * What cannot be carried is refused, leaving the file as it is: a file with a problem the
 * model cannot hold (a syntax error, a value of the wrong type, an unknown key: its canonical
 * form would drop it) and comments inside a multi-line value. Other problems (a value out of
 * range, a missing field) stay in the formatted file, for `check` to report.
 * An empty value written in a manifest with `extends` overrides the base, and the canonical
 * form keeps it (`Manifest.overrides`).
 */
import { tokenize } from '../../lexer/lexer.js';
import { Token } from '../../lexer/tokens.js';
import { appendAll } from '../toml/arrays.js';
import type { LocatedTable } from '../toml/located.js';
import { quoteString } from '../toml/stringify.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { type Diagnostic, isReadError } from './diagnostics.js';
import { encodeManifest } from './encode.js';
import { SECTIONS } from './fields.js';
import { parseManifest } from './read.js';
import type { ManifestSource } from './source.js';

export type FormatOutcome =
  | { ok: true; text: string; changed: boolean }
  | { ok: false; reason: string; diagnostics: Diagnostic[] };

interface Statement {
  path: string;
  leading: string[];
  trailing: string | null;
  /** Comments under it, followed by a blank line (not above the next statement). */
  after: string[];
}

/** A string value as the author wrote it: its text (quotes included) and its value. */
interface WrittenString {
  text: string;
  value: string;
}

/**
 * The path each line of the original defines (`workload`, `workload.name`,
 * `storage.volumes[1]`), and the string values by path, as written.
 */
function statementPaths(
  source: ManifestSource,
  text: string,
): { lines: Map<number, string>; strings: Map<string, WrittenString> } {
  const lines = new Map<number, string>();
  const strings = new Map<string, WrittenString>();
  const lineOf = (offset: number) => source.location(offset, offset).line;
  const visit = (table: LocatedTable, prefix: string) => {
    for (let entry = table.firstEntry; entry !== null; entry = entry.next) {
      // A key in another case (`[Workload]`) is the model's lowercase key: the file has no
      // errors when it is formatted, so every key is the model's, in some case.
      const key = entry.key.toLowerCase();
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const node = entry.node;
      if (node.type === 'table' && node.origin === 'header') lines.set(lineOf(node.start), path);
      else lines.set(lineOf(entry.start), path);
      if (node.type === 'string') {
        strings.set(path, { text: text.slice(node.start, node.end), value: node.value as string });
      }
      if (node.type === 'table' && node.origin !== 'inline') visit(node, path);
      if (node.type === 'array' && node.ofTables) {
        node.items.forEach((item, i) => {
          lines.set(lineOf(item.start), `${path}[${i}]`);
          visit(item as LocatedTable, `${path}[${i}]`);
        });
      }
    }
  };
  visit(source.root, '');
  return { lines, strings };
}

/** The path each line of canonical text defines. */
function canonicalPaths(text: string): string[] {
  const paths: string[] = [];
  let section = '';
  const volumes = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('[[')) {
      const name = line.slice(2, -2);
      const index = volumes.get(name) ?? 0;
      volumes.set(name, index + 1);
      section = `${name}[${index}]`;
      paths.push(section);
    } else if (line.startsWith('[')) {
      section = line.slice(1, -1);
      paths.push(section);
    } else if (line === '') {
      paths.push('');
    } else {
      const key = line.slice(0, line.indexOf(' = '));
      paths.push(section === '' ? key : `${section}.${key}`);
    }
  }
  return paths;
}

/**
 * Where each statement's comments go in the canonical text: the line with the statement's
 * path, else the first line under it (`storage` -> `storage.volumes[0]`). Both are built
 * in one pass over the lines, so a file with many statements stays linear.
 */
function canonicalIndex(linePaths: readonly string[]): (path: string) => number {
  const exact = new Map<string, number>();
  const under = new Map<string, number>();
  linePaths.forEach((path, index) => {
    if (!exact.has(path)) exact.set(path, index);
    // Every prefix that ends where a key or an index begins, first line wins.
    for (let i = 0; i < path.length; i++) {
      const c = path.charCodeAt(i);
      if (c !== 0x2e /* . */ && c !== 0x5b /* [ */) continue;
      const prefix = path.slice(0, i);
      if (!under.has(prefix)) under.set(prefix, index);
    }
  });
  return (path) => exact.get(path) ?? under.get(path) ?? -1;
}

/** True when both sources write the same fields (what a merge over a base takes). */
function sameWrites(a: ManifestSource, b: ManifestSource): boolean {
  return SECTIONS.every((section) =>
    section.fields.every(
      (field) => a.writes([section.key, field.key]) === b.writes([section.key, field.key]),
    ),
  );
}

/**
 * True when both lists hold the same problems (code, severity, path and message): formatting
 * neither hides a problem nor makes a new one. Positions move when a file is formatted, in
 * a diagnostic and in its message ("first at line 9, column 15"), so they are not compared;
 * `key-case` is the one problem formatting removes (it writes the lowercase key).
 */
function sameProblems(before: readonly Diagnostic[], after: readonly Diagnostic[]): boolean {
  const counts = new Map<string, number>();
  for (const d of before) {
    if (d.code === 'key-case') continue;
    counts.set(problemKey(d), (counts.get(problemKey(d)) ?? 0) + 1);
  }
  for (const d of after) {
    const left = counts.get(problemKey(d));
    if (left === undefined || left === 0) return false;
    if (left === 1) counts.delete(problemKey(d));
    else counts.set(problemKey(d), left - 1);
  }
  return counts.size === 0;
}

function problemKey(d: Diagnostic): string {
  const message = d.message.replace(/line \d+, column \d+/g, 'line …, column …');
  return `${d.severity}\0${d.code}\0${d.path}\0${message}`;
}

/** Formats a manifest file's text. `ok: false` leaves the file as it is, with the reason. */
export function formatManifest(
  source: string | Uint8Array,
  options: { path?: string } = {},
): FormatOutcome {
  const result = parseManifest(source, options);
  // A problem of the model's rules (a value out of range, a missing field) stays in the
  // file, formatted: checking it is 'check's job. What the model could not read (a syntax
  // error, a value of the wrong type, an unknown key) is not in the canonical form, so
  // formatting would drop it: such a file is left as it is.
  const lost = result.diagnostics.filter((d) => isReadError(d)).length;
  if (lost > 0) {
    return {
      ok: false,
      reason: `${lost} error${lost === 1 ? '' : 's'} that formatting would lose (fix ${lost === 1 ? 'it' : 'them'} first; 'volt-manifest check' lists them)`,
      diagnostics: result.diagnostics,
    };
  }
  const text = typeof source === 'string' ? source : decodeStrictUtf8(source).text;
  const { lines: paths, strings } = statementPaths(result.sources[0]!, text);

  // Comments, by the statement they belong to. A block followed by a blank line belongs to
  // what comes before it: the end of its section when a header comes next, else the
  // statement above it. A block directly above a statement belongs to that statement.
  const statements: Statement[] = [];
  const header: string[] = [];
  const sectionEnds: { section: string; comments: string[]; next: Statement | null }[] = [];
  let pending: string[] = [];
  let closing: string[] = [];
  let section = '';
  let depth = 0;
  let lineStatement: Statement | null = null;
  let lineHasContent = false;
  let blankSinceStatement = false;
  let pendingAfterBlank = false;
  let commentCount = 0;
  for (const token of tokenize(text)) {
    if (token.kind === Token.Whitespace) continue;
    if (token.kind === Token.Newline) {
      if (!lineHasContent) {
        blankSinceStatement = true;
        if (pending.length > 0) {
          // Comments at the top, then a blank line: the file's own header comment.
          if (statements.length === 0) {
            appendAll(header, pending);
            header.push('');
          } else appendAll(closing, pending);
          pending = [];
        }
      }
      lineHasContent = false;
      if (depth === 0) lineStatement = null;
      continue;
    }
    lineHasContent = true;
    if (token.kind === Token.Comment) {
      commentCount++;
      if (depth > 0) {
        return {
          ok: false,
          reason: `the comment at line ${token.line} is inside a value and cannot be carried into the canonical form`,
          diagnostics: [],
        };
      }
      if (lineStatement !== null) lineStatement.trailing = token.text;
      else {
        if (pending.length === 0) pendingAfterBlank = blankSinceStatement;
        pending.push(token.text);
      }
      continue;
    }
    if (depth === 0 && lineStatement === null) {
      const path = paths.get(token.line);
      if (path !== undefined) {
        const isHeader = token.kind === Token.LeftBracket || token.kind === Token.DoubleLeftBracket;
        lineStatement = { path, leading: pending, trailing: null, after: [] };
        if (closing.length > 0) {
          if (isHeader) sectionEnds.push({ section, comments: closing, next: lineStatement });
          else appendAll(statements[statements.length - 1]!.after, closing);
          closing = [];
        }
        if (isHeader) section = path;
        statements.push(lineStatement);
        pending = [];
        blankSinceStatement = false;
      }
    }
    const kind = token.kind;
    if (kind === Token.LeftBracket || kind === Token.LeftBrace || kind === Token.DoubleLeftBracket)
      depth++;
    else if (
      kind === Token.RightBracket ||
      kind === Token.RightBrace ||
      kind === Token.DoubleRightBracket
    )
      depth--;
  }
  // At the end: comments directly under the last statement end its section; after a blank
  // line they are the file's footer.
  let footer: string[] = [];
  if (closing.length > 0) sectionEnds.push({ section, comments: closing, next: null });
  if (pending.length > 0 && statements.length > 0 && !pendingAfterBlank) {
    sectionEnds.push({ section, comments: pending, next: null });
  } else footer = pending;

  // Attach each statement's comments to the canonical line with its path, or to the
  // first line under it, or else to the next statement that is written out.
  const canonical = encodeManifest(result.manifest);
  const lines = canonical.split('\n');
  const linePaths = canonicalPaths(canonical);
  const indexOf = canonicalIndex(linePaths);
  const leading = new Map<number, string[]>();
  const trailing = new Map<number, string>();
  const below = new Map<number, string[]>();
  // Below those: the comments that close a section, after its last line.
  const closingBelow = new Map<number, string[]>();
  // The comments of statements with no line of their own, in order, until one has. Lists
  // grow in place: copied for each statement, they cost the square of their length.
  let carried: string[] = [];
  const listAt = (map: Map<number, string[]>, index: number): string[] => {
    let list = map.get(index);
    if (list === undefined) map.set(index, (list = []));
    return list;
  };
  // The end of a section: its header's block of lines in the canonical text (the keys
  // before the first header, for the top level); a section the canonical text does not
  // write gives its closing comments to the statement after them (or the footer).
  const endOfSection = (name: string): number => {
    let at = name === '' ? 0 : indexOf(name);
    if (at === -1 || (name === '' && lines[0]!.startsWith('['))) return -1;
    if (name !== '' && linePaths[at] !== name) return -1;
    while (at + 1 < lines.length && lines[at + 1] !== '' && !lines[at + 1]!.startsWith('[')) at++;
    return lines[at] === '' ? -1 : at;
  };
  const unplaced: string[] = [];
  for (const end of sectionEnds) {
    const index = endOfSection(end.section);
    if (index !== -1) appendAll(listAt(closingBelow, index), end.comments);
    else if (end.next === null) appendAll(unplaced, end.comments);
    else {
      appendAll(end.comments, end.next.leading);
      end.next.leading = end.comments;
    }
  }
  for (const statement of statements) {
    const index = indexOf(statement.path);
    appendAll(carried, statement.leading);
    if (index === -1) {
      if (statement.trailing !== null) carried.push(statement.trailing);
      appendAll(carried, statement.after);
      continue;
    }
    if (carried.length > 0) appendAll(listAt(leading, index), carried);
    carried = [];
    if (statement.trailing !== null) {
      const existing = trailing.get(index);
      if (existing === undefined) trailing.set(index, statement.trailing);
      else listAt(leading, index).push(statement.trailing);
    }
    if (statement.after.length > 0) appendAll(listAt(below, index), statement.after);
  }
  const eol = lineEnding(text);
  const out: string[] = [...header];
  lines.forEach((line, i) => {
    if (i === lines.length - 1 && line === '') return;
    const above = leading.get(i);
    if (above !== undefined) appendAll(out, above);
    const written = asWritten(line, linePaths[i]!, strings);
    const comment = trailing.get(i);
    out.push(comment === undefined ? written : `${written} ${comment}`);
    const after = below.get(i);
    if (after !== undefined) appendAll(out, after);
    const closes = closingBelow.get(i);
    if (closes !== undefined) appendAll(out, closes);
  });
  if (carried.length > 0 || unplaced.length > 0 || footer.length > 0) {
    out.push('');
    appendAll(out, carried);
    appendAll(out, unplaced);
    appendAll(out, footer);
  }
  const formatted = `${out.join(eol)}${eol}`;

  // The result must mean the same and keep every comment; anything else is refused. With
  // `extends`, meaning also depends on which fields are written, not only their values.
  const check = parseManifest(formatted, options);
  // Counted as they stream by: holding every token of a large file at once costs more
  // in garbage collection than the whole parse.
  let kept = 0;
  for (const token of tokenize(formatted)) if (token.kind === Token.Comment) kept++;
  const same =
    encodeManifest(check.manifest) === canonical &&
    (result.manifest.extends === '' || sameWrites(result.sources[0]!, check.sources[0]!));
  if (!sameProblems(result.diagnostics, check.diagnostics) || !same || kept !== commentCount) {
    return {
      ok: false,
      reason: 'formatting would change the manifest or drop a comment (please report this)',
      diagnostics: [],
    };
  }
  return { ok: true, text: formatted, changed: formatted !== text };
}

/** The file's line ending, as its first line ends: `\r\n` stays `\r\n`. */
function lineEnding(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text.charCodeAt(lf - 1) === 0x0d ? '\r\n' : '\n';
}

/**
 * A canonical `key = "…"` line with the string written as the author wrote it (a literal
 * `'…'`, a multi-line string, escapes) when it holds the same value the canonical text
 * writes; any other line as it is.
 */
function asWritten(
  line: string,
  path: string,
  strings: ReadonlyMap<string, WrittenString>,
): string {
  const written = strings.get(path);
  if (written === undefined) return line;
  const at = line.indexOf(' = ');
  if (at === -1 || line.slice(at + 3) !== quoteString(written.value)) return line;
  return `${line.slice(0, at + 3)}${written.text}`;
}
