/**
 * The language server's features on their own (hover, completion, places and symbols),
 * without a process: each context a client can ask about, and what there is nothing for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionsAt, documentSymbols, hoverMarkdown, placeAt } from '../lib/cli/lsp-features.js';
import { TextDocument } from '../lib/cli/lsp-text.js';
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
