/**
 * What the language server knows about a manifest's text: the field under the cursor
 * (hover), what may be written at the cursor (completion), the outline (document
 * symbols) and where an `extends` value points (definition). Field documentation comes
 * from the fields table the reference docs are generated from.
 */
import type { LocatedEntry, LocatedTable, LocatedValue } from '../toml/located.js';
import { CAPABILITIES } from '../manifest/checks.js';
import { EXTENDS_FIELD, SECTIONS, VOLUME_FIELDS, type FieldSpec } from '../manifest/fields.js';
import type { LspRange, PositionEncoding, TextDocument } from './lsp-text.js';

const TYPE_TEXT: Record<FieldSpec['type'], string> = {
  string: 'string',
  integer: 'integer',
  boolean: 'boolean',
  strings: 'array of strings',
  volumes: 'array of tables',
};

/** The fields of a table of the manifest by its path (`workload`, `storage.volumes`, `''`). */
function fieldsOf(table: string): readonly FieldSpec[] | null {
  if (table === '') return [EXTENDS_FIELD];
  if (table === 'storage.volumes') return VOLUME_FIELDS;
  return SECTIONS.find((s) => s.key === table)?.fields ?? null;
}

/** The values a field allows, for completion: its enumeration, capabilities, booleans. */
function allowedValues(table: string, field: FieldSpec): readonly string[] {
  if (field.values !== undefined) return field.values;
  if (table === 'security' && field.key === 'capabilities') return CAPABILITIES;
  if (field.type === 'boolean') return ['true', 'false'];
  return [];
}

/** The Markdown documentation of a field. */
export function fieldMarkdown(table: string, field: FieldSpec): string {
  const path = table === '' ? field.key : `${table}.${field.key}`;
  const lines = [
    `**${path}**: ${TYPE_TEXT[field.type]}${field.required ? ', required' : ''}`,
    '',
    field.description,
  ];
  if (field.values !== undefined)
    lines.push('', `One of ${field.values.map((v) => `\`${v}\``).join(', ')}.`);
  if (field.range !== undefined) lines.push('', `From ${field.range[0]} to ${field.range[1]}.`);
  if (field.zeroMeansUnset)
    lines.push(
      '',
      `Zero means unset: \`${field.type === 'integer' ? '0' : '""'}\` is read as not written.`,
    );
  if (field.codes !== undefined && field.codes.length > 0)
    lines.push('', `Diagnostics: ${field.codes.map((c) => `\`${c}\``).join(', ')}.`);
  return lines.join('\n');
}

/** What is at a UTF-16 offset: a table's header, or a key or value of a table. */
export type Place =
  | { kind: 'table'; table: string; span: { start: number; end: number } }
  | {
      kind: 'key' | 'value';
      table: string;
      entry: LocatedEntry;
      /** For a value: the value, or the item of an array the offset is in. */
      value?: LocatedValue;
      span: { start: number; end: number };
    };

function contains(span: { start: number; end: number }, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/**
 * The place at `offset` in the tree: a section (`[workload]`, or `workload` of a dotted
 * key), an element of `[[storage.volumes]]`, or a key or value of one of them.
 */
export function placeAt(root: LocatedTable, offset: number): Place | null {
  return placeIn(root, '', offset);
}

function placeIn(table: LocatedTable, path: string, offset: number): Place | null {
  for (let e = table.firstEntry; e !== null; e = e.next) {
    const node = e.node;
    const childPath = path === '' ? e.key : `${path}.${e.key}`;
    if (node.type === 'table' && node.origin !== 'inline') {
      if (contains(e, offset)) return { kind: 'table', table: childPath, span: e };
      const inner = placeIn(node, childPath, offset);
      if (inner !== null) return inner;
      continue;
    }
    if (node.type === 'array' && node.ofTables) {
      for (const item of node.items) {
        if (contains(item, offset)) return { kind: 'table', table: childPath, span: item };
        const inner = placeIn(item as LocatedTable, childPath, offset);
        if (inner !== null) return inner;
      }
      continue;
    }
    if (contains(e, offset)) return { kind: 'key', table: path, entry: e, span: e };
    if (contains(node, offset)) {
      const item = node.type === 'array' ? node.items.find((i) => contains(i, offset)) : undefined;
      const value = item ?? node;
      return { kind: 'value', table: path, entry: e, value, span: value };
    }
  }
  return null;
}

/** The hover text for a place: the field's documentation, or the section's. */
export function hoverMarkdown(place: Place): string | null {
  if (place.kind === 'table') {
    if (place.table === 'storage.volumes')
      return `**[[storage.volumes]]**: a bind mount\n\n${VOLUME_FIELDS.map((f) => `- \`${f.key}\`: ${f.description}`).join('\n')}`;
    const section = SECTIONS.find((s) => s.key === place.table);
    return section === undefined ? null : `**[${section.key}]**\n\n${section.description}`;
  }
  const field = fieldsOf(place.table)?.find((f) => f.key === place.entry.key);
  if (field === undefined) return null;
  const value = place.value;
  // Own properties only: the meanings are object literals, and `mode = "constructor"`
  // would find Object's.
  const meaning =
    value?.type === 'string' &&
    typeof value.value === 'string' &&
    field.meanings !== undefined &&
    Object.hasOwn(field.meanings, value.value)
      ? field.meanings[value.value]
      : undefined;
  if (meaning === undefined) return fieldMarkdown(place.table, field);
  // The value first: it is what the cursor is on; the field's documentation follows.
  return `\`${JSON.stringify(value!.value)}\`: ${meaning}\n\n---\n\n${fieldMarkdown(place.table, field)}`;
}

export interface CompletionItem {
  label: string;
  kind: number;
  detail?: string;
  documentation?: { kind: 'markdown'; value: string };
  textEdit?: { range: LspRange; newText: string };
  insertTextFormat?: 1 | 2;
  sortText?: string;
}

/** CompletionItemKind values of the protocol. */
const Kind = { Field: 5, Module: 9, Value: 12, EnumMember: 20, Snippet: 15 } as const;

/** The table headers of the text before `offset`: the last one is where `offset` is. */
function tableAt(text: string, offset: number): { table: string; start: number } {
  const header = /^[ \t]*\[(\[)?[ \t]*([A-Za-z0-9_.\-" \t]*?)[ \t]*\]\]?/gm;
  let found = { table: '', start: 0 };
  for (let m = header.exec(text); m !== null && m.index < offset; m = header.exec(text)) {
    if (m.index + m[0].length > offset) break;
    found = { table: m[2]!.replace(/[ \t"]/g, ''), start: m.index + m[0].length };
  }
  return found;
}

/** The keys written in the table that starts at `start`, up to the next header. */
function keysWritten(text: string, start: number): Set<string> {
  const next = text.slice(start).search(/^[ \t]*\[/m);
  const body = text.slice(start, next === -1 ? text.length : start + next);
  const keys = new Set<string>();
  for (const m of body.matchAll(/^[ \t]*([A-Za-z0-9_-]+)[ \t]*=/gm)) keys.add(m[1]!.toLowerCase());
  return keys;
}

/**
 * Completion at `offset`: after `[`, the section headers not written yet (and
 * `[[storage.volumes]]`, as a snippet); at the start of a key, the keys of the current
 * section not written yet; after `key =`, the values the key allows.
 */
export function completionsAt(
  doc: TextDocument,
  offset: number,
  encoding: PositionEncoding,
): CompletionItem[] {
  const text = doc.text;
  const lineStart =
    Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  const before = text.slice(lineStart, offset);
  const range = (from: number): LspRange => doc.rangeOf(from, offset, encoding);
  const header = /^[ \t]*(\[\[?)[A-Za-z0-9_.-]*$/.exec(before);
  if (header !== null) {
    const from = lineStart + before.indexOf('[');
    const written = new Set<string>();
    for (const m of text.matchAll(/^[ \t]*\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]/gm))
      written.add(m[1]!.toLowerCase());
    const items: CompletionItem[] = SECTIONS.filter((s) => !written.has(s.key)).map((s) => ({
      label: `[${s.key}]`,
      kind: Kind.Module,
      documentation: { kind: 'markdown', value: s.description },
      textEdit: { range: range(from), newText: `[${s.key}]` },
    }));
    items.push({
      label: '[[storage.volumes]]',
      kind: Kind.Snippet,
      detail: 'a bind mount',
      insertTextFormat: 2,
      textEdit: {
        range: range(from),
        newText:
          '[[storage.volumes]]\nhost = "${1:/srv/data}"\ncontainer = "${2:/data}"\nreadonly = ${3:false}',
      },
    });
    return items;
  }
  const { table, start } = tableAt(text, offset);
  const fields = fieldsOf(table);
  if (fields === null) return [];
  const value = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(\[[^\]]*?)?("?)([A-Za-z0-9_.\-/]*)$/.exec(
    before,
  );
  if (value !== null) {
    const field = fields.find((f) => f.key === value[1]!.toLowerCase());
    if (field === undefined) return [];
    const quoted = value[3] === '"';
    const from = offset - value[4]!.length - (quoted ? 1 : 0);
    return allowedValues(table, field).map((v) => ({
      label: v,
      kind: Kind.EnumMember,
      textEdit: {
        range: range(from),
        newText: field.type === 'boolean' ? v : `"${v}"`,
      },
    }));
  }
  const key = /^[ \t]*([A-Za-z0-9_-]*)$/.exec(before);
  if (key === null) return [];
  const written = keysWritten(text, start);
  return fields
    .filter((f) => !written.has(f.key) && f.type !== 'volumes')
    .map((f) => ({
      label: f.key,
      kind: Kind.Field,
      detail: `${TYPE_TEXT[f.type]}${f.required ? ', required' : ''}`,
      documentation: { kind: 'markdown', value: fieldMarkdown(table, f) },
      textEdit: { range: range(offset - key[1]!.length), newText: `${f.key} = ` },
    }));
}

export interface DocumentSymbol {
  name: string;
  kind: number;
  range: LspRange;
  selectionRange: LspRange;
  children?: DocumentSymbol[];
}

/** SymbolKind values of the protocol. */
const SymbolKind = { Module: 2, Field: 8, Array: 18, Object: 19 } as const;

/** The outline: tables (headers, dotted, inline, array elements) and their keys. */
export function documentSymbols(
  doc: TextDocument,
  root: LocatedTable,
  encoding: PositionEncoding,
): DocumentSymbol[] {
  const out: { start: number; end: number; symbol: DocumentSymbol }[] = [];
  const symbolOf = (name: string, key: { start: number; end: number }, node: LocatedValue) => {
    const children: DocumentSymbol[] = [];
    let end = Math.max(key.end, node.end);
    let start = Math.min(key.start, node.start);
    const add = (child: { start: number; end: number; symbol: DocumentSymbol }) => {
      children.push(child.symbol);
      start = Math.min(start, child.start);
      end = Math.max(end, child.end);
    };
    if (node.type === 'table') {
      for (let e = node.firstEntry; e !== null; e = e.next) add(symbolOf(e.key, e, e.node));
    } else if (node.type === 'array' && node.ofTables) {
      node.items.forEach((item, i) => add(symbolOf(`${name}[${i}]`, item, item)));
    }
    const kind =
      node.type === 'table'
        ? node.origin === 'header' || node.origin === 'implicit'
          ? SymbolKind.Module
          : SymbolKind.Object
        : node.type === 'array'
          ? SymbolKind.Array
          : SymbolKind.Field;
    const symbol: DocumentSymbol = {
      name,
      kind,
      range: doc.rangeOf(start, end, encoding),
      selectionRange: doc.rangeOf(key.start, key.end, encoding),
    };
    if (children.length > 0) symbol.children = children;
    return { start, end, symbol };
  };
  for (let e = root.firstEntry; e !== null; e = e.next) out.push(symbolOf(e.key, e, e.node));
  return out.map((o) => o.symbol);
}
