/**
 * How the harness times a group (bench/measure.ts): what runs untimed before a timed run.
 * Speed is never asserted here: calls are counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EDIT_WARM_MS } from '../bench/editing.js';
import { EDIT_SUITES, suites } from '../bench/suites.js';
import { interleaved } from '../bench/measure.js';

/** Two contenders, `a` and `b`, that log each call. */
function loggers(): { calls: string[]; fns: (() => number)[] } {
  const calls: string[] = [];
  return { calls, fns: ['a', 'b'].map((name) => () => calls.push(name)) };
}

test('with warmMs 0, every timed run comes right after one untimed run of the same contender', async () => {
  const { calls, fns } = loggers();
  const timed = await interleaved(fns, 3, 0, false, 0);
  assert.equal(timed.length, 2);
  for (const t of timed) assert.equal(t.samples.length, 3);
  // Rounds rotate the first contender; each run is doubled (untimed, then timed).
  assert.deepEqual(calls, ['a', 'a', 'b', 'b', 'b', 'b', 'a', 'a', 'a', 'a', 'b', 'b']);
});

test('without warmMs, each round runs every contender once', async () => {
  const { calls, fns } = loggers();
  await interleaved(fns, 3, 0);
  assert.deepEqual(calls, ['a', 'b', 'b', 'a', 'a', 'b']);
});

test('the editing groups (a WebAssembly peer) are timed warm; the parse groups are not', () => {
  const all = suites();
  for (const id of EDIT_SUITES) {
    const suite = all.find((s) => s.id === id)!;
    for (const group of suite.groups) assert.equal(group.warmMs, EDIT_WARM_MS, `${id}/${group.id}`);
  }
  const others = all.filter((s) => !EDIT_SUITES.includes(s.id));
  assert.ok(others.length > 0);
  for (const suite of others) {
    for (const group of suite.groups)
      assert.equal(group.warmMs, undefined, `${suite.id}/${group.id}`);
  }
});
