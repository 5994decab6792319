/**
 * The targets of issue 7, checked against what this run measured. A ratio target holds
 * when the peer's median time divided by ours is at least `atLeast` (for JSON.parse, a
 * target of 0.5 means we take at most twice its time).
 */
import {
  OUR_PARSE,
  OUR_PARSE_STRINGIFY,
  SMOL_PARSE_STRINGIFY,
  type BundleResult,
} from './bundle.js';
import {
  QJS_OUR_PARSE,
  QJS_OUR_PARSE_STRINGIFY,
  QJS_SMOL_PARSE,
  QJS_SMOL_PARSE_STRINGIFY,
  type QuickJsResult,
} from './quickjs.js';
import { OURS_PATCH, TOML_EDIT_JS, TOML_PATCH } from './editing.js';
import { OURS } from './peers.js';
import { nsPerCall } from './report.js';
import {
  DUPLICATE_KEYS,
  DUPLICATE_TABLES,
  HUMAN_ONE_LINE,
  ERROR_PER_LINE,
  ERRORS_AT_END_PARSE,
  ERRORS_AT_END_RECOVERING,
  JSON_SCALING_FACTOR,
  LINEAR_LIMIT,
  type ShapeResult,
  scalingExcess,
  scalingLimit,
} from './scaling.js';
import { JSON_PARSE } from './suites.js';
import type { SuiteResult } from './throughput.js';

export interface RatioTarget {
  target: string;
  suite: string;
  group: string;
  peer: string;
  atLeast: number;
  /** Our row to compare, when it is not the group's baseline. */
  ours?: string;
  /** A per-call suite: the measured text gives ns per call too. */
  perCall?: boolean;
}

export const ratioTargets: RatioTarget[] = [
  {
    target: '`parse` ≥ 2.0× smol-toml, manifest set',
    suite: 'manifests',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '`parse` ≥ 2.0× smol-toml, mixed document',
    suite: 'mixed',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '`parse` ≥ 0.5× `JSON.parse`, manifest set',
    suite: 'manifests',
    group: 'parse',
    peer: JSON_PARSE,
    atLeast: 0.5,
  },
  {
    target: '`parse` ≥ 0.5× `JSON.parse`, mixed document',
    suite: 'mixed',
    group: 'parse',
    peer: JSON_PARSE,
    atLeast: 0.5,
  },
  {
    target: 'located parse ≥ 3× toml-eslint-parser, manifest set',
    suite: 'manifests',
    group: 'located',
    peer: 'toml-eslint-parser',
    atLeast: 3,
  },
  {
    target: 'located parse ≥ 3× toml-eslint-parser, mixed document',
    suite: 'mixed',
    group: 'located',
    peer: 'toml-eslint-parser',
    atLeast: 3,
  },
  {
    target: '`stringify` ≥ 2× smol-toml `stringify`, manifest set',
    suite: 'manifests',
    group: 'stringify',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '`stringify` ≥ 2× smol-toml `stringify`, mixed document',
    suite: 'mixed',
    group: 'stringify',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: 'manifest pipeline (parse + build + validate) faster than smol-toml `parse`',
    suite: 'manifests',
    group: 'pipeline',
    peer: 'smol-toml parse',
    atLeast: 1,
  },
  {
    target: '`encodeManifest` over the set at least as fast as smol-toml `stringify`',
    suite: 'manifests',
    group: 'encode',
    peer: 'smol-toml stringify',
    atLeast: 1,
  },
  {
    target: 'and with `manifestDigest` too (encode + SHA-256) at least as fast',
    suite: 'manifests',
    group: 'encode',
    peer: 'smol-toml stringify',
    atLeast: 1,
    ours: 'volt-manifest encode + digest',
  },
  {
    target: 'batch check of 10,000 manifests: 2 workers ≥ 1.7× one thread',
    suite: 'manifests',
    group: 'batch',
    peer: '1 worker',
    atLeast: 1.7,
  },
];

/**
 * Scaling shapes of untrusted input with a target of their own (issue 18): each doubling
 * ratio of the shape at most LINEAR_LIMIT.
 */
export const scalingTargets: { target: string; shape: string }[] = [
  { target: 'errors near the end of a large file, `parse` (throws)', shape: ERRORS_AT_END_PARSE },
  {
    target: 'errors near the end of a large file, `parseLocatedRecovering`',
    shape: ERRORS_AT_END_RECOVERING,
  },
  { target: 'an error on every line, recovering with no error limit', shape: ERROR_PER_LINE },
  { target: 'a duplicate key on every line, recovering with no limit', shape: DUPLICATE_KEYS },
  { target: 'a duplicate table on every line, recovering with no limit', shape: DUPLICATE_TABLES },
  { target: 'many diagnostics on one line, human format', shape: HUMAN_ONE_LINE },
];

function scalingStatus(target: { target: string; shape: string }, results: readonly ShapeResult[]) {
  const text = `scaling: ${target.target}: each doubling ratio ≤ ${LINEAR_LIMIT}`;
  const result = results.find((r) => r.shape.name === target.shape);
  if (result === undefined)
    return { target: text, measured: 'not in this run', status: 'not measured' as const };
  const worst = Math.max(result.ratios[0]!, result.ratios[1]!);
  return {
    target: text,
    measured: result.ratios.map((r) => r.toFixed(2)).join(', '),
    status: worst <= LINEAR_LIMIT ? ('met' as const) : ('not met' as const),
  };
}

/** Targets of issue 7 this harness cannot measure yet, and what they wait for. */
export const pendingTargets: { target: string; needs: string }[] = [];

export type Status = 'met' | 'not met' | 'not measured';

export interface TargetStatus {
  target: string;
  measured: string;
  status: Status;
}

function ratioStatus(target: RatioTarget, results: readonly SuiteResult[]): TargetStatus {
  const suite = results.find((r) => r.suite.id === target.suite);
  const group = suite?.groups.find((g) => g.group.id === target.group);
  const ours = group?.rows.find((r) => r.name === (target.ours ?? group.group.baseline));
  const peer = group?.rows.find((r) => r.name === target.peer);
  if (!ours || !peer) {
    return { target: target.target, measured: 'not in this run', status: 'not measured' };
  }
  if (ours.ms === null || peer.ms === null) {
    const why = ours.notApplicable ?? peer.notApplicable ?? 'no figure';
    return { target: target.target, measured: `n/a (${why})`, status: 'not measured' };
  }
  const ratio = peer.ms / ours.ms;
  const calls = suite!.documents;
  const perCall =
    target.perCall === true
      ? ` (${nsPerCall(ours.ms, calls).toFixed(0)} ns vs ${nsPerCall(peer.ms, calls).toFixed(0)} ns per call)`
      : '';
  return {
    target: target.target,
    measured: `${ratio.toFixed(2)}×${perCall}`,
    status: ratio >= target.atLeast ? 'met' : 'not met',
  };
}

export function evaluateTargets(
  throughput: readonly SuiteResult[] | null,
  scaling: readonly ShapeResult[] | null,
  bundle: readonly BundleResult[] | null,
): TargetStatus[] {
  const out: TargetStatus[] = [];
  if (throughput !== null) for (const t of ratioTargets) out.push(ratioStatus(t, throughput));
  for (const p of pendingTargets) {
    out.push({ target: p.target, measured: `needs ${p.needs}`, status: 'not measured' });
  }
  if (scaling !== null) {
    let worst: { ratio: number; shape: string } | null = null;
    for (const r of scaling) {
      for (const ratio of r.ratios) {
        if (worst === null || ratio > worst.ratio) worst = { ratio, shape: r.shape.name };
      }
    }
    out.push({
      target: `scaling: every doubling ratio ≤ ${LINEAR_LIMIT}`,
      measured: worst === null ? 'no shapes' : `worst ${worst.ratio.toFixed(2)} (${worst.shape})`,
      status: worst === null ? 'not measured' : worst.ratio <= LINEAR_LIMIT ? 'met' : 'not met',
    });
    for (const t of scalingTargets) out.push(scalingStatus(t, scaling));
  }
  if (bundle !== null) {
    const ours = bundle.find((b) => b.entry.name === OUR_PARSE_STRINGIFY);
    const smol = bundle.find((b) => b.entry.name === SMOL_PARSE_STRINGIFY);
    const target = 'bundle: parse + stringify min+gzip smaller than smol-toml';
    if (ours?.gzipBytes === undefined || smol?.gzipBytes === undefined) {
      out.push({ target, measured: 'no figure', status: 'not measured' });
    } else {
      out.push({
        target,
        measured: `${ours.gzipBytes} B vs ${smol.gzipBytes} B`,
        status: ours.gzipBytes < smol.gzipBytes ? 'met' : 'not met',
      });
    }
  }
  return out;
}

/** The ratio targets of issue 16 (its targets 1 to 4), in the issue's order. */
export const issue16RatioTargets: RatioTarget[] = [
  {
    target: '1. `parse` ≥ 2× smol-toml, real-world corpus, every file',
    suite: 'realworld',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '1. `parse` ≥ 2× smol-toml, real-world config files (not lockfiles)',
    suite: 'realworld-config',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '1. `parse` ≥ 2× smol-toml, real-world files under 4 KiB',
    suite: 'realworld-small',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '1. `parse` ≥ 0.5× `JSON.parse`, real-world corpus, every file',
    suite: 'realworld',
    group: 'parse',
    peer: JSON_PARSE,
    atLeast: 0.5,
  },
  {
    target: '2. `parse` ≥ 2× smol-toml, distinct-keys document',
    suite: 'distinct',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '2. `parse` ≥ 2× smol-toml, distinct-keys document of inline tables only',
    suite: 'distinct-inline',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: "3. `parse('')` no slower than smol-toml's",
    suite: 'empty',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 1,
    perCall: true,
  },
  {
    target: "3. `parse` of a one-line document no slower than smol-toml's",
    suite: 'one-line',
    group: 'parse',
    peer: 'smol-toml',
    atLeast: 1,
    perCall: true,
  },
  {
    target: '4. `stringify` ≥ 2× smol-toml, manifest set',
    suite: 'manifests',
    group: 'stringify',
    peer: 'smol-toml',
    atLeast: 2,
  },
  {
    target: '4. `stringify` ≥ 2× smol-toml, mixed document',
    suite: 'mixed',
    group: 'stringify',
    peer: 'smol-toml',
    atLeast: 2,
  },
];

/** Issue 16's bundle limits (min+gzip bytes, 1 KB = 1,000 bytes as in the issue's figures). */
export const BUNDLE_LIMITS: { entry: string; bytes: number; target: string }[] = [
  { entry: OUR_PARSE, bytes: 10_000, target: '6. bundle, `parse` only ≤ 10 KB min+gzip' },
  {
    entry: OUR_PARSE_STRINGIFY,
    bytes: 13_000,
    target: '6. bundle, `parse` + `stringify` ≤ 13 KB min+gzip',
  },
];

function quickJsStatuses(quickjs: QuickJsResult | null): TargetStatus[] {
  const parse = (what: string) => `5. QuickJS: \`parse\` ≥ 2× smol-toml, ${what}`;
  const load = '5. QuickJS: evaluating the bundle (parse + stringify) ≤ 1.5× smol-toml’s time';
  const targets = [parse('manifest set'), parse('distinct-keys document'), load];
  if (quickjs === null || quickjs.skipped !== undefined) {
    const measured = quickjs === null ? 'not in this run' : `skipped: ${quickjs.skipped}`;
    return targets.map((target) => ({ target, measured, status: 'not measured' }));
  }
  const row = (name: string) => quickjs.rows.find((r) => r.name === name);
  const ours = row(QJS_OUR_PARSE);
  const smol = row(QJS_SMOL_PARSE);
  const ratio = (a: number | null | undefined, b: number | null | undefined, atLeast: number) => {
    if (a === null || a === undefined || b === null || b === undefined) {
      return {
        measured: `n/a (${ours?.error ?? smol?.error ?? 'no figure'})`,
        status: 'not measured' as const,
      };
    }
    return {
      measured: `${(a / b).toFixed(2)}×`,
      status: a / b >= atLeast ? ('met' as const) : ('not met' as const),
    };
  };
  const out: TargetStatus[] = [
    { target: targets[0]!, ...ratio(smol?.manifestsMs, ours?.manifestsMs, 2) },
    { target: targets[1]!, ...ratio(smol?.distinctMs, ours?.distinctMs, 2) },
  ];
  const ourLoad = row(QJS_OUR_PARSE_STRINGIFY)?.loadMs;
  const smolLoad = row(QJS_SMOL_PARSE_STRINGIFY)?.loadMs;
  if (ourLoad === undefined || smolLoad === undefined) {
    out.push({ target: load, measured: 'no figure', status: 'not measured' });
  } else {
    const times = ourLoad / smolLoad;
    out.push({
      target: load,
      measured: `${times.toFixed(2)}× (${ourLoad.toFixed(1)} ms vs ${smolLoad.toFixed(1)} ms)`,
      status: times <= 1.5 ? 'met' : 'not met',
    });
  }
  return out;
}

function bundleStatuses(bundle: readonly BundleResult[] | null): TargetStatus[] {
  return BUNDLE_LIMITS.map(({ entry, bytes, target }) => {
    const result = bundle?.find((b) => b.entry.name === entry);
    if (result?.gzipBytes === undefined) {
      return {
        target,
        measured: bundle === null ? 'not in this run' : 'no figure',
        status: 'not measured',
      };
    }
    return {
      target,
      measured: `${result.gzipBytes} B`,
      status: result.gzipBytes <= bytes ? 'met' : 'not met',
    };
  });
}

function scalingStatus16(scaling: readonly ShapeResult[] | null): TargetStatus {
  const target = `7. scaling: each shape's doubling ratio ≤ max(${LINEAR_LIMIT}, ${JSON_SCALING_FACTOR} × JSON.parse's on the same data)`;
  if (scaling === null || scaling.length === 0) {
    return { target, measured: 'not in this run', status: 'not measured' };
  }
  const over = scaling.flatMap((r) =>
    scalingExcess(r).map((x) => `${r.shape.name}: ${x.ratio.toFixed(2)} > ${x.limit.toFixed(2)}`),
  );
  if (over.length > 0) return { target, measured: over.join('; '), status: 'not met' };
  let closest = { shape: '', ratio: 0, limit: 1 };
  for (const r of scaling) {
    r.ratios.forEach((ratio, i) => {
      const limit = scalingLimit(r.jsonRatios?.[i]);
      if (ratio / limit > closest.ratio / closest.limit)
        closest = { shape: r.shape.name, ratio, limit };
    });
  }
  return {
    target,
    measured: `all ${scaling.length} shapes within; closest ${closest.shape}: ${closest.ratio.toFixed(2)} ≤ ${closest.limit.toFixed(2)}`,
    status: 'met',
  };
}

/** The targets of issue 16 (1–7), from what this run measured. */
export function evaluateIssue16(
  throughput: readonly SuiteResult[] | null,
  scaling: readonly ShapeResult[] | null,
  bundle: readonly BundleResult[] | null,
  quickjs: QuickJsResult | null,
): TargetStatus[] {
  const out: TargetStatus[] = issue16RatioTargets.map((t) =>
    throughput === null
      ? { target: t.target, measured: 'not in this run', status: 'not measured' }
      : ratioStatus(t, throughput),
  );
  // Skipped suites (the corpus missing) say so instead of "not in this run".
  for (const status of out) {
    const t = issue16RatioTargets.find((r) => r.target === status.target)!;
    const skipped = throughput?.find((r) => r.suite.id === t.suite)?.skipped;
    if (skipped !== undefined) status.measured = `skipped: ${skipped}`;
  }
  out.push(...quickJsStatuses(quickjs), ...bundleStatuses(bundle), scalingStatus16(scaling));
  return out;
}

/**
 * Issue 20's speed target, "faster than both": each of our ways of editing (the
 * `EditableDocument` calls and `patch` of a changed value) against each peer, on both jobs.
 */
export const issue20RatioTargets: RatioTarget[] = [
  ...[
    { suite: 'edit-manifests', group: 'set-image', job: 'set `workload.image`, manifest set' },
    { suite: 'edit-patch', group: 'five-changes', job: 'five changes, ~100 KB document' },
  ].flatMap(({ suite, group, job }) =>
    [OURS, OURS_PATCH].flatMap((ours) =>
      [TOML_PATCH, TOML_EDIT_JS].map((peer) => ({
        target: `${ours === OURS ? '`EditableDocument`' : '`patch`'} faster than ${peer}, ${job}`,
        suite,
        group,
        peer,
        atLeast: 1,
        ours,
      })),
    ),
  ),
];

/** The targets of issue 20 (editing, faster than both peers), from what this run measured. */
export function evaluateIssue20(throughput: readonly SuiteResult[] | null): TargetStatus[] {
  return issue20RatioTargets.map((t) =>
    throughput === null
      ? { target: t.target, measured: 'not in this run', status: 'not measured' }
      : ratioStatus(t, throughput),
  );
}
