/**
 * `npm run bench`: parse throughput against smol-toml and JSON.parse on the same data,
 * measured side by side in one process. `--quick` runs a tiny smoke version.
 */
import * as smol from 'smol-toml';
import { parse } from '../lib/toml.js';
import { manifestSet, mixedDocument } from './generate.js';
import { hasGc, measure, type Measurement } from './measure.js';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 15;

interface Suite {
  name: string;
  /** Characters of TOML processed per run. */
  chars: number;
  documents: number;
  contenders: { name: string; fn: () => unknown }[];
}

function suites(): Suite[] {
  const manifests = manifestSet(quick ? 200 : 10_000);
  const manifestJson = manifests.map((m) => JSON.stringify(parse(m)));
  const mixed = mixedDocument(quick ? 100_000 : 5_000_000);
  const mixedJson = JSON.stringify(parse(mixed));
  return [
    {
      name: `manifest set (${manifests.length} files)`,
      chars: manifests.reduce((n, m) => n + m.length, 0),
      documents: manifests.length,
      contenders: [
        { name: 'volt-manifest parse', fn: () => manifests.map((m) => parse(m)) },
        { name: 'smol-toml parse', fn: () => manifests.map((m) => smol.parse(m)) },
        {
          name: 'JSON.parse (same data)',
          fn: () => manifestJson.map((m) => JSON.parse(m) as unknown),
        },
      ],
    },
    {
      name: `mixed document (${(mixed.length / 1e6).toFixed(1)} MB)`,
      chars: mixed.length,
      documents: 1,
      contenders: [
        { name: 'volt-manifest parse', fn: () => parse(mixed) },
        { name: 'smol-toml parse', fn: () => smol.parse(mixed) },
        { name: 'JSON.parse (same data)', fn: () => JSON.parse(mixedJson) as unknown },
      ],
    },
  ];
}

function report(suite: Suite, results: Measurement[]): string {
  const ours = results[0]!;
  const lines = [
    `\n## ${suite.name}`,
    '',
    '| contender | median ms | MB/s (TOML) | docs/s | time vs volt-manifest |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const mbps = suite.chars / 1e6 / (r.ms / 1000);
    const docs = suite.documents / (r.ms / 1000);
    lines.push(
      `| ${r.name} | ${r.ms.toFixed(2)} | ${mbps.toFixed(1)} | ${Math.round(docs)} | ${(r.ms / ours.ms).toFixed(2)}× |`,
    );
  }
  return lines.join('\n');
}

console.log(`# volt-manifest benchmark${quick ? ' (quick smoke run)' : ''}`);
console.log(
  `node ${process.version}, ${runs} runs per figure, median${hasGc() ? ', GC between runs' : ' (run with --expose-gc to settle GC between runs)'}`,
);
for (const suite of suites()) {
  const results = suite.contenders.map((c) => measure(c.name, c.fn, runs));
  console.log(report(suite, results));
}
