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
import { placeAt } from '../lib/cli/lsp-features.js';
import {
  fieldAt,
  inheritedMarkdown,
  overriddenBase,
  overriddenLocation,
  overrideMarkdown,
} from '../lib/cli/lsp-inherit.js';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { LanguageServer } from '../lib/cli/lsp-server.js';
import { resolveManifest } from '../lib/manifest/resolve.js';
import { sha256Hex } from '../lib/manifest/sha256.js';
import { parseLocatedRecovering } from '../lib/toml/parse.js';

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

  async function opened(text = app, name = 'app.toml') {
    const server = await serve(dir);
    const uri = pathToFileURL(join(dir, name)).href;
    server.send({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, languageId: 'toml', version: 1, text } },
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

  it('hover on a section header lists the keys of it the file inherits, and from where', async () => {
    const child =
      'extends = "mid.toml"\n[workload]\nname = "child"\n[storage]\nwritable_layer = "tmpfs"\n[network]\nmode = "none"\n';
    const { hover, close } = await opened(child, 'child.toml');
    const inherited = (text: string | null) => text!.slice(text!.lastIndexOf('\n\n---\n\n') + 7);
    // The value in effect comes from the nearest base that writes the key.
    assert.equal(
      inherited(await hover(1, 3)),
      'Inherited through `extends` (keys of [workload] this file does not write):\n\n```toml\nmode = "hybrid-native"  # ← mid.toml:3\nimage = "nginx🐳"  # ← base.toml:3\n```',
    );
    // A volume is a line of its own, at its header's line.
    assert.equal(
      inherited(await hover(3, 1)),
      'Inherited through `extends` (keys of [storage] this file does not write):\n\n```toml\nvolumes[0] = { host = "/srv", container = "/data" }  # ← base.toml:5\n```',
    );
    // A section no base writes: the section's documentation alone.
    assert.doesNotMatch((await hover(5, 2))!, /Inherited/);
    // On the extends value: what the chain gives, section by section.
    const chain =
      'Inherited through `extends` (values this file does not write):\n\n```toml\n[workload]\nmode = "hybrid-native"  # ← mid.toml:3\nimage = "nginx🐳"  # ← base.toml:3\n[storage]\nvolumes[0] = { host = "/srv", container = "/data" }  # ← base.toml:5\n```';
    assert.equal(inherited(await hover(0, 14)), chain);
    assert.equal(inherited(await hover(0, 2)), chain);
    await close();
    // A [[storage.volumes]] header is no section: what it overrides only.
    const onApp = await opened();
    const volumesHeader = (await onApp.hover(7, 12))!;
    assert.match(volumesHeader, /\n\nOverrides `base.toml` \(line 5\)/);
    assert.doesNotMatch(volumesHeader, /Inherited/);
    await onApp.close();
    // A file that extends nothing inherits nothing.
    const plain = await opened('[workload]\nname = "p"\n', 'plain.toml');
    assert.doesNotMatch((await plain.hover(0, 3))!, /Inherited/);
    await plain.close();
  });

  it('hover on extends lists at most 50 lines, then how many more; long values are cut', async () => {
    const volumes = Array.from(
      { length: 60 },
      (_, i) => `[[storage.volumes]]\nhost = "/srv/${i}"\ncontainer = "/data/${i}"\n`,
    ).join('');
    const capabilities = JSON.stringify(Array.from({ length: 12 }, () => 'CAP_NET_ADMIN'));
    writeFileSync(
      join(dir, 'big.toml'),
      `[security]\ncapabilities = ${capabilities}\n[workload]\nmode = "container"\n${volumes}`,
    );
    const { hover, close } = await opened(
      'extends = "big.toml"\n[workload]\nname = "b"\n',
      'b.toml',
    );
    const text = (await hover(0, 14))!;
    const block = text.slice(text.indexOf('```toml\n') + 8, text.lastIndexOf('\n```'));
    const lines = block.split('\n');
    assert.equal(lines.length, 50);
    assert.deepEqual(lines.slice(0, 5), [
      '[workload]',
      'mode = "container"  # ← big.toml:4',
      '[security]',
      // 80 characters of the value at most, the last one `…`.
      `capabilities = [${'"CAP_NET_ADMIN", '.repeat(4)}"CAP_NET_A…  # ← big.toml:2`,
      '[storage]',
    ]);
    assert.equal(
      lines[49],
      'volumes[44] = { host = "/srv/44", container = "/data/44" }  # ← big.toml:137',
    );
    // 60 volumes, 45 shown (the first at line 5, three lines each).
    assert.ok(text.endsWith('\n```\n\nand 15 more'), text.slice(-40));
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

describe('where a value comes from, on its own', () => {
  const tree = (text: string) => parseLocatedRecovering(text, { integers: 'auto' }).document.root;
  const fieldIn = (text: string, marker: string) =>
    fieldAt(placeAt(tree(text), text.indexOf(marker))!);

  it('names a field of a section, and nothing else', () => {
    assert.deepEqual(fieldIn('[Resources]\nCPU_weight = 5\n', 'CPU'), ['resources', 'cpu_weight']);
    assert.equal(fieldIn('[workload]\nname = "w"\n', 'work'), null);
    assert.equal(fieldIn('[workload]\nnamez = "w"\n', 'namez'), null);
    assert.equal(fieldIn('[extras]\nname = "w"\n', 'name'), null);
  });

  it('gives integers and booleans in effect; a store base has no file to open', async () => {
    const base = '[resources]\ncpu_weight = 5\n[security]\nread_only_rootfs = true\n';
    const digest = `sha256:${sha256Hex(base)}`;
    const child = `extends = "cas://${digest}"\n[resources]\ncpu_weight = 7\n[security]\nread_only_rootfs = false\n`;
    const result = await resolveManifest(child, {
      path: '/p/app.toml',
      host: {
        readFile: () => Promise.reject(new Error('no files')),
        cas: { get: async (d) => (d === digest ? base : null) },
      },
    });
    const weight = overriddenBase(result, ['resources', 'cpu_weight'])!;
    assert.equal(
      overrideMarkdown(result, ['resources', 'cpu_weight'], weight, '/p/app.toml'),
      `Overrides \`cas://${digest}\` (line 2):\n\n\`\`\`toml\ncpu_weight = 5\n\`\`\`\n\nEffective value: \`7\``,
    );
    const readOnly = overriddenBase(result, ['security', 'read_only_rootfs'])!;
    assert.match(
      overrideMarkdown(result, ['security', 'read_only_rootfs'], readOnly, '/p/app.toml'),
      /\n\nEffective value: `false`$/,
    );
    assert.equal(overriddenLocation(weight, 'utf-16'), null);
    // A field the document does not write overrides nothing.
    assert.equal(overriddenBase(result, ['workload', 'name']), null);
  });

  it('lists inherited values on one line each, cut where long, at most so many lines', async () => {
    const long = `${'x'.repeat(77)}🐳🐳`;
    const base = `[workload]\ndescription = "${long}"\n[storage]\nvolumes = [\n  { host = "/a", container = "/b" },\n]\n`;
    const digest = `sha256:${sha256Hex(base)}`;
    const result = await resolveManifest(`extends = "cas://${digest}"\n[workload]\nname = "n"\n`, {
      path: '/p/app.toml',
      host: {
        readFile: () => Promise.reject(new Error('no files')),
        cas: { get: async (d) => (d === digest ? base : null) },
      },
    });
    const lines = (maxLines?: number) => {
      const text = inheritedMarkdown(result, null, '/p/app.toml', maxLines)!;
      return text.slice(text.indexOf('```toml\n') + 8).split('\n');
    };
    assert.deepEqual(lines(), [
      '[workload]',
      // Not cut between the halves of the 🐳 at the 80th UTF-16 unit: 78 units and `…`.
      `description = "${'x'.repeat(77)}…  # ← cas://${digest}:2`,
      '[storage]',
      // Volumes written inline, on three lines: the first.
      `volumes = […  # ← cas://${digest}:4`,
      '```',
    ]);
    // The cut leaves no header without its values; only values are counted.
    assert.deepEqual(lines(3), ['[workload]', lines()[1], '```', '', 'and 1 more']);
    // A section the chain gives nothing of.
    assert.equal(inheritedMarkdown(result, 'network', '/p/app.toml'), null);
  });

  it('writes out only the lines it shows, however many volumes a base has', async () => {
    const base = Array.from(
      { length: 1000 },
      (_, i) => `[[storage.volumes]]\nhost = "/s/${i}"\ncontainer = "/d/${i}"\n`,
    ).join('');
    const digest = `sha256:${sha256Hex(base)}`;
    const result = await resolveManifest(`extends = "cas://${digest}"\n`, {
      path: '/p/app.toml',
      host: {
        readFile: () => Promise.reject(new Error('no files')),
        cas: { get: async (d) => (d === digest ? base : null) },
      },
    });
    // Every value text a line shows is read from the base's source: count the reads.
    const source = result.sources[1]!;
    let reads = 0;
    const written = source.written.bind(source);
    source.written = (start, end) => {
      reads++;
      return written(start, end);
    };
    const text = inheritedMarkdown(result, null, '/p/app.toml')!;
    assert.ok(text.endsWith('\n\nand 951 more'), text.slice(-30));
    // 49 volumes shown (with the [storage] header, 50 lines), two keys each.
    assert.equal(reads, 49 * 2);
  });

  it('keeps a value or file name with backticks inside its code span (no markdown from the manifest)', async () => {
    // A manifest from a pull request: a backtick in a value closed the span, and the rest
    // was rendered as markdown (an image the editor fetches on hover, a link).
    const base = '[workload]\nimage = "nginx"\n';
    const digest = `sha256:${sha256Hex(base)}`;
    const child = `extends = "cas://${digest}"\n[workload]\nimage = "x\` ![t](https://attacker.invalid/p.png) \`"\n`;
    const result = await resolveManifest(child, {
      path: '/p/app.toml',
      host: {
        readFile: () => Promise.reject(new Error('no files')),
        cas: { get: async (d) => (d === digest ? base : null) },
      },
    });
    const image = overriddenBase(result, ['workload', 'image'])!;
    const markdown = overrideMarkdown(result, ['workload', 'image'], image, '/p/app.toml');
    assert.equal(
      markdown.slice(markdown.lastIndexOf('\n') + 1),
      'Effective value: `` "x` ![t](https://attacker.invalid/p.png) `" ``',
    );
    // The base's name too: a file name may hold backticks.
    const named = {
      ...image,
      source: Object.assign(Object.create(image.source), { file: 'a`b.toml' }),
    };
    assert.match(
      overrideMarkdown(result, ['workload', 'image'], named, '/p/app.toml'),
      /^Overrides `` a`b\.toml `` \(line 2\):/,
    );
    // A line break in a file name would end the paragraph, and the span with it.
    const broken = {
      ...image,
      source: Object.assign(Object.create(image.source), { file: 'a\n\n![t](p.png)' }),
    };
    assert.match(
      overrideMarkdown(result, ['workload', 'image'], broken, '/p/app.toml'),
      /^Overrides `a\\n\\n!\[t\]\(p\.png\)` \(line 2\):/,
    );
  });
});
