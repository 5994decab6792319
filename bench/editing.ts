/**
 * The editing benchmark of issue 20: ours (`EditableDocument`, `patch`) side by side with
 * `@decimalturn/toml-patch` (`patch(text, value)`) and `@rainbowatcher/toml-edit-js`
 * (Rust's toml_edit compiled to WebAssembly, `edit(text, path, value)`), on two jobs:
 * setting `workload.image` in every manifest of the set, and five changes on a ~100 KB
 * mixed document. Every contender starts from the text and ends with the text, so the
 * read (parse) is part of what is timed for all of them.
 */
import * as tomlPatch from '@decimalturn/toml-patch';
import * as tomlEdit from '@rainbowatcher/toml-edit-js';
import { EditableDocument, type EditPath, parse, patch } from '../lib/toml/index.js';
import { firstDifference } from './compare.js';
import { packageVersion, reason } from './inputs.js';
import { OURS } from './peers.js';
import type { Contender, Group, SuiteData } from './suites.js';

export const TOML_PATCH = '@decimalturn/toml-patch';
export const TOML_EDIT_JS = '@rainbowatcher/toml-edit-js';
export const OURS_PATCH = `${OURS} patch`;

/** Untimed runs before each timed run of an editing group (see `Group.warmMs`). */
export const EDIT_WARM_MS = 300;

/** The versions shown next to the editing tables. */
export function editPeerVersions(): string {
  return `${TOML_PATCH} ${packageVersion(TOML_PATCH)}, ${TOML_EDIT_JS} ${packageVersion(TOML_EDIT_JS)}`;
}

// The WebAssembly module is read and compiled once, before anything is timed.
tomlEdit.initSync();

type Table = Record<string, unknown>;

/** One change of a document: set a value, delete a key, or append to an array. */
export interface Change {
  op: 'set' | 'delete' | 'append';
  path: EditPath;
  value?: unknown;
  /** For an append: the array's length before it (toml-edit-js sets that index). */
  index?: number;
}

/** The value `value` with `change` made to it (in place). */
export function applyToValue(value: Table, change: Change): void {
  let parent: unknown = value;
  for (const step of change.path.slice(0, -1)) parent = (parent as Table)[step as string];
  const last = change.path[change.path.length - 1]!;
  const container = parent as Table & unknown[];
  if (change.op === 'set') container[last as string] = change.value;
  else if (change.op === 'delete') delete container[last as string];
  else (container[last as string] as unknown[]).push(change.value);
}

/** toml-edit-js's path syntax: dotted keys, `[n]` for an array index. */
function tomlEditPath(path: EditPath): string {
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : step)).join('.');
}

/** `changes` made by toml-edit-js's `edit`, one call per change. */
export function tomlEditChanges(text: string, changes: readonly Change[]): string {
  let out = text;
  for (const change of changes) {
    if (change.op === 'append') {
      out = tomlEdit.edit(out, tomlEditPath([...change.path, change.index!]), change.value);
    } else {
      out = tomlEdit.edit(out, tomlEditPath(change.path), change.value);
    }
  }
  return out;
}

/** `changes` made with our `EditableDocument`. */
export function editableChanges(text: string, changes: readonly Change[]): string {
  const doc = new EditableDocument(text);
  for (const change of changes) {
    if (change.op === 'set') doc.set(change.path, change.value);
    else if (change.op === 'delete') doc.delete(change.path);
    else doc.append(change.path, change.value);
  }
  return doc.toString();
}

/** `changes` made the toml-patch way with our `parse` and `patch`: read, change, patch. */
export function ourPatchChanges(text: string, changes: readonly Change[]): string {
  const value = parse(text);
  for (const change of changes) applyToValue(value, change);
  return patch(text, value);
}

/** `changes` made with toml-patch: its parse, the change, its patch. */
export function tomlPatchChanges(text: string, changes: readonly Change[]): string {
  const value = tomlPatch.parse(text) as Table;
  for (const change of changes) applyToValue(value, change);
  return tomlPatch.patch(text, value);
}

/** Every way of making changes, by contender name (ours first: the baseline). */
export const editors: readonly {
  name: string;
  run: (text: string, c: readonly Change[]) => string;
}[] = [
  { name: OURS, run: editableChanges },
  { name: OURS_PATCH, run: ourPatchChanges },
  { name: TOML_PATCH, run: tomlPatchChanges },
  { name: TOML_EDIT_JS, run: tomlEditChanges },
];

/** The new image of the manifest job. */
export const NEW_IMAGE = 'registry.example.com/shop/orders:5.3.0';

/** The manifest job: one change, the same for every manifest. */
export const IMAGE_CHANGE: readonly Change[] = [
  { op: 'set', path: ['workload', 'image'], value: NEW_IMAGE },
];

/**
 * The five changes on the mixed document (generate.ts), spread over it: an integer in the
 * first table, a new key in that table, a literal string in the middle `[[products]]`
 * element, an append to the last `matrix_N.flags` array, and a key deleted from the last
 * `[server_N]` table. (Not a top-level key: toml-edit-js 0.6.5 rejects a one-key path
 * with "path key is empty".)
 */
export function fiveChanges(text: string): Change[] {
  const value = parse(text);
  const keys = Object.keys(value);
  const servers = keys.filter((key) => key.startsWith('server_'));
  const matrices = keys.filter((key) => key.startsWith('matrix_'));
  const products = value['products'] as unknown[];
  const lastMatrix = matrices[matrices.length - 1]!;
  const flags = (value[lastMatrix] as Table)['flags'] as unknown[];
  return [
    { op: 'set', path: ['server_0', 'port'], value: 8080 },
    { op: 'set', path: ['server_0', 'timeout'], value: 30 },
    { op: 'set', path: ['products', products.length >> 1, 'sku'], value: 'sku-changed' },
    { op: 'append', path: [lastMatrix, 'flags'], value: false, index: flags.length },
    { op: 'delete', path: [servers[servers.length - 1]!, 'big'] },
  ];
}

/** A description of the five changes for the report. */
export const FIVE_CHANGES_TEXT =
  'five changes: `server_0.port = 8080`, a new key `server_0.timeout = 30`, `sku` of the middle `[[products]]` element, `false` appended to the last `matrix_N.flags`, the last `[server_N]` table’s `big` deleted';

/**
 * A note when the output texts do not read (by our parse) as the originals with the
 * changes made; undefined when every one does.
 */
export function checkEdits(
  originals: readonly string[],
  changesOf: (text: string) => readonly Change[],
  output: unknown,
): string | undefined {
  if (!Array.isArray(output)) return 'no texts returned';
  for (let i = 0; i < originals.length; i++) {
    const expected = parse(originals[i]!);
    for (const change of changesOf(originals[i]!)) applyToValue(expected, change);
    let actual: unknown;
    try {
      actual = parse(output[i] as string);
    } catch (error) {
      return `output is not valid TOML: ${reason(error)}`;
    }
    const diff = firstDifference(expected, actual);
    if (diff !== null) {
      const where = originals.length > 1 ? `document ${i + 1}, ` : '';
      return `result does not read as the expected value: ${where}${diff}`;
    }
  }
  return undefined;
}

/** A group whose contenders each make `changesOf(text)` to every document of the suite. */
export function editGroup(
  id: string,
  title: string,
  changesOf: (text: string) => readonly Change[],
): Group {
  const contenders: Contender[] = editors.map((editor) => ({
    name: editor.name,
    setup(data: SuiteData) {
      const texts = data.toml;
      const changes = texts.map(changesOf);
      return () => texts.map((text, i) => editor.run(text, changes[i]!));
    },
    check: (data: SuiteData, output: unknown) => checkEdits(data.toml, changesOf, output),
  }));
  // toml-edit-js is WebAssembly: a full GC leaves its compiled code, so the runs are timed
  // warm for every contender alike (see `Group.warmMs`), warmed as long as the steady
  // state of the rewarm table (rewarm.ts).
  return { id, title, baseline: OURS, failure: 'fails', contenders, warmMs: EDIT_WARM_MS };
}

/** True when `actual` (our parse of an edited text) is `expected` (date/time types aside). */
export function sameEdit(expected: unknown, actual: unknown): boolean {
  return actual !== undefined && firstDifference(expected, actual) === null;
}
