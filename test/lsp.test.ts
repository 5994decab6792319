/**
 * The language server as a separate process, driven through a real client library
 * (vscode-jsonrpc): a scripted session with exact ranges, position encodings, and the
 * robustness cases (malformed JSON, a bad header, unknown methods, closed documents,
 * cancellation) checked on the raw bytes, where stdout must hold nothing but messages.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';
import { projectRoot } from './helpers.js';

const cli = join(projectRoot, 'dist/lib/cli/main.js');

/**
 * Every server this file starts. A test that fails before its `exit` leaves its server
 * waiting on a stdin this process holds open, and the pipes keep this process alive:
 * the file never ended (a failed assertion hung the run for hours). So each suite kills
 * what is left in `after`, and a test that waits too long fails by its timeout.
 */
const servers = new Set<ChildProcess>();
const bounded = { timeout: 120_000 };

function spawnServer(args: string[], cwd?: string): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [cli, ...args], { cwd });
  servers.add(child);
  child.on('exit', () => servers.delete(child));
  return child;
}

function killServers(): void {
  for (const child of servers) child.kill('SIGKILL');
  servers.clear();
}

interface Published {
  uri: string;
  version?: number;
  diagnostics: {
    range: unknown;
    code: string;
    severity: number;
    source: string;
    message: string;
    codeDescription: { href: string };
  }[];
}

/** A server process and a client connection to it. */
class Session {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: rpc.MessageConnection;
  private readonly published: Published[] = [];
  private waiting: ((p: Published) => void) | null = null;
  stderr = '';

  constructor(cwd: string) {
    this.child = spawnServer(['lsp', '--stdio'], cwd);
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = rpc.createMessageConnection(
      new rpc.StreamMessageReader(this.child.stdout),
      new rpc.StreamMessageWriter(this.child.stdin),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      if (this.waiting !== null) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(p);
      } else this.published.push(p);
    });
    this.connection.listen();
  }

  /** The diagnostics published for `version` (those of earlier versions are dropped). */
  async diagnosticsOf(version: number): Promise<Published> {
    for (;;) {
      const next =
        this.published.shift() ??
        (await new Promise<Published>((resolve) => (this.waiting = resolve)));
      if (next.version === version) return next;
      assert.ok(next.version! < version, `diagnostics of version ${next.version} after ${version}`);
    }
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.on('exit', (code) => resolve(code));
    });
  }
}

/** Diagnostics reduced to what the tests compare: range, code, severity. */
function brief(p: Published) {
  return p.diagnostics.map((d) => ({ range: d.range, code: d.code, severity: d.severity }));
}

function range(l1: number, c1: number, l2: number, c2: number) {
  return { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } };
}

describe('the language server, driven by vscode-jsonrpc', bounded, () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-')));
    writeFileSync(join(dir, 'base.toml'), '[workload]\nmode = "container"\nimage = "nginx:1.27"\n');
  });
  after(() => {
    killServers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a session: open, diagnostics, change, diagnostics, hover, completion, definition, code action, formatting, shutdown, exit', async () => {
    const session = new Session(dir);
    const c = session.connection;
    const init = (await c.sendRequest('initialize', {
      processId: null,
      rootUri: null,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'w' }],
      capabilities: {},
      initializationOptions: { docsBaseUrl: 'https://example.org/docs/error-codes.md' },
    })) as { capabilities: Record<string, unknown> };
    assert.equal(init.capabilities['positionEncoding'], 'utf-16');
    assert.deepEqual(init.capabilities['textDocumentSync'], {
      openClose: true,
      change: 2,
      save: { includeText: false },
    });
    await c.sendNotification('initialized', {});

    const uri = pathToFileURL(join(dir, 'web.toml')).href;
    const text =
      'extends = "base.toml"\n\n[workload]\nname = "Web"\n\n[resources]\ncpu_weigth = 100\n';
    await c.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'toml', version: 1, text },
    });
    const first = await session.diagnosticsOf(1);
    assert.equal(first.uri, uri);
    assert.equal(first.version, 1);
    assert.deepEqual(brief(first), [
      { range: range(3, 7, 3, 12), code: 'workload-name-invalid', severity: 1 },
      { range: range(6, 0, 6, 10), code: 'unknown-key', severity: 1 },
    ]);
    assert.equal(first.diagnostics[0]!.source, 'volt-manifest');
    assert.equal(
      first.diagnostics[0]!.codeDescription.href,
      'https://example.org/docs/error-codes.md#workload-name-invalid',
    );

    // Incremental: "Web" becomes "web"; only the unknown key is left.
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: range(3, 8, 3, 9), text: 'w' }],
    });
    const second = await session.diagnosticsOf(2);
    assert.equal(second.version, 2);
    assert.deepEqual(brief(second), [
      { range: range(6, 0, 6, 10), code: 'unknown-key', severity: 1 },
    ]);

    const hover = (await c.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 3, character: 2 },
    })) as { contents: { kind: string; value: string }; range: unknown };
    assert.deepEqual(hover.range, range(3, 0, 3, 4));
    assert.match(
      hover.contents.value,
      /^\*\*workload\.name\*\*: string, required\n\nWorkload name, a DNS label/,
    );

    // A new line in [workload]: the keys not written yet (name is).
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: range(4, 0, 4, 0), text: 'mo\n' }],
    });
    const completion = (await c.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 4, character: 2 },
    })) as { items: { label: string; textEdit: { range: unknown; newText: string } }[] };
    assert.deepEqual(
      completion.items.map((i) => i.label),
      ['mode', 'image', 'description'],
    );
    assert.deepEqual(completion.items[0]!.textEdit, {
      range: range(4, 0, 4, 2),
      newText: 'mode = ',
    });
    // Values after `mode = "`.
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: range(4, 0, 4, 2), text: 'mode = "hy' }],
    });
    const values = (await c.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 4, character: 10 },
    })) as { items: { label: string; textEdit: { range: unknown; newText: string } }[] };
    assert.deepEqual(
      values.items.map((i) => i.label),
      ['container', 'hybrid-native', 'hybrid-kvm', 'hybrid-emulated'],
    );
    assert.deepEqual(values.items[1]!.textEdit, {
      range: range(4, 7, 4, 10),
      newText: '"hybrid-native"',
    });
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 5 },
      contentChanges: [{ range: range(4, 0, 5, 0), text: '' }],
    });
    const fifth = await session.diagnosticsOf(5);

    const definition = await c.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: { line: 0, character: 14 },
    });
    assert.deepEqual(definition, {
      uri: pathToFileURL(join(dir, 'base.toml')).href,
      range: range(0, 0, 0, 0),
    });

    // Formatting refuses a file with an error it would lose, saying why.
    await assert.rejects(
      c.sendRequest('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      }),
      /cannot format: 1 error that formatting would lose/,
    );

    const actions = (await c.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: range(6, 0, 6, 10),
      context: { diagnostics: fifth.diagnostics },
    })) as {
      title: string;
      kind: string;
      diagnostics: unknown[];
      edit: { changes: Record<string, { range: unknown; newText: string }[]> };
    }[];
    // The problem's own quickfix (the smallest edit), then the fix-all.
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind]),
      [
        ["Rename 'cpu_weigth' to 'cpu_weight'", 'quickfix'],
        ["Rename 'cpu_weigth' to 'cpu_weight' (fix all)", 'source.fixAll.volt-manifest'],
      ],
    );
    assert.deepEqual(actions[0]!.diagnostics, fifth.diagnostics);
    assert.deepEqual(actions[0]!.edit.changes[uri], [{ range: range(6, 8, 6, 10), newText: 'ht' }]);
    const edit = actions[0]!.edit.changes[uri]![0]!;
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 6 },
      contentChanges: [{ range: edit.range, text: edit.newText }],
    });
    assert.deepEqual(brief(await session.diagnosticsOf(6)), []);

    const formatting = (await c.sendRequest('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    })) as { range: unknown; newText: string }[];
    assert.deepEqual(formatting, []);

    assert.equal(await c.sendRequest('shutdown'), null);
    await c.sendNotification('exit');
    assert.equal(await session.exited(), 0);
    assert.equal(session.stderr, '');
  });
});

describe('the language server with large and linked documents', bounded, () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-')));
  });
  after(() => {
    killServers();
    rmSync(dir, { recursive: true, force: true });
  });

  async function started(): Promise<Session> {
    const session = new Session(dir);
    await session.connection.sendRequest('initialize', {
      processId: null,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
    });
    await session.connection.sendNotification('initialized', {});
    return session;
  }

  it('diagnoses a 10 MB document and goes on serving', async () => {
    const session = await started();
    const c = session.connection;
    const line = 'key_000000 = "a value of some length, to fill the line"\n';
    const count = Math.ceil((10 * 1024 * 1024) / line.length);
    const lines = [];
    for (let i = 0; i < count; i++) lines.push(line.replace('000000', String(i).padStart(6, '0')));
    // One syntax error on the last line (the span of a missing value is its line break).
    const text = `${lines.join('')}broken = \n`;
    assert.ok(text.length >= 10 * 1024 * 1024);
    const uri = pathToFileURL(join(dir, 'big.toml')).href;
    await c.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'toml', version: 1, text },
    });
    const published = await session.diagnosticsOf(1);
    assert.deepEqual(brief(published), [
      { range: range(count, 9, count + 1, 0), code: 'toml-expected-value', severity: 1 },
    ]);
    const symbols = (await c.sendRequest('textDocument/documentSymbol', {
      textDocument: { uri },
    })) as unknown[];
    assert.equal(symbols.length, count);
    assert.equal(await c.sendRequest('shutdown'), null);
    await c.sendNotification('exit');
    assert.equal(await session.exited(), 0);
  });

  it('checks an open file again when a base it extends is saved', async () => {
    const basePath = join(dir, 'base.toml');
    writeFileSync(basePath, '[workload]\nmode = "container"\nimage = "nginx"\n');
    const session = await started();
    const c = session.connection;
    const uri = pathToFileURL(join(dir, 'app.toml')).href;
    await c.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'toml',
        version: 1,
        text: 'extends = "base.toml"\n\n[workload]\nname = "app"\n',
      },
    });
    assert.deepEqual(brief(await session.diagnosticsOf(1)), []);
    // The base loses its mode: the file that extends it is missing one now; the base's own
    // problem is shown at the `extends` value, saying where it is.
    writeFileSync(basePath, '[workload]\nimage = "nginx"\n\n[resources]\ncpu_weigth = 1\n');
    await c.sendNotification('textDocument/didSave', {
      textDocument: { uri: pathToFileURL(basePath).href },
    });
    const again = await session.diagnosticsOf(1);
    assert.deepEqual(brief(again), [
      { range: range(2, 0, 2, 10), code: 'missing-required', severity: 1 },
      { range: range(0, 10, 0, 21), code: 'unknown-key', severity: 1 },
    ]);
    assert.match(
      again.diagnostics[1]!.message,
      /^in base .*base\.toml:5:1: unknown key 'cpu_weigth'/,
    );
    assert.equal(await c.sendRequest('shutdown'), null);
    await c.sendNotification('exit');
    assert.equal(await session.exited(), 0);
  });
});

/** A message's frame, as a client writes it. */
function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/**
 * Runs the server on `input` (one write, so a cancellation arrives with its request) and
 * returns its exit status, stderr and the messages on stdout, which must be nothing but
 * well-formed frames.
 */
async function raw(
  input: string,
): Promise<{ code: number | null; stderr: string; messages: any[] }> {
  const child = spawnServer(['lsp']);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.write(input);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const bytes = Buffer.concat(out);
  const messages = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    const header = /^Content-Length: (\d+)$/.exec(bytes.subarray(at, headerEnd).toString('latin1'));
    assert.ok(
      header !== null,
      `not a frame at byte ${at}: ${bytes.subarray(at, at + 40).toString()}`,
    );
    const start = headerEnd + 4;
    const end = start + Number(header[1]);
    assert.ok(end <= bytes.length, 'a frame cut short');
    messages.push(JSON.parse(bytes.subarray(start, end).toString('utf8')));
    at = end;
  }
  return { code, stderr, messages };
}

const uri = 'file:///nowhere/web.toml';

describe('the language server on raw bytes', bounded, () => {
  after(killServers);
  it('answers bad frames, unknown methods, closed documents and cancellations, and keeps serving', async () => {
    const input = [
      frame({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { capabilities: { general: { positionEncodings: ['utf-8', 'utf-16'] } } },
      }),
      'Content-Length: 5\r\n\r\n{bad}',
      'Content-Length: many\r\n\r\n',
      frame([1, 2]),
      frame({ jsonrpc: '2.0', id: 2, method: 'foo/bar' }),
      frame({ jsonrpc: '2.0', method: 'foo/baz' }),
      frame({
        jsonrpc: '2.0',
        id: 3,
        method: 'textDocument/hover',
        params: { textDocument: { uri }, position: { line: 0, character: 0 } },
      }),
      frame({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: {
          textDocument: {
            uri,
            languageId: 'toml',
            version: 1,
            text: '[workload]\r\nname = "😀x"\r\n',
          },
        },
      }),
      frame({
        jsonrpc: '2.0',
        id: 4,
        method: 'textDocument/hover',
        params: { textDocument: { uri }, position: { line: 1, character: 12 } },
      }),
      frame({
        jsonrpc: '2.0',
        id: 5,
        method: 'textDocument/documentSymbol',
        params: { textDocument: { uri } },
      }),
      frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 5 } }),
      frame({
        jsonrpc: '2.0',
        id: 6,
        method: 'textDocument/documentSymbol',
        params: { textDocument: { uri } },
      }),
      frame({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } }),
      frame({
        jsonrpc: '2.0',
        id: 7,
        method: 'textDocument/formatting',
        params: { textDocument: { uri }, options: {} },
      }),
      frame({ jsonrpc: '2.0', id: 8, method: 'shutdown' }),
      frame({ jsonrpc: '2.0', id: 9, method: 'textDocument/hover', params: {} }),
      frame({ jsonrpc: '2.0', method: 'exit' }),
    ].join('');
    const { code, stderr, messages } = await raw(input);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const brief = messages.map((m) =>
      m.method !== undefined
        ? { method: m.method }
        : m.error !== undefined
          ? { id: m.id, code: m.error.code }
          : { id: m.id },
    );
    assert.deepEqual(brief, [
      { id: 1 },
      { id: null, code: -32700 }, // body not JSON
      { id: null, code: -32700 }, // bad Content-Length
      { id: null, code: -32600 }, // not an object
      { id: 2, code: -32601 }, // unknown method
      { id: 3, code: -32602 }, // not open
      { id: 4 },
      { id: 5, code: -32800 }, // cancelled
      { id: 6 },
      { method: 'textDocument/publishDiagnostics' }, // cleared on close
      { id: 7, code: -32602 }, // closed
      { id: 8 },
      { id: 9, code: -32600 }, // after shutdown
    ]);
    assert.equal(messages[0].result.capabilities.positionEncoding, 'utf-8');
    assert.equal(messages[5].error.message, `document ${uri} is not open`);
    // UTF-8: `"😀x"` is 1 + 4 + 1 + 1 bytes from character 7; lines end in CRLF.
    assert.deepEqual(messages[6].result.range, range(1, 7, 1, 14));
    assert.match(messages[6].result.contents.value, /^\*\*workload\.name\*\*/);
    assert.deepEqual(messages[8].result, [
      {
        name: 'workload',
        kind: 2,
        range: range(0, 0, 1, 14),
        selectionRange: range(0, 1, 0, 9),
        children: [
          { name: 'name', kind: 8, range: range(1, 0, 1, 14), selectionRange: range(1, 0, 1, 4) },
        ],
      },
    ]);
    assert.deepEqual(messages[9].params, { uri, diagnostics: [] });
  });

  it('refuses requests before initialize, and exits with 1 on exit without shutdown', async () => {
    const { code, stderr, messages } = await raw(
      frame({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} }) +
        frame({ jsonrpc: '2.0', method: 'exit' }),
    );
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.deepEqual(messages, [
      {
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32002, message: "'textDocument/hover' before 'initialize'" },
      },
    ]);
  });
});
