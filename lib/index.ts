/**
 * `volt-manifest`: the Volt workload manifest model. Everything here runs without Node
 * APIs; file loading and the directory store are in `volt-manifest/node`.
 */
export {
  type Manifest,
  type Mode,
  type LandlockProfile,
  type NetworkMode,
  type WritableLayerMode,
  type WorkloadSection,
  type KernelSection,
  type SecuritySection,
  type ResourceSection,
  type NetworkSection,
  type StorageSection,
  type VolumeMount,
  MODES,
  LANDLOCK_PROFILES,
  SECCOMP_PROFILES,
  NETWORK_MODES,
  WRITABLE_LAYER_MODES,
  emptyManifest,
  isHybrid,
  needsKernel,
  hasCasRootfs,
  casDigest,
} from './manifest/model.js';
export {
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
  DIAGNOSTIC_CODES,
  hasErrors,
} from './manifest/diagnostics.js';
export { parseManifest, type ManifestResult, type ParseManifestOptions } from './manifest/read.js';
export { type ValidateOptions } from './manifest/validate.js';
export {
  resolveManifest,
  mergeManifests,
  ManifestLoadError,
  MAX_EXTENDS_DEPTH,
  type CasStore,
  type LoadFailure,
  type ManifestHost,
  type ResolveOptions,
} from './manifest/resolve.js';
export { encodeManifest, manifestDigest } from './manifest/encode.js';
export {
  manifestToJSON,
  manifestFromJSON,
  validateManifest,
  type FromJSONOptions,
} from './manifest/json.js';
export { sha256, sha256Hex } from './manifest/sha256.js';
export { ManifestSource, formatPath, type FieldPath } from './manifest/source.js';
export {
  SECTIONS,
  VOLUME_FIELDS,
  EXTENDS_FIELD,
  type FieldSpec,
  type SectionSpec,
} from './manifest/fields.js';
export {
  CAPABILITIES,
  parseSize,
  parsePortMapping,
  checkCpuset,
  checkAddress,
  type PortMapping,
} from './manifest/checks.js';
export { manifestJsonSchema } from './manifest/schema.js';
export { formatManifest, type FormatOutcome } from './manifest/format.js';
export {
  editManifest,
  fixManifest,
  parseManifestPath,
  type ManifestEdit,
  type EditManifestOptions,
  type EditManifestResult,
  type ManifestFix,
  type FixManifestResult,
} from './manifest/edit.js';
