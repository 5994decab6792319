/**
 * A manifest source: the located tree a manifest was built from (a TOML file or a JSON
 * value), the file it came from, and how to turn its spans into line/column locations.
 * Diagnostics look positions up here only when they are reported.
 */
import type { Position } from '../toml/errors.js';
import {
  type LocatedEntry,
  type LocatedTable,
  type LocatedValue,
  entryAt,
} from '../toml/located.js';
import type { Location } from './diagnostics.js';
import { isUnsetValue } from './fields.js';

/** A path into a manifest: keys and array indexes (`['storage', 'volumes', 1, 'host']`). */
export type FieldPath = readonly (string | number)[];

/** `storage.volumes[1].host` */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const step of path) {
    out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  }
  return out;
}

export class ManifestSource {
  constructor(
    /** The file name used in diagnostics (`''` for in-memory input). */
    readonly file: string,
    readonly root: LocatedTable,
    /** Offset to position; `null` for sources without text (JSON values). */
    private readonly position: ((offset: number) => Position) | null,
    /** The text the spans of `root` are offsets into; `null` for sources without text. */
    readonly text: string | null = null,
    /** The text is TOML (its strings can be read character by character); else JSON. */
    readonly isToml = false,
  ) {}

  /**
   * The entry at `path`, if this source wrote it. A field's Go zero value where that means
   * unset (`cpu_weight = 0`, `name = ""`, as the Volt runtime writes unset fields) counts as
   * not written: it neither overrides a base nor satisfies a required key.
   */
  entry(path: FieldPath): LocatedEntry | undefined {
    const entry = this.entryIn(this.root, path);
    if (
      entry !== undefined &&
      path.length === 2 &&
      isUnsetValue(path[0] as string, path[1] as string, entry.node)
    ) {
      return undefined;
    }
    return entry;
  }

  /**
   * Set by the builder when a key of the model is written in another case (`[Workload]`):
   * then a path not found as written is looked up again without regard to case, as the
   * Volt runtime reads keys. Other sources pay nothing for it.
   */
  hasKeyCaseVariants = false;

  /**
   * Set by the builder: the fields (`workload.image`) that an unknown key of the same table
   * likely misspells (`imag`). A rule that would report such a field missing stays quiet:
   * the unknown key's hint already names it, and one typo gives one problem.
   */
  misspelled: Set<string> | null = null;

  /**
   * True when an unknown key of this source likely misspells the field at `path`
   * (`workload.image`), or its section (`[workloads]`).
   */
  misspells(path: string): boolean {
    if (this.misspelled === null) return false;
    const dot = path.indexOf('.');
    return this.misspelled.has(path) || (dot !== -1 && this.misspelled.has(path.slice(0, dot)));
  }

  /** The entry at `path` below `table`, the model's keys matched in any case if need be. */
  entryIn(table: LocatedTable, path: FieldPath): LocatedEntry | undefined {
    const entry = entryAt(table, path);
    if (entry !== undefined || !this.hasKeyCaseVariants) return entry;
    let node: LocatedValue = table;
    let found: LocatedEntry | undefined;
    for (const step of path) {
      if (typeof step === 'number') {
        // An index step is what entryAt does for one step (it checks the node is an array).
        found = entryAt(node as LocatedTable, [step]);
        if (found === undefined) return undefined;
      } else {
        if (node.type !== 'table') return undefined;
        found = node.entry(step);
        for (let e = node.firstEntry; found === undefined && e !== null; e = e.next) {
          if (e.key.toLowerCase() === step) found = e;
        }
        if (found === undefined) return undefined;
      }
      node = found.node;
    }
    return found;
  }

  /** True when this source writes `path`. */
  writes(path: FieldPath): boolean {
    return this.entry(path) !== undefined;
  }

  /** The location of `[start, end)`. */
  location(start: number, end: number): Location {
    if (this.position === null)
      return { file: this.file, line: 0, column: 0, endLine: 0, endColumn: 0 };
    const from = this.position(start);
    const to = this.position(end);
    return {
      file: this.file,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
    };
  }

  /** The text of `[start, end)` as written (a value's span), or null without text. */
  written(start: number, end: number): string | null {
    return this.text === null ? null : this.text.slice(start, end);
  }

  /** The start of the source (for problems with no better place, like a missing table). */
  start(): Location {
    return this.location(0, 0);
  }
}
