/**
 * The canonical TOML of a manifest: `extends` first, then the sections in model order,
 * fields in struct order, empty fields and empty sections left out, volumes as
 * `[[storage.volumes]]`. The same manifest always gives the same bytes, and its digest
 * is `sha256:` + the hex SHA-256 of those bytes.
 */
import { floatText, quoteString, unencodable } from '../stringify.js';
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

/**
 * A basic string; its key path (`section.field`, then an array index and a volume
 * member) is put together only for the error, so the usual case builds no paths.
 */
function quoted(text: string, section: string, field: string, index = -1, member = ''): string {
  const out = quoteString(text);
  if (out !== null) return out;
  let path = section === '' ? field : `${section}.${field}`;
  if (index >= 0) path += `[${index}]`;
  if (member !== '') path += `.${member}`;
  throw unencodable('cannot encode a string with a lone surrogate', path);
}

/**
 * The canonical TOML text of a manifest: exactly `stringify(canonicalData(m))` (a test
 * holds the two together), written directly because the layout is fixed.
 */
export function encodeManifest(m: Manifest): string {
  let out = m.extends === '' ? '' : `extends = ${quoted(m.extends, '', 'extends')}\n`;
  for (const section of SECTIONS) {
    const values = sectionOf(m, section.key);
    let body = '';
    let tables = '';
    for (const field of section.fields) {
      const value = values[field.prop];
      if (isEmpty(value)) continue;
      switch (field.type) {
        case 'string':
          body += `${field.key} = ${quoted(value as string, section.key, field.key)}\n`;
          break;
        case 'integer':
          body += `${field.key} = ${Number.isSafeInteger(value) ? String(value) : floatText(value as number)}\n`;
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
