/**
 * The canonical TOML of a manifest: `extends` first, then the sections in model order,
 * fields in struct order, empty fields and empty sections left out, volumes as
 * `[[storage.volumes]]`. The same manifest always gives the same bytes, and its digest
 * is `sha256:` + the hex SHA-256 of those bytes.
 */
import { stringify } from '../stringify.js';
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

/** The canonical TOML text of a manifest. */
export function encodeManifest(m: Manifest): string {
  return stringify(canonicalData(m));
}

/** `sha256:<hex>` of the canonical encoding: the manifest's content address. */
export function manifestDigest(m: Manifest): string {
  return `sha256:${sha256Hex(encodeManifest(m))}`;
}
