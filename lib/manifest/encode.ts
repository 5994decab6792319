/**
 * The canonical TOML of a manifest: `extends` first, then the sections in model order,
 * fields in struct order, empty fields and empty sections left out, volumes as
 * `[[storage.volumes]]`. The same manifest always gives the same bytes, and its digest
 * is `sha256:` + the hex SHA-256 of those bytes.
 */
import { TomlError } from '../errors.js';
import { floatText, quoteString } from '../stringify.js';
import { SECTIONS, sectionOf } from './fields.js';
import type { Manifest, VolumeMount } from './model.js';
import { sha256Hex } from './sha256.js';

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

/** The manifest as plain data in canonical order (TOML names, empty values left out). */
export function canonicalData(m: Manifest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.extends !== '') out['extends'] = m.extends;
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    const table: Record<string, unknown> = {};
    let written = false;
    for (const field of section.fields) {
      const value = values[field.prop];
      if (isEmpty(value)) continue;
      table[field.key] =
        field.type === 'volumes' ? (value as VolumeMount[]).map(volumeData) : value;
      written = true;
    }
    if (written) out[section.key] = table;
  }
  return out;
}

/** A basic string, or the encoder's error for what TOML cannot hold. */
function quoted(text: string, path: string): string {
  const out = quoteString(text);
  if (out === null) {
    throw new TomlError({
      code: 'unencodable-value',
      message: `cannot encode a string with a lone surrogate at ${path}`,
      start: { offset: 0, line: 0, column: 0 },
      end: { offset: 0, line: 0, column: 0 },
      lineText: '',
    });
  }
  return out;
}

/**
 * The canonical TOML text of a manifest: exactly `stringify(canonicalData(m))` (a test
 * holds the two together), written directly because the layout is fixed.
 */
export function encodeManifest(m: Manifest): string {
  let out = m.extends === '' ? '' : `extends = ${quoted(m.extends, 'extends')}\n`;
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    let body = '';
    let tables = '';
    for (const field of section.fields) {
      const value = values[field.prop];
      if (isEmpty(value)) continue;
      const path = `${section.key}.${field.key}`;
      switch (field.type) {
        case 'string':
          body += `${field.key} = ${quoted(value as string, path)}\n`;
          break;
        case 'integer':
          body += `${field.key} = ${Number.isSafeInteger(value) ? String(value) : floatText(value as number)}\n`;
          break;
        case 'boolean':
          body += `${field.key} = true\n`;
          break;
        case 'strings':
          body += `${field.key} = [${(value as string[]).map((item, i) => quoted(item, `${path}[${i}]`)).join(', ')}]\n`;
          break;
        case 'volumes':
          (value as VolumeMount[]).forEach((volume, i) => {
            const at = `${path}[${i}]`;
            tables += `\n[[${path}]]\nhost = ${quoted(volume.host, `${at}.host`)}\ncontainer = ${quoted(volume.container, `${at}.container`)}\n`;
            if (volume.readOnly) tables += 'readonly = true\n';
          });
          break;
      }
    }
    if (body !== '') out += `${out === '' ? '' : '\n'}[${section.key}]\n${body}`;
    if (tables !== '') out += out === '' ? tables.slice(1) : tables;
  }
  return out;
}

/** `sha256:<hex>` of the canonical encoding: the manifest's content address. */
export function manifestDigest(m: Manifest): string {
  return `sha256:${sha256Hex(encodeManifest(m))}`;
}
