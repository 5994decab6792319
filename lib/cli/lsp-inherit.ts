/**
 * Where the value of a key comes from in an `extends` chain: the base value a key of the
 * open document overrides, for hover (which base, its line and value, and the value in
 * effect) and definition (a location in the base). Reads the sources `resolveManifest`
 * returns, child first, so the nearest base that writes the field is the one overridden.
 */
import { dirname, isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECTIONS, SECTION_BY_KEY, sectionOf } from '../manifest/fields.js';
import type { SectionSpec } from '../manifest/fields.js';
import type { ManifestResult } from '../manifest/read.js';
import type { ManifestSource } from '../manifest/source.js';
import { escapeControl } from '../toml/errors.js';
import type { LocatedEntry, LocatedTable, LocatedValue } from '../toml/located.js';
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

/**
 * The nearest base (after the document, the first source) that writes `field`: the value
 * the document overrides when it writes the field, the value in effect when it does not.
 */
function nearestBase(result: ManifestResult, field: FieldKey): Overridden | null {
  for (const source of result.sources.slice(1)) {
    const entry = source.entry(field);
    if (entry !== undefined) return { source, entry };
  }
  return null;
}

/** The nearest base that writes `field`, when the document (the first source) writes it too. */
export function overriddenBase(result: ManifestResult, field: FieldKey): Overridden | null {
  const own = result.sources[0];
  if (own === undefined || !own.writes(field)) return null;
  return nearestBase(result, field);
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

/** A base's name as the document refers to it (relative to its directory, or `cas://…`), for display. */
function sourceName(source: ManifestSource, documentPath: string): string {
  const name = isAbsolute(source.file) ? relative(dirname(documentPath), source.file) : source.file;
  // Shown in markdown: a control character or line break would end a code span or block.
  return escapeControl(name);
}

/**
 * `text` as a markdown code span: a value or file name of the manifest may hold backticks,
 * and one that closed the span would have the rest rendered as markdown (an image the
 * editor fetches, a link). Delimited by a longer backtick run than any inside, with spaces
 * inside then (CommonMark strips one each side).
 */
function codeSpan(text: string): string {
  const longest = longestBacktickRun(text);
  if (longest === 0) return `\`${text}\``;
  const delimiter = '`'.repeat(longest + 1);
  return `${delimiter} ${text} ${delimiter}`;
}

/** The length of the longest run of backticks in `text` (0 for none). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  return longest;
}

/** A fenced TOML block (longer fences than any backtick run inside). */
function fenced(text: string): string {
  const fence = '`'.repeat(Math.max(2, longestBacktickRun(text)) + 1);
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
  const name = sourceName(source, documentPath);
  const lines = [`Overrides ${codeSpan(name)} (line ${line}):`, ''];
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

/** At most this many lines of inherited values in a hover; the rest are counted. */
export const MAX_INHERITED_LINES = 50;

/** The longest value text a line of inherited values shows (longer ones end with `…`). */
const MAX_VALUE_CHARS = 80;

/** A value's text on one line of at most MAX_VALUE_CHARS characters. */
function oneLine(text: string): string {
  const newline = text.search(/[\r\n]/);
  const line = newline === -1 ? text : `${text.slice(0, newline)}…`;
  if (line.length <= MAX_VALUE_CHARS) return line;
  // Not between the two halves of an astral character.
  let cut = MAX_VALUE_CHARS - 1;
  if (/[\udc00-\udfff]/.test(line[cut]!)) cut--;
  return `${line.slice(0, cut)}…`;
}

/**
 * The fields of `section` the document does not write and a base does, one line each,
 * `key = value  # ← base.toml:3`, with the value in effect and the nearest base that
 * writes it (the one `overriddenBase` names when the document writes the field); each
 * inherited volume is a line of its own, as its base writes it. At most `budget` lines are
 * written out (a hover shows a few); `count` is how many there are.
 */
function inheritedLines(
  result: ManifestResult,
  section: SectionSpec,
  documentPath: string,
  budget: number,
): { lines: string[]; count: number } {
  // The document's source is always there: resolveManifest reads it first.
  const own = result.sources[0]!;
  const lines: string[] = [];
  let count = 0;
  for (const spec of section.fields) {
    const field: FieldKey = [section.key, spec.key];
    if (own.writes(field)) continue;
    const from = nearestBase(result, field);
    if (from === null) continue;
    const { source, entry } = from;
    const name = sourceName(source, documentPath);
    // A base is TOML read from its text: its source always has positions and the text.
    const where = (offset: number) => `${name}:${source.location(offset, offset).line}`;
    const written = (node: LocatedValue) => source.written(node.start, node.end) as string;
    const node = entry.node;
    if (node.type === 'array' && node.ofTables) {
      count += node.items.length;
      for (let i = 0; i < node.items.length && lines.length < budget; i++) {
        const item = node.items[i] as LocatedTable;
        const keys: string[] = [];
        for (let e = item.firstEntry; e !== null; e = e.next)
          keys.push(`${e.key} = ${written(e.node)}`);
        lines.push(
          `${spec.key}[${i}] = ${oneLine(`{ ${keys.join(', ')} }`)}  # ← ${where(item.start)}`,
        );
      }
      continue;
    }
    count++;
    if (lines.length >= budget) continue;
    // The model's value, as TOML writes it; as the base writes it where that is not one
    // line of strings, numbers or booleans (volumes written inline).
    const value = tomlText(sectionOf(result.manifest, section.key)[spec.prop]) ?? written(node);
    lines.push(`${spec.key} = ${oneLine(value)}  # ← ${where(entry.start)}`);
  }
  return { lines, count };
}

/**
 * The hover paragraph of what the document inherits through `extends` without writing it:
 * for a section header, that section's fields; for the `extends` value (`section` null),
 * every section's, under its header. Each with its value in effect and the base file and
 * line it comes from; at most `maxLines` lines, then how many more. Null when nothing is
 * inherited there.
 */
export function inheritedMarkdown(
  result: ManifestResult,
  section: SectionSpec['key'] | null,
  documentPath: string,
  maxLines = MAX_INHERITED_LINES,
): string | null {
  const lines: string[] = [];
  let values = 0;
  for (const spec of section === null ? SECTIONS : [SECTION_BY_KEY.get(section)!]) {
    const header = section === null ? 1 : 0;
    const budget = Math.max(0, maxLines - lines.length - header);
    const own = inheritedLines(result, spec, documentPath, budget);
    if (own.count === 0) continue;
    if (header === 1) lines.push(`[${spec.key}]`);
    for (const line of own.lines) lines.push(line);
    values += own.count;
  }
  if (values === 0) return null;
  const shown = lines.slice(0, maxLines);
  // A section header whose values are all left out is not shown either.
  if (shown[shown.length - 1]!.startsWith('[')) shown.pop();
  // Section headers are not values: only the values left out are counted.
  const hidden = values - shown.filter((l) => !l.startsWith('[')).length;
  const title =
    section === null
      ? 'Inherited through `extends` (values this file does not write):'
      : `Inherited through \`extends\` (keys of [${section}] this file does not write):`;
  const out = [title, '', fenced(shown.join('\n'))];
  if (hidden > 0) out.push('', `and ${hidden} more`);
  return out.join('\n');
}
