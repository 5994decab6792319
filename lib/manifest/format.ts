/**
 * Formatting a manifest file into its canonical form without losing anything the user
 * wrote. Comments travel with the key or table they annotate: comment lines above a key
 * or header stay above it, a comment at the end of a line stays at the end of that line,
 * and a comment block at the top of the file separated by a blank line stays at the top.
 * What cannot be carried is refused, leaving the file as it is: a file with errors (its
 * canonical form could drop what is wrong in it) and comments inside a multi-line value.
 */
import { tokenize } from '../../lexer/lexer.js';
import { Token } from '../../lexer/tokens.js';
import type { LocatedTable } from '../located.js';
import { decodeStrictUtf8 } from '../utf8-text.js';
import { type Diagnostic, hasErrors } from './diagnostics.js';
import { encodeManifest } from './encode.js';
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
      const path = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
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
        header.push(...pending, '');
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
  const linePaths = canonicalPaths(canonical);
  const leading = new Map<number, string[]>();
  const trailing = new Map<number, string>();
  let carried: string[] = [];
  for (const statement of statements) {
    let index = linePaths.indexOf(statement.path);
    if (index === -1) {
      index = linePaths.findIndex(
        (p) => p.startsWith(`${statement.path}[`) || p.startsWith(`${statement.path}.`),
      );
    }
    const comments = [...carried, ...statement.leading];
    if (index === -1) {
      carried = statement.trailing === null ? comments : [...comments, statement.trailing];
      continue;
    }
    carried = [];
    if (comments.length > 0) leading.set(index, [...(leading.get(index) ?? []), ...comments]);
    if (statement.trailing !== null) {
      const existing = trailing.get(index);
      if (existing === undefined) trailing.set(index, statement.trailing);
      else leading.set(index, [...(leading.get(index) ?? []), statement.trailing]);
    }
  }
  const out: string[] = [...header];
  lines.forEach((text, i) => {
    if (i === lines.length - 1 && text === '') return;
    out.push(...(leading.get(i) ?? []));
    const comment = trailing.get(i);
    out.push(comment === undefined ? text : `${text} ${comment}`);
  });
  const tail = [...carried, ...footer];
  if (tail.length > 0) out.push('', ...tail);
  const formatted = `${out.join('\n')}\n`;

  // The result must mean the same and keep every comment; anything else is refused.
  const check = parseManifest(formatted, options);
  const kept = [...tokenize(formatted)].filter((t) => t.kind === Token.Comment).length;
  const same = encodeManifest(check.manifest) === canonical;
  if (hasErrors(check.diagnostics) || !same || kept !== commentCount) {
    return {
      ok: false,
      reason: 'formatting would change the manifest or drop a comment (please report this)',
      diagnostics: [],
    };
  }
  return { ok: true, text: formatted, changed: formatted !== text };
}
