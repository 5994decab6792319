/**
 * The Volt workload manifest v2: the typed model mirroring the Go definition
 * (`Manifest`, its sections, the enums and the helpers). Fields hold Go zero values
 * when absent (`''`, `0`, `false`, `[]`); what was actually written is known from the
 * source the manifest was built from.
 */

/** Execution modes. */
export type Mode = 'container' | 'hybrid-native' | 'hybrid-kvm' | 'hybrid-emulated';
export const MODES: readonly Mode[] = [
  'container',
  'hybrid-native',
  'hybrid-kvm',
  'hybrid-emulated',
];

/** Pre-built Landlock policies; an absolute path to a policy file means `custom`. */
export type LandlockProfile = 'strict' | 'default' | 'permissive' | 'custom';
export const LANDLOCK_PROFILES: readonly LandlockProfile[] = [
  'strict',
  'default',
  'permissive',
  'custom',
];

/** Seccomp profiles; an absolute path to a profile is also accepted. */
export const SECCOMP_PROFILES: readonly string[] = ['default', 'strict', 'unconfined'];

export type NetworkMode = 'bridge' | 'host' | 'none' | 'custom';
export const NETWORK_MODES: readonly NetworkMode[] = ['bridge', 'host', 'none', 'custom'];

export type WritableLayerMode = 'overlay' | 'tmpfs' | 'none';
export const WRITABLE_LAYER_MODES: readonly WritableLayerMode[] = ['overlay', 'tmpfs', 'none'];

export interface WorkloadSection {
  name: string;
  /** `''` when unset; otherwise one of `MODES` once validated. */
  mode: Mode | '';
  image: string;
  description: string;
}

export interface KernelSection {
  version: string;
  path: string;
  modules: string[];
  cmdline: string;
}

export interface SecuritySection {
  landlockProfile: string;
  seccompProfile: string;
  capabilities: string[];
  readOnlyRootfs: boolean;
}

export interface ResourceSection {
  memoryLimit: string;
  memorySoft: string;
  cpuWeight: number;
  cpuSet: string;
  ioWeight: number;
  pidsMax: number;
}

export interface NetworkSection {
  mode: NetworkMode | '';
  address: string;
  dns: string[];
  ports: string[];
}

export interface VolumeMount {
  host: string;
  container: string;
  readOnly: boolean;
}

export interface StorageSection {
  rootfs: string;
  volumes: VolumeMount[];
  writableLayer: WritableLayerMode | '';
}

export interface Manifest {
  workload: WorkloadSection;
  kernel: KernelSection;
  security: SecuritySection;
  resources: ResourceSection;
  network: NetworkSection;
  storage: StorageSection;
  /** A relative path or `cas://sha256:<hex>` of a base manifest; `''` for none. */
  extends: string;
  /** Where the manifest was loaded from (not encoded); `''` when built in memory. */
  sourcePath: string;
  /**
   * The fields a manifest with `extends` writes with their empty value (`ports = []`,
   * `read_only_rootfs = false`, `description = ""`), as `section.key`: they override the
   * base's values, so encoding, JSON and the digest keep them. Empty (and ignored) on a
   * manifest without `extends` and on a resolved one. Integer fields are never here: their
   * zero means unset.
   */
  overrides: string[];
}

/** A manifest with every field at its zero value. */
/*
 * A new manifest is copied from templates rather than written as one nested literal: V8
 * tracks where literals are made, and as manifests usually outlive the collections made
 * while they are built, it starts making them in the old generation, where every value
 * the builder then stores into them is recorded for the next collection. Copies (object
 * spread, `slice`) are not tracked that way. The manifest pipeline over 10,000 kept
 * manifests: 244-254 ms with the literal, 223-238 ms with copies (six alternating runs).
 */
/** Only copied (`slice`), never handed out. */
const NO_ITEMS: never[] = [];
const WORKLOAD: WorkloadSection = { name: '', mode: '', image: '', description: '' };
const KERNEL: KernelSection = { version: '', path: '', modules: NO_ITEMS, cmdline: '' };
const SECURITY: SecuritySection = {
  landlockProfile: '',
  seccompProfile: '',
  capabilities: NO_ITEMS,
  readOnlyRootfs: false,
};
const RESOURCES: ResourceSection = {
  memoryLimit: '',
  memorySoft: '',
  cpuWeight: 0,
  cpuSet: '',
  ioWeight: 0,
  pidsMax: 0,
};
const NETWORK: NetworkSection = { mode: '', address: '', dns: NO_ITEMS, ports: NO_ITEMS };
const STORAGE: StorageSection = { rootfs: '', volumes: NO_ITEMS, writableLayer: '' };
/** The key order of a manifest (its sections are replaced by copies). */
const MANIFEST: Manifest = {
  workload: WORKLOAD,
  kernel: KERNEL,
  security: SECURITY,
  resources: RESOURCES,
  network: NETWORK,
  storage: STORAGE,
  extends: '',
  sourcePath: '',
  overrides: NO_ITEMS,
};
const VOLUME: VolumeMount = { host: '', container: '', readOnly: false };

export function emptyManifest(): Manifest {
  return {
    ...MANIFEST,
    workload: { ...WORKLOAD },
    kernel: { ...KERNEL, modules: NO_ITEMS.slice() },
    security: { ...SECURITY, capabilities: NO_ITEMS.slice() },
    resources: { ...RESOURCES },
    network: { ...NETWORK, dns: NO_ITEMS.slice(), ports: NO_ITEMS.slice() },
    storage: { ...STORAGE, volumes: NO_ITEMS.slice() },
    overrides: NO_ITEMS.slice(),
  };
}

export function emptyVolume(): VolumeMount {
  return { ...VOLUME };
}

/** The mode requires kernel isolation (every hybrid mode). */
export function isHybrid(m: Manifest): boolean {
  return (
    m.workload.mode === 'hybrid-native' ||
    m.workload.mode === 'hybrid-kvm' ||
    m.workload.mode === 'hybrid-emulated'
  );
}

/** The mode requires `kernel.path` (`hybrid-native` and `hybrid-kvm`). */
export function needsKernel(m: Manifest): boolean {
  return m.workload.mode === 'hybrid-native' || m.workload.mode === 'hybrid-kvm';
}

/** The rootfs references the content-addressed store (`cas://…`). */
export function hasCasRootfs(m: Manifest): boolean {
  return m.storage.rootfs.length > 6 && m.storage.rootfs.startsWith('cas://');
}

/** `sha256:abc…` from a `cas://sha256:abc…` rootfs, or `''`. */
export function casDigest(m: Manifest): string {
  return hasCasRootfs(m) ? m.storage.rootfs.slice(6) : '';
}
