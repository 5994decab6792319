/**
 * The language server's code actions on their own: a quickfix per fixable problem of the
 * request's context, with the smallest edits that make that one fix, and the fix-all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIX_ALL_KIND, type TextEdit, codeActions, minimalEdits } from '../lib/cli/lsp-actions.js';
import { type PositionEncoding, TextDocument } from '../lib/cli/lsp-text.js';
import { fixManifest } from '../lib/manifest/edit.js';
import { parseManifest } from '../lib/manifest/read.js';

const uri = 'file:///m.toml';
const doc = (text: string) => new TextDocument(uri, 'toml', 1, text);
const range = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});

/** The problems of `text` as the server publishes them (code, message, range). */
function published(text: string, encoding: PositionEncoding = 'utf-16') {
  return parseManifest(text, { path: '/m.toml' }).diagnostics.map((d) => ({
    range: doc(text).rangeOfLineColumns(d, encoding),
    code: d.code,
    message: d.message,
    source: 'volt-manifest',
  }));
}

/** `text` with the protocol edits applied (ranges of the original text, not overlapping). */
function applied(text: string, edits: readonly TextEdit[], encoding: PositionEncoding): string {
  const d = doc(text);
  const spans = edits
    .map((e) => ({
      start: d.offsetAt(e.range.start, encoding),
      end: d.offsetAt(e.range.end, encoding),
      text: e.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

describe('code actions', () => {
  const renames =
    '[workload]\nname = "w"\nmode = "container"\nimage = "i"\n\n[resources]\ncpu_weigth = 5\nMemory_limit = "1G"\n';

  it('gives one quickfix per fixable problem, with the edit of that fix alone', () => {
    const context = published(renames);
    const actions = codeActions(doc(renames), '/m.toml', context, null, 'utf-16');
    assert.deepEqual(actions.slice(0, 2), [
      {
        title: "Rename 'cpu_weigth' to 'cpu_weight'",
        kind: 'quickfix',
        diagnostics: [context[0]],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: range(6, 8, 6, 10), newText: 'ht' }] } },
      },
      {
        title: "Rename 'Memory_limit' to 'memory_limit'",
        kind: 'quickfix',
        diagnostics: [context[1]],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: range(7, 0, 7, 1), newText: 'm' }] } },
      },
    ]);
    // Then the fix-all: both fixes, as check --fix makes them.
    assert.equal(actions.length, 3);
    assert.equal(actions[2]!.kind, FIX_ALL_KIND);
    assert.equal(actions[2]!.title, "Apply the 2 fixes of 'check --fix'");
    assert.deepEqual(actions[2]!.edit.changes[uri], [
      { range: range(6, 8, 7, 1), newText: 'ht = 5\nm' },
    ]);
    assert.equal(
      applied(renames, actions[2]!.edit.changes[uri]!, 'utf-16'),
      fixManifest(renames).text,
    );
  });

  it('moves a key into its section with a deletion and an insertion', () => {
    const text =
      '[workload]\nname = "w"\nmode = "container"\n\n[network]\nimage = "nginx"\nmode = "bridge"\n';
    const context = published(text);
    const move = context.find((d) => d.code === 'unknown-key')!;
    const actions = codeActions(doc(text), '/m.toml', [move], ['quickfix'], 'utf-16');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, "Move 'image' into [workload]");
    const edits = actions[0]!.edit.changes[uri]!;
    assert.deepEqual(edits, [
      { range: range(3, 0, 3, 0), newText: 'image = "nginx"\n' },
      { range: range(4, 9, 5, 15), newText: '' },
    ]);
    assert.equal(
      applied(text, edits, 'utf-16'),
      '[workload]\nname = "w"\nmode = "container"\nimage = "nginx"\n\n[network]\nmode = "bridge"\n',
    );
  });

  it('has no quickfix for a problem without one meaning, nor for one the text does not have', () => {
    // `nothing-to-run` has no fix: only the misspelled key gets one.
    const text = '[workload]\nname = "w"\nmode = "container"\n\n[resources]\nio_weigh = 5\n';
    const context = published(text);
    assert.deepEqual(
      context.map((d) => d.code),
      ['nothing-to-run', 'unknown-key'],
    );
    const actions = codeActions(doc(text), '/m.toml', context, null, 'utf-16');
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Rename 'io_weigh' to 'io_weight'", "Rename 'io_weigh' to 'io_weight' (fix all)"],
    );
    // A diagnostic the client kept from an older version (another range): no quickfix.
    const stale = { ...context[1]!, range: range(4, 0, 4, 8) };
    assert.deepEqual(
      codeActions(doc(text), '/m.toml', [stale, null, 5], ['quickfix'], 'utf-16'),
      [],
    );
    // Only the fix-all asked for.
    assert.deepEqual(
      codeActions(doc(text), '/m.toml', context, ['source.fixAll'], 'utf-16').map((a) => a.kind),
      [FIX_ALL_KIND],
    );
  });

  it('matches the context in the negotiated encoding, after astral characters', () => {
    const text = '[workload]\nname = "w"\nmode = "container"\ndescription = "🐳"; Image = "i"\n';
    // A syntax error: nothing is fixed (what parsed is not the whole file).
    assert.deepEqual(codeActions(doc(text), '/m.toml', published(text), null, 'utf-16'), []);
    const ok = '[workload]\nname = "w"\nmode = "container"\n"🐳" = 1\nImage = "i"\n';
    const context = published(ok, 'utf-32');
    const caseFix = context.find((d) => d.code === 'key-case')!;
    const actions = codeActions(doc(ok), '/m.toml', [caseFix], ['quickfix'], 'utf-32');
    assert.deepEqual(actions[0]!.edit.changes[uri], [{ range: range(4, 0, 4, 1), newText: 'i' }]);
  });
});

describe('code actions on a hostile context', () => {
  it('skips a context diagnostic whose range is null or not an object, and still gives the fix-all', () => {
    const text = '[Workload]\nname = "w"\nmode = "container"\nimage = "i"\n';
    const [caseFix] = published(text).filter((d) => d.code === 'key-case');
    for (const bad of [null, 5, 'x'] as unknown[]) {
      const context = [{ ...caseFix!, range: bad }];
      const actions = codeActions(doc(text), '/m.toml', context, null, 'utf-16');
      assert.deepEqual(
        actions.map((a) => a.kind),
        [FIX_ALL_KIND],
        JSON.stringify(bad),
      );
    }
  });
});

describe('minimal edits', () => {
  it('never splits a CRLF or a surrogate pair, and applies to the new text', () => {
    const cases: [string, string][] = [
      ['a = 1\r\nb = 2\r\n', 'a = 1\nb = 2\r\n'],
      ['x = "🐳"\n', 'x = "🐋"\n'],
      ['[a]\r\nk = 1\r\n\r\n[b]\r\nz = 2\r\n', '[a]\r\nk = 1\r\nz = 2\r\n\r\n[b]\r\n'],
      ['same\n', 'same\n'],
      ['', 'new\n'],
    ];
    for (const [before, after] of cases)
      for (const encoding of ['utf-16', 'utf-8', 'utf-32'] as const) {
        const edits = minimalEdits(doc(before), after, encoding);
        assert.equal(applied(before, edits, encoding), after, JSON.stringify([before, encoding]));
        for (const e of edits)
          for (const p of [e.range.start, e.range.end]) {
            const offset = doc(before).offsetAt(p, encoding);
            assert.ok(
              !(before[offset - 1] === '\r' && before[offset] === '\n') &&
                !/[\udc00-\udfff]/.test(before[offset] ?? ''),
              JSON.stringify([before, p]),
            );
          }
      }
    // The surrogate pair is replaced whole.
    assert.deepEqual(minimalEdits(doc('x = "🐳"\n'), 'x = "🐋"\n', 'utf-16'), [
      { range: range(0, 5, 0, 7), newText: '🐋' },
    ]);
  });
});
