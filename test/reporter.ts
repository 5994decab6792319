/**
 * A `node --test` reporter that runs beside the dot reporter (`npm test`): at the end it
 * lists every skipped test with its reason (a fresh clone without `../shared` skips the
 * tests that read the corpora there, and says so), then the duration and one closing line,
 * `tests: N passed, N failed, N skipped`. Suites are not counted, only what they hold; a
 * skipped suite counts once, as its tests never ran.
 */

interface TestEventData {
  name: string;
  file?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  details?: { type?: string; error?: { failureType?: string } };
}

interface TestEvent {
  type: string;
  data: TestEventData;
}

export default async function* summaryReporter(
  source: AsyncIterable<TestEvent>,
): AsyncGenerator<string> {
  const started = performance.now();
  let passed = 0;
  let failed = 0;
  const skipped: string[] = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const suite = data.details?.type === 'suite';
    if (data.skip !== undefined && data.skip !== false) {
      const reason = typeof data.skip === 'string' ? `: ${data.skip}` : '';
      const where = data.file === undefined ? '' : `${data.file.replace(/^.*\/dist\//, '')}: `;
      skipped.push(`skipped: ${where}${data.name}${reason}\n`);
    } else if (event.type === 'test:fail') {
      // A suite fails with its failing tests (counted already), or on its own (a hook).
      if (!suite || data.details?.error?.failureType !== 'subtestsFailed') failed++;
    } else if (!suite && data.todo === undefined) {
      passed++;
    }
  }
  yield '\n';
  for (const line of skipped) yield line;
  yield `duration: ${((performance.now() - started) / 1000).toFixed(1)} s\n`;
  yield `tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`;
}
