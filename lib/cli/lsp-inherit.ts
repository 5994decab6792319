/**
 * Where the value of a key comes from in an `extends` chain: the base value a key of the
 * open document overrides, for hover (which base, its line and value, and the value in
 * effect) and definition (a location in the base). Reads the sources `resolveManifest`
 * returns, child first, so the nearest base that writes the field is the one overridden.
 */
import { dirname, isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECTION_BY_KEY, sectionOf } from '../manifest/fields.js';
import type { SectionSpec } from '../manifest/fields.js';
import type { ManifestResult } from '../manifest/read.js';
import type { ManifestSource } from '../manifest/source.js';
import { escapeControl } from '../toml/errors.js';
import type { LocatedEntry, LocatedValue } from '../toml/located.js';
import type { Place } from './lsp-features.js';
import { type LspRange, type PositionEncoding, TextDocument } from './lsp-text.js';

/** A field of a section: `['workload', 'mode']`. */
export type FieldKey = [SectionSpec['key'], string];

/**
 * The field a place is about: a key or value of a section; in `[[storage.volumes]]`, the
 * volumes (an array replaces the base's whole). Null for anything else.
 */
export function fieldAt(place: Place): FieldKey | null {
  if (place.table.toLowerCase() === 'storage.volumes') return ['storage', 'volumes'];
  if (place.kind === 'table') return null;
  const section = SECTION_BY_KEY.get(place.table.toLowerCase());
  const key = place.entry.key.toLowerCase();
  if (section === undefined || !section.fields.some((f) => f.key === key)) return null;
  return [section.key, key];
}

/** A base's definition of a field the document writes too. */
export interface Overridden {
  source: ManifestSource;
  entry: LocatedEntry;
}

/** The nearest base that writes `field`, when the document (the first source) writes it too. */
export function overriddenBase(result: ManifestResult, field: FieldKey): Overridden | null {
  const [own, ...bases] = result.sources;
  if (own === undefined || !own.writes(field)) return null;
  for (const source of bases) {
    const entry = source.entry(field);
    if (entry !== undefined) return { source, entry };
  }
  return null;
}

/**
 * The text span of a base's definition: its key and value; for `[[storage.volumes]]`, its
 * elements, headers included (the entry's own span is only the header's last key).
 */
function definitionSpan(entry: LocatedEntry): { start: number; end: number } {
  const node = entry.node;
  if (node.type === 'array' && node.ofTables && node.items.length > 0)
    return { start: node.items[0]!.start, end: endOf(node.items[node.items.length - 1]!) };
  return { start: entry.start, end: node.end };
}

/** Where a value's text ends: a header table's span is its header, its entries follow. */
function endOf(node: LocatedValue): number {
  let end = node.end;
  if (node.type === 'table')
    for (let e = node.firstEntry; e !== null; e = e.next) end = Math.max(end, endOf(e.node));
  return end;
}

/** A value of the model as TOML writes it (strings, numbers, booleans, lists of strings). */
function tomlText(value: unknown): string | null {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return null;
}

/**
 * `text` as a markdown code span: a value or file name of the manifest may hold backticks,
 * and one that closed the span would have the rest rendered as markdown (an image the
 * editor fetches, a link). Delimited by a longer backtick run than any inside, with spaces
 * inside then (CommonMark strips one each side).
 */
function codeSpan(text: string): string {
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  if (longest === 0) return `\`${text}\``;
  const delimiter = '`'.repeat(longest + 1);
  return `${delimiter} ${text} ${delimiter}`;
}

/** A fenced TOML block (longer fences than any backtick run inside). */
function fenced(text: string): string {
  let longest = 2;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}toml\n${text}\n${fence}`;
}

/**
 * The hover paragraph for a field the document writes over a base: `Overrides
 * ../base.toml (line 2):`, the base's key and value as written, and the value in effect
 * once the chain is resolved. `documentPath` is the open file (names are relative to it).
 */
export function overrideMarkdown(
  result: ManifestResult,
  field: FieldKey,
  overridden: Overridden,
  documentPath: string,
): string {
  const { source, entry } = overridden;
  const span = definitionSpan(entry);
  const line = source.location(span.start, span.start).line;
  const name = isAbsolute(source.file) ? relative(dirname(documentPath), source.file) : source.file;
  // A line break in the name would end the paragraph, and the code span with it.
  const lines = [`Overrides ${codeSpan(escapeControl(name))} (line ${line}):`, ''];
  lines.push(fenced(source.written(span.start, span.end) ?? entry.key));
  const spec = SECTION_BY_KEY.get(field[0])!.fields.find((f) => f.key === field[1])!;
  const effective = tomlText(sectionOf(result.manifest, field[0])[spec.prop]);
  if (effective !== null) lines.push('', `Effective value: ${codeSpan(effective)}`);
  return lines.join('\n');
}

/** Where a base defines the value overridden: its key and value, in the base file. */
export function overriddenLocation(
  overridden: Overridden,
  encoding: PositionEncoding,
): { uri: string; range: LspRange } | null {
  const { source, entry } = overridden;
  // A base from the content-addressed store has no file to open.
  if (!isAbsolute(source.file)) return null;
  const uri = pathToFileURL(source.file).href;
  // A base is TOML read from its text: its source always has the text.
  const base = new TextDocument(uri, 'toml', 0, source.text as string);
  const span = definitionSpan(entry);
  return { uri, range: base.rangeOf(span.start, span.end, encoding) };
}
