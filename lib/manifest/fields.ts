/**
 * The manifest's fields, declared once: TOML/JSON name, property, type, whether it is
 * required, the rule its value must follow, and a description. The builder, the JSON
 * form, the canonical encoder, the JSON Schema and the reference docs all read this table.
 */
import {
  CAPABILITIES,
  checkAbsolutePath,
  checkAddress,
  checkCpuset,
  checkDnsLabel,
  checkKernelVersion,
  checkModuleName,
  checkNoControlCharacters,
  controlCharacterIndex,
  explainCasReference,
  hasParentSegment,
  isCapability,
  normalizePath,
  ordinal,
  parseCasReference,
  parsePortMapping,
  canonicalHostAddress,
  parseSize,
} from './checks.js';
import type { LocatedValue } from '../toml/located.js';
import type { DiagnosticCode } from './diagnostics.js';
import {
  LANDLOCK_PROFILES,
  MODES,
  NETWORK_MODES,
  SECCOMP_PROFILES,
  WRITABLE_LAYER_MODES,
  type Manifest,
  type VolumeMount,
} from './model.js';
import {
  CAPABILITY_MEANINGS,
  LANDLOCK_MEANINGS,
  MODE_MEANINGS,
  NETWORK_MEANINGS,
  SECCOMP_MEANINGS,
  WRITABLE_LAYER_MEANINGS,
} from './meanings.js';
import { didYouMean } from './suggest.js';

export type FieldType = 'string' | 'integer' | 'boolean' | 'strings' | 'volumes';

/**
 * Reports a problem with a field's value; `at` narrows it to a part of the value (an
 * array index, then a key of an element table).
 */
export type Report = (
  code: DiagnosticCode,
  message: string,
  at?: readonly (string | number)[],
  /** The problem is one character of a string value: its index (UTF-16), placed exactly. */
  character?: number,
) => void;

/**
 * The value a rule checks as the file writes it, for messages that quote it or refer to
 * another part of it. A value given as data (JSON already parsed, a manifest built in
 * code) has no text and no positions: then both give null.
 */
export interface Written {
  /** Where a part of the value is (`at` as for `Report`): `line 3, column 12`. */
  where(at: readonly (string | number)[]): string | null;
  /** The value's text in the file: `9007199254740993`, `1_000`, `2e4` (not rounded or normalized). */
  text(): string | null;
  /**
   * Item `index` of the list the rule got, counted from 1 as written: an item of the
   * wrong type (reported as such, and not in the list) still counts.
   */
  itemNumber(index: number): number;
}

export interface FieldSpec {
  /** The TOML key and JSON name. */
  key: string;
  /** The property in the typed model. */
  prop: string;
  type: FieldType;
  required?: boolean;
  /** Checks a written value (only values actually written are checked). */
  rule?: (value: never, report: Report, written: Written) => void;
  /** The codes the rule reports (for the reference docs). */
  codes?: readonly DiagnosticCode[];
  /** For the docs and the JSON Schema. */
  description: string;
  /** Allowed values, for enumerations (docs, schema). */
  values?: readonly string[];
  /** What each of `values` means (docs, the language server's hover). */
  meanings?: Readonly<Record<string, string>>;
  /** Inclusive range, for integers (docs, schema). */
  range?: readonly [number, number];
  /**
   * The Go zero value (`0`, `''`) written for this field means "unset": the Volt runtime's
   * encoder writes it when the field is unset. No valid value is lost (the valid range
   * starts at 1; an empty name or mode is never valid).
   */
  zeroMeansUnset?: true;
}

export interface SectionSpec {
  key: 'workload' | 'kernel' | 'security' | 'resources' | 'network' | 'storage';
  fields: readonly FieldSpec[];
  description: string;
}

function oneOf(values: readonly string[], code: DiagnosticCode, what: string) {
  return (value: string, report: Report) => {
    if (!values.includes(value)) {
      report(
        code,
        `${what} '${value}' is not one of ${values.join(', ')}${didYouMean(value, values)}`,
      );
    }
  };
}

function inRange(min: number, max: number, code: DiagnosticCode, what: string) {
  return (value: number, report: Report, written: Written) => {
    // Quoted as written: beyond 2^53 the value read is rounded (9007199254740993 is ...992).
    if (value < min || value > max)
      report(code, `${what} ${written.text() ?? value} is outside ${min}–${max}`);
  };
}

/** The index of the first control character of `value`, for `Report`'s `character`. */
function controlAt(value: string): number | undefined {
  const index = controlCharacterIndex(value);
  return index === -1 ? undefined : index;
}

function absolutePath(code: DiagnosticCode, what: string) {
  return (value: string, report: Report) => {
    const problem = checkAbsolutePath(value);
    if (problem !== null)
      report(code, `${what} '${value}' ${problem}`, undefined, controlAt(value));
  };
}

/**
 * Calls `found(index, first)` for each key equal to an earlier one: a scan for the short
 * lists manifests have, a map beyond that so a huge list stays linear.
 */
function eachDuplicate<K>(keys: readonly K[], found: (index: number, first: number) => void): void {
  if (keys.length <= 16) {
    for (let i = 1; i < keys.length; i++) {
      for (let j = 0; j < i; j++) {
        if (keys[j] === keys[i]) {
          found(i, j);
          break;
        }
      }
    }
    return;
  }
  const seen = new Map<K, number>();
  for (let i = 0; i < keys.length; i++) {
    const first = seen.get(keys[i]!);
    if (first === undefined) seen.set(keys[i]!, i);
    else found(i, first);
  }
}

/** Warns about duplicates in a list, at the second occurrence, saying where the first is. */
function reportDuplicates(
  values: readonly string[],
  code: DiagnosticCode,
  what: string,
  report: Report,
  written: Written,
) {
  eachDuplicate(values, (i, first) => {
    const where = written.where([first]);
    const firstAt =
      where === null ? `as the ${ordinal(written.itemNumber(first))} item` : `at ${where}`;
    report(code, `${what} '${values[i]}' is listed twice (first ${firstAt})`, [i]);
  });
}

/**
 * What is wrong with an `extends` value, or null for a reference the resolver may follow.
 * The rule reports it and the resolver stops at it: a reference with a NUL or another
 * control character was followed and failed again with Node's own message.
 */
export function extendsProblem(value: string): string | null {
  if (value.startsWith('cas://')) {
    return parseCasReference(value) === null
      ? `extends '${value}': ${explainCasReference(value)}`
      : null;
  }
  if (value === '') return 'extends is empty';
  if (value.charCodeAt(0) === 0x2f)
    return `extends '${value}' must be a relative path (relative to this manifest) or cas://sha256:<hex>`;
  const problem = checkNoControlCharacters(value);
  return problem === null ? null : `extends ${problem}`;
}

function checkExtends(value: string, report: Report): void {
  const problem = extendsProblem(value);
  if (problem !== null) report('extends-invalid', problem, undefined, controlAt(value));
}

function checkSize(what: string) {
  return (value: string, report: Report) => {
    const bytes = parseSize(value);
    if (typeof bytes === 'string') report('memory-size-invalid', `${what} '${value}' ${bytes}`);
  };
}

function checkVolumePath(
  which: 'host' | 'container',
  value: string,
  report: Report,
  at: (string | number)[],
) {
  const problem = checkAbsolutePath(value);
  if (problem !== null) {
    report(
      'volume-path-not-absolute',
      `volume ${which} '${value}' ${problem}`,
      at,
      controlAt(value),
    );
  } else if (hasParentSegment(value)) {
    report('volume-path-traversal', `volume ${which} '${value}' has a '..' segment`, at);
  } else if (which === 'container' && normalizePath(value) === '/') {
    report('volume-container-root', 'a volume cannot be mounted over the container root /', at);
  }
}

/** Rules on the volume list (element fields are checked by the builder, see VOLUME_FIELDS). */
function checkVolumes(volumes: VolumeMount[], report: Report, written: Written): void {
  const containers: string[] = [];
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i]!;
    if (volume.host !== '') checkVolumePath('host', volume.host, report, [i, 'host']);
    if (volume.container !== '')
      checkVolumePath('container', volume.container, report, [i, 'container']);
    // An absent container (reported by the builder) gets a key no path can have.
    containers.push(volume.container === '' ? `\u0000${i}` : normalizePath(volume.container));
  }
  eachDuplicate(containers, (i, first) => {
    const where = written.where([first, 'container']);
    const user =
      where === null
        ? `the ${ordinal(written.itemNumber(first))} volume`
        : `the volume at ${where}`;
    report(
      'volume-container-duplicate',
      `container path '${volumes[i]!.container}' is already used by ${user}`,
      [i, 'container'],
    );
  });
}

/**
 * Two mappings conflict when they bind the same host port and protocol on the same host
 * address; an unspecified address (`8080:80`, `0.0.0.0:…`, `[::]:…`) binds every address,
 * so it conflicts with any address on that port. Each later mapping is reported against
 * the first one it conflicts with; one pass, a map per port and protocol. Addresses are
 * made canonical only for a port and protocol mapped more than once (most are not).
 */
function checkPorts(ports: string[], report: Report): void {
  interface Bound {
    /** The first mapping of this port and protocol, and its host address as written. */
    first: number;
    firstAddress: string;
    /** The first mapping on an unspecified address, once a second mapping came. */
    everyAddress: number;
    /** The first mapping per canonical address, once a second mapping came. */
    byAddress: Map<string, number> | null;
  }
  const bound = new Map<number, Bound>();
  for (let i = 0; i < ports.length; i++) {
    const mapping = parsePortMapping(ports[i]!);
    if (typeof mapping === 'string') {
      report('port-mapping-invalid', `port mapping '${ports[i]}': ${mapping}`, [i]);
      continue;
    }
    const key = mapping.hostPort * 2 + (mapping.protocol === 'udp' ? 1 : 0);
    const entry = bound.get(key);
    if (entry === undefined) {
      bound.set(key, { first: i, firstAddress: mapping.hostIp, everyAddress: -1, byAddress: null });
      continue;
    }
    let byAddress = entry.byAddress;
    if (byAddress === null) {
      byAddress = entry.byAddress = new Map();
      const first = canonicalHostAddress(entry.firstAddress);
      if (first === '') entry.everyAddress = entry.first;
      else byAddress.set(first, entry.first);
    }
    const address = canonicalHostAddress(mapping.hostIp);
    const conflict =
      address === ''
        ? entry.first
        : entry.everyAddress !== -1
          ? entry.everyAddress
          : (byAddress.get(address) ?? -1);
    if (conflict !== -1) {
      const on = mapping.hostIp === '' ? '' : ` on ${mapping.hostIp}`;
      report(
        'port-duplicate',
        `host port ${mapping.hostPort}/${mapping.protocol}${on} is already mapped by '${ports[conflict]}'`,
        [i],
      );
      continue;
    }
    if (address === '') entry.everyAddress = i;
    else byAddress.set(address, i);
  }
}

export const EXTENDS_FIELD: FieldSpec = {
  key: 'extends',
  prop: 'extends',
  type: 'string',
  rule: checkExtends,
  codes: ['extends-invalid'],
  description:
    'A base manifest to inherit from: a path relative to this manifest, or `cas://sha256:<64 lowercase hex>`.',
};

export const VOLUME_FIELDS: readonly FieldSpec[] = [
  {
    key: 'host',
    prop: 'host',
    type: 'string',
    required: true,
    description: 'Host path to bind-mount: absolute, no `..` segment.',
  },
  {
    key: 'container',
    prop: 'container',
    type: 'string',
    required: true,
    description:
      'Mount point in the container: absolute, not `/`, no `..` segment, unique among volumes (compared without `.` segments and repeated or trailing slashes, so `/.` is `/`).',
  },
  { key: 'readonly', prop: 'readOnly', type: 'boolean', description: 'Mount read-only.' },
];

export const SECTIONS: readonly SectionSpec[] = [
  {
    key: 'workload',
    description: 'What runs and how.',
    fields: [
      {
        key: 'name',
        prop: 'name',
        type: 'string',
        required: true,
        rule: (value: string, report: Report) => {
          const problem = checkDnsLabel(value);
          if (problem !== null)
            report('workload-name-invalid', `workload name '${value}' ${problem}`);
        },
        codes: ['workload-name-invalid'],
        zeroMeansUnset: true,
        description:
          'Workload name, a DNS label (it becomes a machine/host name): 1–63 of `a-z 0-9 -`.',
      },
      {
        key: 'mode',
        prop: 'mode',
        type: 'string',
        required: true,
        rule: oneOf(MODES, 'workload-mode-invalid', 'mode'),
        values: MODES,
        meanings: MODE_MEANINGS,
        codes: ['workload-mode-invalid'],
        zeroMeansUnset: true,
        description: 'Execution mode.',
      },
      {
        key: 'image',
        prop: 'image',
        type: 'string',
        rule: (value: string, report: Report) => {
          if (value === '')
            report('workload-image-empty', 'image is empty (remove it or name an image)');
        },
        codes: ['workload-image-empty'],
        description: 'Container image; non-empty when present.',
      },
      { key: 'description', prop: 'description', type: 'string', description: 'Free text.' },
    ],
  },
  {
    key: 'kernel',
    description: 'The kernel for hybrid modes (ignored in container mode).',
    fields: [
      {
        key: 'version',
        prop: 'version',
        type: 'string',
        rule: (value: string, report: Report) => {
          const problem = checkKernelVersion(value);
          if (problem !== null)
            report('kernel-version-invalid', `kernel version '${value}' ${problem}`);
        },
        codes: ['kernel-version-invalid'],
        description: 'Kernel version, `MAJOR.MINOR[.PATCH][-suffix]`.',
      },
      {
        key: 'path',
        prop: 'path',
        type: 'string',
        rule: absolutePath('kernel-path-not-absolute', 'kernel path'),
        codes: ['kernel-path-not-absolute'],
        description:
          'Absolute path to the kernel image; required by `hybrid-native` and `hybrid-kvm`.',
      },
      {
        key: 'modules',
        prop: 'modules',
        type: 'strings',
        rule: (value: string[], report: Report, written: Written) => {
          value.forEach((name, i) => {
            const problem = checkModuleName(name);
            if (problem !== null)
              report('kernel-module-invalid', `kernel module '${name}' ${problem}`, [i]);
          });
          reportDuplicates(value, 'kernel-module-duplicate', 'kernel module', report, written);
        },
        codes: ['kernel-module-invalid', 'kernel-module-duplicate'],
        description: 'Kernel modules to load (`A-Za-z0-9_-`); a duplicate is a warning.',
      },
      {
        key: 'cmdline',
        prop: 'cmdline',
        type: 'string',
        rule: (value: string, report: Report) => {
          const problem = checkNoControlCharacters(value);
          if (problem !== null) {
            report(
              'kernel-cmdline-control-character',
              `kernel cmdline ${problem}`,
              undefined,
              controlAt(value),
            );
          }
        },
        codes: ['kernel-cmdline-control-character'],
        description: 'Kernel command line; free text without control characters.',
      },
    ],
  },
  {
    key: 'security',
    description: 'The security policy.',
    fields: [
      {
        key: 'landlock_profile',
        prop: 'landlockProfile',
        type: 'string',
        rule: (value: string, report: Report) => {
          if (LANDLOCK_PROFILES.includes(value as never)) return;
          if (value.startsWith('/') && checkAbsolutePath(value) === null) return;
          report(
            'landlock-profile-invalid',
            `landlock profile '${value}' is not one of ${LANDLOCK_PROFILES.join(', ')} or an absolute path${didYouMean(value, LANDLOCK_PROFILES)}`,
            undefined,
            controlAt(value),
          );
        },
        values: LANDLOCK_PROFILES,
        meanings: LANDLOCK_MEANINGS,
        codes: ['landlock-profile-invalid'],
        description:
          'Landlock policy: a built-in profile, or an absolute path to a policy file (custom).',
      },
      {
        key: 'seccomp_profile',
        prop: 'seccompProfile',
        type: 'string',
        rule: (value: string, report: Report) => {
          if (SECCOMP_PROFILES.includes(value)) return;
          if (value.startsWith('/') && checkAbsolutePath(value) === null) return;
          report(
            'seccomp-profile-invalid',
            `seccomp profile '${value}' is not one of ${SECCOMP_PROFILES.join(', ')} or an absolute path${didYouMean(value, SECCOMP_PROFILES)}`,
            undefined,
            controlAt(value),
          );
        },
        values: SECCOMP_PROFILES,
        meanings: SECCOMP_MEANINGS,
        codes: ['seccomp-profile-invalid'],
        description: 'Seccomp profile: a built-in profile, or an absolute path to a profile.',
      },
      {
        key: 'capabilities',
        prop: 'capabilities',
        type: 'strings',
        rule: (value: string[], report: Report, written: Written) => {
          value.forEach((name, i) => {
            if (isCapability(name)) return;
            const prefixed = isCapability(`CAP_${name.toUpperCase()}`)
              ? `CAP_${name.toUpperCase()}`
              : null;
            const hint =
              prefixed !== null ? ` (did you mean '${prefixed}'?)` : didYouMean(name, CAPABILITIES);
            report('capability-unknown', `'${name}' is not a Linux capability${hint}`, [i]);
          });
          reportDuplicates(value, 'capability-duplicate', 'capability', report, written);
        },
        values: CAPABILITIES,
        meanings: CAPABILITY_MEANINGS,
        codes: ['capability-unknown', 'capability-duplicate'],
        description: 'Linux capabilities to keep, as `CAP_*` names; a duplicate is a warning.',
      },
      {
        key: 'read_only_rootfs',
        prop: 'readOnlyRootfs',
        type: 'boolean',
        description: 'Mount the root filesystem read-only.',
      },
    ],
  },
  {
    key: 'resources',
    description: 'cgroup v2 resource limits.',
    fields: [
      {
        key: 'memory_limit',
        prop: 'memoryLimit',
        type: 'string',
        rule: checkSize('memory_limit'),
        codes: ['memory-size-invalid'],
        description: 'Hard memory limit: `512M`, `1.5G`, `2GiB`, … or `max`.',
      },
      {
        key: 'memory_soft',
        prop: 'memorySoft',
        type: 'string',
        rule: checkSize('memory_soft'),
        codes: ['memory-size-invalid'],
        description: 'Soft memory limit (same format); must not exceed `memory_limit`.',
      },
      {
        key: 'cpu_weight',
        prop: 'cpuWeight',
        type: 'integer',
        rule: inRange(1, 10000, 'cpu-weight-out-of-range', 'cpu_weight'),
        range: [1, 10000],
        codes: ['cpu-weight-out-of-range'],
        zeroMeansUnset: true,
        description: 'CPU weight (cgroup v2 `cpu.weight`).',
      },
      {
        key: 'cpu_set',
        prop: 'cpuSet',
        type: 'string',
        rule: (value: string, report: Report) => {
          const problem = checkCpuset(value);
          if (problem !== null) report('cpuset-invalid', `cpu_set '${value}' ${problem}`);
        },
        codes: ['cpuset-invalid'],
        description: 'CPUs to run on, a cpuset list like `0-3,8,10-11`.',
      },
      {
        key: 'io_weight',
        prop: 'ioWeight',
        type: 'integer',
        rule: inRange(1, 10000, 'io-weight-out-of-range', 'io_weight'),
        range: [1, 10000],
        codes: ['io-weight-out-of-range'],
        zeroMeansUnset: true,
        description: 'IO weight (cgroup v2 `io.weight`).',
      },
      {
        key: 'pids_max',
        prop: 'pidsMax',
        type: 'integer',
        rule: inRange(1, 4194304, 'pids-max-out-of-range', 'pids_max'),
        range: [1, 4194304],
        codes: ['pids-max-out-of-range'],
        zeroMeansUnset: true,
        description: 'Maximum number of processes.',
      },
    ],
  },
  {
    key: 'network',
    description: 'The container network.',
    fields: [
      {
        key: 'mode',
        prop: 'mode',
        type: 'string',
        rule: oneOf(NETWORK_MODES, 'network-mode-invalid', 'network mode'),
        values: NETWORK_MODES,
        meanings: NETWORK_MEANINGS,
        codes: ['network-mode-invalid'],
        description: 'Network topology.',
      },
      {
        key: 'address',
        prop: 'address',
        type: 'string',
        rule: (value: string, report: Report) => {
          const problem = checkAddress(value, true);
          if (problem !== null) report('network-address-invalid', `address '${value}': ${problem}`);
        },
        codes: ['network-address-invalid'],
        description:
          'IPv4 or IPv6 address with an optional `/prefix`; not with mode `host` or `none`.',
      },
      {
        key: 'dns',
        prop: 'dns',
        type: 'strings',
        rule: (value: string[], report: Report) => {
          value.forEach((server, i) => {
            const problem = checkAddress(server, false);
            if (problem !== null)
              report('dns-address-invalid', `DNS server '${server}': ${problem}`, [i]);
          });
        },
        codes: ['dns-address-invalid'],
        description: 'DNS servers, as IPv4 or IPv6 addresses.',
      },
      {
        key: 'ports',
        prop: 'ports',
        type: 'strings',
        rule: checkPorts,
        codes: ['port-mapping-invalid', 'port-duplicate'],
        description:
          'Published ports, `[hostIP:]hostPort:containerPort[/tcp|/udp]`; not with mode `none`, a warning with mode `host`.',
      },
    ],
  },
  {
    key: 'storage',
    description: 'The root filesystem and volumes.',
    fields: [
      {
        key: 'rootfs',
        prop: 'rootfs',
        type: 'string',
        rule: (value: string, report: Report) => {
          if (value.startsWith('cas://')) {
            if (parseCasReference(value) === null) {
              report('rootfs-invalid', `rootfs '${value}': ${explainCasReference(value)}`);
            }
            return;
          }
          const problem = checkAbsolutePath(value);
          if (problem !== null) {
            report(
              'rootfs-invalid',
              `rootfs '${value}' ${problem} (or use cas://sha256:<hex>)`,
              undefined,
              controlAt(value),
            );
          }
        },
        codes: ['rootfs-invalid'],
        description: 'Root filesystem: an absolute path or `cas://sha256:<64 lowercase hex>`.',
      },
      {
        key: 'volumes',
        prop: 'volumes',
        type: 'volumes',
        rule: checkVolumes,
        codes: [
          'volume-path-not-absolute',
          'volume-path-traversal',
          'volume-container-root',
          'volume-container-duplicate',
        ],
        description: 'Bind mounts, as `[[storage.volumes]]` tables.',
      },
      {
        key: 'writable_layer',
        prop: 'writableLayer',
        type: 'string',
        rule: oneOf(WRITABLE_LAYER_MODES, 'writable-layer-invalid', 'writable layer'),
        values: WRITABLE_LAYER_MODES,
        meanings: WRITABLE_LAYER_MEANINGS,
        codes: ['writable-layer-invalid'],
        description: 'How the writable layer over the rootfs is made.',
      },
    ],
  },
];

/** Section specs by key. */
export const SECTION_BY_KEY: ReadonlyMap<string, SectionSpec> = new Map(
  SECTIONS.map((s) => [s.key, s]),
);

/** `section.key` of the fields whose Go zero value means unset. */
const UNSET_WHEN_ZERO: ReadonlySet<string> = new Set(
  SECTIONS.flatMap((s) => s.fields.filter((f) => f.zeroMeansUnset).map((f) => `${s.key}.${f.key}`)),
);

/**
 * True when `node`, written for `section.key`, is the Go zero value of a field where that
 * means unset (`cpu_weight = 0`, `name = ""`): such a value is read as not written.
 */
export function isUnsetValue(section: string, key: string, node: LocatedValue): boolean {
  if (node.type === 'integer') {
    return (node.value === 0 || node.value === 0n) && UNSET_WHEN_ZERO.has(`${section}.${key}`);
  }
  return node.type === 'string' && node.value === '' && UNSET_WHEN_ZERO.has(`${section}.${key}`);
}

/** Every key the model knows, as `section.key`, for suggestions across sections. */
export const ALL_FIELD_PATHS: readonly string[] = SECTIONS.flatMap((s) =>
  s.fields.map((f) => `${s.key}.${f.key}`),
);

/** The section object of a manifest, typed loosely for table-driven code. */
export function sectionOf(m: Manifest, key: SectionSpec['key']): Record<string, unknown> {
  return m[key] as unknown as Record<string, unknown>;
}
