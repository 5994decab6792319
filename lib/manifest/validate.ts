/**
 * The rules that span fields: required keys, what a mode needs, what the network mode
 * allows, limits that must agree. They run on the final manifest (after `extends` is
 * merged) and place each problem in whichever source wrote the value, base or child.
 */
import { parseSize } from './checks.js';
import {
  type Diagnostic,
  type DiagnosticCode,
  type Location,
  NO_LOCATION,
  diagnostic,
} from './diagnostics.js';
import { type Manifest, needsKernel } from './model.js';
import { type FieldPath, type ManifestSource, formatPath } from './source.js';

export interface ValidateOptions {
  /**
   * The manifest names a base that has not been merged in: values that may be inherited
   * (required keys, the kernel path, the image or rootfs) are not required yet.
   */
  unresolvedBase?: boolean;
}

/** Finds where things were written among the sources, child first. */
class Places {
  constructor(private readonly sources: readonly ManifestSource[]) {}

  /** The source that wrote `path`, and its entry. */
  private find(path: FieldPath) {
    for (const source of this.sources) {
      const entry = source.entry(path);
      if (entry !== undefined) return { source, entry };
    }
    return undefined;
  }

  written(path: FieldPath): boolean {
    return this.find(path) !== undefined;
  }

  /** An unknown key in some source likely misspells `path` (`section.key`). */
  misspelled(path: string): boolean {
    return this.sources.some((source) => source.misspells(path));
  }

  /** Where the value at `path` was written (for a table: its header). */
  at(path: FieldPath): Location | undefined {
    const found = this.find(path);
    return found && found.source.location(found.entry.node.start, found.entry.node.end);
  }

  /** The start of the manifest itself (the child). */
  start(): Location {
    return this.sources[0]?.start() ?? NO_LOCATION;
  }

  /**
   * Where the manifest itself (the child) writes `path` (a table: its header), else its
   * start: a field missing from what is run is the child's to add, even when a base
   * writes the table.
   */
  ownAt(path: FieldPath): Location {
    const own = this.sources[0];
    const entry = own?.entry(path);
    return entry !== undefined ? own!.location(entry.node.start, entry.node.end) : this.start();
  }
}

const KERNEL_KEYS = ['version', 'path', 'modules', 'cmdline'];

/**
 * True for a problem about a value a manifest may inherit from a child's point of view:
 * a required name or mode, `nothing-to-run`, `kernel-path-required`. A manifest with
 * `extends` is not asked for them (`unresolvedBase`), and a file that other checked files
 * extend (a base) is checked for them through those files, not on its own.
 */
export function isInheritableRequirement(d: Diagnostic): boolean {
  return (
    d.code === 'nothing-to-run' ||
    d.code === 'kernel-path-required' ||
    (d.code === 'missing-required' && (d.path === 'workload.name' || d.path === 'workload.mode'))
  );
}

/**
 * The cross-field rules. `sources` (child first) place each problem where its value was
 * written; a manifest built in code has none, and its problems come without a position.
 */
export function validateRules(
  m: Manifest,
  sources: readonly ManifestSource[] = [],
  options: ValidateOptions = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const places = new Places(sources);
  const add = (
    code: DiagnosticCode,
    message: string,
    path: FieldPath,
    at: Location | undefined,
  ) => {
    out.push(diagnostic(code, message, formatPath(path), at ?? places.start()));
  };
  // A value is set when it is not the zero value, or when a source wrote it (a written
  // zero is reported by its own rule): the cheap test first, the path built only after.
  const isSet = (value: unknown, section: string, key: string) =>
    (value !== '' && value !== 0 && value !== false) || places.written([section, key]);

  if (!options.unresolvedBase) {
    // A required field that an unknown key misspells is not reported again: the unknown
    // key's hint names it (`imag` gives one problem, not also nothing-to-run).
    for (const key of ['name', 'mode'] as const) {
      if (!isSet(m.workload[key], 'workload', key) && !places.misspelled(`workload.${key}`)) {
        add(
          'missing-required',
          `[workload] needs '${key}'`,
          ['workload', key],
          places.ownAt(['workload']),
        );
      }
    }
    if (
      needsKernel(m) &&
      !isSet(m.kernel.path, 'kernel', 'path') &&
      !places.misspelled('kernel.path')
    ) {
      add(
        'kernel-path-required',
        `mode '${m.workload.mode}' runs its own kernel and needs kernel.path`,
        ['kernel', 'path'],
        places.at(['kernel']) ?? places.at(['workload', 'mode']),
      );
    }
    if (
      !isSet(m.workload.image, 'workload', 'image') &&
      !isSet(m.storage.rootfs, 'storage', 'rootfs') &&
      !places.misspelled('workload.image') &&
      !places.misspelled('storage.rootfs')
    ) {
      add(
        'nothing-to-run',
        'nothing to run: set workload.image or storage.rootfs',
        ['workload', 'image'],
        places.ownAt(['workload']),
      );
    }
  }

  const kernelWritten = () =>
    m.kernel.version !== '' ||
    m.kernel.path !== '' ||
    m.kernel.cmdline !== '' ||
    m.kernel.modules.length > 0 ||
    KERNEL_KEYS.some((key) => places.written(['kernel', key]));
  if (m.workload.mode === 'container' && kernelWritten()) {
    add(
      'kernel-ignored-in-container-mode',
      "[kernel] is ignored in mode 'container'",
      ['kernel'],
      places.at(['kernel']) ?? places.at(['workload', 'mode']),
    );
  }

  if (m.security.readOnlyRootfs && m.storage.writableLayer === 'overlay') {
    add(
      'read-only-rootfs-with-overlay',
      "read_only_rootfs = true has no effect with writable_layer = 'overlay', which makes the root writable",
      ['storage', 'writable_layer'],
      places.at(['storage', 'writable_layer']) ?? places.at(['security', 'read_only_rootfs']),
    );
  }

  if (m.resources.memoryLimit !== '' && m.resources.memorySoft !== '') {
    const limit = parseSize(m.resources.memoryLimit);
    const soft = parseSize(m.resources.memorySoft);
    if (typeof limit === 'number' && typeof soft === 'number' && soft > limit) {
      add(
        'memory-soft-exceeds-limit',
        `memory_soft ${m.resources.memorySoft} exceeds memory_limit ${m.resources.memoryLimit}`,
        ['resources', 'memory_soft'],
        places.at(['resources', 'memory_soft']),
      );
    }
  }

  const netMode = m.network.mode;
  if (m.network.address !== '' && (netMode === 'host' || netMode === 'none')) {
    add(
      'network-address-not-allowed',
      `network.address cannot be set with network mode '${netMode}'`,
      ['network', 'address'],
      places.at(['network', 'address']),
    );
  }
  if (m.network.ports.length > 0) {
    if (netMode === 'none') {
      add(
        'ports-not-allowed',
        "network.ports cannot be set with network mode 'none'",
        ['network', 'ports'],
        places.at(['network', 'ports']),
      );
    } else if (netMode === 'host') {
      add(
        'ports-ignored-in-host-mode',
        "network.ports has no effect with network mode 'host' (the workload uses the host's ports)",
        ['network', 'ports'],
        places.at(['network', 'ports']),
      );
    }
  }
  return out;
}
