/**
 * The canonical TOML of a manifest: `extends` first, then the sections in model order,
 * fields in struct order, empty fields and empty sections left out, volumes as
 * `[[storage.volumes]]`. The same manifest always gives the same bytes, and its digest
 * is `sha256:` + the hex SHA-256 of those bytes.
 */
import { quoteString, unencodable } from '../toml/stringify.js';
import { type FieldType, SECTIONS, sectionOf } from './fields.js';
import type { Manifest, VolumeMount } from './model.js';
import { sha256Hex } from './sha256.js';

/** The empty value of each field type as TOML (integers have none: their zero is unset). */
const EMPTY_TOML: Record<FieldType, string> = {
  string: '""',
  integer: '0',
  boolean: 'false',
  strings: '[]',
  volumes: '[]',
};

/**
 * The fields an empty value can override: every section field but those whose zero value
 * means unset (the integers, `name`, `mode`).
 */
const OVERRIDABLE: ReadonlySet<string> = new Set(
  SECTIONS.flatMap((s) =>
    s.fields
      .filter((f) => f.type !== 'integer' && !f.zeroMeansUnset)
      .map((f) => `${s.key}.${f.key}`),
  ),
);

/** Go's omit-empty: the zero value of each field type. */
export function isEmpty(value: unknown): boolean {
  return (
    value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0)
  );
}

/** A volume as TOML/JSON data: host and container always (required), readonly when true. */
export function volumeData(volume: VolumeMount): Record<string, unknown> {
  const table: Record<string, unknown> = { host: volume.host, container: volume.container };
  if (volume.readOnly) table['readonly'] = true;
  return table;
}

/** `section.field`, then an array index and a volume member: built only for an error. */
function fieldPath(section: string, field: string, index = -1, member = ''): string {
  let path = section === '' ? field : `${section}.${field}`;
  if (index >= 0) path += `[${index}]`;
  if (member !== '') path += `.${member}`;
  return path;
}

/** A JS value as errors name it: `the number 1.5`, `the string "5"`, `undefined`, `an object`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  integer: 'an integer (a whole number within 64 bits)',
  boolean: 'a boolean',
  strings: 'an array of strings',
  volumes: 'an array of volumes ({ host, container, readOnly })',
};

/** TOML integers are 64-bit: a whole number in [-2^63, 2^63) reads back as itself. */
const INTEGER_LIMIT = 2 ** 63;

function isTomlInteger(value: unknown): boolean {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= -INTEGER_LIMIT &&
    value < INTEGER_LIMIT
  );
}

function wrongValue(expected: string, value: unknown, path: string): Error {
  return unencodable(`expected ${expected}, got ${describeValue(value)},`, path);
}

/**
 * Throws `unencodable-value` at the path unless the section is an object and the value
 * is what its field type holds. A manifest built in code can hold anything; written
 * anyway, `1.5` in an integer field would read back as a float, `5` as the string "5",
 * `'false'` as `true`, and `undefined` would fail with an unrelated TypeError.
 */
function checkSection(values: unknown, section: string): void {
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    throw wrongValue(`an object (the [${section}] section)`, values, section);
}

function checkField(type: FieldType, value: unknown, section: string, field: string): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string')
        throw wrongValue(EXPECTED.string, value, fieldPath(section, field));
      return;
    case 'integer':
      if (!isTomlInteger(value))
        throw wrongValue(EXPECTED.integer, value, fieldPath(section, field));
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        throw wrongValue(EXPECTED.boolean, value, fieldPath(section, field));
      return;
    case 'strings':
      if (!Array.isArray(value))
        throw wrongValue(EXPECTED.strings, value, fieldPath(section, field));
      // A hole reads as undefined here, so it is reported too.
      for (let i = 0; i < value.length; i++) {
        if (typeof value[i] !== 'string')
          throw wrongValue('a string', value[i], fieldPath(section, field, i));
      }
      return;
    case 'volumes':
      if (!Array.isArray(value))
        throw wrongValue(EXPECTED.volumes, value, fieldPath(section, field));
      for (let i = 0; i < value.length; i++) checkVolume(value[i], section, field, i);
      return;
  }
}

function checkVolume(volume: unknown, section: string, field: string, index: number): void {
  if (volume === null || typeof volume !== 'object' || Array.isArray(volume))
    throw wrongValue(
      'an object { host, container, readOnly }',
      volume,
      fieldPath(section, field, index),
    );
  const { host, container, readOnly } = volume as Record<string, unknown>;
  if (typeof host !== 'string')
    throw wrongValue('a string', host, fieldPath(section, field, index, 'host'));
  if (typeof container !== 'string')
    throw wrongValue('a string', container, fieldPath(section, field, index, 'container'));
  if (typeof readOnly !== 'boolean')
    throw wrongValue('a boolean', readOnly, fieldPath(section, field, index, 'readonly'));
}

/**
 * Checks every value the writers of a manifest read (see `checkField`), so none of them
 * writes what would not read back.
 */
export function checkedManifest(m: Manifest): void {
  if (m === null || typeof m !== 'object') throw wrongValue('a manifest object', m, '');
  if (typeof m.extends !== 'string') throw wrongValue(EXPECTED.string, m.extends, 'extends');
  // A manifest built in code without `overrides` (code older than the field) has none.
  const overrides: unknown = m.overrides ?? [];
  if (!Array.isArray(overrides) || !overrides.every((p) => OVERRIDABLE.has(p as string))) {
    throw wrongValue('a list of non-integer field paths (section.key)', m.overrides, 'overrides');
  }
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    checkSection(values, section.key);
    for (const field of section.fields) {
      const value = values[field.prop];
      if (!isEmpty(value)) checkField(field.type, value, section.key, field.key);
    }
  }
}

/**
 * The `section.key` paths of the empty values `m` writes to override its base (see
 * `Manifest.overrides`); null when there are none to write (no `extends`, or none given).
 */
export function writtenOverrides(m: Manifest): ReadonlySet<string> | null {
  return m.extends === '' || !m.overrides?.length ? null : new Set(m.overrides);
}

/** The manifest as plain data in canonical order (TOML names, empty values left out). */
export function canonicalData(m: Manifest): Record<string, unknown> {
  checkedManifest(m);
  const overrides = writtenOverrides(m);
  const out: Record<string, unknown> = {};
  if (m.extends !== '') out['extends'] = m.extends;
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    const table: Record<string, unknown> = {};
    let written = false;
    for (const field of section.fields) {
      const value = values[field.prop];
      if (isEmpty(value) && !overrides?.has(`${section.key}.${field.key}`)) continue;
      table[field.key] =
        field.type === 'volumes'
          ? (value as VolumeMount[]).map(volumeData)
          : // `stringify` writes a number beyond 2^53 as a float; a bigint is an integer.
            field.type === 'integer' && !Number.isSafeInteger(value)
            ? BigInt(value as number)
            : value;
      written = true;
    }
    if (written) out[section.key] = table;
  }
  return out;
}

/** A basic string (its type checked by `checkField` before). */
function quoted(text: string, section: string, field: string, index = -1, member = ''): string {
  const out = quoteString(text);
  if (out !== null) return out;
  throw unencodable(
    'cannot encode a string with a lone surrogate',
    fieldPath(section, field, index, member),
  );
}

/**
 * The canonical TOML text of a manifest: exactly `stringify(canonicalData(m))` (a test
 * holds the two together), written directly because the layout is fixed.
 */
export function encodeManifest(m: Manifest): string {
  checkedManifest(m);
  const overrides = writtenOverrides(m);
  let out = m.extends === '' ? '' : `extends = ${quoted(m.extends, '', 'extends')}\n`;
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    let body = '';
    let tables = '';
    for (const field of section.fields) {
      const value = values[field.prop];
      if (isEmpty(value)) {
        if (overrides?.has(`${section.key}.${field.key}`)) {
          body += `${field.key} = ${EMPTY_TOML[field.type]}\n`;
        }
        continue;
      }
      switch (field.type) {
        case 'string':
          body += `${field.key} = ${quoted(value as string, section.key, field.key)}\n`;
          break;
        case 'integer':
          body += `${field.key} = ${Number.isSafeInteger(value) ? String(value) : BigInt(value as number).toString()}\n`;
          break;
        case 'boolean':
          body += `${field.key} = true\n`;
          break;
        case 'strings': {
          const items = value as string[];
          let list = quoted(items[0]!, section.key, field.key, 0);
          for (let i = 1; i < items.length; i++) {
            list += `, ${quoted(items[i]!, section.key, field.key, i)}`;
          }
          body += `${field.key} = [${list}]\n`;
          break;
        }
        case 'volumes': {
          const volumes = value as VolumeMount[];
          for (let i = 0; i < volumes.length; i++) {
            const volume = volumes[i]!;
            tables += `\n[[${section.key}.${field.key}]]\nhost = ${quoted(volume.host, section.key, field.key, i, 'host')}\ncontainer = ${quoted(volume.container, section.key, field.key, i, 'container')}\n`;
            if (volume.readOnly) tables += 'readonly = true\n';
          }
          break;
        }
      }
    }
    if (body !== '') out += `${out === '' ? '' : '\n'}[${section.key}]\n${body}`;
    if (tables !== '') out += out === '' ? tables.slice(1) : tables;
  }
  // A string built by concatenation is a tree of pieces until read; reading a character
  // flattens it once here, so callers keeping many encodings keep flat strings.
  out.charCodeAt(0);
  return out;
}

/** `sha256:<hex>` of the canonical encoding: the manifest's content address. */
export function manifestDigest(m: Manifest): string {
  return `sha256:${sha256Hex(encodeManifest(m))}`;
}
