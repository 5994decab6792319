/**
 * Node-only loading: manifests from files, bases from the file system, and the default
 * content-addressed store, a directory laid out as `<root>/sha256/<hex>`.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { type ManifestResult } from '../manifest/read.js';
import { checkOptionsObject } from '../toml/options.js';
import {
  type CasStore,
  type LoadFailure,
  type ManifestHost,
  ManifestLoadError,
  resolveManifest,
} from '../manifest/resolve.js';
import { diagnostic, type DiagnosticCode } from '../manifest/diagnostics.js';
import { emptyManifest } from '../manifest/model.js';
import { describeValue } from '../manifest/encode.js';

/** Files larger than this are refused (a manifest is a few kilobytes). */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Opened without blocking: opening a FIFO for reading otherwise waits for a writer. For a
 * regular file the flag changes nothing. (Not defined on Windows, where it is not needed.)
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a file as bytes, refusing directories, other non-regular files and oversized
 * files with a clear reason. The file is opened once and checked through its descriptor:
 * a separate `stat` of the path cost a fifth of reading a manifest. The reads are
 * synchronous: a manifest is a few kilobytes, and a thread-pool round trip per file costs
 * more than the read itself (checking many files, ten times more).
 */
export async function readManifestFile(
  path: string,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<Uint8Array> {
  let fd;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw loadError(error, path);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new ManifestLoadError('unreadable', `${path} is a directory`);
    if (!info.isFile()) throw new ManifestLoadError('unreadable', `${path} is not a regular file`);
    if (info.size > maxBytes) {
      throw new ManifestLoadError(
        'too-large',
        `${path} is ${info.size} bytes (the limit is ${maxBytes})`,
      );
    }
    return readOpenFile(fd, info.size);
  } catch (error) {
    throw error instanceof ManifestLoadError ? error : loadError(error, path);
  } finally {
    closeSync(fd);
  }
}

/** The `size` bytes of an open regular file (fewer if it shrank meanwhile). */
function readOpenFile(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let length = 0;
  while (length < size) {
    const read = readSync(fd, bytes, length, size - length, null);
    if (read === 0) break;
    length += read;
  }
  return length === size ? bytes : bytes.subarray(0, length);
}

/** What a failed file-system call on `path` means, as the reason a manifest cannot be read. */
export function loadError(error: unknown, path: string): ManifestLoadError {
  const code = (error as NodeJS.ErrnoException).code;
  if (path === '') return new ManifestLoadError('not-found', 'an empty path names no file');
  if (code === 'ENOENT') return new ManifestLoadError('not-found', `${path} does not exist`);
  // `web.toml/` or `web.toml/x`: the file exists, the path goes on as if it were a folder.
  if (code === 'ENOTDIR') {
    return new ManifestLoadError(
      'not-found',
      `${path} does not exist: a part of the path before its end is a file, not a directory`,
    );
  }
  if (code === 'EISDIR') return new ManifestLoadError('unreadable', `${path} is a directory`);
  if (code === 'EACCES' || code === 'EPERM')
    return new ManifestLoadError('unreadable', `${path}: permission denied`);
  return new ManifestLoadError('unreadable', `${path}: ${(error as Error).message}`);
}

/** The default CAS store: `<root>/sha256/<hex>`. Integrity is checked by the resolver. */
export class DirectoryCasStore implements CasStore {
  constructor(
    readonly root: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  async get(digest: string): Promise<Uint8Array | null> {
    const [algorithm, hex] = digest.split(':');
    if (algorithm !== 'sha256' || hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) return null;
    try {
      return await readManifestFile(join(this.root, 'sha256', hex), this.maxBytes);
    } catch (error) {
      if (error instanceof ManifestLoadError && error.kind === 'not-found') return null;
      throw error;
    }
  }
}

export interface NodeHostOptions {
  /** The content-addressed store for `cas://` references. */
  cas?: CasStore;
  maxBytes?: number;
}

/** A host that reads bases from the file system. */
export function nodeHost(options: NodeHostOptions = {}): ManifestHost {
  checkOptionsObject(options);
  const host: ManifestHost = { readFile: (path) => readManifestFile(path, options.maxBytes) };
  if (options.cas !== undefined) host.cas = options.cas;
  return host;
}

/**
 * A TypeError for a path that is not a string: Node's message for it would become a
 * diagnostic whose `file` is not a string (`null`, a number).
 */
export function checkPath(path: unknown): void {
  if (typeof path !== 'string')
    throw new TypeError(`a manifest path must be a string, got ${describeValue(path)}`);
}

const FILE_CODES: Record<LoadFailure, DiagnosticCode> = {
  'not-found': 'file-not-found',
  unreadable: 'file-unreadable',
  'too-large': 'file-too-large',
};

export interface LoadManifestOptions extends NodeHostOptions {
  /** A directory CAS store root, used when `cas` is not given. */
  casRoot?: string;
}

/**
 * Loads a manifest file, resolves its `extends` chain from the file system (and the
 * CAS store) and validates the result. A file that cannot be read gives a result with a
 * `file-*` diagnostic rather than an exception.
 */
export async function loadManifest(
  path: string,
  options: LoadManifestOptions = {},
): Promise<ManifestResult> {
  checkOptionsObject(options);
  checkPath(path);
  const cas =
    options.cas ??
    (options.casRoot !== undefined ? new DirectoryCasStore(options.casRoot) : undefined);
  const hostOptions: NodeHostOptions = { ...options };
  if (cas !== undefined) hostOptions.cas = cas;
  const host = nodeHost(hostOptions);
  let bytes: Uint8Array | string;
  try {
    bytes = await host.readFile(path);
  } catch (error) {
    const kind = error instanceof ManifestLoadError ? error.kind : 'unreadable';
    const at = { file: path, line: 0, column: 0, endLine: 0, endColumn: 0 };
    return {
      manifest: { ...emptyManifest(), sourcePath: path },
      diagnostics: [diagnostic(FILE_CODES[kind], (error as Error).message, '', at)],
      sources: [],
    };
  }
  return resolveManifest(bytes, { path, host });
}
