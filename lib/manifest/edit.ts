/**
 * Editing a manifest's text by manifest path (`workload.image`, `storage.volumes[0].host`)
 * with every other byte kept (the TOML engine's `EditableDocument`), and the fixes that
 * have exactly one meaning (`fixManifest`). Each result is validated: an edit or a fix
 * whose text has an error the original did not have is refused, and the text stays as it
 * was. Core only: no Node API.
 */
import { EditableDocument, type EditPath } from '../toml/edit.js';
import { TomlError } from '../toml/errors.js';
import { LocatedDocument, type LocatedEntry, type LocatedValue } from '../toml/located.js';
import { parseLocated } from '../toml/parse.js';
import { type Diagnostic, type DiagnosticCode, NO_LOCATION, diagnostic } from './diagnostics.js';
import {
  ALL_FIELD_PATHS,
  EXTENDS_FIELD,
  type FieldType,
  SECTION_BY_KEY,
  SECTIONS,
  VOLUME_FIELDS,
} from './fields.js';
import { parseManifest } from './read.js';
import { formatPath } from './source.js';
import { closest, didYouMean } from './suggest.js';

/**
 * One change: `set` writes `value` at `path`, `unset` removes what is there. A `value`
 * given as a string for a field that is not a string is read as the command line writes
 * it: `200` for an integer, `true` for a boolean, a JSON array for a list
 * (`["80:80"]`, `[{"host": "/srv", "container": "/data"}]`), a JSON object for a section
 * or a volume. Other values are taken as they are (`200`, `["80:80"]`).
 */
export type ManifestEdit =
  { op: 'set'; path: string; value: unknown } | { op: 'unset'; path: string };

export interface EditManifestOptions {
  /** The file name for diagnostics. */
  path?: string;
}

export interface EditManifestResult {
  /** The edited text; the original text when the edits were refused. */
  text: string;
  /** The text differs from the original. */
  changed: boolean;
  /**
   * Every problem of the edited text, refused or not (then they say where the new errors
   * would be); of the original text when no edited text could be made.
   */
  diagnostics: Diagnostic[];
  /**
   * Why the edits were refused: an edit that names no field or gives it a value it cannot
   * take (without a position, the edit named in the message), or the errors the edited
   * text has that the original did not (at their place in the edited text). Empty when
   * the edits were applied.
   */
  refused: Diagnostic[];
  /**
   * The edited text that was refused for its new errors: the text the positions of
   * `refused` and `diagnostics` are in. Null when the edits were applied, or refused
   * before any text was made.
   */
  refusedText: string | null;
}

/** What a manifest path names, for typing the value written there. */
type Target = FieldType | 'section' | 'volume';

/** A manifest path split into keys and indexes, or null when it is not one. */
export function parseManifestPath(path: string): (string | number)[] | null {
  const steps: (string | number)[] = [];
  const pattern = /([A-Za-z0-9_-]+)|\[([0-9]+)\]/y;
  let at = 0;
  while (at < path.length) {
    if (steps.length > 0 && path[at] === '.') {
      if (path[at + 1] === '[') return null;
      at++;
    } else if (steps.length > 0 && path[at] !== '[') return null;
    pattern.lastIndex = at;
    const match = pattern.exec(path);
    if (match === null || (steps.length === 0 && match[2] !== undefined)) return null;
    steps.push(match[1] ?? Number(match[2]));
    at = pattern.lastIndex;
  }
  return steps.length === 0 ? null : steps;
}

const TOP_LEVEL_KEYS: readonly string[] = ['extends', ...SECTIONS.map((s) => s.key)];

/** ` (did you mean 'image' in [workload]?)`: the one other section with a field `key`. */
function elsewhere(key: string, except: string): string {
  const found = ALL_FIELD_PATHS.find((p) => p.endsWith(`.${key}`) && p !== except);
  if (found === undefined) return '';
  const dot = found.indexOf('.');
  return ` (did you mean '${found.slice(dot + 1)}' in [${found.slice(0, dot)}]?)`;
}

/** What `steps` names in the model, or why it names nothing. */
function targetOf(steps: readonly (string | number)[]): Target | string {
  const [first, second, third, fourth] = steps;
  const top = first as string;
  if (top === 'extends' && steps.length === 1) return EXTENDS_FIELD.type;
  const section = SECTION_BY_KEY.get(top);
  if (section === undefined) {
    const hint = didYouMean(top, TOP_LEVEL_KEYS) || elsewhere(top, top);
    return `unknown key '${top}' at the top level${hint}`;
  }
  if (steps.length === 1) return 'section';
  if (typeof second === 'number') return `[${top}] is a table, not a list`;
  const field = section.fields.find((f) => f.key === second);
  if (field === undefined) {
    const keys = section.fields.map((f) => f.key);
    const hint = didYouMean(second!, keys) || elsewhere(second!, `${top}.${second!}`);
    return `unknown key '${second!}' in [${top}]${hint}`;
  }
  if (steps.length === 2) return field.type;
  const name = `${top}.${second!}`;
  if (typeof third !== 'number') {
    return field.type === 'volumes'
      ? `${name} is a list: name a volume by its index (${name}[0].${third!})`
      : `${name} is ${field.type === 'strings' ? 'a list' : `a ${field.type}`}: it has no key '${third!}'`;
  }
  if (field.type === 'strings')
    return steps.length === 3 ? 'string' : `${name}[${third}] is a string`;
  if (field.type !== 'volumes') return `${name} is a ${field.type}, not a list`;
  if (steps.length === 3) return 'volume';
  const volumeField = VOLUME_FIELDS.find((f) => f.key === fourth);
  if (typeof fourth !== 'string' || volumeField === undefined) {
    const keys = VOLUME_FIELDS.map((f) => f.key);
    return `unknown key '${String(fourth)}' in a volume${typeof fourth === 'string' ? didYouMean(fourth, keys) : ''}`;
  }
  if (steps.length > 4) return `${formatPath(steps.slice(0, 4))} is a ${volumeField.type}`;
  return volumeField.type;
}

const EXPECTED: Record<Target, string> = {
  string: 'a string',
  integer: 'an integer (such as 200)',
  boolean: 'true or false',
  strings: 'a JSON array of strings (such as ["80:80"])',
  volumes: 'a JSON array of volumes (such as [{"host": "/srv", "container": "/data"}])',
  section: 'a JSON object (such as {"name": "web"})',
  volume: 'a JSON object (such as {"host": "/srv", "container": "/data"})',
};

/** The value to write for `target`: as given, or read from the command line's text. */
function typedValue(target: Target, value: unknown): { value: unknown } | { problem: string } {
  const wrong = () => ({
    problem: `expected ${EXPECTED[target]}, got ${typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value))}`,
  });
  if (typeof value !== 'string') {
    if (target === 'string') return wrong();
    if (target === 'integer' && !(typeof value === 'number' && Number.isSafeInteger(value)))
      return wrong();
    if (target === 'boolean' && typeof value !== 'boolean') return wrong();
    return { value };
  }
  switch (target) {
    case 'string':
      return { value };
    case 'integer': {
      const number = Number(value);
      return /^[+-]?[0-9]+$/.test(value) && Number.isSafeInteger(number)
        ? { value: number }
        : wrong();
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? { value: value === 'true' } : wrong();
    default: {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return wrong();
      }
      const list = target === 'strings' || target === 'volumes';
      const isObject = parsed !== null && typeof parsed === 'object';
      return isObject && Array.isArray(parsed) === list ? { value: parsed } : wrong();
    }
  }
}

/**
 * `steps` as the document writes them: a key the document has in another case
 * (`[Workload]`) is that key, as the Volt runtime reads it so.
 */
function writtenSteps(doc: EditableDocument, steps: readonly (string | number)[]): EditPath {
  const out: (string | number)[] = [];
  for (const step of steps) {
    const container = doc.get(out);
    if (typeof step === 'string' && isTable(container) && !Object.hasOwn(container, step)) {
      const lower = step.toLowerCase();
      const written = Object.keys(container).find((k) => k.toLowerCase() === lower);
      out.push(written ?? step);
    } else out.push(step);
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The errors of `after` that `before` does not have (by code and path, as many times). */
function newErrors(before: readonly Diagnostic[], after: readonly Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  for (const d of before) {
    if (d.severity !== 'error') continue;
    const key = `${d.code}\u0000${d.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return after.filter((d) => {
    if (d.severity !== 'error') return false;
    const key = `${d.code}\u0000${d.path}`;
    const left = counts.get(key) ?? 0;
    if (left === 0) return true;
    counts.set(key, left - 1);
    return false;
  });
}

/** `set workload.image` / `unset network.ports`: how a message names an edit. */
function describeEdit(edit: ManifestEdit): string {
  return `${edit.op} ${edit.path}`;
}

/**
 * Applies `edits` in order to the manifest `text` and validates the result. Values are
 * typed by the field they name (see `ManifestEdit`); a key the document writes in
 * another case is edited where it is. Refused, with the text unchanged, when an edit names
 * no field of the model (with a did-you-mean), gives a value the field cannot take, or
 * makes an error the original did not have; the reasons are in `refused`.
 */
export function editManifest(
  text: string,
  edits: readonly ManifestEdit[],
  options: EditManifestOptions = {},
): EditManifestResult {
  const file = options.path ?? '';
  const read = parseManifest(text, { path: file });
  const before = read.diagnostics;
  const refuse = (
    refused: Diagnostic[],
    diagnostics = before,
    refusedText: string | null = null,
  ): EditManifestResult => ({ text, changed: false, diagnostics, refused, refusedText });
  const editProblem = (code: DiagnosticCode, edit: ManifestEdit, message: string) =>
    diagnostic(code, `${describeEdit(edit)}: ${message}`, edit.path, { ...NO_LOCATION, file });
  let doc: EditableDocument;
  try {
    // Read with no syntax error, the manifest's tree is the one `parseLocated` gives
    // (same options): edited, not read a second time.
    const source = read.sources[0]!;
    doc = before.some((d) => d.code.startsWith('toml-'))
      ? new EditableDocument(text, { integers: 'auto' })
      : EditableDocument.fromLocated(new LocatedDocument(source.text!, source.root), {
          integers: 'auto',
        });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    return refuse(before.filter((d) => d.code.startsWith('toml-')));
  }
  const problems: Diagnostic[] = [];
  for (const edit of edits) {
    const steps = parseManifestPath(edit.path);
    if (steps === null) {
      problems.push(
        editProblem(
          'unknown-key',
          edit,
          `'${edit.path}' is not a manifest path (keys joined by '.', indexes as [N]: storage.volumes[0].host)`,
        ),
      );
      continue;
    }
    const target = targetOf(steps);
    if (!(target in EXPECTED)) {
      problems.push(editProblem('unknown-key', edit, target));
      continue;
    }
    const path = writtenSteps(doc, steps);
    try {
      if (edit.op === 'unset') {
        doc.delete(path);
        continue;
      }
      const typed = typedValue(target as Target, edit.value);
      if ('problem' in typed) problems.push(editProblem('wrong-type', edit, typed.problem));
      else doc.set(path, typed.value);
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      problems.push(editProblem(`toml-${error.code}`, edit, error.message));
    }
  }
  if (problems.length > 0) return refuse(problems);
  const edited = doc.toString();
  if (edited === text)
    return { text, changed: false, diagnostics: before, refused: [], refusedText: null };
  const after = parseManifest(edited, { path: file }).diagnostics;
  const added = newErrors(before, after);
  if (added.length > 0) return refuse(added, after, edited);
  return { text: edited, changed: true, diagnostics: after, refused: [], refusedText: null };
}

// ---- fixes ------------------------------------------------------------------------------

/** A fix `fixManifest` made, or one it found and left (`reason` says why). */
export interface ManifestFix {
  /** The code of the problem fixed: `key-case` or `unknown-key`. */
  code: 'key-case' | 'unknown-key';
  /** What the fix does: `renamed 'cpu_weigth' to 'cpu_weight'`. */
  message: string;
  /** The problem's path, as its diagnostic gives it. */
  path: string;
  /** Where the problem was in the original text (1-based). */
  line: number;
  column: number;
}

export interface FixManifestOptions extends EditManifestOptions {
  /**
   * Fixes only the problems this accepts (a diagnostic of the text as it is when the fix is
   * tried): one problem's fix, for an editor's action on that problem. Default: every one.
   */
  only?: (problem: Diagnostic) => boolean;
}

export interface FixManifestResult {
  /** The fixed text (the original when nothing was fixed). */
  text: string;
  changed: boolean;
  /** The fixes made, in the order they were made. */
  fixes: ManifestFix[];
  /** Fixes found but not made, each with why (`reason`): its text had a new error, say. */
  skipped: (ManifestFix & { reason: string })[];
  /** Every problem of the fixed text: what is left. */
  diagnostics: Diagnostic[];
}

/** A key of the located tree, with its path as the document writes it. */
interface WrittenEntry {
  entry: LocatedEntry;
  path: (string | number)[];
}

/** The entries of the tree down to a volume's fields (four levels), by `line:column`. */
function entriesByPosition(doc: LocatedDocument): Map<string, WrittenEntry> {
  const out = new Map<string, WrittenEntry>();
  const walk = (node: LocatedValue, path: (string | number)[]) => {
    if (path.length >= 4) return;
    if (node.type === 'array') {
      node.items.forEach((item, i) => walk(item, [...path, i]));
      return;
    }
    if (node.type !== 'table') return;
    for (let entry = node.firstEntry; entry !== null; entry = entry.next) {
      const { line, column } = doc.position(entry.start);
      const at = `${line}:${column}`;
      if (!out.has(at)) out.set(at, { entry, path: [...path, entry.key] });
      walk(entry.node, [...path, entry.key]);
    }
  };
  walk(doc.root, []);
  return out;
}

/** `candidates` has exactly one key `input` is likely a typo of: that one. */
function onlyCandidate(input: string, candidates: readonly string[]): string | undefined {
  const match = closest(input, candidates);
  if (match === undefined) return undefined;
  // Another candidate that would do once this one is gone: two meanings, no fix.
  return closest(
    input,
    candidates.filter((c) => c !== match),
  ) === undefined
    ? match
    : undefined;
}

/** What fixes `d` (a problem at `found`), or null when it has not exactly one meaning. */
type Plan = { rename: string } | { move: string };

function planFor(d: Diagnostic, found: WrittenEntry): Plan | null {
  const key = found.entry.key;
  if (d.code === 'key-case') return { rename: key.toLowerCase() };
  if (d.code !== 'unknown-key') return null;
  const depth = found.path.length;
  let candidates: readonly string[];
  if (depth === 1) candidates = TOP_LEVEL_KEYS;
  else if (depth === 2) {
    const section = SECTION_BY_KEY.get(String(found.path[0]).toLowerCase());
    if (section === undefined) return null;
    candidates = section.fields.map((f) => f.key);
  } else if (depth === 4) candidates = VOLUME_FIELDS.map((f) => f.key);
  else return null;
  // As the builder suggests: the table's own keys first, then another section's.
  if (closest(key, candidates) !== undefined) {
    const only = onlyCandidate(key, candidates);
    return only === undefined ? null : { rename: only };
  }
  if (depth > 2) return null;
  const here = depth === 1 ? key : `${String(found.path[0]).toLowerCase()}.${key}`;
  const homes = ALL_FIELD_PATHS.filter((p) => p.endsWith(`.${key}`) && p !== here);
  return homes.length === 1 ? { move: homes[0]!.slice(0, homes[0]!.indexOf('.')) } : null;
}

/**
 * `text` with the key of `found` written as `key` where it is defined (`EditableDocument.rename`),
 * or a reason when that does not read as the same document with the key renamed (the key
 * is written in more than one place: `[[Storage.volumes]]` twice; the table has `key`).
 */
function renameKey(text: string, found: WrittenEntry, key: string): string {
  const doc = new EditableDocument(text, { integers: 'auto' });
  try {
    doc.rename(found.path, key);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    if (error.code === 'duplicate-key') throw new Error(`there is a '${key}' already`);
    throw new Error(`'${found.entry.key}' is written in more than one place`);
  }
  return doc.toString();
}

/** `text` with the key/value of `found` moved into `[section]`. */
function moveKey(text: string, found: WrittenEntry, section: string): string {
  const doc = new EditableDocument(text, { integers: 'auto' });
  const key = found.entry.key;
  const [target] = writtenSteps(doc, [section]);
  const table = doc.get([target!]);
  if (table !== undefined && !isTable(table)) throw new Error(`${section} is not a table`);
  if (isTable(table) && Object.keys(table).some((k) => k.toLowerCase() === key.toLowerCase()))
    throw new Error(`[${section}] already has '${key}'`);
  const value = doc.get(found.path);
  if (isTable(value)) throw new Error(`'${key}' is a table`);
  doc.move(found.path, [target!, key]);
  return doc.toString();
}

/**
 * Applies the fixes that have exactly one meaning, each checked on its own: a key in the
 * wrong case (`key-case`: `Name` → `name`), a misspelled key whose did-you-mean has one
 * candidate (`cpu_weigth` → `cpu_weight`; not when another key is about as close), a key
 * in the wrong table that exactly one section takes (`image` under `[network]` → into
 * `[workload]`, when `[workload]` has none). A fix whose text would have an error the
 * text before it did not have is not made (`skipped`, with the reason). A renamed key
 * keeps its place, value and comments; a moved key/value goes to the end of its section
 * with the comment block directly above it and its trailing comment.
 */
export function fixManifest(text: string, options: FixManifestOptions = {}): FixManifestResult {
  const file = options.path ?? '';
  const original = parseManifest(text, { path: file }).diagnostics;
  // Where each problem was in the original text, by what it says (it has no position).
  const origins = new Map<string, Diagnostic>();
  for (const d of original) origins.set(`${d.code}\u0000${d.path}\u0000${d.message}`, d);
  const fixes: ManifestFix[] = [];
  const skipped: FixManifestResult['skipped'] = [];
  const tried = new Set<string>();
  let current = text;
  let diagnostics = original;
  // Each pass makes or skips one fix: a fix removes its problem, a skip is not tried again.
  for (;;) {
    const fixable = diagnostics.filter(
      (d) =>
        (d.code === 'key-case' || d.code === 'unknown-key') &&
        (options.only === undefined || options.only(d)) &&
        !tried.has(`${d.code}\u0000${d.path}\u0000${d.message}`),
    );
    if (fixable.length === 0) break;
    let doc: LocatedDocument;
    try {
      doc = parseLocated(current, { integers: 'auto' });
    } catch {
      break; // Syntax errors: what parsed is not the whole file, so nothing is fixed.
    }
    const entries = entriesByPosition(doc);
    const d = fixable[0]!;
    const id = `${d.code}\u0000${d.path}\u0000${d.message}`;
    tried.add(id);
    const found = entries.get(`${d.line}:${d.column}`);
    const plan = found === undefined ? null : planFor(d, found);
    if (plan === null) continue;
    const at = origins.get(id) ?? d;
    const key = found!.entry.key;
    const fix: ManifestFix = {
      code: d.code as ManifestFix['code'],
      message:
        'rename' in plan
          ? `renamed '${key}' to '${plan.rename}'`
          : `moved '${key}' into [${plan.move}]`,
      path: d.path,
      line: at.line,
      column: at.column,
    };
    // A fix not made says what it would have done: `rename 'x' to 'y'`.
    const notMade = (reason: string) => ({
      ...fix,
      message: fix.message.replace(/^renamed/, 'rename').replace(/^moved/, 'move'),
      reason,
    });
    let next: string;
    try {
      next =
        'rename' in plan
          ? renameKey(current, found!, plan.rename)
          : moveKey(current, found!, plan.move);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      skipped.push(notMade(error.message));
      continue;
    }
    const after = parseManifest(next, { path: file }).diagnostics;
    const added = newErrors(diagnostics, after);
    if (added.length > 0) {
      skipped.push(
        notMade(`the fixed text would have a new error: ${added[0]!.code} ${added[0]!.message}`),
      );
      continue;
    }
    fixes.push(fix);
    current = next;
    diagnostics = after;
  }
  return { text: current, changed: current !== text, fixes, skipped, diagnostics };
}
