/**
 * Formatting a manifest file into its canonical form without losing anything the user
 * wrote. Comments travel with the key or table they annotate: comment lines above a key
 * or header stay above it, a comment at the end of a line stays at the end of that line,
 * and a comment block at the top of the file separated by a blank line stays at the top.
 * What cannot be carried is refused, leaving the file as it is: a file with errors (its
 * canonical form could drop what is wrong in it) and comments inside a multi-line value.
 * An empty value written in a manifest with `extends` overrides the base, and the canonical
 * form keeps it (`Manifest.overrides`).
 */
import { tokenize } from '../../lexer/lexer.js';
import { Token } from '../../lexer/tokens.js';
import type { LocatedTable } from '../toml/located.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { type Diagnostic, hasErrors } from './diagnostics.js';
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
}

/** The path each line of the original defines (`workload`, `workload.name`, `storage.volumes[1]`). */
function statementPaths(source: ManifestSource): Map<number, string> {
  const lines = new Map<number, string>();
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
  return lines;
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

/**
 * Appends `items` to `list` one by one: `list.push(...items)` passes them as arguments,
 * and past some tens of thousands (200,000 comment lines) that throws a RangeError.
 */
function appendAll<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

/** True when both sources write the same fields (what a merge over a base takes). */
function sameWrites(a: ManifestSource, b: ManifestSource): boolean {
  return SECTIONS.every((section) =>
    section.fields.every(
      (field) => a.writes([section.key, field.key]) === b.writes([section.key, field.key]),
    ),
  );
}

/** Formats a manifest file's text. `ok: false` leaves the file as it is, with the reason. */
export function formatManifest(
  source: string | Uint8Array,
  options: { path?: string } = {},
): FormatOutcome {
  const result = parseManifest(source, options);
  if (hasErrors(result.diagnostics)) {
    const count = result.diagnostics.filter((d) => d.severity === 'error').length;
    return {
      ok: false,
      reason: `${count} error${count === 1 ? '' : 's'} (fix them first; 'volt-manifest check' lists them)`,
      diagnostics: result.diagnostics,
    };
  }
  const text = typeof source === 'string' ? source : decodeStrictUtf8(source).text;
  const paths = statementPaths(result.sources[0]!);

  // Comments, by the statement they belong to.
  const statements: Statement[] = [];
  const header: string[] = [];
  let pending: string[] = [];
  let depth = 0;
  let lineStatement: Statement | null = null;
  let lineHasContent = false;
  let commentCount = 0;
  for (const token of tokenize(text)) {
    if (token.kind === Token.Whitespace) continue;
    if (token.kind === Token.Newline) {
      // Comments at the top, then a blank line: the file's own header comment.
      if (!lineHasContent && statements.length === 0 && pending.length > 0) {
        appendAll(header, pending);
        header.push('');
        pending = [];
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
      else pending.push(token.text);
      continue;
    }
    if (depth === 0 && lineStatement === null) {
      const path = paths.get(token.line);
      if (path !== undefined) {
        lineStatement = { path, leading: pending, trailing: null };
        statements.push(lineStatement);
        pending = [];
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
  const footer = pending;

  // Attach each statement's comments to the canonical line with its path, or to the
  // first line under it, or else to the next statement that is written out.
  const canonical = encodeManifest(result.manifest);
  const lines = canonical.split('\n');
  const indexOf = canonicalIndex(canonicalPaths(canonical));
  const leading = new Map<number, string[]>();
  const trailing = new Map<number, string>();
  // The comments of statements with no line of their own, in order, until one has. Lists
  // grow in place: copied for each statement, they cost the square of their length.
  let carried: string[] = [];
  const leadingAt = (index: number): string[] => {
    let list = leading.get(index);
    if (list === undefined) leading.set(index, (list = []));
    return list;
  };
  for (const statement of statements) {
    const index = indexOf(statement.path);
    appendAll(carried, statement.leading);
    if (index === -1) {
      if (statement.trailing !== null) carried.push(statement.trailing);
      continue;
    }
    if (carried.length > 0) appendAll(leadingAt(index), carried);
    carried = [];
    if (statement.trailing !== null) {
      const existing = trailing.get(index);
      if (existing === undefined) trailing.set(index, statement.trailing);
      else leadingAt(index).push(statement.trailing);
    }
  }
  const out: string[] = [...header];
  lines.forEach((text, i) => {
    if (i === lines.length - 1 && text === '') return;
    const above = leading.get(i);
    if (above !== undefined) appendAll(out, above);
    const comment = trailing.get(i);
    out.push(comment === undefined ? text : `${text} ${comment}`);
  });
  if (carried.length > 0 || footer.length > 0) {
    out.push('');
    appendAll(out, carried);
    appendAll(out, footer);
  }
  const formatted = `${out.join('\n')}\n`;

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
  if (hasErrors(check.diagnostics) || !same || kept !== commentCount) {
    return {
      ok: false,
      reason: 'formatting would change the manifest or drop a comment (please report this)',
      diagnostics: [],
    };
  }
  return { ok: true, text: formatted, changed: formatted !== text };
}
