/**
 * The located parse result: the same plain values as `parse`, plus a tree that gives
 * the span of every key, table header, array-of-tables entry and value. Builders on
 * top of the parser (the manifest builder, editors, linters) read positions from here
 * and never re-read the source text.
 */
import { LineIndex, type Position } from './errors.js';

/** `[start, end)` in UTF-16 offsets of the decoded source. */
export interface Span {
  start: number;
  end: number;
}

export type ScalarType =
  | 'string'
  | 'integer'
  | 'float'
  | 'boolean'
  | 'offset-date-time'
  | 'local-date-time'
  | 'local-date'
  | 'local-time';

export type ValueType = ScalarType | 'array' | 'table';

/** How a table came to exist. */
export type TableOrigin =
  /** The document itself. */
  | 'root'
  /** A `[header]`. */
  | 'header'
  /** A parent named in a header or dotted key (`a` in `[a.b]`) and not defined itself. */
  | 'implicit'
  /** A dotted key (`a` in `a.b = 1`). */
  | 'dotted'
  /** An inline table `{ … }`. */
  | 'inline'
  /** An element of an array of tables, from its `[[header]]`. */
  | 'array-element';

/** Every located value is a span: `start`/`end` cover its text. */
export interface LocatedScalar extends Span {
  type: ScalarType;
  value: unknown;
}

export interface LocatedArray extends Span {
  type: 'array';
  value: unknown[];
  // The span runs from `[` to `]`; for an array of tables it is the first `[[header]]`.
  items: LocatedValue[];
  /** True for an array of tables built from `[[header]]`s. */
  ofTables: boolean;
}

export interface LocatedTable extends Span {
  type: 'table';
  value: Record<string, unknown>;
  // The span is the defining text: the whole `[header]` or `[[header]]`, the `{ … }` of
  // an inline table, the key segment of a dotted or implicit table, or the whole
  // document for the root.
  origin: TableOrigin;
  /** Keys in definition order, by key (made on first use, see `firstEntry`). */
  readonly entries: Map<string, LocatedEntry>;
  /** The first key defined; each entry's `next` is the one after it. */
  readonly firstEntry: LocatedEntry | null;
  /** The entry of `key`, or `undefined` (as `entries.get`, without making the map for a small table). */
  entry(key: string): LocatedEntry | undefined;
}

export type LocatedValue = LocatedScalar | LocatedArray | LocatedTable;

/** A key in a table: the span is the key where it was defined (quotes included). */
export interface LocatedEntry extends Span {
  key: string;
  node: LocatedValue;
  /** The key defined next in the same table. */
  next: LocatedEntry | null;
}

/*
 * Their fields are `declare`d and set in the constructor, in the order they were
 * declared before (the order of their own properties): declared as class fields, each
 * name was written out once more in a bundle, to define the field before the
 * constructor set it.
 *
 * The located nodes are class instances, not object literals: V8 tracks where literals
 * are made, and as a located tree outlives the collections made during its parse, it
 * starts making them directly in the old generation, where each store of a young value
 * into them is recorded for the next collection. A located parse of 10,000 kept
 * manifests: 298-300 ms with literals, 262-266 ms with classes.
 */

/** A located string, number, boolean or date/time. */
export class LocatedScalarNode implements LocatedScalar {
  declare type: ScalarType;
  declare value: unknown;
  declare start: number;
  declare end: number;
  constructor(type: ScalarType, value: unknown, start: number, end: number) {
    this.type = type;
    this.value = value;
    this.start = start;
    this.end = end;
  }
}

/** A located array, or array of tables. */
export class LocatedArrayNode implements LocatedArray {
  declare value: unknown[];
  declare start: number;
  declare end: number;
  declare items: LocatedValue[];
  declare ofTables: boolean;
  declare readonly type: 'array';
  constructor(
    value: unknown[],
    start: number,
    end: number,
    items: LocatedValue[],
    ofTables: boolean,
  ) {
    this.value = value;
    this.start = start;
    this.end = end;
    this.items = items;
    this.ofTables = ofTables;
    this.type = 'array';
  }
}

/** A key of a located table. */
class LocatedEntryNode implements LocatedEntry {
  declare key: string;
  declare start: number;
  declare end: number;
  declare node: LocatedValue;
  declare next: LocatedEntry | null;
  constructor(key: string, start: number, end: number, node: LocatedValue) {
    this.key = key;
    this.start = start;
    this.end = end;
    this.node = node;
    this.next = null;
  }
}

/** Tables with more entries than this get a map for lookups by key. */
const SEARCHED_ENTRIES = 16;

/**
 * A located table. Its entries are a list, and the map by key is made only when asked
 * for: walking the list is all a builder needs, and a map per table was most of what a
 * located parse allocated.
 */
export class LocatedTableNode implements LocatedTable {
  declare value: Record<string, unknown>;
  declare origin: TableOrigin;
  declare start: number;
  declare end: number;
  declare readonly type: 'table';
  declare firstEntry: LocatedEntry | null;
  /** The entry added last (a recovering parse takes it back when its statement fails). */
  declare lastEntry: LocatedEntry | null;
  declare private byKey: Map<string, LocatedEntry> | null;
  declare private count: number;

  constructor(value: Record<string, unknown>, origin: TableOrigin, start: number, end: number) {
    this.value = value;
    this.origin = origin;
    this.start = start;
    this.end = end;
    this.type = 'table';
    this.firstEntry = null;
    this.lastEntry = null;
    this.byKey = null;
    this.count = 0;
  }

  get entries(): Map<string, LocatedEntry> {
    if (this.byKey === null) {
      const byKey = new Map<string, LocatedEntry>();
      for (let e = this.firstEntry; e !== null; e = e.next) byKey.set(e.key, e);
      this.byKey = byKey;
    }
    return this.byKey;
  }

  entry(key: string): LocatedEntry | undefined {
    // A small table is searched in its list; a big one is worth its map.
    if (this.byKey !== null || this.count > SEARCHED_ENTRIES) return this.entries.get(key);
    for (let e = this.firstEntry; e !== null; e = e.next) if (e.key === key) return e;
    return undefined;
  }

  /** Appends the entry of a key defined in this table. */
  add(key: string, start: number, end: number, node: LocatedValue): void {
    const entry = new LocatedEntryNode(key, start, end, node);
    if (this.lastEntry === null) this.firstEntry = entry;
    else this.lastEntry.next = entry;
    this.lastEntry = entry;
    this.count++;
    this.byKey?.set(key, entry);
  }

  /** Removes the entry of `key` (an editor that deleted its text); false when there is none. */
  remove(key: string): boolean {
    let previous: LocatedEntry | null = null;
    let entry = this.firstEntry;
    while (entry !== null && entry.key !== key) {
      previous = entry;
      entry = entry.next;
    }
    if (entry === null) return false;
    if (previous === null) this.firstEntry = entry.next;
    else previous.next = entry.next;
    if (this.lastEntry === entry) this.lastEntry = previous;
    this.byKey?.delete(key);
    this.count--;
    return true;
  }

  /** Takes back the entry added last; `previous` is the one added before it. */
  removeLast(previous: LocatedEntry | null): void {
    const last = this.lastEntry;
    if (last === null) return;
    this.byKey?.delete(last.key);
    if (previous === null) this.firstEntry = null;
    else previous.next = null;
    this.lastEntry = previous;
    this.count--;
  }
}

export const typeNames: readonly ValueType[] = [
  'string',
  'integer',
  'float',
  'boolean',
  'offset-date-time',
  'local-date-time',
  'local-date',
  'local-time',
  'array',
  'table',
];

/** A located parse: the plain value, the located tree, and position lookup. */
export class LocatedDocument {
  declare readonly value: Record<string, unknown>;
  declare readonly root: LocatedTable;
  declare readonly source: string;
  declare private lines: LineIndex | null;

  constructor(source: string, root: LocatedTable) {
    this.value = root.value;
    this.root = root;
    this.source = source;
    this.lines = null;
  }

  /** Line and column (1-based, code points) of an offset. */
  position(offset: number): Position {
    this.lines ??= new LineIndex(this.source);
    return this.lines.position(offset);
  }

  /** The text of a 1-based line, without its line ending. */
  lineText(line: number): string {
    this.lines ??= new LineIndex(this.source);
    return this.lines.lineText(line);
  }

  /**
   * The entry at a path of keys and array indexes, e.g. `['storage', 'volumes', 1, 'host']`,
   * or `undefined`. The root has no entry; use `root`.
   */
  entry(path: readonly (string | number)[]): LocatedEntry | undefined {
    return entryAt(this.root, path);
  }

  /** `stringCharSpan` in this document's text. */
  stringCharSpan(node: LocatedValue, index: number): Span {
    return stringCharSpan(this.source, node, index);
  }
}

/**
 * The span in `source` of the character at `index` of the value of `node`, a string of
 * the located tree of `source`: what was written for it, an escape whole (`\u0007`, `\e`),
 * a CRLF that reads as `\n` both characters, a surrogate pair both halves. A message
 * about one character of a string value (a control character a field does not allow)
 * can then point at its own line and column, not at the string's start and an index
 * into a value the reader cannot see. `index` counts UTF-16 units of the value, as
 * `charCodeAt` does. A node that is not a string, or an index not in its value, is a
 * `RangeError`. The text is read from the string's start: call it for an error only.
 */
export function stringCharSpan(source: string, node: LocatedValue, index: number): Span {
  const value = node.value;
  if (node.type !== 'string' || typeof value !== 'string') {
    throw new RangeError(`stringCharSpan needs a string, got a ${node.type}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= value.length) {
    throw new RangeError(
      `index must be an integer from 0 to ${value.length - 1} (the value's length less one), got ${index}`,
    );
  }
  const quote = source.charCodeAt(node.start);
  const basic = quote === 0x22;
  const multiline =
    source.charCodeAt(node.start + 1) === quote && source.charCodeAt(node.start + 2) === quote;
  let p = node.start + (multiline ? 3 : 1);
  const end = node.end - (multiline ? 3 : 1);
  // A newline right after the opening quotes is not part of the value.
  if (multiline) p = afterLineEnding(source, p);
  let at = 0;
  while (p < end) {
    let length = 1;
    let units = 1;
    const c = source.charCodeAt(p);
    if (c === 0x5c && basic) {
      const escaped = source.charCodeAt(p + 1);
      if (multiline && isWhitespaceOrNewline(escaped)) {
        // A line-ending backslash: it and the whitespace and newlines after it are no text.
        p++;
        while (p < end && isWhitespaceOrNewline(source.charCodeAt(p))) p++;
        continue;
      }
      length = escaped === 0x78 ? 4 : escaped === 0x75 ? 6 : escaped === 0x55 ? 10 : 2;
      if (escaped === 0x55 && parseInt(source.slice(p + 2, p + 10), 16) > 0xffff) units = 2;
    } else if (c === 0x0d && source.charCodeAt(p + 1) === 0x0a) {
      length = 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = source.charCodeAt(p + 1);
      if (d >= 0xdc00 && d <= 0xdfff) length = units = 2;
    }
    if (index < at + units) return { start: p, end: p + length };
    at += units;
    p += length;
  }
  throw new RangeError(`index ${index} is not in the text of the string at ${node.start}`);
}

function isWhitespaceOrNewline(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** `p`, or the offset after the LF or CRLF at `p`. */
function afterLineEnding(source: string, p: number): number {
  if (source.charCodeAt(p) === 0x0a) return p + 1;
  if (source.charCodeAt(p) === 0x0d && source.charCodeAt(p + 1) === 0x0a) return p + 2;
  return p;
}

/**
 * The entry at `path` under `root` (an array element's entry has its index as key and
 * the element's span), or `undefined`.
 */
export function entryAt(
  root: LocatedTable,
  path: readonly (string | number)[],
): LocatedEntry | undefined {
  let node: LocatedValue = root;
  let found: LocatedEntry | undefined;
  for (const step of path) {
    if (typeof step === 'number') {
      // Not a whole number (0.5, NaN): no item, as out of range.
      if (node.type !== 'array' || !Number.isInteger(step)) return undefined;
      if (step < 0 || step >= node.items.length) return undefined;
      const item: LocatedValue = node.items[step]!;
      found = { key: String(step), start: item.start, end: item.end, node: item, next: null };
      node = item;
    } else {
      if (node.type !== 'table') return undefined;
      found = node.entry(step);
      if (found === undefined) return undefined;
      node = found.node;
    }
  }
  return found;
}
