/**
 * `npm run bench`: throughput against every JavaScript TOML peer and JSON on the same
 * data (with peak memory), the scaling shapes, bundle sizes and CPU profiles; writes
 * docs/benchmarks.md and docs/benchmarks.svg.
 *
 * Flags: `--quick` (tiny smoke run; writes nothing unless `--out DIR`), and any of
 * `--throughput`, `--edit`, `--scaling`, `--bundle`, `--quickjs`, `--profile`, `--lsp` to run only those sections
 * (`--edit`: the editing suites of issue 20, which a full throughput section includes;
 * `--lsp`: the language server's change-to-diagnostics latency, issue 21)
 * (the documents are written only when every section ran); `--suite ID` limits the
 * throughput section to one suite (manifests, mixed, spec, realworld, realworld-config,
 * realworld-small, realworld-lock, distinct, distinct-inline, empty, one-line, edit-manifests,
 * edit-patch) and `--no-memory` skips its memory measurements. `--out DIR` writes the
 * documents to DIR instead of docs/. Tables go to stdout, progress to stderr.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as prettier from 'prettier';
import { type BundleResult, runBundle } from './bundle.js';
import { projectRoot } from './inputs.js';
import { hasGc } from './measure.js';
import {
  type LspLatency,
  lspSection,
  lspTable,
  lspTargets,
  runLsp,
  withLspSection,
} from './lsp.js';
import { type ProfileResult, runProfiles } from './profile.js';
import { type QuickJsResult, runQuickJs } from './quickjs.js';
import {
  benchmarkDocument,
  bundleTable,
  machine,
  nonLinearBanner,
  profileTables,
  quickJsTable,
  rewarmTable,
  scalingTable,
  targetsTable,
  throughputChart,
  throughputTables,
} from './report.js';
import { type RewarmReport, runRewarm } from './rewarm.js';
import { type ShapeResult, nonLinear, runScaling } from './scaling.js';
import { barChart } from './svg.js';
import { evaluateIssue16, evaluateIssue20, evaluateTargets } from './targets.js';
import { EDIT_SUITES } from './suites.js';
import { type SuiteResult, runThroughput } from './throughput.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** `--suite ID` (repeatable): only those throughput suites (ids in suites.ts). */
const suiteFilter = args.flatMap((arg, i) =>
  arg === '--suite' && args[i + 1] ? [args[i + 1]!] : [],
);
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 ? args[outIndex + 1] : undefined;
const sectionFlags = [
  '--throughput',
  '--edit',
  '--scaling',
  '--bundle',
  '--quickjs',
  '--profile',
  '--lsp',
];
const chosen = sectionFlags.filter((flag) => args.includes(flag));
const all = chosen.length === 0;
const wants = (flag: string) => all || chosen.includes(flag);
// Full run: 3 to 5 interleaved rounds per group (fewer for groups with slow peers), the
// untimed check run of each contender being its warm-up.
const minRounds = quick ? 1 : 3;
const maxRounds = quick ? 1 : 5;
const warmup = 0;

const started = performance.now();
/** Progress on stderr, with the time since the start (to see where a long run goes). */
const log = (line: string) => {
  const seconds = Math.round((performance.now() - started) / 1000);
  const stamp = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  process.stderr.write(line.trim() === '' ? '\n' : `[${stamp}] ${line.trimStart()}\n`);
};
const print = (text: string) => process.stdout.write(`${text}\n`);

print(
  `# volt-manifest benchmark${quick ? ' (quick smoke run: sizes too small to mean anything)' : ''}`,
);
print('');
print(machine());
print(
  `- ${minRounds === maxRounds ? minRounds : `${minRounds}–${maxRounds}`} interleaved round(s) per group after an untimed check run, median${hasGc() ? ', GC settled before every run' : ' (run with --expose-gc to settle GC between runs)'}`,
);

let throughput: SuiteResult[] | null = null;
let rewarm: RewarmReport | null = null;
let scaling: ShapeResult[] | null = null;
let bundle: BundleResult[] | null = null;
let quickjs: QuickJsResult | null = null;
let profiles: ProfileResult[] | null = null;
let lsp: LspLatency[] | null = null;

if (wants('--throughput') || wants('--edit')) {
  // `--edit` alone: only the editing suites.
  const only = wants('--throughput') ? suiteFilter : [...suiteFilter, ...EDIT_SUITES];
  throughput = await runThroughput({
    size: quick ? 'quick' : 'full',
    minRounds,
    maxRounds,
    groupBudget: 30,
    warmup,
    memory: quick ? 'first-only' : args.includes('--no-memory') ? 'none' : 'all',
    log,
    ...(only.length > 0 ? { only } : {}),
  });
  print('\n## Throughput (time vs ours = their median time ÷ ours; above 1: ours is faster)\n');
  print(throughputTables(throughput));
  if (wants('--throughput')) {
    log('timing batches right after a full GC...');
    rewarm = await runRewarm(quick);
    print('\n## Optimized code lost at a full GC\n');
    print(rewarmTable(rewarm));
  }
}
if (wants('--scaling')) {
  scaling = await runScaling(quick, log);
  print('\n## Scaling (time ratio per doubling of the input)\n');
  print(scalingTable(scaling, quick));
  const banner = quick ? '' : nonLinearBanner(nonLinear(scaling));
  if (banner !== '') print(banner);
}
if (wants('--bundle')) {
  bundle = await runBundle();
  print('\n## Bundle size (esbuild, minified, gzip -9)\n');
  print(bundleTable(bundle));
}
if (wants('--quickjs')) {
  quickjs = await runQuickJs(quick, log);
  print('\n## QuickJS (bundles run inside quickjs-emscripten)\n');
  print(quickJsTable(quickjs));
}
if (wants('--profile')) {
  log('profiling our own code...');
  profiles = await runProfiles(quick, log);
  print('\n## Where the time goes (CPU profile, self time)\n');
  print(profileTables(profiles));
}

if (wants('--lsp')) {
  lsp = await runLsp(quick, log);
  print('\n## Language server (didChange to publishDiagnostics, debounce 0, over stdio)\n');
  print(lspTable(lsp));
}

const statuses21 = lspTargets(lsp);
print('\n## Targets of issue 21\n');
print(targetsTable(statuses21));
const statuses20 = evaluateIssue20(throughput);
print('\n## Targets of issue 20\n');
print(targetsTable(statuses20));
const statuses16 = evaluateIssue16(throughput, scaling, bundle, quickjs);
print('\n## Targets of issue 16\n');
print(targetsTable(statuses16));
const statuses = evaluateTargets(throughput, scaling, bundle);
print('\n## Targets of issue 7\n');
print(targetsTable(statuses));

const target = outDir ?? (quick ? undefined : `${projectRoot}docs`);
if (target !== undefined && all) {
  const svgFile = 'benchmarks.svg';
  const command = `npm run bench${quick ? ' -- --quick' : ''}`;
  const subtitle = `${command}, node ${process.version}, GC-settled medians of ${minRounds === maxRounds ? minRounds : `${minRounds}–${maxRounds}`} interleaved rounds`;
  mkdirSync(target, { recursive: true });
  writeFileSync(`${target}/${svgFile}`, barChart(throughputChart(throughput!, subtitle)));
  const markdownFile = `${target}/benchmarks.md`;
  const markdown = benchmarkDocument({
    date: new Date().toISOString().slice(0, 10),
    command,
    minRounds,
    maxRounds,
    targets: targetsTable(statuses),
    targets16: targetsTable(statuses16),
    targets20: targetsTable(statuses20),
    lsp: lspSection(lsp!, 'this run'),
    quickjs: quickJsTable(quickjs!),
    throughput: throughputTables(throughput!),
    scaling: scalingTable(scaling!, quick),
    bundle: bundleTable(bundle!),
    profiles: profileTables(profiles!),
    rewarm: rewarmTable(rewarm!),
    rewarmBatch: rewarm!.batch,
    rewarmDocument: rewarm!.document,
    svgFile,
  });
  // Formatted as `prettier --check` (part of `npm test`) expects committed files to be.
  const style = (await prettier.resolveConfig(markdownFile)) ?? {};
  writeFileSync(
    markdownFile,
    await prettier.format(markdown, { ...style, filepath: markdownFile }),
  );
  log(`wrote ${target}/benchmarks.md and ${target}/${svgFile}`);
} else if (
  target !== undefined &&
  chosen.length === 1 &&
  lsp !== null &&
  existsSync(`${target}/benchmarks.md`)
) {
  // `--lsp` alone: its own section of the existing document, with where it comes from.
  const markdownFile = `${target}/benchmarks.md`;
  const run = `\`npm run bench -- --lsp\` on ${new Date().toISOString().slice(0, 10)} (node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at its end; the rest of this page comes from the full run named at the top)`;
  const markdown = withLspSection(readFileSync(markdownFile, 'utf8'), lspSection(lsp, run));
  const style = (await prettier.resolveConfig(markdownFile)) ?? {};
  writeFileSync(
    markdownFile,
    await prettier.format(markdown, { ...style, filepath: markdownFile }),
  );
  log(`wrote the language server section of ${markdownFile}`);
} else if (target !== undefined) {
  log('not writing the documents: only some sections ran');
}
