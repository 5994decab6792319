/**
 * The manifest builder: walks a located tree once and fills the typed `Manifest`,
 * reporting unknown keys (with suggestions), wrong types (expected vs actual) and every
 * value rule of the fields table, each at the exact key or value.
 */
import {
  type LocatedEntry,
  type LocatedTable,
  LocatedTableNode,
  type LocatedValue,
  type ValueType,
  stringCharSpan,
} from '../toml/located.js';
import { type Diagnostic, type DiagnosticCode, diagnostic } from './diagnostics.js';
import { describeValue, isEmpty } from './encode.js';
import {
  ALL_FIELD_PATHS,
  EXTENDS_FIELD,
  type FieldSpec,
  type Report,
  SECTIONS,
  type Written,
  VOLUME_FIELDS,
  isUnsetValue,
} from './fields.js';
import { type Manifest, type VolumeMount, emptyManifest, emptyVolume } from './model.js';
import { type FieldPath, type ManifestSource, formatPath } from './source.js';
import { closest } from './suggest.js';
import { ordinal } from './checks.js';

const TYPE_NAMES: Record<ValueType, string> = {
  string: 'a string',
  integer: 'an integer',
  float: 'a float',
  boolean: 'a boolean',
  'offset-date-time': 'an offset date-time',
  'local-date-time': 'a local date-time',
  'local-date': 'a local date',
  'local-time': 'a local time',
  array: 'an array',
  table: 'a table',
};

const EXPECTED: Record<FieldSpec['type'], string> = {
  string: 'a string',
  integer: 'an integer',
  boolean: 'a boolean',
  strings: 'an array of strings',
  volumes: 'an array of tables ([[storage.volumes]])',
};

/**
 * A short rendering of a value for messages: a number, boolean or date as `written` in
 * the file when there is text (`100.0`, `9007199254740993`, `0x10`: the value read would
 * show `100` and a rounded `9007199254740992`), a string quoted on one line.
 */
function show(node: LocatedValue, written: string | null): string {
  switch (node.type) {
    case 'string':
      return ` ${JSON.stringify(node.value)}`;
    case 'array':
    case 'table':
      return '';
    default:
      return ` ${written ?? String(node.value)}`;
  }
}

/**
 * The value a field got, for messages. A value that has no TOML type (`null` in JSON, or
 * `undefined` or a bigint in data given as a value) is named by what it is: it was
 * `got null null`, `got null undefined`, `got null 5`.
 */
function actual(node: LocatedValue, written: string | null): string {
  if ((node.type as string) === 'null') return describeValue(node.value);
  return `${TYPE_NAMES[node.type]}${show(node, written)}`;
}

const TOP_LEVEL_KEYS = ['extends', ...SECTIONS.map((s) => s.key)];
const TOP_LEVEL_KEY_SET: ReadonlySet<string> = new Set(TOP_LEVEL_KEYS);

export interface BuildResult {
  manifest: Manifest;
  diagnostics: Diagnostic[];
}

/** Field specs by key, per section (and for volume tables). */
const FIELDS_BY_SECTION: ReadonlyMap<string, ReadonlyMap<string, FieldSpec>> = new Map(
  SECTIONS.map((s) => [s.key, new Map(s.fields.map((f) => [f.key, f]))]),
);
const VOLUME_FIELDS_BY_KEY: ReadonlyMap<string, FieldSpec> = new Map(
  VOLUME_FIELDS.map((f) => [f.key, f]),
);
/** `[section]` paths, made once. */
const SECTION_PATHS: ReadonlyMap<string, FieldPath> = new Map(
  SECTIONS.map((s) => [s.key, [s.key]]),
);
const ROOT_PATH: FieldPath = [];

class Builder {
  readonly manifest = emptyManifest();
  readonly diagnostics: Diagnostic[] = [];
  /** The value whose rule is running, and its path (what `report` refers to). */
  private ruleNode: LocatedValue | null = null;
  private ruleParent: FieldPath = [];
  private ruleKey = '';
  /**
   * For a list whose value left out items of the wrong type (reported as such): the
   * index in the file of each item kept, as a rule's indexes count the items it was given.
   */
  private ruleItems: number[] | null = null;
  /** One `Report` for all rules: no closure per field on the happy path. */
  private readonly report: Report = (code, message, at, character) =>
    this.reportAt(code, message, at, character);
  /** The rule's value as written, for all rules likewise. */
  private readonly written: Written = {
    where: (at) => {
      const part = this.partOf(this.inFile(at));
      const { line, column } = this.source.location(part.start, part.end);
      return line === 0 ? null : `line ${line}, column ${column}`;
    },
    text: () => this.source.written(this.ruleNode!.start, this.ruleNode!.end),
    itemNumber: (index) => (this.ruleItems?.[index] ?? index) + 1,
  };

  constructor(private readonly source: ManifestSource) {}

  private add(
    code: DiagnosticCode,
    message: string,
    path: FieldPath,
    start: number,
    end: number,
  ): void {
    this.diagnostics.push(
      diagnostic(code, message, formatPath(path), this.source.location(start, end)),
    );
  }

  build(): BuildResult {
    const manifest = this.manifest as unknown as Record<string, unknown>;
    const root = this.source.root;
    for (let entry = root.firstEntry; entry !== null; entry = entry.next) {
      const key = this.modelKey(entry, root, TOP_LEVEL_KEY_SET, ROOT_PATH);
      if (key === undefined) continue;
      if (key === 'extends') {
        this.field(EXTENDS_FIELD, entry, ROOT_PATH, manifest);
        continue;
      }
      const fields = FIELDS_BY_SECTION.get(key);
      if (fields === undefined) {
        this.unknownKey(entry, [key], TOP_LEVEL_KEYS);
        continue;
      }
      if (entry.node.type !== 'table') {
        this.wrongType(entry.node, [key], `a table ([${key}])`);
        continue;
      }
      const parent = SECTION_PATHS.get(key)!;
      const target = manifest[key] as Record<string, unknown>;
      for (let field = entry.node.firstEntry; field !== null; field = field.next) {
        // One lookup for a key as the model spells it; another case only when that misses.
        let name: string | undefined = field.key;
        let spec = fields.get(name);
        if (spec === undefined) {
          name = this.modelKey(field, entry.node, fields, parent);
          if (name === undefined) continue;
          spec = fields.get(name);
        }
        if (spec === undefined) this.unknownKey(field, [key, name], [...fields.keys()]);
        else if (!(spec.zeroMeansUnset && isUnsetValue(key, name, field.node)))
          this.field(spec, field, parent, target);
      }
    }
    if (this.manifest.extends === '') this.manifest.overrides.length = 0;
    return { manifest: this.manifest, diagnostics: this.diagnostics };
  }

  /**
   * The model's key for `entry` of `table`: its own key when the model has it (or does not
   * know it at all: the caller reports it as unknown); the model's key when `entry` writes
   * it in another case (`[Workload]`, `Name`), which the Volt runtime accepts (its decoder
   * matches keys to fields without regard to case), with a `key-case` warning; undefined,
   * reported as `key-case-duplicate`, when the table already writes that key in some case.
   */
  private modelKey(
    entry: LocatedEntry,
    table: LocatedTable,
    known: { has(key: string): boolean },
    parent: FieldPath,
  ): string | undefined {
    const key = entry.key;
    if (known.has(key)) return key;
    const lower = key.toLowerCase();
    if (lower === key || !known.has(lower)) return key;
    const path = [...parent, lower];
    let first = table.entry(lower);
    for (
      let other = table.firstEntry;
      first === undefined && other !== entry;
      other = other!.next
    ) {
      if (other!.key.toLowerCase() === lower) first = other!;
    }
    if (first !== undefined) {
      this.add(
        'key-case-duplicate',
        `'${key}' writes '${first.key}' again in another case (the Volt runtime would take only one of them)`,
        path,
        entry.start,
        entry.end,
      );
      return undefined;
    }
    this.source.hasKeyCaseVariants = true;
    this.add(
      'key-case',
      `'${key}' is spelled '${lower}' (the Volt runtime accepts any case; fmt writes '${lower}')`,
      path,
      entry.start,
      entry.end,
    );
    return lower;
  }

  private unknownKey(entry: LocatedEntry, path: FieldPath, known: readonly string[]): void {
    const key = entry.key;
    let hint = '';
    const match = closest(key, known);
    if (match !== undefined) {
      hint = ` (did you mean '${match}'?)`;
      (this.source.misspelled ??= new Set()).add(formatPath([...path.slice(0, -1), match]));
    } else {
      // A key of another section written in the wrong table, or at the top level.
      const elsewhere = ALL_FIELD_PATHS.find(
        (p) => p.endsWith(`.${key}`) && p !== formatPath(path),
      );
      const near =
        elsewhere ??
        closest(
          key,
          ALL_FIELD_PATHS.map((p) => p.slice(p.indexOf('.') + 1)),
        );
      if (near !== undefined) {
        const full = elsewhere ?? ALL_FIELD_PATHS.find((p) => p.endsWith(`.${near}`))!;
        const dot = full.indexOf('.');
        hint = ` (did you mean '${full.slice(dot + 1)}' in [${full.slice(0, dot)}]?)`;
      }
    }
    const where = path.length === 1 ? 'at the top level' : `in [${formatPath(path.slice(0, -1))}]`;
    this.add('unknown-key', `unknown key '${key}' ${where}${hint}`, path, entry.start, entry.end);
  }

  private wrongType(node: LocatedValue, path: FieldPath, expected: string): void {
    const got = actual(node, this.source.written(node.start, node.end));
    this.add(
      'wrong-type',
      `${formatPath(path)}: expected ${expected}, got ${got}`,
      path,
      node.start,
      node.end,
    );
  }

  /** Reads one field (at `parent` + its key) into `target`, then applies its rule. */
  private field(
    spec: FieldSpec,
    entry: LocatedEntry,
    parent: FieldPath,
    target: Record<string, unknown>,
  ): void {
    const node = entry.node;
    let value: unknown;
    switch (spec.type) {
      case 'string':
      case 'boolean':
        if (node.type !== spec.type)
          return this.wrongType(node, [...parent, spec.key], EXPECTED[spec.type]);
        value = node.value;
        break;
      case 'integer':
        if (node.type !== 'integer')
          return this.wrongType(node, [...parent, spec.key], EXPECTED.integer);
        value = Number(node.value as number | bigint);
        if (typeof node.value === 'bigint' && BigInt(value as number) !== node.value) {
          // The model holds integers as numbers: past 2^53 most are rounded, and a rounded
          // value converted or digested is another manifest (…993 would be …992).
          const written = this.source.written(node.start, node.end) ?? String(node.value);
          return this.add(
            'integer-not-exact',
            `${formatPath([...parent, spec.key])} ${written} cannot be held exactly (beyond ±2^53 it would read as ${String(value)})`,
            [...parent, spec.key],
            node.start,
            node.end,
          );
        }
        break;
      case 'strings':
        if (node.type !== 'array')
          return this.wrongType(node, [...parent, spec.key], EXPECTED.strings);
        value = this.strings(node.items, parent, spec.key);
        break;
      case 'volumes':
        if (node.type !== 'array')
          return this.wrongType(node, [...parent, spec.key], EXPECTED.volumes);
        value = this.volumes(node.items, [...parent, spec.key]);
        break;
    }
    target[spec.prop] = value;
    // An empty value written for a section's field: an override of the base, if there is
    // one (kept only then, at the end of build). Integer zeros never get here (unset).
    if (parent.length === 1 && isEmpty(value)) {
      this.manifest.overrides.push(`${parent[0] as string}.${spec.key}`);
    }
    if (spec.rule !== undefined) {
      this.ruleNode = node;
      this.ruleParent = parent;
      this.ruleKey = spec.key;
      this.ruleItems =
        node.type === 'array' && (value as unknown[]).length !== node.items.length
          ? keptItems(node.items, spec.type === 'strings' ? 'string' : 'table')
          : null;
      spec.rule(value as never, this.report, this.written);
    }
  }

  private strings(items: readonly LocatedValue[], parent: FieldPath, key: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.type === 'string') out.push(item.value as string);
      else this.wrongType(item, [...parent, key, i], 'a string');
    }
    return out;
  }

  private volumes(items: readonly LocatedValue[], path: FieldPath): VolumeMount[] {
    const out: VolumeMount[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const at = [...path, i];
      if (item.type !== 'table') {
        this.wrongType(item, at, 'a table with host and container');
        continue;
      }
      const volume = emptyVolume();
      const target = volume as unknown as Record<string, unknown>;
      for (let field = item.firstEntry; field !== null; field = field.next) {
        let name: string | undefined = field.key;
        let spec = VOLUME_FIELDS_BY_KEY.get(name);
        if (spec === undefined) {
          name = this.modelKey(field, item, VOLUME_FIELDS_BY_KEY, at);
          if (name === undefined) continue;
          spec = VOLUME_FIELDS_BY_KEY.get(name);
        }
        if (spec === undefined)
          this.unknownKey(field, [...at, name], [...VOLUME_FIELDS_BY_KEY.keys()]);
        else this.field(spec, field, at, target);
      }
      for (const spec of VOLUME_FIELDS) {
        if (
          spec.required &&
          this.source.entryIn(item, [spec.key]) === undefined &&
          !this.source.misspells(formatPath([...at, spec.key]))
        ) {
          this.add(
            'missing-required',
            `the ${ordinal(i + 1)} volume needs '${spec.key}'`,
            [...at, spec.key],
            item.start,
            item.end,
          );
        }
      }
      out.push(volume);
    }
    return out;
  }

  /** Places a rule's problem at the value, or at a part of it (`at`: indexes and keys). */
  private reportAt(
    code: DiagnosticCode,
    message: string,
    at: readonly (string | number)[] | undefined,
    character?: number,
  ): void {
    const steps = this.inFile(at);
    const target = this.partOf(steps);
    const span = character === undefined ? target : this.characterSpan(target, character);
    this.add(code, message, [...this.ruleParent, this.ruleKey, ...steps], span.start, span.end);
  }

  /**
   * Where character `index` of the string `node` is written in a TOML source (a control
   * character in a multi-line string: its own line and column, not the opening quotes);
   * the whole value where there is no TOML text (JSON).
   */
  private characterSpan(node: LocatedValue, index: number): { start: number; end: number } {
    const text = this.source.text;
    if (text === null || node.type !== 'string' || !this.source.isToml) return node;
    return stringCharSpan(text, node, index);
  }

  /** A rule's `at` with its list index counted in the file (see `ruleItems`). */
  private inFile(at: readonly (string | number)[] | undefined): readonly (string | number)[] {
    if (at === undefined) return [];
    const first = at[0];
    if (this.ruleItems === null || typeof first !== 'number') return at;
    return [this.ruleItems[first] ?? first, ...at.slice(1)];
  }

  /** The part of the rule's value at `at` (indexes and keys), or the nearest that exists. */
  private partOf(at: readonly (string | number)[]): LocatedValue {
    let target = this.ruleNode!;
    for (const step of at) {
      const next: LocatedValue | undefined =
        typeof step === 'number'
          ? target.type === 'array'
            ? target.items[step]
            : undefined
          : target.type === 'table'
            ? target.entry(step)?.node
            : undefined;
      if (next === undefined) break;
      target = next;
    }
    return target;
  }
}

/** The indexes of the items of `type`: those a list field keeps. */
function keptItems(items: readonly LocatedValue[], type: ValueType): number[] {
  const kept: number[] = [];
  for (let i = 0; i < items.length; i++) if (items[i]!.type === type) kept.push(i);
  return kept;
}

/** Builds the typed manifest from a located tree, with every structural and value problem. */
export function buildManifest(source: ManifestSource): BuildResult {
  return new Builder(source).build();
}

/**
 * How deep the located tree of plain data (and of JSON text, see `locateJson`) goes:
 * containers below are located without their contents. The deepest manifest field is
 * four levels down (`storage.volumes[0].host`), so nothing the builder reads is left out,
 * and no nesting (JSON of any depth, or an object graph with cycles) can overflow the stack.
 */
export const LOCATED_DATA_DEPTH = 16;

/** The located tree of a table value given as plain data (JSON), with empty spans. */
export function locateValue(value: unknown, depth = 0): LocatedValue {
  if (typeof value === 'string') return { type: 'string', value, start: 0, end: 0 };
  if (typeof value === 'boolean') return { type: 'boolean', value, start: 0, end: 0 };
  if (typeof value === 'number') {
    return { type: Number.isInteger(value) ? 'integer' : 'float', value, start: 0, end: 0 };
  }
  if (Array.isArray(value)) {
    const items: LocatedValue[] = [];
    if (depth < LOCATED_DATA_DEPTH)
      for (const item of value) items.push(locateValue(item, depth + 1));
    return { type: 'array', value, items, ofTables: false, start: 0, end: 0 };
  }
  if (value !== null && typeof value === 'object')
    return locateTable(value as Record<string, unknown>, depth);
  // `null` in an array (or anything else JSON cannot hold) has no TOML type: the builder
  // reports it as a wrong type, named by what it is (see `actual`).
  return { type: 'null' as ValueType as 'string', value, start: 0, end: 0 };
}

/** As `locateValue` for a table; `null` members count as absent, as in Go's JSON decoding. */
export function locateTable(value: Record<string, unknown>, depth = 0): LocatedTable {
  const table = new LocatedTableNode(value, 'inline', 0, 0);
  if (depth >= LOCATED_DATA_DEPTH) return table;
  for (const key of Object.keys(value)) {
    if (value[key] === null) continue;
    table.add(key, 0, 0, locateValue(value[key], depth + 1));
  }
  return table;
}
