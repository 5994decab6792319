/**
 * Equal means equal: a child that writes an empty value over its base (`ports = []`,
 * `read_only_rootfs = false`) resolves differently from a child that does not write it, so
 * the two never share a digest, and the encoding and the JSON form keep what it writes:
 * `encode → parse → resolve` and `json → from-json → resolve` both equal `resolve`.
 * Tested as a property over generated base/child pairs; the child's text is written with
 * the engine's `stringify`, not with the encoder under test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import {
  SECTIONS,
  encodeManifest,
  manifestDigest,
  manifestFromJSON,
  manifestToJSON,
  parseManifest,
  resolveManifest,
} from '../lib/index.js';
import { memoryHost } from './helpers.js';
import { stringify } from '../lib/toml/index.js';
import { randomManifest } from './manifest-gen.js';

const EMPTY: Record<string, unknown> = { string: '', boolean: false, strings: [], volumes: [] };

/** A child over `base.toml`: some fields of another manifest, and some written empty. */
function randomChild(random: Random): { text: string; empties: string[] } {
  const donor = manifestToJSON(randomManifest(random)) as Record<string, Record<string, unknown>>;
  const data: Record<string, unknown> = { extends: 'base.toml' };
  const empties: string[] = [];
  for (const section of SECTIONS) {
    const table: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = donor[section.key]?.[field.key];
      if (field.type !== 'integer' && random.chance(0.15)) {
        table[field.key] = EMPTY[field.type];
        // `name = ""` and `mode = ""` are the Go zero value: unset, not an override.
        if (!field.zeroMeansUnset) empties.push(`${section.key}.${field.key}`);
      } else if (value !== undefined && value !== '' && random.chance(0.2)) {
        table[field.key] = value;
      }
    }
    if (Object.keys(table).length > 0) data[section.key] = table;
  }
  return { text: stringify(data), empties };
}

async function resolved(text: string, base: string) {
  return resolveManifest(text, { path: 'child.toml', host: memoryHost({ 'base.toml': base }) });
}

/** Only the problems of the merged values: both sides must agree on those. */
const codes = (list: { code: string; path: string }[]) => list.map((d) => `${d.code} ${d.path}`);

describe('explicit empty overrides', () => {
  it('keep their meaning through encode, JSON and the digest (property)', async () => {
    const random = new Random(1717);
    let overridesSeen = 0;
    let differentResolutions = 0;
    for (let i = 0; i < 300; i++) {
      const base = encodeManifest(randomManifest(random));
      const { text, empties } = randomChild(random);
      const child = parseManifest(text, { path: 'child.toml' });
      assert.deepEqual(
        child.manifest.overrides,
        SECTIONS.flatMap((s) => s.fields.map((f) => `${s.key}.${f.key}`)).filter((p) =>
          empties.includes(p),
        ),
        text,
      );
      overridesSeen += empties.length;
      const direct = await resolved(text, base);

      // encode -> parse -> resolve
      const encoded = encodeManifest(child.manifest);
      const viaEncoding = await resolved(encoded, base);
      assert.deepEqual(viaEncoding.manifest, direct.manifest, `${text}\n---\n${encoded}`);
      assert.deepEqual(codes(viaEncoding.diagnostics), codes(direct.diagnostics));

      // json -> from-json -> (encode) -> resolve
      const json = JSON.stringify(manifestToJSON(child.manifest));
      const back = manifestFromJSON(json);
      assert.deepEqual(back.manifest.overrides, child.manifest.overrides, json);
      const viaJson = await resolved(encodeManifest(back.manifest), base);
      assert.deepEqual(viaJson.manifest, direct.manifest, json);

      // The same child without its empty values: where that resolves differently, the
      // digests differ.
      const without = parseManifest(encodeManifest({ ...child.manifest, overrides: [] }), {
        path: 'child.toml',
      });
      const other = await resolved(encodeManifest(without.manifest), base);
      const sameResolution =
        JSON.stringify(other.manifest) === JSON.stringify(direct.manifest) &&
        JSON.stringify(codes(other.diagnostics)) === JSON.stringify(codes(direct.diagnostics));
      if (!sameResolution) {
        differentResolutions++;
        assert.notEqual(manifestDigest(child.manifest), manifestDigest(without.manifest), text);
      }
    }
    // The property was exercised, not passed over.
    assert.ok(overridesSeen > 100, `${overridesSeen} overrides`);
    assert.ok(differentResolutions > 50, `${differentResolutions} children resolved differently`);
  });

  it('are written as TOML and JSON only with extends, and only for fields that take them', () => {
    const child = parseManifest(
      'extends = "base.toml"\n[security]\nread_only_rootfs = false\n[network]\nports = []\n',
    ).manifest;
    assert.deepEqual(child.overrides, ['security.read_only_rootfs', 'network.ports']);
    assert.equal(
      encodeManifest(child),
      'extends = "base.toml"\n\n[security]\nread_only_rootfs = false\n\n[network]\nports = []\n',
    );
    const json = manifestToJSON(child);
    assert.deepEqual(json['security'], { read_only_rootfs: false });
    assert.deepEqual(json['network'], { ports: [] });
    // Without extends an empty value means no value: nothing kept.
    const alone = parseManifest('[security]\nread_only_rootfs = false\n').manifest;
    assert.deepEqual(alone.overrides, []);
    assert.deepEqual(manifestToJSON(alone)['security'], {});
    // A manifest built in code names only fields that an empty value can override.
    assert.throws(
      () => encodeManifest({ ...child, overrides: ['resources.cpu_weight'] }),
      /overrides/,
    );
    assert.throws(() => encodeManifest({ ...child, overrides: ['nope'] }), /overrides/);
    assert.throws(() => encodeManifest({ ...child, overrides: ['workload.name'] }), /overrides/);
  });
});
