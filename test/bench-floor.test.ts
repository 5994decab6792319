import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsOf, replay } from '../bench/floor.js';

test('the build floor replays a value into an equal value', () => {
  const value = {
    title: 'x',
    n: [1, -2.5, 0, 1e300],
    flags: [true, false, null],
    empty: { a: [], b: {} },
    nested: [[['deep', { k: 'v' }]], []],
    unicode: 'é\u{1f600}',
  };
  const rebuilt = replay(eventsOf(value));
  assert.deepEqual(rebuilt, value);
  assert.notEqual(rebuilt, value);
  assert.deepEqual(replay(eventsOf([])), []);
});

test('the build floor takes JSON values only', () => {
  assert.throws(() => eventsOf({ when: undefined }), /not a JSON value/);
});
