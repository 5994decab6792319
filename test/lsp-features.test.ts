/**
 * The language server's features on their own (hover, completion, places and symbols),
 * without a process: each context a client can ask about, and what there is nothing for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionsAt, documentSymbols, hoverMarkdown, placeAt } from '../lib/cli/lsp-features.js';
import { TextDocument } from '../lib/cli/lsp-text.js';
import { SECTIONS } from '../lib/manifest/fields.js';
import { parseLocatedRecovering } from '../lib/toml/parse.js';

const doc = (text: string) => new TextDocument('file:///m.toml', 'toml', 1, text);
const tree = (text: string) => parseLocatedRecovering(text, { integers: 'auto' }).document.root;
/** The completion labels at the `|` of `marked`. */
function labels(marked: string): string[] {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  return completionsAt(doc(text), at, 'utf-16').map((c) => c.label);
}
/** The hover text at the `|` of `marked`. */
function hover(marked: string): string | null {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const place = placeAt(tree(text), at);
  return place === null ? null : hoverMarkdown(place);
}

describe('hover', () => {
  it('documents a field with its type, range and what zero means', () => {
    assert.equal(
      hover('[resources]\ncpu_we|ight = 5\n'),
      '**resources.cpu_weight**: integer\n\nCPU weight (cgroup v2 `cpu.weight`).\n\nFrom 1 to 10000.\n\nZero means unset: `0` is read as not written.\n\nDiagnostics: `cpu-weight-out-of-range`.',
    );
  });

  it('documents a section, an element of [[storage.volumes]] and a dotted section', () => {
    assert.match(hover('[work|load]\nname = "w"\n')!, /^\*\*\[workload\]\*\*\n\n/);
    assert.match(
      hover('[[storage.vol|umes]]\nhost = "/a"\n')!,
      /^\*\*\[\[storage\.volumes\]\]\*\*: a bind mount\n\n- `host`: /,
    );
    assert.match(hover('[[storage.volumes]]\nho|st = "/a"\n')!, /^\*\*storage\.volumes\.host\*\*/);
    assert.match(hover('reso|urces.cpu_weight = 5\n')!, /^\*\*\[resources\]\*\*/);
    assert.match(hover('resources.cpu_we|ight = 5\n')!, /^\*\*resources\.cpu_weight\*\*/);
  });

  it('documents the top-level extends key', () => {
    assert.match(hover('exte|nds = "base.toml"\n')!, /^\*\*extends\*\*: string\n\n/);
  });

  it('says what an enumerated value means, then documents its field', () => {
    const workloadMode = hover('[workload]\nmode = "hybrid-k|vm"\n')!;
    assert.equal(
      workloadMode.slice(0, workloadMode.indexOf('\n\n---\n\n')),
      '`"hybrid-kvm"`: The workload inside a lightweight KVM guest with a custom kernel: the strongest isolation boundary. Needs `kernel.path`.',
    );
    assert.match(workloadMode, /\n\n---\n\n\*\*workload\.mode\*\*: string, required\n/);
    const first = (text: string) => text.slice(0, text.indexOf('\n\n---\n\n'));
    assert.equal(
      first(hover('[security]\nlandlock_profile = "str|ict"\n')!),
      '`"strict"`: The most restrictive pre-built Landlock policy.',
    );
    assert.equal(
      first(hover('[security]\nseccomp_profile = |"strict"\n')!),
      '`"strict"`: A tighter pre-built system-call filter than `default`.',
    );
    assert.equal(
      first(hover('[network]\nmode = "none"|\n')!),
      '`"none"`: Its own network namespace with no network: `address` and `ports` are not allowed.',
    );
    assert.equal(
      first(hover('[storage]\nwritable_layer = "tm|pfs"\n')!),
      '`"tmpfs"`: An overlay whose upper layer is a tmpfs: writes are kept in memory and lost at exit.',
    );
    // A capability: the item of the array under the cursor.
    assert.equal(
      first(hover('[security]\ncapabilities = ["CAP_CHOWN", "CAP_NET_B|IND_SERVICE"]\n')!),
      '`"CAP_NET_BIND_SERVICE"`: Bind a socket to a privileged port (below 1024).',
    );
    // A value that is not one of the enumeration, and the array's brackets: the field only.
    assert.match(hover('[workload]\nmode = "strict|"\n')!, /^\*\*workload\.mode\*\*/);
    assert.match(
      hover('[security]\ncapabilities = |["CAP_CHOWN"]\n')!,
      /^\*\*security\.capabilities\*\*/,
    );
  });

  it('gives no meaning for a value named like a property of every object', () => {
    // The meanings are object literals: `mode = "constructor"` was said to mean
    // `function Object() { [native code] }`.
    for (const value of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      for (const text of [
        `[workload]\nmode = "|${value}"\n`,
        `[security]\ncapabilities = ["|${value}"]\n`,
      ])
        assert.match(hover(text)!, /^\*\*(workload\.mode|security\.capabilities)\*\*/, text);
  });

  it('hovers a capability with the range of that item', () => {
    const text = '[security]\ncapabilities = ["CAP_CHOWN", "CAP_KILL"]\n';
    const at = text.indexOf('KILL');
    const place = placeAt(tree(text), at)!;
    assert.deepEqual(doc(text).rangeOf(place.span.start, place.span.end, 'utf-16'), {
      start: { line: 1, character: 29 },
      end: { line: 1, character: 39 },
    });
  });

  it('has a meaning for every value of every enumeration', () => {
    for (const section of SECTIONS)
      for (const field of section.fields)
        if (field.values !== undefined)
          for (const value of field.values)
            assert.ok(field.meanings?.[value], `${section.key}.${field.key} = "${value}"`);
  });

  it('has nothing for a table or key the model does not have, or between entries', () => {
    assert.equal(hover('[extra|s]\na = 1\n'), null);
    assert.equal(hover('[workload]\nnam|e_x = "w"\n'), null);
    assert.equal(hover('[workload]\nname = "w"\n|\n'), null);
  });
});

describe('completion', () => {
  it('offers the sections not written yet and the volume snippet at a header', () => {
    const offered = labels('[workload]\nname = "w"\n[|');
    assert.ok(!offered.includes('[workload]'));
    assert.ok(offered.includes('[resources]'));
    assert.equal(offered.at(-1), '[[storage.volumes]]');
  });

  it('offers the allowed values: an enumeration, capabilities, booleans', () => {
    assert.deepEqual(labels('[workload]\nmode = "|'), [
      'container',
      'hybrid-native',
      'hybrid-kvm',
      'hybrid-emulated',
    ]);
    assert.ok(labels('[security]\ncapabilities = ["CAP_NET_B|').includes('CAP_NET_BIND_SERVICE'));
    assert.deepEqual(labels('[[storage.volumes]]\nreadonly = |'), ['true', 'false']);
    // A field without a set of values, and a key the section does not have: nothing.
    assert.deepEqual(labels('[workload]\nimage = "|'), []);
    assert.deepEqual(labels('[workload]\nimagez = "|'), []);
    assert.deepEqual(labels('extends = "|'), []);
    assert.deepEqual(labels('|'), ['extends']);
  });

  it('offers the keys of the section not written yet, and nothing where no key can start', () => {
    const offered = labels('[workload]\nname = "w"\n|');
    assert.ok(offered.includes('mode') && offered.includes('image'));
    assert.ok(!offered.includes('name'));
    assert.deepEqual(labels('[extras]\n|'), []);
    assert.deepEqual(labels('[workload]\nname = "w" # |'), []);
  });
});

describe('document symbols', () => {
  it('outlines header, dotted and inline tables, arrays of tables and keys', () => {
    const text =
      'extends = "b.toml"\n[workload]\nname = "w"\nnetwork.mode = "host"\n[storage]\nopts = { a = 1 }\n[[storage.volumes]]\nhost = "/a"\n';
    const names = (list: ReturnType<typeof documentSymbols>): unknown[] =>
      list.map((s) =>
        s.children === undefined || s.children.length === 0
          ? `${s.name}/${s.kind}`
          : { [`${s.name}/${s.kind}`]: names(s.children) },
      );
    assert.deepEqual(names(documentSymbols(doc(text), tree(text), 'utf-16')), [
      'extends/8',
      { 'workload/2': ['name/8', { 'network/19': ['mode/8'] }] },
      {
        'storage/2': [{ 'opts/19': ['a/8'] }, { 'volumes/18': [{ 'volumes[0]/19': ['host/8'] }] }],
      },
    ]);
  });
});
