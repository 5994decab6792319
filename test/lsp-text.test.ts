/**
 * The language server's position conversions and message framing, in process: our
 * positions (1-based lines split at `\n`, code-point columns) to the protocol's (0-based
 * lines split at `\r\n`, `\r` and `\n`, characters in UTF-16, UTF-8 or UTF-32) and back,
 * with astral characters, CRLF, a lone CR and a byte-order mark.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseManifest } from '../lib/index.js';
import { DIAGNOSTIC_CODES } from '../lib/manifest/diagnostics.js';
import { projectRoot } from './helpers.js';
import { MessageReader, encodeMessage } from '../lib/cli/lsp-rpc.js';
import { negotiateEncoding } from '../lib/cli/lsp-server.js';
import { TextDocument } from '../lib/cli/lsp-text.js';

const doc = (text: string) => new TextDocument('file:///x.toml', 'toml', 1, text);

describe('positions', () => {
  // 😀 is U+1F600: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point; é is 1, 2, 1.
  const text = 'a = "😀é"\r\nb = 1\rc = "😀"\n';

  it('converts offsets to each encoding', () => {
    const d = doc(text);
    const after = text.indexOf('é') + 1; // after é, on line 0
    assert.deepEqual(d.positionAt(after, 'utf-16'), { line: 0, character: 8 });
    assert.deepEqual(d.positionAt(after, 'utf-8'), { line: 0, character: 11 });
    assert.deepEqual(d.positionAt(after, 'utf-32'), { line: 0, character: 7 });
    // A lone CR ends a line for the protocol (not for TOML, which rejects it).
    const c = text.indexOf('c');
    assert.deepEqual(d.positionAt(c, 'utf-16'), { line: 2, character: 0 });
    // Between the CR and LF of a CRLF: the end of the line.
    assert.deepEqual(d.positionAt(text.indexOf('\n'), 'utf-16'), { line: 0, character: 9 });
    assert.deepEqual(d.positionAt(text.length, 'utf-8'), { line: 3, character: 0 });
  });

  it('converts positions back to offsets, clamping a character past the line end', () => {
    const d = doc(text);
    const e = text.indexOf('é');
    assert.equal(d.offsetAt({ line: 0, character: 7 }, 'utf-16'), e);
    assert.equal(d.offsetAt({ line: 0, character: 9 }, 'utf-8'), e);
    assert.equal(d.offsetAt({ line: 0, character: 6 }, 'utf-32'), e);
    // Inside the 4 bytes of 😀: the start of it.
    assert.equal(d.offsetAt({ line: 0, character: 7 }, 'utf-8'), e - 2);
    assert.equal(d.offsetAt({ line: 0, character: 99 }, 'utf-16'), text.indexOf('\r'));
    assert.equal(d.offsetAt({ line: 9, character: 0 }, 'utf-16'), text.length);
    for (const encoding of ['utf-16', 'utf-8', 'utf-32'] as const) {
      for (let offset = 0; offset <= text.length; offset++) {
        const c = text.charCodeAt(offset);
        // Inside a pair or a CRLF there is no protocol position of its own.
        if ((c >= 0xdc00 && c <= 0xdfff) || (c === 0x0a && text[offset - 1] === '\r')) continue;
        assert.equal(
          d.offsetAt(d.positionAt(offset, encoding), encoding),
          offset,
          `${encoding} ${offset}`,
        );
      }
    }
  });

  it('places every diagnostic of a manifest with astral characters and CRLF exactly', () => {
    const source = '[workload]\r\ndescription = "😀"\r\nname = "😀Web"\r\nmode = "vm"\r\n';
    const d = doc(source);
    const found = parseManifest(source).diagnostics.filter((x) => x.code.startsWith('workload-'));
    assert.deepEqual(
      found.map((x) => x.code),
      ['workload-name-invalid', 'workload-mode-invalid'],
    );
    const name = d.rangeOfLineColumns(found[0]!, 'utf-16');
    assert.deepEqual(name, { start: { line: 2, character: 7 }, end: { line: 2, character: 14 } });
    assert.deepEqual(d.rangeOfLineColumns(found[0]!, 'utf-8'), {
      start: { line: 2, character: 7 },
      end: { line: 2, character: 16 },
    });
    assert.deepEqual(d.rangeOfLineColumns(found[0]!, 'utf-32'), {
      start: { line: 2, character: 7 },
      end: { line: 2, character: 13 },
    });
    assert.deepEqual(d.rangeOfLineColumns(found[1]!, 'utf-8'), {
      start: { line: 3, character: 7 },
      end: { line: 3, character: 11 },
    });
  });

  it('does not count a byte-order mark in our columns, and does in the protocol', () => {
    const source = '\uFEFF[workload]\nname = 1\n';
    const d = doc(source);
    // Our line 1 column 1 is `[`, after the mark; the protocol counts the mark.
    assert.equal(d.offsetOfLineColumn(1, 1), 1);
    assert.deepEqual(
      d.rangeOfLineColumns({ line: 1, column: 1, endLine: 1, endColumn: 11 }, 'utf-16'),
      {
        start: { line: 0, character: 1 },
        end: { line: 0, character: 11 },
      },
    );
  });

  it('applies incremental changes in order, each against the text before it', () => {
    const d = doc('name = "😀"\nmode = "vm"\n');
    const changed = d.withChanges(
      [
        {
          range: { start: { line: 0, character: 8 }, end: { line: 0, character: 12 } },
          text: 'web',
        },
        {
          range: { start: { line: 1, character: 8 }, end: { line: 1, character: 10 } },
          text: 'container',
        },
        {
          range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
          text: '# end\n',
        },
      ],
      2,
      'utf-8',
    );
    assert.equal(changed.text, 'name = "web"\nmode = "container"\n# end\n');
    assert.equal(changed.version, 2);
    assert.equal(d.withChanges([{ text: 'x = 1' }], 3, 'utf-16').text, 'x = 1');
  });

  it('negotiates the first encoding offered that it speaks, else UTF-16', () => {
    assert.equal(negotiateEncoding([]), 'utf-16');
    assert.equal(negotiateEncoding(['utf-8', 'utf-16']), 'utf-8');
    assert.equal(negotiateEncoding(['latin-1', 'utf-32']), 'utf-32');
    assert.equal(negotiateEncoding(['latin-1']), 'utf-16');
  });
});

describe('message framing', () => {
  it('reads messages split anywhere, and reports bad frames without losing the next one', () => {
    const reader = new MessageReader();
    const bytes = Buffer.concat([
      encodeMessage({ id: 1, text: 'é😀' }),
      Buffer.from('Content-Length: 5\r\n\r\n{bad}'),
      Buffer.from('Content-Length: x\r\n\r\n{}'),
      Buffer.from('garbage\r\n\r\n'),
      encodeMessage({ id: 2 }),
    ]);
    const frames = [];
    // One byte at a time: a multi-byte character is split, so is every header.
    for (const byte of bytes) frames.push(...reader.push(Uint8Array.of(byte)));
    // (The JSON error's wording is the engine's, so it is matched by its start.)
    const shown = frames.map((f) =>
      f.kind === 'error' && f.message.startsWith('the message body at byte ')
        ? { ...f, message: f.message.replace(/JSON: .*/, 'JSON: …') }
        : f,
    );
    assert.deepEqual(shown, [
      { kind: 'message', value: { id: 1, text: 'é😀' } },
      { kind: 'error', code: -32700, message: 'the message body at byte 67 is not JSON: …' },
      {
        kind: 'error',
        code: -32700,
        message: "bad message header at byte 72: Content-Length 'x' is not a byte count",
      },
      // Fed a byte at a time, the body after the bad header is read as the next header.
      {
        kind: 'error',
        code: -32700,
        message: "bad message header at byte 93: '{}garbage' is not a 'Name: value' header line",
      },
      { kind: 'message', value: { id: 2 } },
    ]);
  });
});

describe('message framing cost', () => {
  it('joins the chunks of a large body once, not again at every chunk', () => {
    // A 10 MB document arrives in 64 KiB pipe reads: joining the buffer at every read
    // copied 0.8 GB (0.6 s) before the message was read. Counted in bytes joined.
    const body = 'a'.repeat(1024 * 1024);
    const bytes = encodeMessage({ id: 1, text: body });
    const concat = Buffer.concat;
    let joined = 0;
    Buffer.concat = (list: readonly Uint8Array[], total?: number) => {
      const out = concat(list, total);
      joined += out.length;
      return out;
    };
    const frames = [];
    const reader = new MessageReader();
    try {
      for (let i = 0; i < bytes.length; i += 4096)
        frames.push(...reader.push(bytes.subarray(i, i + 4096)));
    } finally {
      Buffer.concat = concat;
    }
    assert.equal(frames.length, 1);
    assert.equal((frames[0] as { value: { text: string } }).value.text, body);
    assert.ok(
      joined <= 3 * bytes.length,
      `${joined} bytes joined for a ${bytes.length}-byte message`,
    );
  });
});

describe('the links of diagnostic codes', () => {
  it('land on an anchor of docs/error-codes.md for every code, toml-<code> included', () => {
    const doc = readFileSync(join(projectRoot, 'docs/error-codes.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.ok(anchors.has(code), code);
    // The TOML codes, as `toml-<code>` diagnostics carry them.
    const tomlCodes = [
      ...doc
        .slice(doc.indexOf('## TOML errors'))
        .matchAll(/^\| <a id="toml-([a-z0-9-]+)"><\/a>`\1`/gm),
    ];
    assert.ok(tomlCodes.length >= 20, `${tomlCodes.length} TOML codes with anchors`);
    assert.ok(anchors.has('toml-duplicate-key') && anchors.has('toml-unterminated-string'));
  });
});
