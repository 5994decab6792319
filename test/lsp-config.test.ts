/**
 * The language server and the project configuration (in-process, files on disk): the
 * nearest volt-manifest.toml applies its [rules] severities, cas_root and root; a change
 * to it (edited while open, closed, or changed on disk) re-checks the open documents; a
 * configuration with problems gets them as diagnostics when open, a log message when not.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncBuiltinESMExports } from 'node:module';
import url, { pathToFileURL } from 'node:url';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';

interface Out {
  id?: number;
  method?: string;
  params?: {
    uri?: string;
    message?: string;
    diagnostics?: { code: string; severity: number; range: unknown }[];
  };
}

async function serve(dir: string) {
  const reader = new MessageReader();
  const out: Out[] = [];
  const server = new LanguageServer({
    write: (bytes) => {
      for (const frame of reader.push(bytes))
        if (frame.kind === 'message') out.push(frame.value as Out);
    },
    exit: () => {},
    docsBase: 'https://example.invalid/codes',
  });
  let id = 1;
  const send = (m: object) => server.receive(encodeMessage({ jsonrpc: '2.0', ...m }));
  const next = async (match: (m: Out) => boolean): Promise<Out> => {
    // Bounded, so that a message never sent fails the test instead of hanging the run.
    for (let waited = 0; waited < 30_000; waited += 2) {
      const i = out.findIndex(match);
      if (i !== -1) return out.splice(i, 1)[0]!;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no message came that ${match.toString()}`);
  };
  send({
    id: id++,
    method: 'initialize',
    params: {
      capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'w' }],
      initializationOptions: { debounceMs: 0 },
    },
  });
  await next((m) => m.id === 1);
  /** The codes and severities published next for `uri`. */
  const diagnosticsOf = async (uri: string) =>
    (
      await next((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri)
    ).params!.diagnostics!.map((d) => `${d.code}/${d.severity}`);
  const open = (uri: string, text: string) =>
    send({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, languageId: 'toml', version: 1, text } },
    });
  const change = (uri: string, version: number, text: string) =>
    send({
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version }, contentChanges: [{ text }] },
    });
  const logged = async () => (await next((m) => m.method === 'window/logMessage')).params!.message!;
  const shutdown = async () => {
    send({ id: 99, method: 'shutdown' });
    await next((m) => m.id === 99);
  };
  return { send, open, change, diagnosticsOf, logged, shutdown, out };
}

describe('the language server with a project configuration', () => {
  let dir: string;
  const app = '[workload]\nname = "app"\nmode = "container"\n\n[resources]\ncpu_weigth = 5\n';
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-config-')));
    writeFileSync(join(dir, 'app.toml'), app);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies [rules], and re-checks open files when it is edited, closed or changed on disk', async () => {
    const configPath = join(dir, 'volt-manifest.toml');
    writeFileSync(configPath, '[rules]\nunknown-key = "warning"\nnothing-to-run = "off"\n');
    const s = await serve(dir);
    const appUri = pathToFileURL(join(dir, 'app.toml')).href;
    const configUri = pathToFileURL(configPath).href;
    s.open(appUri, app);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['unknown-key/2']);
    // Opened with other text: that text applies, to the files open.
    s.open(configUri, '[rules]\nunknown-key = "off"\n');
    assert.deepEqual(await s.diagnosticsOf(configUri), []);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['nothing-to-run/1']);
    // A configuration with a problem: shown on it, and not used.
    s.change(configUri, 2, '[rules]\nunknown-key = "loud"\n');
    assert.deepEqual(await s.diagnosticsOf(configUri), ['config-invalid-value/1']);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['nothing-to-run/1', 'unknown-key/1']);
    // Closed: read from disk again.
    s.send({ method: 'textDocument/didClose', params: { textDocument: { uri: configUri } } });
    assert.deepEqual(await s.diagnosticsOf(configUri), []);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['unknown-key/2']);
    // Changed on disk, as the client's file watcher says.
    writeFileSync(configPath, '[rules]\nnothing-to-run = "warning"\n');
    s.send({
      method: 'workspace/didChangeWatchedFiles',
      params: { changes: [{ uri: configUri, type: 2 }] },
    });
    assert.deepEqual(await s.diagnosticsOf(appUri), ['nothing-to-run/2', 'unknown-key/1']);
    // Invalid on disk and not open: logged once, not used, nothing crashes.
    writeFileSync(configPath, '[rules]\nunknown-key = "loud"\nnothing-to-run = 1\n');
    s.send({
      method: 'workspace/didChangeWatchedFiles',
      params: { changes: [{ uri: configUri, type: 2 }] },
    });
    assert.deepEqual(await s.diagnosticsOf(appUri), ['nothing-to-run/1', 'unknown-key/1']);
    assert.match(
      await s.logged(),
      new RegExp(
        `^the configuration ${configPath.replace(/[.]/g, '\\.')} has problems and is not used: 2:15: .* \\(and 1 more\\)$`,
      ),
    );
    await s.shutdown();
    rmSync(configPath);
  });

  it('takes no configuration from outside the workspace folder; watched files re-check', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(ws, { recursive: true });
    writeFileSync(join(dir, 'volt-manifest.toml'), '[rules]\nunknown-key = "off"\n');
    writeFileSync(join(ws, 'base.toml'), '[workload]\nmode = "container"\nimage = "i"\n');
    try {
      const s = await serve(ws);
      const uri = pathToFileURL(join(ws, 'app.toml')).href;
      s.open(uri, 'extends = "base.toml"\n[workload]\nname = "app"\ncpu = 1\n');
      assert.deepEqual(await s.diagnosticsOf(uri), ['unknown-key/1']);
      // The base changes on disk: the watcher's notification re-checks the file.
      writeFileSync(join(ws, 'base.toml'), '[workload]\nimage = "i"\n');
      s.send({
        method: 'workspace/didChangeWatchedFiles',
        params: {
          changes: [
            null,
            { uri: 'untitled:x' },
            { uri: pathToFileURL(join(ws, 'base.toml')).href },
          ],
        },
      });
      assert.deepEqual(await s.diagnosticsOf(uri), ['missing-required/1', 'unknown-key/1']);
      s.send({ method: 'workspace/didChangeWatchedFiles', params: {} });
      assert.equal(
        await s.logged(),
        'workspace/didChangeWatchedFiles: didChangeWatchedFiles needs changes',
      );
      await s.shutdown();
    } finally {
      rmSync(join(dir, 'volt-manifest.toml'));
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('does not read a configuration found that links to a file outside its directory', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'volt-lsp-outside-'));
    try {
      writeFileSync(join(outside, 'x.toml'), '[rules]\nunknown-key = "off"\n');
      mkdirSync(join(dir, 'linked'));
      symlinkSync(join(outside, 'x.toml'), join(dir, 'linked', 'volt-manifest.toml'));
      const s = await serve(dir);
      const uri = pathToFileURL(join(dir, 'linked', 'app.toml')).href;
      s.open(uri, app);
      assert.deepEqual(await s.diagnosticsOf(uri), ['nothing-to-run/1', 'unknown-key/1']);
      assert.equal(
        await s.logged(),
        `${join(dir, 'linked', 'volt-manifest.toml')} is a symbolic link to a file outside its directory: not read`,
      );
      await s.shutdown();
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(join(dir, 'linked'), { recursive: true, force: true });
    }
  });

  it('reads cas:// bases from cas_root, and bases inside root only', async () => {
    const base = '[workload]\nimage = "nginx"\n';
    const hex = createHash('sha256').update(base).digest('hex');
    mkdirSync(join(dir, 'store', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'store', 'sha256', hex), base);
    mkdirSync(join(dir, 'apps'), { recursive: true });
    writeFileSync(join(dir, 'common.toml'), base);
    const s = await serve(dir);
    const casUri = pathToFileURL(join(dir, 'apps', 'cas.toml')).href;
    const cas = `extends = "cas://sha256:${hex}"\n[workload]\nname = "a"\nmode = "container"\n`;
    const upUri = pathToFileURL(join(dir, 'apps', 'up.toml')).href;
    const up = 'extends = "../common.toml"\n[workload]\nname = "a"\nmode = "container"\n';
    // Without a configuration: no store, and the workspace folder is the root.
    s.open(casUri, cas);
    assert.deepEqual(await s.diagnosticsOf(casUri), ['extends-not-found/1']);
    s.open(upUri, up);
    assert.deepEqual(await s.diagnosticsOf(upUri), []);
    const configUri = pathToFileURL(join(dir, 'volt-manifest.toml')).href;
    // Open in the editor and never saved: it applies all the same.
    s.open(configUri, 'cas_root = "store"\nroot = "apps"\n');
    assert.deepEqual(await s.diagnosticsOf(configUri), []);
    assert.deepEqual(await s.diagnosticsOf(casUri), []);
    assert.deepEqual(await s.diagnosticsOf(upUri), ['extends-outside-root/1']);
    await s.shutdown();
  });
});

describe('the language server and a base open in the editor', () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-open-base-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the base as the editor has it while it is open, from disk once it is closed', async () => {
    // The files extending a base read it from disk only, and its edits re-checked nothing
    // until it was saved.
    const base = '[workload]\nmode = "container"\nimage = "nginx"\n';
    const app = 'extends = "base.toml"\n[workload]\nname = "app"\n';
    writeFileSync(join(dir, 'base.toml'), base);
    writeFileSync(join(dir, 'app.toml'), app);
    const s = await serve(dir);
    const appUri = pathToFileURL(join(dir, 'app.toml')).href;
    const baseUri = pathToFileURL(join(dir, 'base.toml')).href;
    s.open(appUri, app);
    assert.deepEqual(await s.diagnosticsOf(appUri), []);
    s.open(baseUri, base);
    assert.deepEqual(await s.diagnosticsOf(baseUri), ['missing-required/1']);
    assert.deepEqual(await s.diagnosticsOf(appUri), []);
    // Edited, not saved: the file extending it sees the edit at once.
    s.change(baseUri, 2, `${base}colour = 1\n`);
    assert.deepEqual(await s.diagnosticsOf(baseUri), ['missing-required/1', 'unknown-key/1']);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['unknown-key/1']);
    s.change(baseUri, 3, base.replace('container', 'vm'));
    await s.diagnosticsOf(baseUri);
    assert.deepEqual(await s.diagnosticsOf(appUri), ['workload-mode-invalid/1']);
    // Closed without saving: the text on disk again.
    s.send({ method: 'textDocument/didClose', params: { textDocument: { uri: baseUri } } });
    assert.deepEqual(await s.diagnosticsOf(baseUri), []);
    assert.deepEqual(await s.diagnosticsOf(appUri), []);
    await s.shutdown();
  });

  it('finds the real paths of the open files once per change, not once per file that extends the base', async () => {
    // Each file re-checked after an edit of its base looked up the real path of every open
    // file: N files extending one base cost N² lookups per keystroke in the base.
    const base = '[workload]\nmode = "container"\nimage = "nginx"\n';
    writeFileSync(join(dir, 'shared.toml'), base);
    const s = await serve(dir);
    const files = 60;
    const apps: string[] = [];
    for (let i = 0; i < files; i++) {
      const app = `extends = "shared.toml"\n[workload]\nname = "app${i}"\n`;
      writeFileSync(join(dir, `app${i}.toml`), app);
      apps.push(pathToFileURL(join(dir, `app${i}.toml`)).href);
      s.open(apps[i]!, app);
    }
    for (const uri of apps) assert.deepEqual(await s.diagnosticsOf(uri), []);
    const baseUri = pathToFileURL(join(dir, 'shared.toml')).href;
    s.open(baseUri, base);
    await s.diagnosticsOf(baseUri);
    // Opening the base re-checks the files that extend it.
    for (const uri of apps) assert.deepEqual(await s.diagnosticsOf(uri), []);
    const native = realpathSync.native;
    let lookups = 0;
    realpathSync.native = ((...args: Parameters<typeof native>) => {
      lookups++;
      return native(...args);
    }) as typeof native;
    // The server's `fileURLToPath` is the builtin's export, updated by syncBuiltinESMExports.
    const toPath = url.fileURLToPath;
    let conversions = 0;
    url.fileURLToPath = (...args: Parameters<typeof toPath>) => {
      conversions++;
      return toPath(...args);
    };
    syncBuiltinESMExports();
    try {
      s.change(baseUri, 2, `${base}colour = 1\n`);
      await s.diagnosticsOf(baseUri);
      for (const uri of apps) assert.deepEqual(await s.diagnosticsOf(uri), ['unknown-key/1']);
    } finally {
      realpathSync.native = native;
      url.fileURLToPath = toPath;
      syncBuiltinESMExports();
    }
    // A few per file re-checked (its base, the base changed), not one per open file.
    assert.ok(lookups <= 10 * files, `${lookups} real path lookups for ${files} files`);
    assert.ok(conversions > 0, 'the count of conversions was taken');
    assert.ok(conversions <= 10 * files, `${conversions} URL conversions for ${files} files`);
    await s.shutdown();
  });
});
