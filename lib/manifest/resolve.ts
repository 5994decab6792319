/**
 * `extends`: a manifest inherits from a base named by a relative path or by a content
 * address (`cas://sha256:…`). Bases load through a host (the Node loader reads files; a
 * browser or worker can serve them from memory), content-addressed ones are verified
 * against their digest, chains are followed up to 16 deep, and a cycle is reported with
 * the whole chain. The merged manifest is checked as one, and each problem points at the
 * file that wrote the offending value.
 */
import { checkOptionsObject } from '../toml/options.js';
import { parseCasReference } from './checks.js';
import {
  type Diagnostic,
  type DiagnosticCode,
  diagnostic,
  sortDiagnostics,
} from './diagnostics.js';
import { describeValue } from './encode.js';
import { SECTIONS, extendsProblem, sectionOf } from './fields.js';
import type { Manifest } from './model.js';
import { dirname, joinPath } from './paths.js';
import {
  type ManifestResult,
  type ParseManifestOptions,
  type ReadManifest,
  readManifest,
} from './read.js';
import { sha256Hex } from './sha256.js';
import type { ManifestSource } from './source.js';
import { validateRules } from './validate.js';

/** Why a host could not provide a file. */
export type LoadFailure = 'not-found' | 'unreadable' | 'too-large' | 'outside-root';

/** Thrown by a host's `readFile` (any other error counts as `unreadable`). */
export class ManifestLoadError extends Error {
  override readonly name = 'ManifestLoadError';
  constructor(
    readonly kind: LoadFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A content-addressed store: bytes by digest (`sha256:<hex>`), or null when absent. */
export interface CasStore {
  get(digest: string): Promise<Uint8Array | string | null>;
}

/** Where bases come from. */
export interface ManifestHost {
  /** The bytes of a manifest file; throws `ManifestLoadError` when it cannot. */
  readFile(path: string): Promise<Uint8Array | string>;
  /** The store for `cas://` references; without one they are reported as not found. */
  cas?: CasStore;
  /**
   * The file's real path (symbolic links resolved), so that a file met again under another
   * name (`../dir/a.toml` for `a.toml`) is a cycle at once. Without it, or when it throws,
   * names are compared as written, with `.` and `..` segments removed.
   */
  realPath?(path: string): string | Promise<string>;
}

export interface ResolveOptions extends ParseManifestOptions {
  host: ManifestHost;
  /** How many `extends` links may be followed. Default 16. */
  maxDepth?: number;
}

export const MAX_EXTENDS_DEPTH = 16;

/**
 * A TypeError for options `resolveManifest` cannot work with, before anything is read: a
 * host without `readFile` otherwise surfaced as "options.host.readFile is not a function"
 * in a diagnostic about the base, and a depth that is not a count followed no link or
 * every one.
 */
function checkResolveOptions(options: ResolveOptions): void {
  checkOptionsObject(options);
  if (options === null || options === undefined) throw new TypeError('options.host is required');
  const host: unknown = options.host;
  if (
    host === null ||
    typeof host !== 'object' ||
    typeof (host as ManifestHost).readFile !== 'function'
  )
    throw new TypeError(
      `options.host must be an object with a readFile function, got ${describeValue(host)}`,
    );
  const realPath: unknown = (host as ManifestHost).realPath;
  if (realPath !== undefined && typeof realPath !== 'function')
    throw new TypeError(`options.host.realPath must be a function, got ${describeValue(realPath)}`);
  const cas: unknown = (host as ManifestHost).cas;
  if (cas !== undefined && (cas === null || typeof (cas as CasStore).get !== 'function'))
    throw new TypeError(
      `options.host.cas must be a store with a get function, got ${describeValue(cas)}`,
    );
  const maxDepth = options.maxDepth;
  if (maxDepth !== undefined && !(Number.isInteger(maxDepth) && maxDepth >= 0))
    throw new TypeError(`maxDepth must be a whole number, got ${String(maxDepth)}`);
}

const EXTENDS_CODES: Record<LoadFailure, DiagnosticCode> = {
  'not-found': 'extends-not-found',
  unreadable: 'extends-unreadable',
  'too-large': 'extends-too-large',
  'outside-root': 'extends-outside-root',
};

/** How a file is recognised in the chain: its real path when the host can tell it. */
async function fileKey(host: ManifestHost, name: string): Promise<string> {
  if (host.realPath === undefined) return name;
  try {
    const real = await host.realPath(name);
    return typeof real === 'string' ? real : name;
  } catch {
    // The file cannot be found: reading it fails next, with the reason.
    return name;
  }
}

/**
 * True when a base's diagnostic is about a field a descendant writes, so the value it is
 * about is not the one in use. Unknown keys and syntax errors stay: they are the base's own.
 */
function overridden(d: Diagnostic, descendants: readonly ManifestSource[]): boolean {
  if (d.code === 'unknown-key' || d.code.startsWith('toml-')) return false;
  const field = /^([a-z_]+)\.([a-z_]+)/.exec(d.path);
  return field !== null && descendants.some((s) => s.writes([field[1]!, field[2]!]));
}

/** The child's written fields over the base: tables merge key by key, arrays replace whole. */
export function mergeManifests(
  base: Manifest,
  child: Manifest,
  childSource: ManifestSource,
): Manifest {
  const merged = structuredCloneManifest(base);
  for (const section of SECTIONS) {
    const from = sectionOf(child, section.key);
    const to = sectionOf(merged, section.key);
    for (const field of section.fields) {
      if (childSource.writes([section.key, field.key])) to[field.prop] = from[field.prop];
    }
  }
  merged.extends = '';
  merged.overrides = [];
  merged.sourcePath = child.sourcePath;
  return merged;
}

function structuredCloneManifest(m: Manifest): Manifest {
  return {
    workload: { ...m.workload },
    kernel: { ...m.kernel, modules: [...m.kernel.modules] },
    security: { ...m.security, capabilities: [...m.security.capabilities] },
    resources: { ...m.resources },
    network: { ...m.network, dns: [...m.network.dns], ports: [...m.network.ports] },
    storage: { ...m.storage, volumes: m.storage.volumes.map((v) => ({ ...v })) },
    extends: m.extends,
    sourcePath: m.sourcePath,
    overrides: [...m.overrides],
  };
}

/**
 * Parses a manifest, loads and merges its `extends` chain through `host`, and validates
 * the merged result. The returned manifest has `extends` resolved (empty); `sources`
 * lists the files, child first.
 */
export async function resolveManifest(
  source: string | Uint8Array,
  options: ResolveOptions,
): Promise<ManifestResult> {
  checkResolveOptions(options);
  const maxDepth = options.maxDepth ?? MAX_EXTENDS_DEPTH;
  const chain: ReadManifest[] = [readManifest(source, options)];
  // Names are compared as joinPath writes them: the child given as `./a.toml` or
  // `dir//a.toml` is the file its own `extends = "a.toml"` names, a cycle, not a base.
  const first = chain[0]!.source.file;
  const names = [first === '' ? '' : joinPath('', first)];
  // Cycles are found by real path when the host gives them: `../dir/a.toml` from a file
  // run as `a.toml`, or a name through a linked directory, is the same file again. The
  // first is looked up at the first base, so that a manifest without one costs nothing.
  const keys: string[] = [];
  const diagnostics: Diagnostic[] = [...chain[0]!.diagnostics];
  let complete = true;
  for (;;) {
    const current = chain[chain.length - 1]!;
    const ref = current.manifest.extends;
    if (ref === '') break;
    const at = current.source.entry(['extends'])!;
    const report = (code: DiagnosticCode, message: string) => {
      diagnostics.push(
        diagnostic(code, message, 'extends', current.source.location(at.node.start, at.node.end)),
      );
      complete = false;
    };
    const digest = ref.startsWith('cas://') ? parseCasReference(ref) : null;
    if (extendsProblem(ref) !== null) {
      complete = false; // already reported as extends-invalid, and never followed
      break;
    }
    if (digest === null && current.source.file.startsWith('cas://')) {
      // A store object has no directory: `common.toml` would become `cas:/common.toml`.
      report(
        'extends-relative-in-cas',
        `'${ref}' is a relative path, but this manifest comes from the content-addressed store (${current.source.file}), which has no directory: a stored manifest may only extend cas://sha256:… references`,
      );
      break;
    }
    const name = digest !== null ? ref : joinPath(dirname(current.source.file), ref);
    if (keys.length === 0) keys.push(first === '' ? '' : await fileKey(options.host, names[0]!));
    const key = digest !== null ? ref : await fileKey(options.host, name);
    if (keys.includes(key)) {
      report('extends-cycle', `extends cycle: ${[...names, name].join(' → ')}`);
      break;
    }
    if (chain.length > maxDepth) {
      report(
        'extends-too-deep',
        `the extends chain is more than ${maxDepth} deep: ${[...names, name].join(' → ')}`,
      );
      break;
    }
    let bytes: Uint8Array | string | null;
    try {
      bytes =
        digest !== null
          ? ((await options.host.cas?.get(digest)) ?? null)
          : await options.host.readFile(name);
    } catch (error) {
      const kind = error instanceof ManifestLoadError ? error.kind : 'unreadable';
      // A host may reject with anything (`Promise.reject()`, a string), not only an Error.
      const why = error instanceof Error ? error.message : String(error);
      report(EXTENDS_CODES[kind], `cannot load base manifest '${name}': ${why}`);
      break;
    }
    // readFile has no "absent" value (a missing file is a ManifestLoadError): its null is
    // reported below with any other value that is not a manifest.
    if (bytes === null && digest !== null) {
      report(
        'extends-not-found',
        options.host.cas === undefined
          ? `cannot load '${ref}': no content-addressed store is configured`
          : `content-addressed object ${digest} is not in the store`,
      );
      break;
    }
    if (typeof bytes !== 'string' && !(bytes instanceof Uint8Array)) {
      // A host written in JavaScript can give anything; parsing it would throw a
      // TypeError out of resolveManifest instead of a diagnostic at this extends.
      const from = digest !== null ? 'the store' : "the host's readFile";
      report(
        'extends-unreadable',
        `cannot load base manifest '${name}': ${from} gave ${describeValue(bytes)}, not the bytes or text of a manifest`,
      );
      break;
    }
    if (digest !== null) {
      const actual = `sha256:${sha256Hex(bytes)}`;
      if (actual !== digest) {
        report(
          'extends-integrity',
          `content-addressed object ${digest} does not match its digest (its bytes hash to ${actual})`,
        );
        break;
      }
    }
    const base = readManifest(bytes, { ...options, path: name });
    chain.push(base);
    names.push(name);
    keys.push(key);
    const children = chain.slice(0, -1).map((r) => r.source);
    // One by one: spread into push's arguments, 130,000 problems threw a RangeError.
    for (const d of base.diagnostics) if (!overridden(d, children)) diagnostics.push(d);
  }
  let manifest = chain[chain.length - 1]!.manifest;
  for (let i = chain.length - 2; i >= 0; i--)
    manifest = mergeManifests(manifest, chain[i]!.manifest, chain[i]!.source);
  const sources = chain.map((r) => r.source);
  if (!chain.some((r) => r.syntaxErrors)) {
    for (const d of validateRules(manifest, sources, { unresolvedBase: !complete })) {
      diagnostics.push(d);
    }
  }
  return { manifest, diagnostics: sortDiagnostics(diagnostics), sources };
}
