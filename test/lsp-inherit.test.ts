/**
 * The language server on a manifest that extends others (in-process, files on disk): hover
 * on a key says which base value it overrides and the value in effect; definition on it
 * jumps to that base value.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';

/** A server on `dir` and a function that sends it a request and gives its answer. */
async function serve(dir: string) {
  const reader = new MessageReader();
  const out: { id?: number; result?: unknown; error?: unknown }[] = [];
  const server = new LanguageServer({
    write: (bytes) => {
      for (const frame of reader.push(bytes))
        if (frame.kind === 'message') out.push(frame.value as (typeof out)[number]);
    },
    exit: () => {},
    docsBase: 'https://example.invalid/codes',
  });
  let nextId = 1;
  const send = (m: object) => server.receive(encodeMessage({ jsonrpc: '2.0', ...m }));
  const request = async (method: string, params: unknown): Promise<unknown> => {
    const id = nextId++;
    send({ id, method, params });
    for (;;) {
      const answer = out.find((m) => m.id === id);
      if (answer !== undefined) {
        assert.equal(answer.error, undefined, JSON.stringify(answer.error));
        return answer.result;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  await request('initialize', {
    capabilities: {},
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'w' }],
    initializationOptions: { debounceMs: 100000 },
  });
  send({ method: 'initialized', params: {} });
  return { send, request };
}

const at = (line: number, character: number) => ({ line, character });

describe('the language server on an extends chain', () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-inherit-')));
    writeFileSync(
      join(dir, 'base.toml'),
      '[workload]\nmode = "container"\nimage = "nginx🐳"\n\n[[storage.volumes]]\nhost = "/srv"\ncontainer = "/data"\n',
    );
    writeFileSync(
      join(dir, 'mid.toml'),
      'extends = "base.toml"\n[workload]\nmode = "hybrid-native" # mid\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const app =
    'extends = "mid.toml"\n[workload]\nname = "app"\nmode = "hybrid-kvm"\nimage = "nginx:1.28"\ndescription = "d"\n\n[[storage.volumes]]\nhost = "/a"\ncontainer = "/b"\n';

  async function opened() {
    const server = await serve(dir);
    const uri = pathToFileURL(join(dir, 'app.toml')).href;
    server.send({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, languageId: 'toml', version: 1, text: app } },
    });
    const hover = async (line: number, character: number) =>
      (
        (await server.request('textDocument/hover', {
          textDocument: { uri },
          position: at(line, character),
        })) as { contents: { value: string } } | null
      )?.contents.value ?? null;
    const definition = (line: number, character: number) =>
      server.request('textDocument/definition', {
        textDocument: { uri },
        position: at(line, character),
      });
    // Shutdown clears the debounce timers, so the test process can end.
    const close = () => server.request('shutdown', null);
    return { hover, definition, close };
  }

  it('hover on a key says which base value it overrides, and the value in effect', async () => {
    const { hover, close } = await opened();
    const override = (text: string | null) => text!.slice(text!.lastIndexOf('\n\n---\n\n') + 7);
    // The nearest base that writes it: mid.toml, not base.toml.
    assert.equal(
      override(await hover(3, 1)),
      'Overrides `mid.toml` (line 3):\n\n```toml\nmode = "hybrid-native"\n```\n\nEffective value: `"hybrid-kvm"`',
    );
    // On the value too; a key only base.toml writes.
    assert.equal(
      override(await hover(4, 10)),
      'Overrides `base.toml` (line 3):\n\n```toml\nimage = "nginx🐳"\n```\n\nEffective value: `"nginx:1.28"`',
    );
    // A key no base writes: the field's documentation only.
    assert.doesNotMatch((await hover(5, 2))!, /Overrides/);
    assert.doesNotMatch((await hover(2, 2))!, /Overrides/);
    // A volume's key: the volumes replace the base's whole.
    assert.equal(
      override(await hover(8, 1)),
      'Overrides `base.toml` (line 5):\n\n```toml\n[[storage.volumes]]\nhost = "/srv"\ncontainer = "/data"\n```',
    );
    await close();
  });

  it('definition on a key jumps to the base value it overrides, or to nothing', async () => {
    const { definition, close } = await opened();
    assert.deepEqual(await definition(3, 2), {
      uri: pathToFileURL(join(dir, 'mid.toml')).href,
      range: { start: at(2, 0), end: at(2, 22) },
    });
    // UTF-16 characters: the astral character counts two.
    assert.deepEqual(await definition(4, 12), {
      uri: pathToFileURL(join(dir, 'base.toml')).href,
      range: { start: at(2, 0), end: at(2, 17) },
    });
    // A volume's key: the base's volumes, headers and keys.
    assert.deepEqual(await definition(9, 0), {
      uri: pathToFileURL(join(dir, 'base.toml')).href,
      range: { start: at(4, 0), end: at(6, 19) },
    });
    assert.equal(await definition(5, 3), null);
    assert.equal(await definition(2, 0), null);
    assert.equal(await definition(1, 3), null);
    // The extends value still opens the base.
    assert.deepEqual(await definition(0, 13), {
      uri: pathToFileURL(join(dir, 'mid.toml')).href,
      range: { start: at(0, 0), end: at(0, 0) },
    });
    await close();
  });
});
