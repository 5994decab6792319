/**
 * Child process of the throughput measurement: times one group in a fresh Node process,
 * so what earlier groups left behind (a heap grown by a peer's huge results, its JIT
 * state) cannot slow down or speed up this group's contenders. Within the group the
 * contenders still run interleaved, side by side, on the same data.
 *
 * `node --expose-gc group-child.js SUITE GROUP DATA.json OPTIONS.json`; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { SuiteData } from './suites.js';
import { suites } from './suites.js';
import { timeGroup, type GroupTiming, type ThroughputOptions } from './throughput.js';

const [suiteId, groupId, dataPath, optionsPath] = process.argv.slice(2);
if (optionsPath === undefined) {
  console.error('usage: group-child.js SUITE GROUP DATA.json OPTIONS.json');
  process.exit(2);
}
const group = suites()
  .find((s) => s.id === suiteId)
  ?.groups.find((g) => g.id === groupId);
if (group === undefined) {
  console.error(`no group ${suiteId}/${groupId}`);
  process.exit(2);
}
const data = JSON.parse(readFileSync(dataPath, 'utf8')) as SuiteData;
const options = JSON.parse(readFileSync(optionsPath, 'utf8')) as Pick<
  ThroughputOptions,
  'minRounds' | 'maxRounds' | 'groupBudget' | 'warmup'
>;
const timing: GroupTiming = await timeGroup(group, data, options);
console.log(JSON.stringify(timing));
