/**
 * A JSON Schema (draft-07) for the manifest, built from the fields table, so editors with
 * TOML schema support (Taplo / Even Better TOML) check manifests as you type. It encodes
 * every rule a schema can express: types, enumerations, formats, ranges, required keys
 * and the mode-dependent rules. What it cannot express (memory_soft ≤ memory_limit,
 * duplicate ports or mount points, `extends` chains) is left to `volt-manifest check`.
 */
import { CAPABILITIES } from './checks.js';
import { EXTENDS_FIELD, SECTIONS, VOLUME_FIELDS, type FieldSpec } from './fields.js';
import {
  LANDLOCK_PROFILES,
  MODES,
  NETWORK_MODES,
  SECCOMP_PROFILES,
  WRITABLE_LAYER_MODES,
} from './model.js';

type Schema = Record<string, unknown>;

const NO_CONTROL = '[^\\u0000-\\u001f\\u007f-\\u009f]';
const ABSOLUTE = `^/${NO_CONTROL}*$`;
const NO_PARENT = '(?!(?:.*/)?\\.\\.(?:/|$))';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;
const H = '[0-9a-fA-F]{1,4}';
const IPV6 = [
  `(?:${H}:){7}${H}`,
  `(?:${H}:){1,7}:`,
  `(?:${H}:){1,6}:${H}`,
  `(?:${H}:){1,5}(?::${H}){1,2}`,
  `(?:${H}:){1,4}(?::${H}){1,3}`,
  `(?:${H}:){1,3}(?::${H}){1,4}`,
  `(?:${H}:){1,2}(?::${H}){1,5}`,
  `${H}:(?::${H}){1,6}`,
  `:(?:(?::${H}){1,7}|:)`,
  `(?:${H}:){6}${IPV4}`,
  `::(?:${H}:){0,5}${IPV4}`,
  `(?:${H}:){1,5}:(?:${H}:){0,4}${IPV4}`,
]
  .map((form) => `(?:${form})`)
  .join('|');
const V4_PREFIX = '(?:/(?:3[0-2]|[12]?[0-9]))?';
const V6_PREFIX = '(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?';
const PORT =
  '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const CAS = '^cas://sha256:[0-9a-f]{64}$';

const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const pattern = (regex: string): Schema => string({ pattern: regex });

/** The schema of each field's value, by `section.key`. */
const VALUE_SCHEMAS: Record<string, Schema> = {
  extends: { anyOf: [pattern(CAS), pattern(`^(?!/)(?!cas://)${NO_CONTROL}+$`)] },
  'workload.name': pattern('^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  'workload.mode': { enum: MODES },
  'workload.image': string({ minLength: 1 }),
  'workload.description': string(),
  'kernel.version': pattern('^[0-9]+\\.[0-9]+(?:\\.[0-9]+)?(?:-[A-Za-z0-9._+-]+)?$'),
  'kernel.path': pattern(ABSOLUTE),
  'kernel.modules': { type: 'array', items: pattern('^[A-Za-z0-9_-]+$') },
  'kernel.cmdline': pattern(`^${NO_CONTROL}*$`),
  'security.landlock_profile': { anyOf: [{ enum: LANDLOCK_PROFILES }, pattern(ABSOLUTE)] },
  'security.seccomp_profile': { anyOf: [{ enum: SECCOMP_PROFILES }, pattern(ABSOLUTE)] },
  'security.capabilities': { type: 'array', items: { enum: CAPABILITIES } },
  'security.read_only_rootfs': { type: 'boolean' },
  'resources.memory_limit': pattern('^(?:[0-9]+(?:\\.[0-9]+)?(?:[KMGT](?:i|iB|B)?|B)?|max)$'),
  'resources.memory_soft': pattern('^(?:[0-9]+(?:\\.[0-9]+)?(?:[KMGT](?:i|iB|B)?|B)?|max)$'),
  'resources.cpu_weight': {
    type: 'integer',
    anyOf: [{ const: 0 }, { minimum: 1, maximum: 10000 }],
  },
  'resources.cpu_set': pattern('^[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*$'),
  'resources.io_weight': { type: 'integer', anyOf: [{ const: 0 }, { minimum: 1, maximum: 10000 }] },
  'resources.pids_max': {
    type: 'integer',
    anyOf: [{ const: 0 }, { minimum: 1, maximum: 4194304 }],
  },
  'network.mode': { enum: NETWORK_MODES },
  'network.address': pattern(`^(?:${IPV4}${V4_PREFIX}|(?:${IPV6})${V6_PREFIX})$`),
  'network.dns': { type: 'array', items: pattern(`^(?:${IPV4}|${IPV6})$`) },
  'network.ports': {
    type: 'array',
    items: pattern(`^(?:(?:${IPV4}|\\[(?:${IPV6})\\]):)?${PORT}:${PORT}(?:/(?:tcp|udp))?$`),
  },
  'storage.rootfs': { anyOf: [pattern(ABSOLUTE), pattern(CAS)] },
  'storage.writable_layer': { enum: WRITABLE_LAYER_MODES },
  'storage.volumes.host': pattern(`^${NO_PARENT}/${NO_CONTROL}*$`),
  'storage.volumes.container': pattern(`^(?!/+$)${NO_PARENT}/${NO_CONTROL}*$`),
  'storage.volumes.readonly': { type: 'boolean' },
};

function described(spec: FieldSpec, path: string): Schema {
  const schema = VALUE_SCHEMAS[path];
  if (schema === undefined) throw new Error(`no schema for ${path}`);
  return { description: spec.description, ...schema };
}

function object(properties: Record<string, Schema>, extra: Schema = {}): Schema {
  return { type: 'object', properties, additionalProperties: false, ...extra };
}

/** The manifest JSON Schema (draft-07). */
export function manifestJsonSchema(): Schema {
  const volume = object(
    Object.fromEntries(VOLUME_FIELDS.map((f) => [f.key, described(f, `storage.volumes.${f.key}`)])),
    { required: VOLUME_FIELDS.filter((f) => f.required).map((f) => f.key) },
  );
  const properties: Record<string, Schema> = { extends: described(EXTENDS_FIELD, 'extends') };
  for (const section of SECTIONS) {
    const fields: Record<string, Schema> = {};
    for (const field of section.fields) {
      fields[field.key] =
        field.type === 'volumes'
          ? { description: field.description, type: 'array', items: volume }
          : described(field, `${section.key}.${field.key}`);
    }
    properties[section.key] = object(fields, { description: section.description });
  }
  const modeIs = (modes: readonly string[]) => ({
    properties: { workload: { properties: { mode: { enum: modes } }, required: ['mode'] } },
    required: ['workload'],
  });
  const networkIs = (modes: readonly string[]) => ({
    properties: { network: { properties: { mode: { enum: modes } }, required: ['mode'] } },
    required: ['network'],
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://volt.example/schemas/manifest-v2.json',
    title: 'Volt workload manifest v2',
    type: 'object',
    properties,
    additionalProperties: false,
    allOf: [
      {
        // Without a base to inherit from, the workload must be complete.
        if: { not: { required: ['extends'] } },
        then: {
          required: ['workload'],
          properties: { workload: { required: ['name', 'mode'] } },
          anyOf: [
            { properties: { workload: { required: ['image'] } } },
            { required: ['storage'], properties: { storage: { required: ['rootfs'] } } },
          ],
        },
      },
      {
        if: {
          allOf: [{ not: { required: ['extends'] } }, modeIs(['hybrid-native', 'hybrid-kvm'])],
        },
        then: { required: ['kernel'], properties: { kernel: { required: ['path'] } } },
      },
      {
        if: networkIs(['host', 'none']),
        then: { properties: { network: { not: { required: ['address'] } } } },
      },
      {
        if: networkIs(['none']),
        then: { properties: { network: { properties: { ports: { maxItems: 0 } } } } },
      },
    ],
  };
}
