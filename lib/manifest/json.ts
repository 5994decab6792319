/**
 * The JSON form of a manifest: the Go `json` tag names and omit-empty rule (every field
 * left out when empty, except `workload.name`, `workload.mode` and each volume's `host`
 * and `container`); sections always present, `extends` only when set.
 */
import { LineIndex } from '../toml/errors.js';
import type { LocatedTable, LocatedValue } from '../toml/located.js';
import { locateJson } from './json-syntax.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { checkOptionsObject } from '../toml/options.js';
import { LOCATED_DATA_DEPTH, buildManifest, locateTable } from './build.js';
import {
  type Diagnostic,
  type Location,
  NO_LOCATION,
  diagnostic,
  sortDiagnostics,
} from './diagnostics.js';
import { SECTIONS, sectionOf } from './fields.js';
import { checkedManifest, describeValue, isEmpty, volumeData, writtenOverrides } from './encode.js';
import { type Manifest, type VolumeMount, emptyManifest } from './model.js';
import { type FieldPath, ManifestSource, formatPath } from './source.js';
import { type ValidateOptions, validateRules } from './validate.js';
import type { ManifestResult } from './read.js';

const ALWAYS = new Set(['workload.name', 'workload.mode']);

/**
 * The manifest as JSON-ready data with the Go names. A value its field cannot hold (a
 * manifest built in code) throws as in `encodeManifest`: JSON would write NaN as null.
 */
export function manifestToJSON(m: Manifest): Record<string, unknown> {
  checkedManifest(m);
  const overrides = writtenOverrides(m);
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    const table: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = values[field.prop];
      const path = `${section.key}.${field.key}`;
      if (isEmpty(value) && !ALWAYS.has(path) && !overrides?.has(path)) continue;
      table[field.key] =
        field.type === 'volumes' ? (value as VolumeMount[]).map(volumeData) : value;
    }
    out[section.key] = table;
  }
  if (m.extends !== '') out['extends'] = m.extends;
  return out;
}

export interface FromJSONOptions {
  /** The file name used in diagnostics. */
  path?: string;
}

/**
 * A string with a lone surrogate is valid JSON (`"\ud800"`) but not Unicode text, so no
 * TOML can hold it and the manifest could not be encoded: reported as a JSON problem.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function loneSurrogates(source: ManifestSource): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (value: LocatedValue, at: FieldPath): void => {
    if (value.type === 'string') {
      if (LONE_SURROGATE.test(value.value as string)) {
        const where = formatPath(at);
        const message = `${where}: the string has a lone surrogate, which is not Unicode text (TOML cannot hold it)`;
        const location = source.location(value.start, value.end);
        found.push(diagnostic('json-syntax', message, where, location));
      }
    } else if (value.type === 'array') {
      value.items.forEach((item, i) => visit(item, [...at, i]));
    } else if (value.type === 'table') {
      for (let e = value.firstEntry; e !== null; e = e.next) visit(e.node, [...at, e.key]);
    }
  };
  visit(source.root, []);
  return found;
}

/** The result for input that is not a manifest at all. */
function failed(file: string, problem: Diagnostic): ManifestResult {
  return {
    manifest: { ...emptyManifest(), sourcePath: file },
    diagnostics: [problem],
    sources: [],
  };
}

/** The character at `offset` of `text` (or just after its end). */
function characterAt(text: string, offset: number, file: string): Location {
  const { line, column } = new LineIndex(text).position(offset);
  return { file, line, column, endLine: line, endColumn: column + 1 };
}

/**
 * A manifest from its JSON form (a JSON text, its UTF-8 bytes, or an already parsed
 * value), checked with the same rules and codes as TOML input. Diagnostics name the JSON
 * path (`path`). Given text or bytes, each is at the line and column of the value (or
 * the member name, for an unknown key) in the text, a syntax error (or invalid UTF-8)
 * where the text goes wrong; a value already parsed has no positions, so their line and
 * column are 0. `null` members count as absent.
 */
export function manifestFromJSON(input: unknown, options: FromJSONOptions = {}): ManifestResult {
  checkOptionsObject(options);
  const file = options.path ?? '';
  let value = input;
  if (input instanceof Uint8Array) {
    const { text, error } = decodeStrictUtf8(input);
    if (error !== null) {
      // Reported at the bad byte: the position just after the text before it.
      const at = characterAt(text, text.length, file);
      return failed(file, diagnostic('json-syntax', error.message, '', at));
    }
    // A byte-order mark is allowed before JSON bytes (RFC 8259 lets a parser ignore it).
    value = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if (typeof value === 'string') return fromText(value, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failed(file, notAnObject(value, { ...NO_LOCATION, file }));
  }
  return fromSource(new ManifestSource(file, locateTable(value as Record<string, unknown>), null));
}

function notAnObject(value: unknown, location: Location): Diagnostic {
  const message = `a manifest must be a JSON object, got ${describeValue(value)}`;
  return diagnostic('wrong-type', message, '', location);
}

/**
 * A manifest from JSON text, read in one pass that locates every value, so each problem
 * is reported at its line and column as in a TOML file.
 */
function fromText(text: string, file: string): ManifestResult {
  const { error, root, repeated } = locateJson(text, LOCATED_DATA_DEPTH);
  if (error >= 0) {
    // The scan found where; the engine says what (it refuses what the scan refuses).
    let message = 'invalid JSON';
    try {
      JSON.parse(text);
    } catch (engine) {
      message = `invalid JSON: ${(engine as Error).message}`;
    }
    return failed(file, diagnostic('json-syntax', message, '', characterAt(text, error, file)));
  }
  const lines = new LineIndex(text);
  const position = (offset: number) => lines.position(offset);
  if (root!.type !== 'table') {
    const { line, column } = position(root!.start);
    const end = position(root!.end);
    const at = { file, line, column, endLine: end.line, endColumn: end.column };
    return failed(file, notAnObject(root!.value, at));
  }
  const result = fromSource(new ManifestSource(file, root as LocatedTable, position, text));
  if (repeated !== null) {
    // JSON.parse keeps only the last value of a name given twice, and the first would be
    // lost without a word (TOML rejects a key written twice): reported at the second.
    const { offset, name } = repeated;
    const message = `member name ${JSON.stringify(name)} appears twice in one object; only the last value would be kept`;
    const at = characterAt(text, offset, file);
    result.diagnostics = sortDiagnostics([
      diagnostic('json-syntax', message, '', at),
      ...result.diagnostics,
    ]);
  }
  return result;
}

/**
 * Builds and checks a manifest from the located tree of its JSON form, `unresolvedBase`
 * as given or, when undefined, as its `extends` says.
 */
function fromSource(source: ManifestSource, unresolvedBase?: boolean): ManifestResult {
  const built = buildManifest(source);
  built.manifest.sourcePath = source.file;
  const diagnostics: Diagnostic[] = [
    ...built.diagnostics,
    ...loneSurrogates(source),
    ...validateRules(built.manifest, [source], {
      unresolvedBase: unresolvedBase ?? built.manifest.extends !== '',
    }),
  ];
  return { manifest: built.manifest, diagnostics: sortDiagnostics(diagnostics), sources: [source] };
}

/**
 * A manifest built in code as plain data of its JSON form, its values as they are, wrong
 * ones too, for the builder to report (a section that is not an object, `1.5` for an
 * integer, a number for a string). Empty values are unset, as in `emptyManifest`.
 */
function dataOf(m: Manifest): Record<string, unknown> {
  const model = m as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (!isEmpty(model['extends']) && model['extends'] !== undefined) out['extends'] = m.extends;
  for (const section of SECTIONS) {
    // A missing section is reported as a wrong type, as encodeManifest refuses it.
    const values = model[section.key];
    if (
      values === null ||
      values === undefined ||
      typeof values !== 'object' ||
      Array.isArray(values)
    ) {
      out[section.key] = values;
      continue;
    }
    const table: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = (values as Record<string, unknown>)[field.prop];
      if (value === undefined || isEmpty(value)) continue;
      table[field.key] =
        field.type === 'volumes' && Array.isArray(value) ? value.map(volumeOf) : value;
    }
    out[section.key] = table;
  }
  return out;
}

/** A volume of a manifest built in code as JSON data (anything else as it is). */
function volumeOf(volume: unknown): unknown {
  if (volume === null || typeof volume !== 'object' || Array.isArray(volume)) return volume;
  const data = volumeData(volume as VolumeMount);
  // Anything but a boolean is kept, for the builder to report (volumeData writes `true`).
  const readOnly: unknown = (volume as VolumeMount).readOnly;
  if (typeof readOnly !== 'boolean') data['readonly'] = readOnly;
  return data;
}

/**
 * Checks a manifest. Without `sources` (a manifest built in code), every rule: its
 * values go through the builder as JSON data does, so a wrong type or a value out of
 * range is reported at its path, then the cross-field rules. With the `sources` it was
 * read from, the cross-field rules only: the builder checked each field as it read it.
 */
export function validateManifest(
  m: Manifest,
  sources: readonly ManifestSource[] = [],
  options: ValidateOptions = {},
): Diagnostic[] {
  checkOptionsObject(options);
  if (sources.length > 0) return validateRules(m, sources, options);
  if (m === null || typeof m !== 'object') {
    const message = `a manifest must be an object, got ${describeValue(m)}`;
    return [diagnostic('wrong-type', message, '', NO_LOCATION)];
  }
  const source = new ManifestSource('', locateTable(dataOf(m)), null);
  return fromSource(source, options.unresolvedBase ?? m.extends !== '').diagnostics;
}
