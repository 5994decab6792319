/**
 * The language server registers its file watchers itself (in-process): after `initialized`,
 * a `client/registerCapability` request for the configuration and TOML files when the
 * client allows dynamic registration of `workspace/didChangeWatchedFiles`; nothing without
 * it. The client's answer is taken: an error is logged, a result ends the request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';

/** A server initialized with `capabilities`, every message it sent, and a way to talk to it. */
async function serve(capabilities: object) {
  const reader = new MessageReader();
  const out: Record<string, unknown>[] = [];
  const server = new LanguageServer({
    write: (bytes) => {
      for (const frame of reader.push(bytes))
        if (frame.kind === 'message') out.push(frame.value as Record<string, unknown>);
    },
    exit: () => {},
    docsBase: 'https://example.invalid/codes',
  });
  const send = (m: object) => server.receive(encodeMessage({ jsonrpc: '2.0', ...m }));
  /** Sends a request and waits for its answer: what it caused before is all in `out` then. */
  const request = async (id: string, method: string, params: unknown) => {
    send({ id, method, params });
    // Bounded, so that an answer never sent fails the test instead of hanging the run.
    for (let waited = 0; waited < 30_000; waited += 2) {
      const i = out.findIndex((m) => m['id'] === id && !('method' in m));
      if (i !== -1) return out.splice(i, 1)[0]!;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no answer to ${method}`);
  };
  await request('init', 'initialize', { capabilities, initializationOptions: { debounceMs: 0 } });
  return { send, request, out };
}

const registration = {
  jsonrpc: '2.0',
  id: 1,
  method: 'client/registerCapability',
  params: {
    registrations: [
      {
        id: 'volt-manifest-watched-files',
        method: 'workspace/didChangeWatchedFiles',
        registerOptions: {
          watchers: [{ globPattern: '**/volt-manifest.toml' }, { globPattern: '**/*.toml' }],
        },
      },
    ],
  },
};

const dynamic = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } };

describe('the language server registers its file watchers', () => {
  it('asks once after initialized when the client lets it; a result ends it', async () => {
    const { send, request, out } = await serve(dynamic);
    assert.deepEqual(out, []);
    send({ method: 'initialized', params: {} });
    await request('a', 'textDocument/hover', null);
    assert.deepEqual(out, [registration]);
    out.length = 0;
    send({ id: 1, result: null });
    // A second initialized asks nothing more; a second answer is dropped.
    send({ method: 'initialized', params: {} });
    send({ id: 1, error: { code: -32603, message: 'late' } });
    assert.deepEqual(await request('s', 'shutdown', null), {
      jsonrpc: '2.0',
      id: 's',
      result: null,
    });
    assert.deepEqual(out, []);
  });

  it('logs the error the client answers with', async () => {
    const { send, request, out } = await serve(dynamic);
    send({ method: 'initialized', params: {} });
    send({ id: 1, error: { code: -32601, message: 'unknown method client/registerCapability' } });
    await request('s', 'shutdown', null);
    assert.deepEqual(out, [
      registration,
      {
        jsonrpc: '2.0',
        method: 'window/logMessage',
        params: {
          type: 1,
          message:
            'client/registerCapability failed: unknown method client/registerCapability (code -32601)',
        },
      },
    ]);
  });

  it('logs an error that is not an object with a message as it came', async () => {
    const { send, request, out } = await serve(dynamic);
    send({ method: 'initialized', params: {} });
    send({ id: 1, error: 'refused' });
    await request('s', 'shutdown', null);
    assert.deepEqual(out[1], {
      jsonrpc: '2.0',
      method: 'window/logMessage',
      params: { type: 1, message: 'client/registerCapability failed: "refused"' },
    });
  });

  it('asks nothing when the client does not let it, or before initialized', async () => {
    for (const capabilities of [
      {},
      { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } },
      { workspace: { didChangeWatchedFiles: {} } },
    ]) {
      const { send, request, out } = await serve(capabilities);
      send({ method: 'initialized', params: {} });
      await request('s', 'shutdown', null);
      assert.deepEqual(out, [], JSON.stringify(capabilities));
    }
    const { request, out } = await serve(dynamic);
    await request('s', 'shutdown', null);
    assert.deepEqual(out, []);
  });
});
