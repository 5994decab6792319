/**
 * Node-only loading: manifests from files, bases from the file system, and the default
 * content-addressed store, a directory laid out as `<root>/sha256/<hex>`.
 */
import {
  type Stats,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { type ManifestResult } from '../manifest/read.js';
import { sha256Hex } from '../manifest/sha256.js';
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
  checkMaxBytes(maxBytes);
  return readFileAt(path, path, maxBytes, OPEN_FLAGS);
}

/**
 * Reads `openPath`, naming it `path` in every message; `opened`, when given, may refuse the
 * file once it is open (it throws), before anything is read.
 */
function readFileAt(
  path: string,
  openPath: string,
  maxBytes: number,
  flags: number,
  opened?: (fd: number, info: Stats) => void,
): Uint8Array {
  let fd;
  try {
    fd = openSync(openPath, flags);
  } catch (error) {
    throw loadError(error, path);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new ManifestLoadError('unreadable', `${path} is a directory`);
    if (!info.isFile()) throw new ManifestLoadError('unreadable', `${path} is not a regular file`);
    opened?.(fd, info);
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

/** More links than this on one path is a loop (Linux gives up at 40 as well). */
const MAX_LINKS = 40;

/** True when the real path `path` is `root` or below it (both real, absolute, normalized). */
function isWithin(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/** True when the real path `path` is a directory above `root`, on the way down to it. */
function isAboveRoot(path: string, root: string): boolean {
  return path === '/' ? root !== '/' : root.startsWith(`${path}/`);
}

function outsideRoot(path: string, root: string): ManifestLoadError {
  return new ManifestLoadError(
    'outside-root',
    `${path} is outside the root directory ${root} (a manifest can only extend files inside it)`,
  );
}

/**
 * The real path of `path` (absolute, no symbolic links) and what it is, when it is inside
 * `root` (a real path). Resolved one part at a time, as the system would, reading each link
 * on the way: a linked directory that leads out of the root is outside, whatever is behind
 * it. Nothing outside the root (but the directories above it) is looked at once the walk
 * has entered it, and a path that ends outside gets `outside-root` whether or not it
 * exists, so that the answer never tells whether a file outside the root exists.
 */
function confinedPath(path: string, root: string, shownRoot = root): { real: string; info: Stats } {
  const absolute = resolve(path);
  // The root is a real path: a path that starts with it needs only its rest resolved.
  const start = root !== '/' && absolute.startsWith(`${root}/`) ? root : '/';
  const pending = absolute.slice(start.length).split('/').reverse();
  let real = start;
  let info: Stats | undefined;
  let entered = isWithin(real, root);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      // The parent of a real directory is real; inside the root or above it, it only
      // leads on to what the next part names, which is checked below.
      real = real.slice(0, Math.max(1, real.lastIndexOf('/')));
      info = undefined;
      continue;
    }
    const next = real === '/' ? `/${part}` : `${real}/${part}`;
    if (entered && !isWithin(next, root) && !isAboveRoot(next, root))
      throw outsideRoot(path, shownRoot);
    try {
      info = lstatSync(next);
    } catch (error) {
      // What is missing (or cannot be searched) outside the root is not said.
      if (!isWithin(next, root)) throw outsideRoot(path, shownRoot);
      throw loadError(error, path);
    }
    if (info.isSymbolicLink()) {
      if (++links > MAX_LINKS) {
        if (!isWithin(next, root)) throw outsideRoot(path, shownRoot);
        throw new ManifestLoadError('unreadable', `${path}: too many levels of symbolic links`);
      }
      const target = readlinkSync(next);
      if (target.startsWith('/')) real = '/';
      // One by one: a spread passes each part as an argument (see spread-arguments test).
      const parts = target.split('/');
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
      info = undefined;
      continue;
    }
    real = next;
    if (isWithin(real, root)) entered = true;
  }
  if (!isWithin(real, root)) throw outsideRoot(path, shownRoot);
  // `..` as the last part leaves a directory that was not looked at itself.
  return { real, info: info ?? lstatSync(real) };
}

/** Where the system says the open file `fd` is (Linux: /proc), or null where it cannot say. */
function openedPath(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/**
 * Reads a base named by a manifest, only when its real path is inside `root` (a real
 * path) and it is a regular file: a FIFO, a device or a directory is refused before it is
 * opened, and the file opened is the real path found, not following a link put there since.
 * O_NOFOLLOW covers only the last part: a directory on the way swapped for a link to the
 * outside during the walk or after it leads the open out, so the open file is checked too,
 * by where the system says it is or, where it cannot say, by being the file the walk found.
 */
function readConfinedFile(
  path: string,
  root: string,
  shownRoot: string,
  maxBytes: number,
): Uint8Array {
  const { real, info } = confinedPath(path, root, shownRoot);
  if (info.isDirectory()) throw new ManifestLoadError('unreadable', `${path} is a directory`);
  if (!info.isFile()) throw new ManifestLoadError('unreadable', `${path} is not a regular file`);
  return readFileAt(path, real, maxBytes, OPEN_FLAGS | constants.O_NOFOLLOW, (fd, opened) => {
    const where = openedPath(fd);
    if (
      where !== null ? !isWithin(where, root) : opened.dev !== info.dev || opened.ino !== info.ino
    )
      throw outsideRoot(path, shownRoot);
  });
}

/**
 * Writes `data` to `path` as a whole or not at all: to a temporary file beside it (created
 * with `mode`, less the umask), flushed, then renamed over it. A reader (a CI step uploading
 * a report, a runtime reading a stored manifest) never sees half of it, and a failed write
 * leaves the previous file as it was.
 */
export async function writeFileAtomically(
  path: string,
  data: string | Uint8Array,
  mode = 0o666,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** The default CAS store: `<root>/sha256/<hex>`. Integrity is checked by the resolver. */
export class DirectoryCasStore implements CasStore {
  constructor(
    readonly root: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {
    checkLoadOptions({ casRoot: root, maxBytes });
  }

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

  /**
   * Stores `text` (a manifest's canonical encoding, as `encodeManifest` writes it) under
   * its digest and returns `sha256:<hex>`. Atomic: the bytes go to a temporary file in the
   * same directory, are flushed, and are renamed into place, so a reader never sees a
   * partial object; an object already stored with the same bytes is left as it is.
   */
  async put(text: string): Promise<string> {
    const bytes = new TextEncoder().encode(text);
    const hex = sha256Hex(bytes);
    const directory = join(this.root, 'sha256');
    const path = join(directory, hex);
    await mkdir(directory, { recursive: true });
    const existing = await readFile(path).catch(() => null);
    if (existing !== null && Buffer.from(bytes).equals(existing)) return `sha256:${hex}`;
    await writeFileAtomically(path, bytes, 0o644);
    return `sha256:${hex}`;
  }
}

export interface NodeHostOptions {
  /** The content-addressed store for `cas://` references. */
  cas?: CasStore;
  maxBytes?: number;
  /**
   * The directory bases must be inside (their real path, symbolic links resolved); a base
   * outside it is `extends-outside-root` and is not opened. Default: the current working
   * directory. `null` reads a base wherever it is: unsafe for manifests you did not write.
   */
  root?: string | null;
}

/**
 * TypeErrors for the reading options of every entry point (`root`, `maxBytes`, `casRoot`):
 * a size limit given as a string would compare false with every size and read any file.
 */
export function checkLoadOptions(options: {
  root?: unknown;
  maxBytes?: unknown;
  casRoot?: unknown;
}): void {
  const { root, maxBytes, casRoot } = options;
  if (root !== undefined && root !== null && (typeof root !== 'string' || root === ''))
    throw new TypeError(`root must be a directory path or null, got ${describeValue(root)}`);
  checkMaxBytes(maxBytes);
  if (casRoot !== undefined && (typeof casRoot !== 'string' || casRoot === ''))
    throw new TypeError(`casRoot must be a directory path, got ${describeValue(casRoot)}`);
}

function checkMaxBytes(maxBytes: unknown): void {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && (maxBytes as number) >= 0))
    throw new TypeError(
      `maxBytes must be a whole number of bytes, 0 or more, got ${describeValue(maxBytes)}`,
    );
}

/** The real path of the root directory, or why it cannot be one. */
function realDirectory(root: string): string {
  let real;
  try {
    real = realpathSync.native(root);
  } catch (error) {
    throw new ManifestLoadError(
      'unreadable',
      `the root directory cannot be used: ${loadError(error, root).message}`,
    );
  }
  if (!lstatSync(real).isDirectory())
    throw new ManifestLoadError(
      'unreadable',
      `the root directory cannot be used: ${root} is not a directory`,
    );
  return real;
}

/** A host that reads bases from the file system, inside `options.root`. */
export function nodeHost(options: NodeHostOptions = {}): ManifestHost {
  checkOptionsObject(options);
  checkLoadOptions(options);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const root = options.root === undefined ? process.cwd() : options.root;
  // Resolved at the first base, so that a manifest without one costs nothing.
  let realRoot: string | undefined;
  const readFile = async (path: string): Promise<Uint8Array> => {
    if (root === null) return readManifestFile(path, maxBytes);
    realRoot ??= realDirectory(root);
    return readConfinedFile(path, realRoot, root, maxBytes);
  };
  const host: ManifestHost = {
    readFile,
    realPath: (path) => realpathSync.native(path),
  };
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
  // Files named by the caller are read wherever they are; only bases are confined.
  'outside-root': 'file-unreadable',
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
  checkLoadOptions(options);
  const cas =
    options.cas ??
    (options.casRoot !== undefined
      ? new DirectoryCasStore(options.casRoot, options.maxBytes)
      : undefined);
  const hostOptions: NodeHostOptions = { ...options };
  if (cas !== undefined) hostOptions.cas = cas;
  const host = nodeHost(hostOptions);
  let bytes: Uint8Array | string;
  try {
    // The file asked for is read wherever it is: only what a manifest names is confined.
    bytes = await readManifestFile(path, options.maxBytes);
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
