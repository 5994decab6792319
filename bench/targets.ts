/**
 * The targets of issue 7, checked against what this run measured. A ratio target holds
 * when the peer's median time divided by ours is at least `atLeast` (for JSON.parse, a
 * target of 0.5 means we take at most twice its time).
 */
import { OUR_PARSE_STRINGIFY, SMOL_PARSE_STRINGIFY, type BundleResult } from './bundle.js';
import {
  DUPLICATE_KEYS,
  DUPLICATE_TABLES,
  HUMAN_ONE_LINE,
  ERROR_PER_LINE,
  ERRORS_AT_END_PARSE,
  ERRORS_AT_END_RECOVERING,
  LINEAR_LIMIT,
  type ShapeResult,
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
  return {
    target: target.target,
    measured: `${ratio.toFixed(2)}×`,
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
