/**
 * Where the time goes: V8's sampling CPU profiler (the one `node --cpu-prof` uses),
 * driven through the inspector around our own parse of the benchmark data. Samples are
 * summed per function (self time); the full profiles are saved for DevTools.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseLocated, stringify } from '../lib/toml/index.js';
import { distinctKeysDocument, manifestSet, mixedDocument } from './generate.js';
import { cacheDir, flat, projectRoot } from './inputs.js';
import { SMALL_FILE_BYTES, loadCorpus } from './realworld.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface Hotspot {
  /** `function (file:line)`. */
  where: string;
  /** Share of the samples, 0–1. */
  share: number;
}

export interface ProfileResult {
  name: string;
  samples: number;
  hotspots: Hotspot[];
  /** Self time per source file (or per V8 pseudo-function such as the GC). */
  files: Hotspot[];
  /** Where the full `.cpuprofile` was saved. */
  file: string;
}

function filePath(url: string): string {
  return url.startsWith('file:') ? relative(projectRoot, fileURLToPath(url)) : url;
}

function ranked(counts: Map<string, number>, total: number, top: number): Hotspot[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, hits]) => ({ where, share: hits / total }));
}

/** Self time per function and per file, largest first. */
function hotspots(
  profile: CpuProfile,
  top: number,
): { samples: number; hotspots: Hotspot[]; files: Hotspot[] } {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const frame = node.callFrame;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const path = filePath(frame.url);
    const key = path === '' ? name : `${name} (${path}:${frame.lineNumber + 1})`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const file = path === '' ? name : path;
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  return {
    samples: total,
    hotspots: ranked(byFunction, total, top),
    files: ranked(byFile, total, 8),
  };
}

/** Runs `fn` repeatedly for about `ms` milliseconds under the profiler. */
async function profileFor(
  session: Session,
  name: string,
  ms: number,
  fn: () => unknown,
): Promise<ProfileResult> {
  for (let i = 0; i < 3; i++) fn();
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const end = performance.now() + ms;
  while (performance.now() < end) fn();
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  mkdirSync(cacheDir, { recursive: true });
  const file = `${cacheDir}${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  return { name, file: relative(projectRoot, file), ...hotspots(profile, 12) };
}

export async function runProfiles(
  quick: boolean,
  log: (line: string) => void = () => {},
): Promise<ProfileResult[]> {
  const manifests = manifestSet(quick ? 100 : 10_000).map(flat);
  const mixed = flat(mixedDocument(quick ? 50_000 : 5_000_000));
  const mixedValue = parse(mixed);
  const distinct = flat(distinctKeysDocument(quick ? 50_000 : 5_000_000));
  const distinctInline = flat(distinctKeysDocument(quick ? 50_000 : 5_000_000, true));
  const corpus = loadCorpus(quick ? 25 : 1);
  let small: string[] = [];
  if ('skipped' in corpus) log(`skipped: ${corpus.skipped}`);
  else small = corpus.files.filter((file) => file.bytes < SMALL_FILE_BYTES).map((f) => f.text);
  const ms = quick ? 200 : 3_000;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  try {
    return [
      await profileFor(session, 'parse, manifest set', ms, () => manifests.map((m) => parse(m))),
      await profileFor(session, 'parse, mixed document', ms, () => parse(mixed)),
      await profileFor(session, 'parseLocated, mixed document', ms, () => parseLocated(mixed)),
      await profileFor(session, 'stringify, mixed document', ms, () => stringify(mixedValue)),
      ...(small.length === 0
        ? []
        : [
            await profileFor(session, 'parse, real-world files under 4 KiB', ms, () =>
              small.map((text) => parse(text)),
            ),
          ]),
      await profileFor(session, 'parse, distinct-keys document', ms, () => parse(distinct)),
      await profileFor(session, 'parse, distinct-keys document of inline tables', ms, () =>
        parse(distinctInline),
      ),
    ];
  } finally {
    await session.post('Profiler.disable');
    session.disconnect();
  }
}
