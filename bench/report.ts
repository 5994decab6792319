/** Markdown tables (printed and written to docs/benchmarks.md) and the SVG chart. */
import { cpus, totalmem, type as osType, release } from 'node:os';
import { type BundleResult, OUR_PARSE_STRINGIFY } from './bundle.js';
import { EDIT_WARM_MS, editPeerVersions } from './editing.js';
import { peers } from './peers.js';
import type { ProfileResult } from './profile.js';
import { QJS_SMOL_PARSE, QJS_SMOL_PARSE_STRINGIFY, type QuickJsResult } from './quickjs.js';
import type { RewarmReport } from './rewarm.js';
import {
  JSON_SCALING_FACTOR,
  LINEAR_LIMIT,
  type ShapeResult,
  scalingExcess,
  scalingLimit,
} from './scaling.js';
import type { Chart } from './svg.js';
import { BUILD_FLOOR } from './suites.js';
import type { TargetStatus } from './targets.js';
import type { Row, SuiteResult } from './throughput.js';

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function memoryCells(row: Row): [string, string] {
  const m = row.memory;
  if (m === undefined) return ['–', '–'];
  if ('error' in m) return [`error: ${m.error}`, '–'];
  return [mb(m.peakBytes), mb(m.retainedBytes)];
}

/** Nanoseconds per call of a run of `calls` calls that took `ms`. */
export function nsPerCall(ms: number, calls: number): number {
  return (ms * 1e6) / calls;
}

export const THROUGHPUT_HEADER =
  '| contender | median ms | MB/s | docs/s | peak heap MB | retained MB | time vs ours |';

function ratioText(value: number | undefined, baseline: number | undefined): string {
  return value === undefined || baseline === undefined ? '–' : `${(value / baseline).toFixed(2)}×`;
}

export function throughputTables(results: readonly SuiteResult[]): string {
  const out: string[] = [];
  for (const suite of results) {
    if (suite.skipped !== undefined) {
      out.push(`### ${suite.heading}`, '', `Skipped: ${suite.skipped}.`, '');
      continue;
    }
    for (const { group, rows, rounds } of suite.groups) {
      const baseline = rows.find((r) => r.name === group.baseline);
      out.push(
        `### ${suite.heading}: ${group.title}`,
        '',
        group.warmMs !== undefined
          ? `Median of ${rounds} interleaved round(s), GC settled then ${group.warmMs} ms of untimed runs before every timed run.`
          : `Median of ${rounds} interleaved round(s), GC settled before every run.`,
        '',
        THROUGHPUT_HEADER,
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      );
      const notes: string[] = [];
      for (const row of rows) {
        if (row.ms === null) {
          out.push(`| ${row.name} | n/a (${row.notApplicable ?? 'no figure'}) | | | | | |`);
          continue;
        }
        const seconds = row.ms / 1000;
        const [peak, retained] = memoryCells(row);
        const rate = suite.bytes === 0 ? '–' : (suite.bytes / 1e6 / seconds).toFixed(1);
        out.push(
          `| ${row.name} | ${ms(row.ms)} | ${rate} | ${Math.round(suite.documents / seconds)} | ${peak} | ${retained} | ${ratioText(row.ms, baseline?.ms ?? undefined)} |`,
        );
        if (row.note !== undefined) notes.push(`- ${row.name}: ${row.note}`);
      }
      out.push('');
      if (suite.suite.perCall === true) {
        const perCall = rows
          .filter((row) => row.ms !== null)
          .map((row) => `${row.name} ${nsPerCall(row.ms!, suite.documents).toFixed(0)} ns`);
        out.push(`Per call: ${perCall.join(', ')}.`, '');
      }
      if (notes.length > 0) out.push('Notes:', '', ...notes, '');
    }
  }
  return out.join('\n');
}

function pair(ratios: readonly number[] | undefined): string {
  return ratios === undefined ? '–' : ratios.map((x) => x.toFixed(2)).join(', ');
}

/** The scaling table; in a quick run the sizes are too small for a verdict. */
export function scalingTable(results: readonly ShapeResult[], quick: boolean): string {
  const out = [
    `| shape | N | ms at N, 2N, 4N | ratio per doubling | without GC pauses | JSON.parse, same data | linear (≤ ${LINEAR_LIMIT}) | issue 16: ≤ max(${LINEAR_LIMIT}, ${JSON_SCALING_FACTOR} × JSON.parse's) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  const notes: string[] = [];
  for (const r of results) {
    const ok = r.ratios.every((x) => x <= LINEAR_LIMIT);
    const verdict = quick ? '– (quick run)' : ok ? 'yes' : '**NO: non-linear**';
    const limits = r.ratios.map((_, i) => scalingLimit(r.jsonRatios?.[i]));
    const within = scalingExcess(r).length === 0;
    const verdict16 = quick
      ? '– (quick run)'
      : within
        ? `yes (${pair(limits)})`
        : `**NO** (${pair(limits)})`;
    out.push(
      `| ${r.shape.name} | ${r.sizes[0]!.toLocaleString('en-US')} ${r.shape.unit} | ${r.ms.map(ms).join(', ')} | ${pair(r.ratios)} | ${pair(r.withoutGcRatios)} | ${pair(r.jsonRatios)} | ${verdict} | ${verdict16} |`,
    );
    if (r.firstRatios !== undefined) {
      notes.push(
        `- ${r.shape.name}: the first measurement gave ${pair(r.firstRatios)}; the row shows a second measurement with more rounds.`,
      );
    }
  }
  out.push('');
  if (notes.length > 0) out.push('Re-measured:', '', ...notes, '');
  return out.join('\n');
}

/** A loud banner for the console when a doubling was not linear. */
export function nonLinearBanner(bad: readonly ShapeResult[]): string {
  if (bad.length === 0) return '';
  const lines = [
    '',
    '!'.repeat(78),
    `!!! NON-LINEAR SCALING (a doubling ratio over ${LINEAR_LIMIT}):`,
  ];
  for (const r of bad) {
    lines.push(`!!!   ${r.shape.name}: ${r.ratios.map((x) => x.toFixed(2)).join(', ')}`);
  }
  lines.push('!'.repeat(78), '');
  return lines.join('\n');
}

export function bundleTable(results: readonly BundleResult[]): string {
  const out = ['| entry | minified bytes | min+gzip bytes |', '| --- | ---: | ---: |'];
  for (const r of results) {
    if (r.skipped !== undefined) out.push(`| ${r.entry.name} | skipped: ${r.skipped} | |`);
    else out.push(`| ${r.entry.name} | ${r.minBytes} | ${r.gzipBytes} |`);
  }
  out.push('');
  const ours = results.find((r) => r.entry.name === OUR_PARSE_STRINGIFY);
  if (ours?.files !== undefined) {
    out.push(
      `Where the minified bytes of "${ours.entry.name}" come from (esbuild metafile):`,
      '',
      '| source file | minified bytes |',
      '| --- | ---: |',
      ...ours.files.map((f) => `| ${f.file} | ${f.bytes} |`),
      '',
    );
  }
  return out.join('\n');
}

/** The QuickJS group: load and parse times per bundle, ratios against smol-toml's bundle. */
export function quickJsTable(result: QuickJsResult): string {
  if (result.skipped !== undefined) return `Skipped: ${result.skipped}.\n`;
  const smolParse = result.rows.find((r) => r.name === QJS_SMOL_PARSE);
  const smolBoth = result.rows.find((r) => r.name === QJS_SMOL_PARSE_STRINGIFY);
  const kb = (result.distinctBytes / 1000).toFixed(0);
  const out = [
    `Medians: ${result.loads} evaluations of each bundle in a fresh context, ${result.rounds} interleaved rounds of parsing. A ratio is smol-toml's time ÷ ours for parse (above 1: we are faster) and our time ÷ smol-toml's for loading (below 1.5: target 5 met).`,
    '',
    `| bundle (esbuild iife, minified) | minified bytes | evaluate (load) ms | load vs smol-toml | parse ${result.manifests} manifests ms | vs smol-toml | parse distinct-keys document (${kb} KB) ms | vs smol-toml |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of result.rows) {
    const smolLoad = row.name.includes('stringify') ? smolBoth : smolParse;
    const loadRatio =
      smolLoad === undefined ? '–' : `${(row.loadMs / smolLoad.loadMs).toFixed(2)}×`;
    const cell = (value: number | null, smol: number | null | undefined) =>
      value === null
        ? [row.error === undefined ? '–' : `n/a (${row.error})`, '–']
        : [ms(value), smol === null || smol === undefined ? '–' : `${(smol / value).toFixed(2)}×`];
    out.push(
      `| ${row.name} | ${row.minBytes} | ${ms(row.loadMs)} | ${loadRatio} | ${cell(row.manifestsMs, smolParse?.manifestsMs).join(' | ')} | ${cell(row.distinctMs, smolParse?.distinctMs).join(' | ')} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

export function targetsTable(statuses: readonly TargetStatus[]): string {
  const out = ['| target | measured | status |', '| --- | --- | --- |'];
  for (const s of statuses) {
    const status = s.status === 'met' ? 'met' : s.status === 'not met' ? '**not met**' : s.status;
    out.push(`| ${s.target} | ${s.measured} | ${status} |`);
  }
  out.push('');
  return out.join('\n');
}

export function profileTables(results: readonly ProfileResult[]): string {
  const out: string[] = [];
  for (const p of results) {
    out.push(
      `#### ${p.name} (${p.samples} samples; full profile: \`${p.file}\`)`,
      '',
      '| self time | file or V8 activity |',
      '| ---: | --- |',
      ...p.files.map((h) => `| ${(h.share * 100).toFixed(1)}% | ${h.where} |`),
      '',
      '| self time | function |',
      '| ---: | --- |',
      ...p.hotspots.map((h) => `| ${(h.share * 100).toFixed(1)}% | ${h.where} |`),
      '',
    );
  }
  return out.join('\n');
}

export function rewarmTable(report: RewarmReport): string {
  const out = [
    '| operation | contender | steady µs per document | right after a full GC | extra ms per full GC |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const r of report.results) {
    out.push(
      `| ${r.operation} | ${r.contender} | ${r.steadyUs.toFixed(1)} | ${r.afterGcUs.toFixed(1)} | ${r.extraMs.toFixed(1)} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

/** MB/s of every contender, one panel per suite and group. */
export function throughputChart(results: readonly SuiteResult[], subtitle: string): Chart {
  const chart: Chart = {
    title: 'volt-manifest TOML benchmarks: MB/s of TOML (higher is better)',
    subtitle,
    panels: [],
  };
  for (const suite of results) {
    // A per-call suite's document is (nearly) empty: MB/s says nothing there.
    if (suite.skipped !== undefined || suite.suite.perCall === true) continue;
    for (const { group, rows } of suite.groups) {
      chart.panels.push({
        title: `${suite.heading}: ${group.title}`,
        bars: rows.map((row) => {
          if (row.ms === null) return { label: row.name, value: null, text: 'n/a' };
          const rate = suite.bytes / 1e6 / (row.ms / 1000);
          return {
            label: row.name,
            value: rate,
            text: `${rate.toFixed(1)} MB/s`,
            highlight: row.name === group.baseline,
          };
        }),
      });
    }
  }
  return chart;
}

export function machine(): string {
  const cpu = cpus();
  return [
    `- CPU: ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} logical cores available to Node`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; OS: ${osType()} ${release()}`,
    `- Node.js ${process.version} (V8 ${process.versions.v8})`,
    `- Contenders: ${peers.map((p) => `${p.name} ${p.version}`).join(', ')}, ${editPeerVersions()}`,
  ].join('\n');
}

export interface DocumentParts {
  date: string;
  command: string;
  minRounds: number;
  maxRounds: number;
  targets: string;
  targets16: string;
  targets20: string;
  /** The language server section (bench/lsp.ts, `lspSection`). */
  lsp: string;
  quickjs: string;
  throughput: string;
  scaling: string;
  bundle: string;
  profiles: string;
  rewarm: string;
  rewarmBatch: number;
  rewarmDocument: string;
  svgFile: string;
}

export function benchmarkDocument(p: DocumentParts): string {
  return `# Benchmarks

Generated by \`${p.command}\` (\`bench/run.ts\`) on ${p.date}. Do not edit by hand: every
figure below comes from that run; run it again to refresh them.

## Machine

${machine()}

The machine is shared with other work, so figures move between runs by several percent;
the ratios, measured side by side in the same process, move less than the absolute times.

## Targets of issue 20

Editing (\`EditableDocument\`, \`patch\`) faster than both \`@decimalturn/toml-patch\` and
\`@rainbowatcher/toml-edit-js\`: the peer's median time divided by ours in the same run
(above 1: we are faster), every contender going from the text to the edited text. The
diff sizes of the hand-checked scenarios are in [Editing files](editing.md#diff-size-against-the-javascript-peers).

${p.targets20}
## Targets of issue 16

Targets 1 to 7 of issue 16, numbered as there. A ratio is the peer's median time divided
by ours in the same run (above 1: we are faster); for loading in QuickJS it is our time
divided by smol-toml's. Where a target is not met, [where the time goes](#where-the-time-goes)
has the profile.

${p.targets16}
## Targets of issue 7

A ratio is the peer's median time divided by ours in the same run (above 1: we are
faster). The JSON targets compare with \`JSON.parse\` of the same data as JSON.

${p.targets}
## Method

- **Data** (\`bench/generate.ts\`, seeded, so every run sees the same bytes): 10,000
  realistic manifests; a ~5 MB mixed document with every TOML value kind and syntax form;
  the TOML spec's example (read at run time from the shared toml-test checkout), gone
  over many times per run (its heading says how many) to get a measurable time. Every input is a
  flat string (generated strings are ropes; they go through a \`Buffer\` once before timing),
  so no contender pays for flattening. The JSON rows use the same data as JSON text (our
  parse, date/times as RFC 3339 text): the ceiling for any parser in JavaScript.
- **Real-world corpus** (\`../shared/realworld/corpus.jsonl.gz\`, read at run time; when it
  is missing the bench says so on one line and skips these groups): the files that
  Python's \`tomllib\` reads as TOML 1.0 (\`v10\` not null in \`expected.jsonl.gz\`) and that
  every parse contender reads with its default options (ours rejects integers beyond
  ±(2^53−1) and nesting deeper than 256; smol-toml rejects one file, @iarna/toml a few;
  each contender parses each file twice there, since @iarna/toml accepts a key named
  \`constructor\` on its first parse and rejects it on later ones): one list
  of files, the same for every contender, decoded from UTF-8 once. A **lockfile** is a
  file whose own name (the last part of its path) ends in \`.lock\` (\`Cargo.lock\`,
  \`poetry.lock\`, \`uv.lock\`, \`pdm.lock\`, \`mise.lock\`, uv's script locks
  \`*.py.lock\`, ...) or is a PEP 751 \`pylock.toml\` / \`pylock.NAME.toml\`; every other
  file is a **config file** (the test fixtures of TOML parsers in the corpus count as
  config files). **Small files** are those under 4 KiB of UTF-8. The JSON rows use our
  parse of each file written by \`JSON.stringify\` once, before timing (date/times as
  their RFC 3339 text, nan and ±inf as null; a bigint would be its decimal text).
- **Distinct-keys documents** (\`distinctKeysDocument\` in \`bench/generate.ts\`, seeded, ~5 MB):
  dependency maps as header tables (\`[section_N]\`, crate names as keys, some values inline
  tables), translation catalogues (\`[i18n.LANG_N]\`, message ids as keys), feature flags as
  dotted-key tables (\`features_N.NAME.enabled = true\`) and tables of inline tables
  (\`{ k1 = …, k2 = … }\`). Every key name is a pair of words drawn at random from fifty, so a
  name recurs across tables, as in real files, but almost no two tables have the same set
  of names (each gets its own object layout). The inline-tables-only variant is lines of
  \`entry_N = { … }\`, each inline table with 2 to 6 such names.
- **Per call**: our \`parse\` and smol-toml's called a million times per run on \`''\` and
  on the one-line document \`name = "volt"\`, keeping each result until the next call;
  ns per call is the run's median time divided by the calls.
- **QuickJS**: esbuild bundles each entry (\`parse\`, and \`parse\` + \`stringify\`, of
  ours from \`dist/\` and of smol-toml) as an iife, minified, platform neutral; each runs in
  its own QuickJS runtime of \`quickjs-emscripten\` (WebAssembly, 512 KiB stack limit).
  _Evaluate_ is the time of evaluating the bundle's text in a fresh context (compiling and
  running its top level), median of several, interleaved. _Parse_ times one call into
  QuickJS that parses every document of a list already held inside the context: the
  manifest set (its first manifests) and a smaller distinct-keys document (the heading
  says how large); interleaved rounds after an untimed check run, median. Times are taken
  by the host around each call.
- **Contenders** use their ordinary public API. Our \`parse\` runs with locations off; our
  \`parseLocated\` is compared with toml-eslint-parser's \`parseTOML\` (an AST with
  locations). Each stringifier writes what its own parser read from the same TOML, since
  the libraries represent date/times and integers differently. A contender that throws on
  the data is shown as "n/a" with its error. Each peer's parse result is compared once
  with ours (date/time types aside) and stringify output that our reader rejects is
  noted: such notes under a table mean the row times a different (wrong) result.
- **Timing**: each contender first runs once untimed (a check that it accepts the data,
  and its warm-up), then ${p.minRounds} to ${p.maxRounds} rounds per group (fewer when the
  group's slowest peers would make it take minutes); each round runs every contender of a
  group once, starting with a different one each round, with GC settled (\`--expose-gc\`,
  two \`gc()\` calls) before every run. A run's result is kept until its time is taken
  (so the work cannot be skipped) and let go before the next run's collection, so no run
  pays for walking the last one's output. The figure is the median per contender. While a
  group is timed, the prepared inputs of all its contenders stay in memory (for
  stringify: each library's parsed tree). MB/s is the UTF-8 size of the TOML input divided
  by the time, for every row (including JSON and stringify rows), so it compares like
  with like.
- **Editing** (issue 20): every contender goes from the text to the edited text (its
  read included). These groups time each run after GC is settled and then untimed runs
  of the same contender for ${EDIT_WARM_MS} ms (at least one; as long as the steady state of the
  rewarm table below), since one is not enough: V8 optimizes on other threads. A full collection discards the optimized JavaScript that
  depends on object layouts no live object has at that moment (\`node --trace-deopt\`:
  "marking dependent code … reason: weak objects"; between two runs no contender's tree
  is alive), but not the compiled code of a WebAssembly module: timed straight after the
  collection, \`@rainbowatcher/toml-edit-js\` (WebAssembly) would run warm and the
  JavaScript contenders, ours and \`@decimalturn/toml-patch\`, cold. It is not a deopt loop:
  without forced collections nothing is deoptimized again; an application pays it once
  after a full collection that falls while it holds no tree (see [Optimized code lost at
  a full GC](#optimized-code-lost-at-a-full-gc)).
- **Peak memory**: a fresh Node process per contender loads the data, runs the untimed
  setup, settles GC, then runs the contender once under V8's GC profiler. Heap use only
  falls at a collection, so its peak is the largest "heap used before GC" recorded during
  the run, or the heap at its end; *peak heap* is that peak minus the baseline (V8 heap
  plus external memory; it includes garbage not yet collected). *Retained* is what is
  left over the baseline after GC while the result is still held: the size of the result.
  RSS is not used: V8 keeps freed pages resident and \`getrusage\` only gives the peak of a
  whole process life.
- **Scaling**: inputs of size N, 2N and 4N per shape, parsed with default options; 3
  interleaved rounds after a warm-up, median; the ratio per doubling must be ≤ ${LINEAR_LIMIT}.
  A shape over the limit is measured a second time with more rounds (both are reported).
  Two columns help to read a bad ratio: the same ratio with the GC pauses V8 reported
  during each run (\`v8.GCProfiler\`) taken out, and the ratio of \`JSON.parse\` on the same
  data as JSON. The parse result stays alive while it is built, so collections copy and
  mark more of it as it grows; a ratio that JSON.parse shares, or that disappears
  without GC pauses, comes from V8's collector or caches rather than from the parser's
  own algorithm. Issue 16's rule (the last column) allows each doubling up to
  max(${LINEAR_LIMIT}, ${JSON_SCALING_FACTOR} × the \`JSON.parse\` ratio of the same doubling, measured in
  the same run; ${LINEAR_LIMIT} for a shape without a JSON form); the JSON ratio is the one
  of the measurement shown (the second one for a re-measured shape).
- **Bundle size**: esbuild bundles and minifies (ESM, platform neutral) an entry that
  re-exports only what is named, from \`dist/\` for us and from the package for smol-toml;
  gzip level 9 (\`node:zlib\`).
- **Profiles**: V8's sampling CPU profiler (what \`node --cpu-prof\` uses), through the
  inspector, over our own code on the same data; self time summed per file and function.

## Throughput

![MB/s per contender](${p.svgFile})

${p.throughput}
## Scaling (pathological shapes)

${p.scaling}
## QuickJS

${p.quickjs}
## Optimized code lost at a full GC

Settling GC before every run, as the method asks, has a side effect. V8's optimized code
depends on object layouts (maps) that V8 holds weakly; a full collection at a moment when
no object of such a layout is alive frees it and discards all optimized code that
depends on it (\`node --trace-deopt\` prints "marking dependent code … for
deoptimization, reason: weak objects"). Between two runs no parser or encoder object of
any library is alive, so each GC-settled figure above includes one round of running
unoptimized and optimizing again, and how much that costs differs between libraries.
The same happens in an application after any full collection that falls between two
calls. This table measures it alone: batches of ${p.rewarmBatch} documents
(${p.rewarmDocument}) timed in steady state, against the same batch right after a
forced full GC (medians).

${p.rewarm}
## Bundle size

${p.bundle}
${p.lsp}
## Where the time goes

Self time of our code on the same data (sampling profiler, 200 µs interval); the tables
below come from this run. What they showed over the speed work, and what was done:

- **Parse: lexing and defining keys, then the collector.** \`next\` and \`scanBasic\`
  (the scanner) and \`setValue\` / \`assign\` (putting a value into its table while
  checking it was not defined before) lead the self time. Done: a \`switch\` on char
  codes with numeric token kinds and no regular expression on the hot path; direct
  fast paths for a value after \`=\` and for the end of a line after a value, and a
  shortcut for the usual \`key = \`; strings without escapes are one \`slice\` of the
  input, strings with escapes are built from slices; each table keeps its children's
  definition state in a short list of its own (past eight, the table holds its
  sub-tables by node, see below) instead of one document-wide map keyed by path
  strings; the parser object, its
  buffers and its table bookkeeping are reused between documents.
  Locations cost nothing when not asked for: the located builder is a separate
  receiver of the same parser events.
- **The garbage collector** was close to half of the parse time on the manifest set,
  and most of what it copied was spare capacity: an array grown by \`push\` gets room
  for 17 elements on its first element, so a manifest's three capabilities kept a
  backing store five times their size. Arrays are now read into one reusable buffer
  and copied out at exactly their length (arrays of tables, which grow across
  statements, are copied once the document is complete), and a table with a single
  sub-table holds it without a \`Map\`. The memory a parsed set of 10,000 manifests
  keeps fell from 8.4 MB to 4.9 MB (\`JSON.parse\` of the same data: 2.6 MB) and parse
  time on the set halved.
- **Garbage, not work, was the rest of the gap to \`JSON.parse\`** on many small
  documents. With a young generation large enough that no collection runs, parsing the
  10,000 manifests took 49 ms against \`JSON.parse\`'s 31 ms; with the default one,
  about 85 ms, a third of it in the collector copying the results made so far, because
  parsing allocated 3.8 KB per manifest (the result itself is about 1.3 KB), enough to
  start a scavenge during every run, while \`JSON.parse\` allocates little besides its
  result. Done: a bare key is looked up in a small cache by a hash of its characters
  (documents repeat the same keys; the cached string is also the one V8 already uses
  as a property name, so storing under it needs no new string-table lookup); table
  bookkeeping nodes are pooled per parser and released after each document; a
  table's sub-tables are a linked list until there are more than eight; an array of
  tables links its elements and is built once, at its exact length, when the document
  is complete (no \`push\` growth); the default options and the result callback are
  made once. Allocation per manifest went from 3.8 KB to 1.5 KB (heap sampling), a
  10,000-manifest run now completes without a scavenge, and parse time on the set
  fell from 82–89 ms to 49–51 ms (three alternating runs of the commit before and
  after, each in its own process, \`JSON.parse\` 30–33 ms in the same runs). What
  remains is the work \`JSON.parse\` does not have:
  TOML's rules (duplicate keys, table redefinition, dotted keys, date/time forms)
  checked in JavaScript rather than in native code.
- **Long strings with escapes** were put together as one chain of pieces, which V8
  builds and flattens in more than linear time (2.7× the time for twice the escapes).
  Decoded text is now flattened in blocks of 8,192 characters and joined once: linear,
  and five times faster on a million escapes.
- **Stringify**: key quoting and string escaping are a single scan each, driven by
  character tables; key paths are not tracked while encoding but worked out only
  after a failure, so the happy path does no path bookkeeping. A new encoder object
  per call left no object of its shape alive between calls, so V8 dropped the
  encoder's optimized code at every full collection (7.3 µs per document right after
  one, against 2.3 µs steady); one encoder is now kept between calls, as the parser
  is. The output used to be built by string concatenation: every \`+\` made a string
  object that died at once, 6.9 KB of garbage for a 0.8 KB manifest, and with the
  10,000 outputs kept, the collector copying them at each of the scavenges that
  garbage set off cost about as much as the encoding (26 ms of 73 ms). The encoder
  now writes its output into one reused buffer and makes the string once per document
  (per 16K bytes for big ones): the platform's \`TextDecoder\` does it where there is
  one (looked up, not required); elsewhere (QuickJS) the reader's own UTF-8 decoder,
  which gives the same text (a test compares the two, and the QuickJS test runs that
  path). Collector time per 10,000 kept outputs fell
  from about 28 ms to 3 ms and the group time from about 80 ms to about 55 ms
  (alternating runs, each in its own process). Keys were then read with \`for…in\` into a
  list reused per nesting depth, and sub-tables found in a second pass over them:
  encoding a manifest allocated 0.96 KB, of which 0.77 KB is the output itself (6.9 KB
  before); issue 16 later replaced both with \`Object.keys\` and one pass (below). The profile then showed the decoder call at an
  eighth of the time: the buffer held UTF-16 code units, and V8 decodes UTF-16LE at
  less than half the speed of ASCII-heavy UTF-8 (7.6 ms against 3.4 ms per 10,000
  manifest-sized outputs), so the encoder now writes UTF-8 bytes (59–62 ms became
  56–57 ms for the set); integers, which went through \`String(value)\` (a string per
  number), are now written digit by digit into the buffer (then 47–53 ms; alternating
  runs, each in its own process). Measured and dropped on the way: a parts array
  joined at the end (the join and the array's regrowth allocate about as much as
  concatenation did: 73 ms became about 79 ms), \`String.fromCharCode\` over reused
  arrays for every platform (about 85 ms then, 71–80 ms once keys were read into reused
  lists, against 57–62 ms with \`TextDecoder\`; it was the fallback until the output
  became UTF-8, now the reader's UTF-8 decoder is), returning unflattened output
  (collector time with kept outputs rose from 28 ms to about 180 ms), quoting strings
  with the
  native \`JSON.stringify\` as smol-toml does (30% slower than our scan for the short
  strings of manifests), reading each value inside the \`for…in\` that lists the keys
  (slower in most processes, 80–85 ms), and \`hasOwnProperty.call\` in place of
  \`Object.hasOwn\` (the same, in some processes). The specialised \`encodeManifest\`
  (below) still builds its text by concatenation. The group timing shows less of the
  gain than timing our encoder alone: in the group's process every JavaScript
  contender takes longer than when timed alone or beside one other, GC pauses
  excluded, which we read as the cost of a heap holding every contender's parsed data.
- **Scaling**: where a ratio is over 2.3, read the columns beside it. \"Keys in one
  table\" stores 100,000 to 400,000 properties in one object: V8 keeps such an object
  as a hash table and interns every key, and both grow out of the CPU caches as the
  table doubles; \`JSON.parse\` of the same object shows nearly the same ratio, with no
  parser code involved (a plain loop that slices each key and stores it, no parser at
  all, measured 2.14 to 2.42 here). Ratios that fall to about 2 without GC pauses come
  from the collector copying a result that grows with the input. The largest jumps are
  a cliff rather than growth: \"nested arrays\" makes 7 MB of live arrays at N and 14 MB
  at 2N, which fit in the young generation, so neither run collects; at 4N (29 MB) one
  or two scavenges copy all of it, about 100 ms. \`JSON.parse\` building the same arrays
  shows the same jump (7 to 9 times for that doubling), so this shape cannot show a
  ratio under 2.3 at these sizes on V8 with its default heap, whatever the parser does.
  \"Dotted keys\" is the same cliff, reached sooner: it makes 128,000 tables of one key at
  N, and each costs our parser 160 bytes while it reads (a 104-byte bookkeeping node,
  see below, and a 56-byte object, since \`{}\` reserves four property slots) against 32
  bytes for \`JSON.parse\`'s object; so we collect at every size (67 of 90 ms at 500
  lines, timed alone) and \`JSON.parse\` from 2,000 lines on (11, 21, 112, 171 ms at 500
  to 4,000 lines). With the nodes reused (the experiment below) our times were 33, 48,
  146 and 381 ms: the cliff moves, it does not go away.
- **Parse against \`JSON.parse\` on the mixed document**: the runs recorded before the
  harness let go of each run's result before the next run's collection gave about
  0.54×; the previous contender's output, still alive, had doubled \`JSON.parse\`'s
  time (91 ms against 48 ms for the same data in one group process each way), so that
  ratio was flattered. Timed cleanly, \`JSON.parse\` takes about 45 ms and runs no
  collection; our parse took 160–190 ms, of which two scavenges took 50–60 ms, before
  the changes below (150–165 ms after them, in the full runs).
  The row \`${BUILD_FLOOR}\` in the parse tables is a floor for any parser written in
  JavaScript (bench/floor.ts): it only builds the result, from a list of events made
  beforehand (open a table, a key, a string, a number, close), with the keys ready-made
  and date/times as strings, and no scanning or decoding at all. On the mixed document
  it takes about half the time of \`JSON.parse\` (24 ms against 45 ms in a group
  timing here) and, like \`JSON.parse\`, runs no collection: building 13.5 MB of
  plain objects fits in the young generation. So the gap is ours, not the language's.
  Our parse allocates 26 MB for the same document (a young generation too large to
  collect shows it: \`--min-semi-space-size=128\`, used space after one parse), so two
  scavenges copy the growing result. Cut so far: inline tables' bookkeeping nodes are
  reused from the closing brace on (one small stack of nodes, however many inline
  tables there are; 31.5 → 28.6 MB), the list of tables pending a header is no longer
  emptied by setting its length, which freed its storage at every section (→ 26.2 MB
  with the next item), and floats with at most 15–16 significant digits and a decimal
  exponent within ±22 are computed exactly from their digits (Clinger's fast path: an
  integer below 2^53 times or divided by an exact power of ten rounds correctly) instead
  of cutting out their text for \`Number\`. The manifest set's parse gained 7–9% from
  these (49.5–50.1 against 53.1–54.2 ms, alternating processes); the mixed document's
  time did not move, because the result still outgrows the young generation. What is
  left of the 26 MB besides the result (about 12 MB): a bookkeeping node for each of
  the 57,000 tables outside inline tables (about 5.9 MB at 104 bytes each), key
  strings cut from the text before V8 interns them, and escaped strings assembled
  from pieces. Reaching 0.5× means no scavenge at all (under about 16 MB allocated)
  and about a third less work: not done.
  Two experiments on the nodes, neither kept. Reusing every node across documents (the
  node pool made unbounded), so that a repeated parse allocates none: 108–111 ms against
  163–170 ms (one scavenge of 15 ms instead of two of 63–65 ms), 0.39–0.40× \`JSON.parse\`
  against 0.31–0.33× (three alternating processes each way). Not kept: it holds the
  nodes of the largest document parsed for good (6 MB per parser after this one, too
  much to keep unasked in an edge runtime), a document parsed once gains nothing, and it
  is still short of 0.5×. Keeping the nodes' fields in columns instead (typed arrays for
  flags, depth and links, plain arrays for tables and keys), so that a table costs no
  object: the columns, grown anew for each large document, allocated more than the
  nodes (32.2 MB against 29.8 MB, heap used after one parse with a young generation too
  large to collect): dropped. The result itself also outweighs \`JSON.parse\`'s (15.9
  against 12.6 MB after a full collection): half of the document's 83,529 tables have
  one key, and \`{}\` reserves four property slots (56 bytes against \`JSON.parse\`'s
  32, which sizes each object for its keys), and its 20,884 date/times are objects
  rather than strings.
  Then the sub-table index. A table with more than eight sub-tables kept them in a
  \`Map\` beside the table: for the root of the mixed document (21,000 sub-tables) and
  \`events\` (5,000), a hash lookup and an insertion per header, slow once the map is
  large (the profile without collections had \`Map.set\` and \`Map.get\` at 17% of the
  parse). Such a table now holds each sub-table's node in its place, under its key,
  until the document (or the inline table) is complete: one property lookup finds the
  value and its state, and the nodes are replaced by their tables at the end. The
  mixed document's parse: 106–117 ms → 97–100 ms with a young generation too large to
  collect, 174–205 → 160–174 ms with the default one (alternating processes); the
  manifest set's did not move (its tables have few sub-tables). Doing this for every
  table, small ones too, was tried first: the mixed document gained about as much, but
  the manifest set's parse became 8% slower (52–55 against 50–51 ms), the replacing
  stores alone costing 4–5 ms per 10,000 manifests.
- **Bundle size**: the engine is larger than smol-toml's because of what it does that
  smol-toml does not: both TOML versions, the full set of toml-test rejections, exact
  error positions and messages with code frames, streaming input, our own UTF-8
  decoder, bigint and precision-keeping date/time classes, and the fast paths above
  (a separate scanner for values and for the end of a line). Reaching smol-toml's size
  would mean giving up some of these; it has not been done.
- **Manifest pipeline**: one located parse feeds the builder (no second pass over the
  text); field checks (addresses, CIDR prefixes, ports, cpusets, sizes, versions) are
  allocation-free scanners over the string, and duplicate checks on short lists compare
  in place instead of building maps.
- **The manifest pipeline** ran at about the speed of smol-toml's plain parse
  (from 0.94× to 1.15× of it across the full runs made while tuning it) before the
  allocation work described above; the targets table above has this run's figure. Most of its time is the located parse: every
  key and value gets a span object on top of the plain values, and then the builder
  copies the values into the typed manifest. A located table used to hold a \`Map\` of
  its entries; it now links them in order and makes the map only when asked for it
  (lookups in a table of up to 16 keys walk the list), and the builder and the
  validator walk the list: with the parser changes above, a located parse allocates
  6.0 KB per manifest instead of 9.9 KB and the pipeline 9.6 KB instead of 13.6 KB
  (pipeline time for the 10,000 manifests: 241–254 ms before, 225–232 ms after, in the
  alternating runs quoted above).
  The next step would be a builder fed by the parser's events directly, so that a
  manifest is built without the intermediate plain and located trees; it has not been
  done.
  A new manifest was one nested object literal (\`emptyManifest\`). Since manifests are
  kept, V8 switched those literal sites to making them in the old generation
  (\`--trace-pretenuring-statistics\`), and every value the builder stores into them
  was then recorded for the next collection. It is now copied from templates (object
  spread, \`slice\` for the arrays), which V8 does not track that way: the pipeline
  over the 10,000 manifests went from 244–254 ms to 223–238 ms (six alternating
  processes each; more time in the collector, less in total).
- **Located nodes are class instances.** The located parse made its key entries and
  scalar and array nodes as object literals. V8 records where literals are made, and
  since a located tree outlives the collections made while it is built (the benchmark,
  like an editor, keeps what it parsed), it began making them directly in the old
  generation (\`--trace-pretenuring-statistics\` shows sites switched to "tenure"),
  where every young value stored into them is recorded for the next collection.
  Classes are not tracked that way. A located parse of the 10,000 manifests, results
  kept: 298–300 ms with literals, 262–266 ms with classes (the literals with V8's
  pretenuring switched off: 254–260 ms); the manifest pipeline, which keeps only the
  manifest, did not move (218 against 222–224 ms, alternating processes).
- **encodeManifest and the digest**: the canonical encoder writes the known field
  order directly instead of building a generic table and stringifying it (a test keeps
  both equal); SHA-256 is unrolled and hashes ASCII text in one pass. It used to pad
  each message in a new typed array: a sixth of the profile of encoding and hashing
  the set, plus the collector's tracking of every array's memory. The padding buffer is
  now reused (hashing is synchronous), and the message words are read through a
  \`DataView\`, one big-endian load each instead of four byte loads: hashing the set's
  7.4 MB of canonical text went from 65–68 ms to 47–50 ms (about 110 to 155 MB/s), and
  \`encode + digest\` from 0.95–0.98× of smol-toml's \`stringify\` to about 1.09× (three
  timings of the group). Then the copy of each string into the padding buffer: a loop
  of \`charCodeAt\` took 18 ms over the set's 7.4 MB of text, the platform's
  \`TextEncoder.encodeInto\` 1.3 ms (where there is no \`TextEncoder\`, as in QuickJS,
  the portable writer does it). Hashing the set's strings now costs what hashing their
  bytes does (49–68 → 37–51 ms), and \`encode + digest\` went from 103 to 88–92 ms
  against 119–134 ms for smol-toml's \`stringify\` (three alternating processes).
- **Batch**: files are read synchronously inside each worker, the pool is created once
  and kept (unreferenced, so it never holds the process open), and work is sent in
  batches of 64 files to keep message overhead small. Each worker has two batches
  queued, so it starts the next one as soon as it posts a result instead of idling
  while the result travels and the next batch is sent: two workers over the 10,000
  manifests, medians of nine calls per process, 269–282 ms → 253–268 ms (four
  alternating processes each). A file is read as bytes, and our own strict UTF-8
  decoder took 56–74 ms for the 10,000 manifests; valid bytes now go through the
  platform's \`TextDecoder\` in fatal mode (1.7–2.4 ms), and only invalid ones through
  our decoder again, which says at which byte: checking the set on one thread went
  from 452–470 to 396–397 ms, with two workers from 281–284 to 231–233 ms. Then each
  file is opened once and checked through its descriptor (regular file, size) instead
  of a \`stat\` of the path first: 16–23 µs → 13–18 µs per file read, and the one-thread
  check 377–395 → 341–355 ms (a noisy moment of the machine).
- **Issue 16: tables whose keys differ.** Tables are plain objects with
  \`Object.prototype\`. A \`{}\` that is given keys in a layout V8 has seen follows hidden
  classes already made, the fastest to build and to read; on documents whose tables each
  have their own key names every store added a hidden class of its own (\`setOwn\` 43–46%
  of the distinct-keys profile). smol-toml builds every table with \`Object.create(null)\`,
  a dictionary from the start. Making every table a dictionary was measured (200,000
  tables of 6 keys: build 446 → 1,284 ms with repeated keys, 9,639 → 5,651 ms with
  distinct keys; reading three named keys of a repeated layout 24 → 303 ms; the manifest
  set 204 → 296–332 ms), so only a table whose first key is new (it missed the scanner's
  key cache, or is quoted) is turned into a dictionary, in place (two keys added, the
  first deleted), keeping \`Object.prototype\` and every reference; a table whose first key
  was seen keeps the shared layouts. On the distinct-keys document that took us from
  0.96× to 1.62× smol-toml and on the inline-tables variant from 0.87× to 1.31× (A/B in
  one process, load average 5–14), with the manifest set and the mixed document
  unchanged within noise. A larger key cache (4096 slots) was worse: more hits, fewer
  dictionaries, hidden classes again (0.77× the speed on inline tables).
- **Issue 16: what is left on real files and distinct keys.** A key string V8 has not
  seen is hashed, looked up and inserted in its string table by the first property
  operation that uses it: the \`table[key] = value\` store (17% of the self time on files
  under 4 KiB, 17% on the distinct-keys document) or the duplicate check (12–22%).
  smol-toml pays the same per new key. Moving the check to a load first only moved the
  cost (the check alone is about 2% of the store in isolation); comparing cached keys
  by a character loop instead of \`startsWith\` was within noise (0.98–1.03×). The rest is
  the collector (12–20%: the result's tables, keys and strings), the scanner's \`next\`
  (11–15%) and string scanning (4–7%). After a full collection V8 drops the hidden
  classes of every layout, so the first parse after one builds them again, which the
  GC-settled groups of many small files measure each round.
- **Issue 16: per call.** \`parse('')\` cost 231–891 ns against smol-toml's 35–258 ns:
  setting the length of the parser's reused lists (even to what it was) and filling 64
  unused slots after each document were most of it. The lists a document did not use are
  now left alone (\`parse('')\` ×100k 91 → 20 ms, smol-toml 27 ms; one line 218 → 77 ms,
  smol-toml 111 ms), and a test checks through \`WeakRef\` that nothing of a document stays
  reachable after the next.
- **Issue 16: stringify.** Each member of a table is read and classified once (sections
  kept in a per-depth list instead of a second pass that ran \`isSection\` on every key
  again), keys come from \`Object.keys\` (\`for…in\` with \`Object.hasOwn\` was 19–21% of
  the mixed profile; 4.2% after), a bare key is copied while it is checked: 0.875× the
  time on the manifest set, 0.893× on the mixed document (CPU time, 25 alternated rounds),
  output byte-identical over 485,972 documents and values.
- **Issue 16: bundle size and QuickJS.** Evaluating a bundle in QuickJS is compiling it
  (22.5 of 22.9 ms), at 2.7–2.9 KB per ms for both libraries: load time follows bytes.
  A bundle of \`parse\` holds the whole \`Parser\` class (esbuild keeps every method of a
  class it keeps), so the located tree, recovery and tracking ship with it; deleting them
  from a throwaway copy saves 1.6 KB min+gzip; the code frame behind the public
  \`TomlError.codeFrame()\` is 0.8 KB, the splitter behind the invalid-UTF-8 message 0.4
  KB. With all three gone \`parse\` is still about 13 KB min+gzip against the 10 KB
  target: the rest is the scanner (8.2 KB minified, with its fast paths), \`scalars\`
  (6.6 KB), positions and messages, and date/time validation, which the same issue asks
  to keep. Marking the load-time decoders pure and declaring class fields instead of
  defining them saved 0.47 KB minified.
- **Issue 16: nested arrays.** Measured by CPU time at 500, 1,000 and 2,000 lines, our
  doublings were 1.75 and 5.52–5.62 against \`JSON.parse\`'s 2.13 and 4.87 (1.13–1.15×):
  both spend the step to 2,000 lines in young-generation collections of the deep chains
  (41–131 ms each, by \`--trace-gc\`), whose length varies from run to run. The parser
  allocates nothing per nested array beyond the result (the element list is reused; one
  \`slice\` makes the exact-length array, as \`JSON.parse\` allocates).

${p.profiles}
## Reproduce

\`\`\`sh
npm ci
npm run bench                  # everything; writes docs/benchmarks.md and docs/benchmarks.svg
npm run bench -- --quick       # tiny smoke run, writes nothing
npm run bench -- --scaling     # only the scaling shapes (add --quick for tiny sizes)
npm run bench -- --bundle      # only the bundle sizes
npm run bench -- --throughput  # only the throughput tables (with memory)
npm run bench -- --profile     # only the CPU profiles
npm run bench -- --lsp         # only the language server's latency (rewrites its section)
\`\`\`
`;
}
