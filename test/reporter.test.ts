/** The summary reporter counts tests (not suites), lists skips with their reasons, and closes with one line. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import summaryReporter from './reporter.js';

async function* events() {
  const pass = (name: string, extra: object = {}) => ({
    type: 'test:pass',
    data: { name, ...extra },
  });
  yield pass('a');
  yield pass('b');
  yield pass('suite', { details: { type: 'suite' } });
  yield pass('skipped suite', { details: { type: 'suite' }, skip: 'needs the corpus' });
  yield pass('skipped test', { skip: true, file: '/x/dist/test/y.test.js' });
  yield pass('todo', { todo: true });
  yield { type: 'test:fail', data: { name: 'c' } };
  yield {
    type: 'test:fail',
    data: { name: 'parent', details: { type: 'suite', error: { failureType: 'subtestsFailed' } } },
  };
  yield {
    type: 'test:fail',
    data: { name: 'hook', details: { type: 'suite', error: { failureType: 'hookFailed' } } },
  };
  yield { type: 'test:diagnostic', data: { name: 'ignored' } };
}

it('counts, lists skips and closes with the plain summary line', async () => {
  let out = '';
  for await (const text of summaryReporter(events())) out += text;
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), [
    'skipped: skipped suite: needs the corpus',
    'skipped: test/y.test.js: skipped test',
  ]);
  assert.match(lines[2]!, /^duration: \d+\.\d s$/);
  assert.equal(lines[3], 'tests: 2 passed, 2 failed, 2 skipped');
  assert.equal(lines.length, 4);
});
