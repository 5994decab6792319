/**
 * Child process of the memory measurement (see `memory.ts`):
 * `node --expose-gc memory-child.js SUITE GROUP CONTENDER DATA.json`; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { measureRun } from './memory.js';
import { type SuiteData, findContender } from './suites.js';

const [suiteId, groupId, name, dataPath] = process.argv.slice(2);
if (dataPath === undefined) {
  console.error('usage: memory-child.js SUITE GROUP CONTENDER DATA.json');
  process.exit(2);
}
const { contender } = findContender(suiteId!, groupId!, name!);
const data = JSON.parse(readFileSync(dataPath, 'utf8')) as SuiteData;
const run = contender.setup(data);
console.log(JSON.stringify(await measureRun(run)));
