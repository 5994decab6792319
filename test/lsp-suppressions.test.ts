/**
 * The language server applies inline suppressions (`# volt-manifest: ignore[code]`) as
 * `check` does (in-process, files on disk): a suppressed problem is not published, in the
 * file or in a base; unused, unknown and invalid suppressions are published as `check`
 * reports them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';

interface Published {
  method?: string;
  params?: {
    uri?: string;
    diagnostics?: {
      code: string;
      severity: number;
      message: string;
      range: {
        start: { line: number; character: number };
        end: { line: number; character: number };
      };
    }[];
  };
}

/** The diagnostics the server publishes for `text` opened as `name` in `dir`. */
async function published(dir: string, name: string, text: string) {
  const reader = new MessageReader();
  const out: Published[] = [];
  const server = new LanguageServer({
    write: (bytes) => {
      for (const frame of reader.push(bytes))
        if (frame.kind === 'message') out.push(frame.value as Published);
    },
    exit: () => {},
    docsBase: 'https://example.invalid/codes',
  });
  const send = (m: object) => server.receive(encodeMessage({ jsonrpc: '2.0', ...m }));
  send({
    id: 1,
    method: 'initialize',
    params: {
      capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'w' }],
      initializationOptions: { debounceMs: 0 },
    },
  });
  send({ method: 'initialized', params: {} });
  const uri = pathToFileURL(join(dir, name)).href;
  send({
    method: 'textDocument/didOpen',
    params: { textDocument: { uri, languageId: 'toml', version: 1, text } },
  });
  // Bounded, so that diagnostics never published fail the test instead of hanging the run.
  for (let waited = 0; waited < 30_000; waited += 2) {
    const found = out.find((m) => m.method === 'textDocument/publishDiagnostics');
    if (found !== undefined) {
      send({ id: 2, method: 'shutdown' });
      return found.params!.diagnostics!.map(
        (d) =>
          `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.severity === 1 ? 'error' : 'warning'} ${d.code} ${d.message}`,
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('no diagnostics were published');
}

describe('the language server applies inline suppressions', () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-lsp-suppress-')));
    writeFileSync(
      join(dir, 'base.toml'),
      '[workload]\ndescription = "d"\nextra = 1 # volt-manifest: ignore[unknown-key]\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('as check: suppressed problems left out, the suppressions’ own problems shown', async () => {
    const app = [
      'extends = "base.toml"',
      '[workload]',
      'name = "app"',
      'mode = "container"',
      'image = "nginx"',
      'bogus = 1 # volt-manifest: ignore[unknown-key]',
      'other = 2 # volt-manifest: ignore[unknown-key, extends-cycle]',
      'stray = 3 # volt-manifest: ignore[unknwn-key]',
      '# volt-manifest: ignorez',
      'name2 = 4 # volt-manifest: ignore[workload-mode-invalid]',
      'more = 5 # volt-manifest: ignore[toml-syntax]',
      '',
    ].join('\n');
    // What `volt-manifest check app.toml` reports for the same files (ranges are 1-based
    // here, end exclusive), the base's suppressed unknown key included: nothing from it.
    assert.deepEqual(await published(dir, 'app.toml', app), [
      "7:48-7:61 warning unused-suppression unused suppression of 'extends-cycle': it is not reported on line 7 (remove it from the list)",
      "8:1-8:6 error unknown-key unknown key 'stray' in [workload]",
      "8:35-8:45 warning suppression-unknown-code 'unknwn-key' is not a diagnostic code (did you mean 'unknown-key'?)",
      "9:1-9:25 error suppression-invalid '# volt-manifest: ignorez' is not a suppression: the only directive is 'ignore[code, …]', as '# volt-manifest: ignore[unknown-key]'",
      "10:1-10:6 error unknown-key unknown key 'name2' in [workload] (did you mean 'name'?)",
      "10:11-10:57 warning unused-suppression unused suppression: no 'workload-mode-invalid' is reported on line 10 (remove the comment)",
      "11:1-11:5 error unknown-key unknown key 'more' in [workload] (did you mean 'mode'?)",
      "11:34-11:45 error suppression-invalid 'toml-syntax' cannot be suppressed: a TOML syntax error cannot be turned off: the statement with the error is not read at all, so nothing it says is checked, and the file would pass without having been read",
    ]);
  });

  it('places them in UTF-16 after an astral character', async () => {
    const text =
      '[workload]\nname = "app"\nmode = "container"\nimage = "nginx"\ndescription = "🐳" # volt-manifest: ignore[unknown-key]\n';
    // check says column 19 (code points); in UTF-16 the 🐳 counts two, so 20 (1-based here).
    assert.deepEqual(await published(dir, 'astral.toml', text), [
      "5:20-5:56 warning unused-suppression unused suppression: no 'unknown-key' is reported on line 5 (remove the comment)",
    ]);
  });
});
