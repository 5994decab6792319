/**
 * Work the editor does not repeat (counted, never timed): `patch` reads each member of
 * the value asked for once when the document already has it, not once more for the check
 * at the end; `EditableDocument.fromLocated` does not read the text again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EditableDocument, parse, parseLocated, patch } from '../lib/toml/index.js';

/** `value` with every table and array behind a proxy that counts the reads of members. */
function counted(value: unknown, reads: { n: number }): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [key, member] of Object.entries(value)) {
    (copy as Record<string, unknown>)[key] = counted(member, reads);
  }
  return new Proxy(copy, {
    get(target, key, receiver) {
      // An array's length is not a member.
      if (typeof key === 'string' && key !== 'length' && Object.hasOwn(target, key)) reads.n++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** 50 sections of 10 keys, one with an array of 10 numbers: 560 members under the root. */
function document(): string {
  let text = '';
  for (let i = 0; i < 50; i++) {
    text += `[section_${i}]\n`;
    for (let k = 0; k < 9; k++) text += `key_${k} = ${i * 10 + k}\n`;
    text += `list = [${Array.from({ length: 10 }, (_, j) => j).join(', ')}]\n\n`;
  }
  return text;
}

test('patch with the same value reads each member once', () => {
  const text = document();
  const reads = { n: 0 };
  const value = counted(parse(text), reads) as Record<string, unknown>;
  assert.equal(patch(text, value), text);
  // 50 sections + 50 × 10 keys + 50 × 10 items.
  assert.equal(reads.n, 1050);
});

test('patch with one change reads each member once, and the tables above the change again', () => {
  const text = document();
  const reads = { n: 0 };
  const changed = parse(text);
  (changed['section_20'] as Record<string, unknown>)['key_3'] = 7;
  const value = counted(changed, reads) as Record<string, unknown>;
  const out = patch(text, value);
  assert.equal(out, text.replace('key_3 = 203', 'key_3 = 7'));
  // Once each (1050), then the check at the end: the root's 50 sections and the changed
  // section's 10 keys, each read again; what did not change is not walked again.
  assert.equal(reads.n, 1050 + 50 + 10);
});

test('fromLocated edits the tree it is given: the text is not read again', () => {
  const text = '[workload]\nname = "web" # the name\nimage = "nginx:1"\n';
  const located = parseLocated(text, { integers: 'auto' });
  const doc = EditableDocument.fromLocated(located, { integers: 'auto' });
  // Not read again: the value is the tree's own object.
  assert.equal(doc.value, located.value);
  doc.set(['workload', 'image'], 'nginx:2').set(['workload', 'port'], 80);
  const expected = '[workload]\nname = "web" # the name\nimage = "nginx:2"\nport = 80\n';
  assert.equal(doc.toString(), expected);
  assert.equal(
    doc.toString(),
    new EditableDocument(text, { integers: 'auto' })
      .set(['workload', 'image'], 'nginx:2')
      .set(['workload', 'port'], 80)
      .toString(),
  );
  assert.deepEqual(doc.value, parse(expected));
});
