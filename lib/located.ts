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
  /** Keys in definition order. */
  entries: Map<string, LocatedEntry>;
}

export type LocatedValue = LocatedScalar | LocatedArray | LocatedTable;

/** A key in a table: the span is the key where it was defined (quotes included). */
export interface LocatedEntry extends Span {
  key: string;
  node: LocatedValue;
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
  readonly value: Record<string, unknown>;
  readonly root: LocatedTable;
  readonly source: string;
  private lines: LineIndex | null = null;

  constructor(source: string, root: LocatedTable) {
    this.source = source;
    this.root = root;
    this.value = root.value;
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
      if (node.type !== 'array' || step < 0 || step >= node.items.length) return undefined;
      const item: LocatedValue = node.items[step]!;
      found = { key: String(step), start: item.start, end: item.end, node: item };
      node = item;
    } else {
      if (node.type !== 'table') return undefined;
      found = node.entries.get(step);
      if (found === undefined) return undefined;
      node = found.node;
    }
  }
  return found;
}
