/**
 * The language server in-process, fed bytes as a client would send them: every malformed
 * or out-of-order message gets its proper error (or, for a notification, a log message),
 * and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';

/** A server, and a function that sends it messages and returns what it wrote back. */
function session() {
  const reader = new MessageReader();
  const out: unknown[] = [];
  const exits: number[] = [];
  const server = new LanguageServer({
    write: (bytes) => {
      for (const frame of reader.push(bytes))
        out.push(frame.kind === 'message' ? frame.value : frame);
    },
    exit: (code) => exits.push(code),
    docsBase: 'https://example.invalid/codes',
  });
  const send = async (...messages: unknown[]): Promise<unknown[]> => {
    for (const m of messages) server.receive(encodeMessage(m as object));
    // The server handles its queue asynchronously: let it drain.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    return out.splice(0);
  };
  return { send, exits };
}

const logged = (text: RegExp) => (m: unknown) =>
  (m as { method?: string }).method === 'window/logMessage' &&
  text.test((m as { params: { message: string } }).params.message);

describe('the language server on malformed messages', () => {
  it('answers each with its error and keeps serving', async () => {
    const { send, exits } = session();
    // Before initialize, a notification is dropped.
    assert.deepEqual(
      await send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: {} }),
      [],
    );
    assert.deepEqual(await send([1]), [
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'a message must be a JSON object' },
      },
    ]);
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 5 }), [
      {
        jsonrpc: '2.0',
        id: 5,
        error: { code: -32600, message: 'a message must have a method (string)' },
      },
    ]);
    // A response to a request the server never sent is dropped.
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 6, result: 1 }), []);
    assert.deepEqual(await send({ jsonrpc: '2.0', id: { x: 1 }, method: 'initialize' }), [
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'a request id must be a number or a string' },
      },
    ]);
    const init = await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { rootPath: '/nonexistent-root', capabilities: {} },
    });
    assert.equal((init[0] as { id: number }).id, 1);
    assert.ok('capabilities' in (init[0] as { result: object }).result);
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 2, method: 'initialize', params: {} }), [
      { jsonrpc: '2.0', id: 2, error: { code: -32600, message: 'initialize was already called' } },
    ]);
    await send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    // Bad notifications are logged to the client, not answered.
    const bad = await send(
      {
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: 'file:///a.toml' } },
      },
      {
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: { textDocument: { uri: 'file:///b.toml' }, contentChanges: [] },
      },
      {
        jsonrpc: '2.0',
        method: 'textDocument/didClose',
        params: { textDocument: { uri: 'file:///b.toml' } },
      },
      { jsonrpc: '2.0', method: 'textDocument/didSave', params: {} },
    );
    assert.equal(bad.length, 3, JSON.stringify(bad));
    assert.ok(
      logged(/^textDocument\/didOpen: didOpen needs textDocument\.uri and textDocument\.text$/)(
        bad[0],
      ),
      JSON.stringify(bad[0]),
    );
    assert.ok(
      logged(/^textDocument\/didChange: document file:\/\/\/b\.toml is not open$/)(bad[1]),
      JSON.stringify(bad[1]),
    );
    assert.ok(
      logged(/^textDocument\/didClose: document file:\/\/\/b\.toml is not open$/)(bad[2]),
      JSON.stringify(bad[2]),
    );
    // An open document with changes that are not text: logged, the document stays as it was.
    await send({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///c.toml', text: 'a = 1\n' } },
    });
    const change = await send({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: { textDocument: { uri: 'file:///c.toml' }, contentChanges: [{ range: null }] },
    });
    assert.ok(
      logged(/didChange needs contentChanges, each with a text$/)(change[0]),
      JSON.stringify(change),
    );
    // A document opened with its version and language, changed with a version; a save of
    // a URI that is not a file reads nothing.
    assert.deepEqual(
      await send(
        {
          jsonrpc: '2.0',
          method: 'textDocument/didOpen',
          params: {
            textDocument: { uri: 'file:///d.toml', languageId: 'toml', version: 3, text: '' },
          },
        },
        {
          jsonrpc: '2.0',
          method: 'textDocument/didChange',
          params: {
            textDocument: { uri: 'file:///d.toml', version: 4 },
            contentChanges: [{ text: 'b = 2\n' }],
          },
        },
        {
          jsonrpc: '2.0',
          method: 'textDocument/didSave',
          params: { textDocument: { uri: 'untitled:x' } },
        },
      ).then((out) => out.filter((m) => (m as { method?: string }).method === 'window/logMessage')),
      [],
    );
    // A request for a document that is not open is an InvalidParams error.
    assert.deepEqual(
      await send({
        jsonrpc: '2.0',
        id: 3,
        method: 'textDocument/hover',
        params: { textDocument: { uri: 'file:///z.toml' }, position: { line: 0, character: 0 } },
      }),
      [
        {
          jsonrpc: '2.0',
          id: 3,
          error: { code: -32602, message: 'document file:///z.toml is not open' },
        },
      ],
    );
    // And it still serves: shutdown, then exit with 0.
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 4, method: 'shutdown' }), [
      { jsonrpc: '2.0', id: 4, result: null },
    ]);
    await send({ jsonrpc: '2.0', method: 'exit' });
    assert.deepEqual(exits, [0]);
  });

  it('refuses requests before initialize and after shutdown, and exits with 1 without shutdown', async () => {
    const { send, exits } = session();
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 1, method: 'shutdown' }), [
      { jsonrpc: '2.0', id: 1, error: { code: -32002, message: "'shutdown' before 'initialize'" } },
    ]);
    const init = await send({
      jsonrpc: '2.0',
      id: 2,
      method: 'initialize',
      params: {
        capabilities: { general: { positionEncodings: ['utf-32', 'utf-8'] } },
        workspaceFolders: [{ uri: 'https://example.invalid/x' }],
        rootUri: 'file:///nonexistent-root',
        initializationOptions: { debounceMs: 0, docsBaseUrl: 'https://docs.invalid/codes' },
      },
    });
    assert.equal(
      (init[0] as { result: { capabilities: { positionEncoding: string } } }).result.capabilities
        .positionEncoding,
      'utf-32', // The client's first choice among those the server supports.
    );
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 3, method: 'workspace/unknown' }), [
      {
        jsonrpc: '2.0',
        id: 3,
        error: { code: -32601, message: "unknown method 'workspace/unknown'" },
      },
    ]);
    // An unknown notification is ignored, as the protocol says.
    assert.deepEqual(await send({ jsonrpc: '2.0', method: '$/unknown', params: {} }), []);
    assert.deepEqual(await send({ jsonrpc: '2.0', id: 4, method: 'shutdown' }), [
      { jsonrpc: '2.0', id: 4, result: null },
    ]);
    assert.deepEqual(
      await send({ jsonrpc: '2.0', id: 5, method: 'textDocument/hover', params: {} }),
      [
        {
          jsonrpc: '2.0',
          id: 5,
          error: { code: -32600, message: "'textDocument/hover' after 'shutdown'" },
        },
      ],
    );
    // Notifications after shutdown are dropped.
    assert.deepEqual(
      await send({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: 'file:///a.toml', text: 'a = 1\n' } },
      }),
      [],
    );
    assert.deepEqual(exits, []);
    const second = session();
    await second.send({ jsonrpc: '2.0', method: 'exit' });
    assert.deepEqual(second.exits, [1]);
    await send({ jsonrpc: '2.0', method: 'exit' });
    assert.deepEqual(exits, [0]);
  });

  it('sends nothing after exit: not the diagnostics of a check still scheduled, not an answer', async () => {
    const { send, exits } = session();
    await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { capabilities: {}, initializationOptions: { debounceMs: 0 } },
    });
    await send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    // The check of the opened file is scheduled when `exit` comes in the same read.
    const out = await send(
      {
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: 'file:///a.toml', text: '[workload]\nname = "A"\n' } },
      },
      { jsonrpc: '2.0', method: 'exit' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'textDocument/hover',
        params: { textDocument: { uri: 'file:///a.toml' }, position: { line: 1, character: 0 } },
      },
    );
    // Past the debounce (0 ms) and the check's own awaits.
    await new Promise((r) => setTimeout(r, 20));
    out.push(...(await send()));
    assert.deepEqual(out, []);
    assert.deepEqual(exits, [1]);
  });

  it('reports a syntax error, clears it when fixed and reports it again when it comes back', async () => {
    const { send } = session();
    await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { capabilities: {}, initializationOptions: { debounceMs: 0 } },
    });
    await send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const uri = 'file:///syntax.toml';
    /** The codes and ranges of the diagnostics published after `message`. */
    const checked = async (message: object) => {
      const out = await send(message);
      // Past the debounce (0 ms) of the check the message scheduled.
      await new Promise((r) => setTimeout(r, 10));
      out.push(...(await send()));
      return out.map((m) => {
        const p = (m as { params: { version: number; diagnostics: any[] } }).params;
        return {
          version: p.version,
          problems: p.diagnostics.map((d) => `${d.code} ${JSON.stringify(d.range)}`),
        };
      });
    };
    const change = (version: number, text: string) => ({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version }, contentChanges: [{ text }] },
    });
    const broken = 'a = 1\nb = \nc = [1,\n';
    const range = (l1: number, c1: number, l2: number, c2: number) =>
      JSON.stringify({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
    const first = await checked({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, version: 1, text: broken } },
    });
    assert.deepEqual(first, [
      {
        version: 1,
        problems: [
          `toml-expected-value ${range(1, 4, 2, 0)}`,
          `toml-unterminated-array ${range(2, 4, 2, 5)}`,
        ],
      },
    ]);
    assert.deepEqual(await checked(change(2, 'a = 1\nb = 2\nc = [1]\n')), [
      { version: 2, problems: [] },
    ]);
    assert.deepEqual(await checked(change(3, 'a = 1\nb = 2\nc = [1]\nd = 4\n')), [
      { version: 3, problems: [] },
    ]);
    assert.deepEqual(
      await checked(change(4, broken)),
      first.map((p) => ({ ...p, version: 4 })),
    );
  });

  it('sends no control or bidi character of the manifest in a message: they are escaped', async () => {
    // A key or value from a pull request went to the client raw: an escape sequence in a
    // log a terminal shows, or a right-to-left override that reorders the message.
    const { send } = session();
    await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { capabilities: {}, initializationOptions: { debounceMs: 0 } },
    });
    const text = '[workload]\nname = "w"\nmode = "x\\u001b]0;t\\u0007"\n"k\\u202e" = 1\n';
    const out = await send({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: {
        textDocument: { uri: 'file:///escape.toml', languageId: 'toml', version: 1, text },
      },
    });
    // Past the debounce (0 ms) of the check the message scheduled.
    await new Promise((r) => setTimeout(r, 10));
    out.push(...(await send()));
    const published = (
      out as { method?: string; params: { diagnostics: { code: string; message: string }[] } }[]
    ).find((m) => m.method === 'textDocument/publishDiagnostics');
    const messages = Object.fromEntries(
      published!.params.diagnostics.map((d) => [d.code, d.message]),
    );
    assert.equal(
      messages['workload-mode-invalid'],
      "mode 'x\\u001b]0;t\\u0007' is not one of container, hybrid-native, hybrid-kvm, hybrid-emulated",
    );
    assert.equal(messages['unknown-key'], "unknown key 'k\\u202e' in [workload]");
  });
});
