/**
 * The language server: the protocol's lifecycle, open documents, diagnostics (debounced,
 * the latest version only), formatting, hover, completion, document symbols, definition
 * of an `extends` value and the fixes of `check --fix` as a code action. Transport-free:
 * bytes come in through `receive` and go out through `write`, so that only `lsp.ts`
 * touches the process's streams.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from '../manifest/diagnostics.js';
import { SECTIONS, SECTION_BY_KEY, type SectionSpec } from '../manifest/fields.js';
import { formatManifest } from '../manifest/format.js';
import type { ManifestResult } from '../manifest/read.js';
import { resolveManifest } from '../manifest/resolve.js';
import { syntaxDiagnostic } from '../manifest/diagnostics.js';
import { TomlError, escapeControl } from '../toml/errors.js';
import { parse, parseLocatedRecovering } from '../toml/parse.js';
import type { LocatedTable } from '../toml/located.js';
import { DirectoryCasStore, type NodeHostOptions, nodeHost } from '../node/load.js';
import { suppressInline } from '../node/suppressions.js';
import {
  CONFIG_NAME,
  type ProjectConfig,
  envCasRoot,
  findConfig,
  linksOutside,
  readConfig,
  withRuleSeverities,
} from './config.js';
import { codeActions } from './lsp-actions.js';
import {
  type Place,
  completionsAt,
  documentSymbols,
  hoverMarkdown,
  placeAt,
} from './lsp-features.js';
import {
  type FieldKey,
  type Overridden,
  fieldAt,
  inheritedMarkdown,
  overriddenBase,
  overriddenLocation,
  overrideMarkdown,
} from './lsp-inherit.js';
import {
  ErrorCodes,
  type Frame,
  MessageReader,
  type MessageId,
  ResponseError,
  encodeMessage,
} from './lsp-rpc.js';
import {
  type LspPosition,
  type LspRange,
  type PositionEncoding,
  TextDocument,
} from './lsp-text.js';
import { VERSION } from './version.js';

export interface ServerOptions {
  /** Writes bytes to the client. */
  write(bytes: Uint8Array): void;
  /** Called on `exit` with the process's exit status (0 after `shutdown`, else 1). */
  exit(code: number): void;
  /** Where diagnostic codes link to: `<docsBase>#<code>`. */
  docsBase: string;
}

interface Message {
  jsonrpc?: unknown;
  id?: MessageId;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

const DEFAULT_DEBOUNCE_MS = 50;

/** A check's diagnostics, and the span of the document's `extends` value (0–0 without one). */
interface Checked {
  diagnostics: Diagnostic[];
  /** Computed on first use (a parse, when the check had none with positions). */
  extendsSpan: () => { start: number; end: number };
}

/** The client's name for a document that is not open. */
function notOpen(uri: unknown): ResponseError {
  return new ResponseError(ErrorCodes.InvalidParams, `document ${String(uri)} is not open`);
}

export class LanguageServer {
  private readonly reader = new MessageReader();
  private readonly documents = new Map<string, TextDocument>();
  private encoding: PositionEncoding = 'utf-16';
  private initialized = false;
  private shutdownRequested = false;
  private exited = false;
  private workspaceRoots: string[] = [];
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private docsBase: string;
  /** Requests cancelled before they ran, by id. */
  private readonly cancelled = new Set<MessageId>();
  /** Frames waiting to be handled, in order; handled one at a time. */
  private readonly queue: Frame[] = [];
  private draining = false;
  /** The id of the request being handled. */
  private running: MessageId = null;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The files each open document's diagnostics read (its `extends` chain), by URI. */
  private readonly bases = new Map<string, string[]>();
  /** The open documents whose last check found syntax errors. */
  private readonly syntaxErrorsSeen = new Set<string>();
  /** The last problem logged about each configuration file, so it is logged once. */
  private readonly configLogged = new Map<string, string>();
  /** The client registers watchers we ask for (`didChangeWatchedFiles.dynamicRegistration`). */
  private canRegisterWatchers = false;
  private watchersRequested = false;
  /** Our requests to the client not answered yet: their methods, by id. */
  private readonly pending = new Map<MessageId, string>();
  private nextRequestId = 1;
  /**
   * The open documents that are files, by real path, and the configurations among them
   * with their paths: made at first use after a change and shared by the checks that
   * follow (each going through every open document again cost N² path conversions and
   * lookups for N open files that extend a base edited).
   */
  private openFiles: {
    byRealPath: Map<string, TextDocument>;
    configs: [string, TextDocument][];
  } | null = null;

  constructor(private readonly options: ServerOptions) {
    this.docsBase = options.docsBase;
  }

  /** Bytes from the client. Cancellations in them apply at once, to requests not yet run. */
  receive(chunk: Uint8Array): void {
    for (const frame of this.reader.push(chunk)) {
      const message = frame.kind === 'message' ? (frame.value as Message) : null;
      if (
        message !== null &&
        typeof message === 'object' &&
        message.method === '$/cancelRequest' &&
        message.params !== null &&
        typeof message.params === 'object'
      ) {
        // Only a request still waiting or running can be cancelled; the ids of answered
        // ones are not kept.
        const id = (message.params as { id: MessageId }).id;
        if (
          id === this.running ||
          this.queue.some((f) => f.kind === 'message' && (f.value as Message)?.id === id)
        )
          this.cancelled.add(id);
        continue;
      }
      this.queue.push(frame);
    }
    void this.drain();
  }

  /** Handles the queued frames in order, one at a time (a handler may wait for files). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let frame = this.queue.shift(); frame !== undefined; frame = this.queue.shift()) {
        if (frame.kind === 'error') this.respondError(null, frame.code, frame.message);
        else await this.handle(frame.value as Message);
      }
    } finally {
      this.draining = false;
    }
  }

  private send(message: object): void {
    if (this.exited) return;
    this.options.write(encodeMessage({ jsonrpc: '2.0', ...message }));
  }

  private respondError(id: MessageId, code: number, message: string): void {
    this.send({ id, error: { code, message } });
  }

  private async handle(message: Message): Promise<void> {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.respondError(null, ErrorCodes.InvalidRequest, 'a message must be a JSON object');
      return;
    }
    const hasId = 'id' in message;
    const id = message.id ?? null;
    if (typeof message.method !== 'string') {
      if (hasId && ('result' in message || 'error' in message)) {
        this.response(id, message.error);
        return;
      }
      this.respondError(
        hasId && (typeof id === 'number' || typeof id === 'string') ? id : null,
        ErrorCodes.InvalidRequest,
        'a message must have a method (string)',
      );
      return;
    }
    const method = message.method;
    if (!hasId) {
      try {
        this.notification(method, message.params);
      } catch (error) {
        // A notification has no answer: a bad one is logged to the client and dropped.
        this.log(`${method}: ${(error as Error).message}`);
      }
      return;
    }
    if (typeof id !== 'number' && typeof id !== 'string') {
      this.respondError(
        null,
        ErrorCodes.InvalidRequest,
        'a request id must be a number or a string',
      );
      return;
    }
    if (this.cancelled.delete(id)) {
      this.respondError(id, ErrorCodes.RequestCancelled, `request ${id} (${method}) was cancelled`);
      return;
    }
    this.running = id;
    try {
      const result = await this.request(method, message.params);
      if (this.cancelled.delete(id)) {
        this.respondError(
          id,
          ErrorCodes.RequestCancelled,
          `request ${id} (${method}) was cancelled`,
        );
        return;
      }
      this.send({ id, result: result === undefined ? null : result });
    } catch (error) {
      if (error instanceof ResponseError) this.respondError(id, error.code, error.message);
      else {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.respondError(id, ErrorCodes.InternalError, `${method} failed: ${text}`);
      }
    } finally {
      this.running = null;
      this.cancelled.delete(id);
    }
  }

  /** Sends a request to the client; its response comes to `response`. */
  private sendRequest(method: string, params: unknown): void {
    const id = this.nextRequestId++;
    this.pending.set(id, method);
    this.send({ id, method, params });
  }

  /**
   * A response to a request of ours: nothing more to do on a result; an error is logged
   * (the client declined). A response to a request we never sent, or sent an answer to
   * already, is dropped.
   */
  private response(id: MessageId, error: unknown): void {
    const method = this.pending.get(id);
    if (method === undefined) return;
    this.pending.delete(id);
    if (error === undefined) return;
    const e = error as { code?: unknown; message?: unknown } | null;
    const why =
      typeof e?.message === 'string'
        ? `${e.message} (code ${String(e.code)})`
        : JSON.stringify(error);
    this.log(`${method} failed: ${why}`);
  }

  /**
   * Asks the client to watch the files whose changes on disk re-check open documents: the
   * configuration and any TOML file (a base), once, when the client lets us register them.
   * Without it, changes come when the client watches on its own, or at the next check.
   */
  private registerWatchers(): void {
    if (!this.canRegisterWatchers || this.watchersRequested) return;
    this.watchersRequested = true;
    this.sendRequest('client/registerCapability', {
      registrations: [
        {
          id: 'volt-manifest-watched-files',
          method: 'workspace/didChangeWatchedFiles',
          registerOptions: {
            watchers: [{ globPattern: `**/${CONFIG_NAME}` }, { globPattern: '**/*.toml' }],
          },
        },
      ],
    });
  }

  private log(text: string): void {
    this.send({ method: 'window/logMessage', params: { type: 1, message: text } });
  }

  private async request(method: string, params: unknown): Promise<unknown> {
    if (method === 'initialize') return this.initialize(params);
    if (!this.initialized)
      throw new ResponseError(ErrorCodes.ServerNotInitialized, `'${method}' before 'initialize'`);
    if (this.shutdownRequested)
      throw new ResponseError(ErrorCodes.InvalidRequest, `'${method}' after 'shutdown'`);
    switch (method) {
      case 'shutdown':
        this.shutdownRequested = true;
        for (const timer of this.timers.values()) clearTimeout(timer);
        this.timers.clear();
        return null;
      case 'textDocument/formatting':
        return this.formatting(this.document(params));
      case 'textDocument/hover':
        return this.hover(this.document(params), position(params));
      case 'textDocument/completion':
        return {
          isIncomplete: false,
          items: completionsAt(
            this.document(params),
            this.document(params).offsetAt(position(params), this.encoding),
            this.encoding,
          ),
        };
      case 'textDocument/documentSymbol': {
        const doc = this.document(params);
        return documentSymbols(doc, parseTree(doc.text), this.encoding);
      }
      case 'textDocument/definition':
        return this.definition(this.document(params), position(params));
      case 'textDocument/codeAction': {
        const doc = this.document(params);
        const context = (params as { context?: { diagnostics?: unknown; only?: unknown } }).context;
        return codeActions(
          doc,
          filePath(doc.uri) ?? doc.uri,
          Array.isArray(context?.diagnostics) ? context.diagnostics : [],
          Array.isArray(context?.only) ? context.only.filter((k) => typeof k === 'string') : null,
          this.encoding,
        );
      }
      default:
        throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method '${method}'`);
    }
  }

  private notification(method: string, params: unknown): void {
    if (method === 'exit') {
      // Nothing more is sent: a check still running when `exit` came is dropped.
      this.exited = true;
      for (const timer of this.timers.values()) clearTimeout(timer);
      this.timers.clear();
      this.options.exit(this.shutdownRequested ? 0 : 1);
      return;
    }
    if (!this.initialized || this.shutdownRequested) return;
    const p = (params ?? {}) as {
      textDocument?: { uri?: unknown; languageId?: unknown; version?: unknown; text?: unknown };
      contentChanges?: unknown;
    };
    switch (method) {
      case 'initialized':
        this.registerWatchers();
        return;
      case 'textDocument/didOpen': {
        const d = p.textDocument;
        if (d === undefined || typeof d.uri !== 'string' || typeof d.text !== 'string')
          throw new Error('didOpen needs textDocument.uri and textDocument.text');
        const version = typeof d.version === 'number' ? d.version : 0;
        this.documents.set(
          d.uri,
          new TextDocument(d.uri, String(d.languageId ?? 'toml'), version, d.text),
        );
        this.schedule(d.uri);
        this.changed(d.uri);
        return;
      }
      case 'textDocument/didChange': {
        const uri = p.textDocument?.uri;
        const doc = typeof uri === 'string' ? this.documents.get(uri) : undefined;
        if (doc === undefined) throw notOpen(uri);
        if (
          !Array.isArray(p.contentChanges) ||
          !p.contentChanges.every((c: { text?: unknown } | null) => typeof c?.text === 'string')
        )
          throw new Error('didChange needs contentChanges, each with a text');
        const version =
          typeof p.textDocument?.version === 'number' ? p.textDocument.version : doc.version + 1;
        this.documents.set(doc.uri, doc.withChanges(p.contentChanges, version, this.encoding));
        this.schedule(doc.uri);
        this.changed(doc.uri);
        return;
      }
      case 'textDocument/didSave': {
        // A base saved: the open files that extend it read it again.
        const uri = p.textDocument?.uri;
        if (typeof uri === 'string') this.changed(uri);
        return;
      }
      case 'workspace/didChangeWatchedFiles': {
        // A configuration or a base changed on disk (the client watches the files).
        const changes = (params as { changes?: unknown } | null)?.changes;
        if (!Array.isArray(changes)) throw new Error('didChangeWatchedFiles needs changes');
        for (const change of changes as ({ uri?: unknown } | null)[])
          if (typeof change?.uri === 'string') this.changed(change.uri);
        return;
      }
      case 'textDocument/didClose': {
        const uri = p.textDocument?.uri;
        if (typeof uri !== 'string' || !this.documents.delete(uri)) throw notOpen(uri);
        clearTimeout(this.timers.get(uri));
        this.timers.delete(uri);
        this.bases.delete(uri);
        this.syntaxErrorsSeen.delete(uri);
        // A closed configuration or base is read from disk again by the files it applies to.
        this.changed(uri);
        // The closed file's problems are no longer shown.
        this.send({ method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: [] } });
        return;
      }
      default:
        // `$/setTrace`, `workspace/didChangeConfiguration`, unknown ones:
        // nothing to do (the protocol says unknown notifications are ignored).
        return;
    }
  }

  private initialize(params: unknown): unknown {
    if (this.initialized)
      throw new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already called');
    const p = (params ?? {}) as {
      capabilities?: {
        general?: { positionEncodings?: unknown };
        workspace?: { didChangeWatchedFiles?: { dynamicRegistration?: unknown } };
      };
      workspaceFolders?: { uri: string }[] | null;
      rootUri?: string | null;
      rootPath?: string | null;
      initializationOptions?: { debounceMs?: unknown; docsBaseUrl?: unknown } | null;
    };
    const offered = p.capabilities?.general?.positionEncodings;
    this.encoding = negotiateEncoding(Array.isArray(offered) ? offered : []);
    this.canRegisterWatchers =
      p.capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const folders = (p.workspaceFolders ?? [])
      .map((f) => filePath(f.uri))
      .filter((f) => f !== null);
    if (folders.length === 0 && typeof p.rootUri === 'string') {
      const root = filePath(p.rootUri);
      if (root !== null) folders.push(root);
    }
    if (folders.length === 0 && typeof p.rootPath === 'string') folders.push(p.rootPath);
    this.workspaceRoots = folders;
    const init = p.initializationOptions ?? {};
    if (typeof init.debounceMs === 'number' && init.debounceMs >= 0)
      this.debounceMs = init.debounceMs;
    if (typeof init.docsBaseUrl === 'string') this.docsBase = init.docsBaseUrl;
    this.initialized = true;
    return {
      capabilities: {
        positionEncoding: this.encoding,
        textDocumentSync: { openClose: true, change: 2, save: { includeText: false } },
        documentFormattingProvider: true,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['[', '=', '"', ' '] },
        documentSymbolProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll'] },
      },
      serverInfo: { name: 'volt-manifest', version: VERSION },
    };
  }

  private document(params: unknown): TextDocument {
    const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
    const doc = typeof uri === 'string' ? this.documents.get(uri) : undefined;
    if (doc === undefined) throw notOpen(uri);
    return doc;
  }

  // ---- diagnostics ----------------------------------------------------------------------

  /**
   * `uri` changed (opened, edited, saved, closed, or changed on disk): a configuration
   * re-checks every other open document; a base, the open documents that extend it (they
   * read it as the editor has it while it is open, from disk once it is closed).
   */
  private changed(uri: string): void {
    this.openFiles = null;
    const local = filePath(uri);
    if (local === null) return;
    if (basename(local) === CONFIG_NAME) {
      this.configLogged.delete(local);
      for (const other of this.documents.keys()) if (other !== uri) this.schedule(other);
      return;
    }
    const path = realPathOf(local);
    for (const [other, files] of this.bases) {
      if (other !== uri && files.includes(path)) this.schedule(other);
    }
  }

  private logConfigProblem(path: string, message: string): void {
    if (this.configLogged.get(path) === message) return;
    this.configLogged.set(path, message);
    this.log(message);
  }

  /**
   * The project configuration for the file at `path`, as the CLI finds it: the nearest
   * `volt-manifest.toml` from its directory up, within the workspace folder that holds it;
   * its text in the editor when it is open. One that cannot be read or has problems is not
   * used (its problems are shown on it when it is open, else logged once).
   */
  private async configFor(path: string | null): Promise<ProjectConfig | null> {
    if (path === null) return null;
    const workspace = this.workspaceRoots.find((r) => inside(r, path));
    let found = findConfig(dirname(path));
    // One open in the editor and not saved yet counts too, when it is nearer.
    let open: TextDocument | undefined;
    for (const [local, doc] of this.openFileIndex().configs) {
      if (!inside(dirname(local), path)) continue;
      if (found === null || local === found || dirname(local).length > dirname(found).length) {
        found = local;
        open = doc;
      }
    }
    if (found === null || (workspace !== undefined && !inside(workspace, found))) return null;
    try {
      if (open === undefined && linksOutside(found)) {
        this.logConfigProblem(
          found,
          `${found} is a symbolic link to a file outside its directory: not read`,
        );
        return null;
      }
      const { config, diagnostics } = await readConfig(found, found, open?.text);
      if (diagnostics.length === 0) return config;
      if (open === undefined) {
        const d = diagnostics[0]!;
        this.logConfigProblem(
          found,
          `the configuration ${found} has problems and is not used: ${d.line}:${d.column}: ${d.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}`,
        );
      }
    } catch (error) {
      this.logConfigProblem(found, `${found}: ${(error as Error).message}`);
    }
    return null;
  }

  /** Diagnoses `uri` after the debounce delay; a change meanwhile starts the delay again. */
  private schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.publishDiagnostics(uri);
      }, this.debounceMs),
    );
  }

  private async publishDiagnostics(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (doc === undefined) return;
    let checked: Checked;
    try {
      checked = await this.diagnose(doc);
    } catch (error) {
      this.log(`diagnostics of ${uri} failed: ${(error as Error).stack ?? String(error)}`);
      return;
    }
    // A newer version came meanwhile (its own run is scheduled), or the file was closed.
    if (this.documents.get(uri) !== doc || this.shutdownRequested) return;
    this.send({
      method: 'textDocument/publishDiagnostics',
      params: {
        uri,
        version: doc.version,
        diagnostics: this.toLsp(doc, checked),
      },
    });
  }

  /**
   * Every syntax error; for a manifest, every rule too, with `extends` read from disk and
   * the inline suppressions of `check` applied; with the severities of the configuration's
   * `[rules]`. A configuration gets its own checks.
   */
  private async diagnose(doc: TextDocument): Promise<Checked> {
    const path = filePath(doc.uri);
    const file = path ?? doc.uri;
    // With its text given, reading a configuration cannot fail: its problems are diagnostics.
    if (path !== null && basename(path) === CONFIG_NAME) {
      const { diagnostics } = await readConfig(path, path, doc.text);
      return { diagnostics, extendsSpan: () => ({ start: 0, end: 0 }) };
    }
    const config = await this.configFor(path);
    const rules = (diagnostics: Diagnostic[]) =>
      config === null ? diagnostics : withRuleSeverities(diagnostics, config.rules);
    // A text without syntax errors (the usual case) is read by the plain parser, which
    // builds no located tree: on a 1 MB text it took 0.6 of the located parse's time.
    // Only a text it refuses gets the recovering parse, for every error; a document whose
    // last check found syntax errors goes to it at once (an edit seldom fixes them all).
    let keys: string[] | null = null;
    let errors: TomlError[] = [];
    let tree: LocatedTable | null = null;
    if (!this.syntaxErrorsSeen.has(doc.uri)) {
      try {
        keys = Object.keys(parse(doc.text, { integers: 'auto' }));
      } catch (error) {
        if (!(error instanceof TomlError)) throw error;
      }
    }
    if (keys === null) {
      const recovered = parseLocatedRecovering(doc.text, { integers: 'auto' }, Infinity);
      tree = recovered.document.root;
      errors = recovered.errors;
      keys = [];
      for (let e = tree.firstEntry; e !== null; e = e.next) keys.push(e.key);
    }
    if (errors.length > 0) this.syntaxErrorsSeen.add(doc.uri);
    else this.syntaxErrorsSeen.delete(doc.uri);
    // Where a base's problems are shown: parsed only when there are such problems.
    const extendsSpan = () => {
      const entry = (tree ?? parseTree(doc.text)).entry('extends');
      return entry === undefined
        ? { start: 0, end: 0 }
        : { start: entry.node.start, end: entry.node.end };
    };
    if (!isManifest(file, keys))
      return { diagnostics: rules(errors.map((e) => syntaxDiagnostic(e, file))), extendsSpan };
    const result = await this.resolve(doc, config);
    this.bases.set(
      doc.uri,
      result.sources.slice(1).map((s) => realPathOf(resolve(s.file))),
    );
    // Inline suppressions of the file and its bases, as `check` applies them, then [rules].
    return { diagnostics: rules(suppressInline(result)), extendsSpan };
  }

  /**
   * The document's manifest with its `extends` chain read from disk, as `check` reads it:
   * inside the configuration's `root`, else the workspace folder; `cas://` bases from
   * `$VOLT_CAS_ROOT` or the configuration's `cas_root`.
   */
  private resolve(doc: TextDocument, config: ProjectConfig | null): Promise<ManifestResult> {
    const path = filePath(doc.uri);
    const host: NodeHostOptions = {
      root:
        config?.root !== undefined
          ? resolve(config.root)
          : (path !== null && this.workspaceRoots.find((r) => inside(r, path))) || process.cwd(),
    };
    const casRoot = envCasRoot() ?? config?.casRoot;
    if (casRoot !== undefined) host.cas = new DirectoryCasStore(resolve(casRoot));
    const disk = nodeHost(host);
    // A base open in the editor is read as it is there, unsaved edits included. It is read
    // from disk first all the same, so that the root's confinement decides as for `check`.
    const readFile = async (file: string) => {
      const bytes = await disk.readFile(file);
      const open = this.openFileIndex().byRealPath.get(realPathOf(resolve(file)));
      return open !== undefined && open.uri !== doc.uri ? open.text : bytes;
    };
    return resolveManifest(doc.text, {
      path: path ?? doc.uri,
      host: { ...disk, readFile },
      maxSyntaxErrors: Infinity,
    });
  }

  /** The open documents that are files, by real path, and the configurations (see `openFiles`). */
  private openFileIndex(): NonNullable<LanguageServer['openFiles']> {
    if (this.openFiles !== null) return this.openFiles;
    const byRealPath = new Map<string, TextDocument>();
    const configs: [string, TextDocument][] = [];
    for (const [uri, doc] of this.documents) {
      const local = filePath(uri);
      if (local === null) continue;
      byRealPath.set(realPathOf(local), doc);
      if (basename(local) === CONFIG_NAME) configs.push([local, doc]);
    }
    this.openFiles = { byRealPath, configs };
    return this.openFiles;
  }

  /**
   * The base definition a key or value at `offset` overrides, with the resolved chain; null
   * when the document extends nothing or the place is no field it writes over a base.
   */
  private async overridden(
    doc: TextDocument,
    tree: LocatedTable,
    place: Place | null,
  ): Promise<{ result: ManifestResult; field: FieldKey; base: Overridden } | null> {
    const field = place === null ? null : fieldAt(place);
    if (field === null || tree.entry('extends') === undefined) return null;
    const result = await this.resolve(doc, await this.configFor(filePath(doc.uri)));
    const base = overriddenBase(result, field);
    return base === null ? null : { result, field, base };
  }

  /**
   * What the document inherits without writing it, for a hover: on a section's header, that
   * section's keys; on the `extends` key or value, every section's. Null elsewhere, or when
   * the document extends nothing or inherits nothing there.
   */
  private async inherited(
    doc: TextDocument,
    tree: LocatedTable,
    place: Place,
  ): Promise<string | null> {
    let section: SectionSpec['key'] | null;
    if (place.kind === 'table') {
      const spec = SECTION_BY_KEY.get(place.table.toLowerCase());
      if (spec === undefined) return null;
      section = spec.key;
    } else if (place.table === '' && place.entry.key === 'extends') section = null;
    else return null;
    if (tree.entry('extends') === undefined) return null;
    const result = await this.resolve(doc, await this.configFor(filePath(doc.uri)));
    return inheritedMarkdown(result, section, filePath(doc.uri) ?? doc.uri);
  }

  private toLsp(doc: TextDocument, { diagnostics, extendsSpan }: Checked): object[] {
    const own = filePath(doc.uri) ?? doc.uri;
    // Problems in a base are shown at this file's `extends`, with where they are.
    let extendsRange: LspRange | undefined;
    const atExtends = () => {
      if (extendsRange === undefined) {
        const span = extendsSpan();
        extendsRange = doc.rangeOf(span.start, span.end, this.encoding);
      }
      return extendsRange;
    };
    return diagnostics.map((d) => {
      const here = d.file === own;
      // Messages quote keys, values and file names of the manifest (a pull request's): a
      // control or bidi character in them would reach a terminal showing the client's log,
      // or reorder what the editor shows. Escaped, as the command line does.
      const message = escapeControl(d.message);
      const out: Record<string, unknown> = {
        range: here ? doc.rangeOfLineColumns(d, this.encoding) : atExtends(),
        severity: d.severity === 'error' ? 1 : 2,
        code: d.code,
        codeDescription: { href: `${this.docsBase}#${d.code}` },
        source: 'volt-manifest',
        message: here
          ? message
          : `in base ${escapeControl(d.file)}:${d.line}:${d.column}: ${message}`,
      };
      if (!here && d.line > 0) {
        // Our columns count code points; the base is not open, so its line is read as
        // UTF-16 = code points only where it has no astral characters (the start is exact).
        out['relatedInformation'] = [
          {
            location: {
              uri: pathToFileURL(d.file).href,
              range: {
                start: { line: d.line - 1, character: d.column - 1 },
                end: { line: d.endLine - 1, character: d.endColumn - 1 },
              },
            },
            message,
          },
        ];
      }
      return out;
    });
  }

  // ---- requests on a document -----------------------------------------------------------

  private formatting(doc: TextDocument): unknown {
    const outcome = formatManifest(doc.text, { path: filePath(doc.uri) ?? doc.uri });
    if (!outcome.ok)
      throw new ResponseError(ErrorCodes.RequestFailed, `cannot format: ${outcome.reason}`);
    if (!outcome.changed) return [];
    return [{ range: doc.rangeOf(0, doc.text.length, this.encoding), newText: outcome.text }];
  }

  private async hover(doc: TextDocument, at: LspPosition): Promise<unknown> {
    const offset = doc.offsetAt(at, this.encoding);
    const tree = parseTree(doc.text);
    const place = placeAt(tree, offset);
    if (place === null) return null;
    let text = hoverMarkdown(place);
    if (text === null) return null;
    const over = await this.overridden(doc, tree, place);
    if (over !== null)
      text += `\n\n---\n\n${overrideMarkdown(over.result, over.field, over.base, filePath(doc.uri) ?? doc.uri)}`;
    const inherited = await this.inherited(doc, tree, place);
    if (inherited !== null) text += `\n\n---\n\n${inherited}`;
    return {
      contents: { kind: 'markdown', value: text },
      range: doc.rangeOf(place.span.start, place.span.end, this.encoding),
    };
  }

  /** On the `extends` value: the base. On a key or value: the base value it overrides. */
  private async definition(doc: TextDocument, at: LspPosition): Promise<unknown> {
    const offset = doc.offsetAt(at, this.encoding);
    const tree = parseTree(doc.text);
    const entry = tree.entry('extends');
    const path = filePath(doc.uri);
    if (entry === undefined || path === null || typeof entry.node.value !== 'string') return null;
    if (offset < entry.node.start || offset > entry.node.end) {
      const over = await this.overridden(doc, tree, placeAt(tree, offset));
      return over === null ? null : overriddenLocation(over.base, this.encoding);
    }
    const ref = entry.node.value;
    if (ref === '' || ref.startsWith('cas://') || isAbsolute(ref)) return null;
    const target = resolve(dirname(path), ref);
    const zero = { line: 0, character: 0 };
    return { uri: pathToFileURL(target).href, range: { start: zero, end: zero } };
  }
}

/** The first of the client's encodings we speak, else UTF-16 (which every client speaks). */
export function negotiateEncoding(offered: readonly unknown[]): PositionEncoding {
  for (const e of offered) if (e === 'utf-8' || e === 'utf-16' || e === 'utf-32') return e;
  return 'utf-16';
}

function position(params: unknown): LspPosition {
  const p = (params as { position?: { line?: unknown; character?: unknown } } | null)?.position;
  if (p === undefined || typeof p.line !== 'number' || typeof p.character !== 'number')
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      'params.position must be { line, character }',
    );
  return { line: p.line, character: p.character };
}

function parseTree(text: string): LocatedTable {
  return parseLocatedRecovering(text, { integers: 'auto' }).document.root;
}

/** The local path of a `file:` URI, or null for any other. */
function filePath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realPathOf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/**
 * A TOML file is checked as a manifest when it writes `extends` or a manifest section at
 * its top level (in any case); the project configuration is not one. Others get syntax.
 */
function isManifest(file: string, topLevelKeys: readonly string[]): boolean {
  if (file.endsWith(`${sep}volt-manifest.toml`) || file === 'volt-manifest.toml') return false;
  for (const written of topLevelKeys) {
    const key = written.toLowerCase();
    if (key === 'extends' || SECTIONS.some((s) => s.key === key)) return true;
  }
  return false;
}
