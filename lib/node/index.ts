/** `volt-manifest/node`: the Node-only parts (file loading, the directory CAS store). */
export {
  loadManifest,
  readManifestFile,
  nodeHost,
  DirectoryCasStore,
  DEFAULT_MAX_BYTES,
  type LoadManifestOptions,
  type NodeHostOptions,
} from './load.js';
export { checkManifests, checkOne, type CheckOptions, type CheckResult } from './batch.js';
