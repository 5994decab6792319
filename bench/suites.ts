/**
 * What the throughput benchmark measures: suites of data, each with groups of contenders
 * that do the same job on the same data (parse, located parse, stringify). Ratios are
 * taken within a group, against the group's baseline (ours).
 *
 * Adding work to measure takes a few lines here, see "Extending" below.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as smol from 'smol-toml';
import { encodeManifest, parseManifest, sha256Hex } from '../lib/index.js';
import { checkManifests } from '../lib/node/index.js';
import { parse } from '../lib/toml/index.js';
import { FIVE_CHANGES_TEXT, IMAGE_CHANGE, editGroup, fiveChanges } from './editing.js';
import { eventsOf, replay } from './floor.js';
import { distinctKeysDocument, manifestSet, mixedDocument } from './generate.js';
import { flat, readSpecExample, specExamplePath } from './inputs.js';
import type { RunFn } from './measure.js';
import { OURS, peers } from './peers.js';
import { type CorpusFile, SMALL_FILE_BYTES, loadCorpus } from './realworld.js';

export type Size = 'full' | 'quick';

/** The data of a suite: flat strings only, so it can be handed to a child process as JSON. */
export interface SuiteData {
  /** The TOML documents. */
  toml: string[];
  /** The same data as JSON text (from our parse; date/times as their RFC 3339 text). */
  json: string[];
  /** How many times one run goes over the documents (to time a tiny document). */
  repeat: number;
}

export interface Contender {
  /** Row label; unique within its group. */
  name: string;
  /** Prepares untimed state (e.g. the values to stringify) and returns one timed run. */
  setup(data: SuiteData): RunFn;
  /** The run returns TOML texts (checked once: output our reader rejects is noted). */
  writesToml?: boolean;
  /** The run returns parse results, compared once with the baseline's (differences noted). */
  readsToml?: boolean;
  /** Checks the check run's output: a note when it is wrong (e.g. an edit that misses). */
  check?(data: SuiteData, output: unknown): string | undefined;
}

export interface Group {
  id: string;
  title: string;
  /** The contender every ratio in the group is relative to. */
  baseline: string;
  /** What an error thrown by a contender means here, for its "n/a" note. */
  failure: string;
  contenders: Contender[];
  /**
   * Each timed run comes after untimed runs of its contender for at least this many
   * milliseconds (GC settled before them): for a group with a WebAssembly contender, whose
   * compiled code a full GC keeps while it discards JavaScript's optimized code (see
   * `timeOnce` in measure.ts).
   */
  warmMs?: number;
}

export interface Suite {
  id: string;
  title: string;
  /** The data, or a reason why this suite cannot run here. */
  load(size: Size): SuiteData | { skipped: string };
  /** Measure peak memory per contender (pointless for a tiny document). */
  memory: boolean;
  /** Times one tiny document many times: the tables give ns per call. */
  perCall?: boolean;
  groups: Group[];
}

export const JSON_PARSE = 'JSON.parse (same data)';
export const JSON_STRINGIFY = 'JSON.stringify (same data)';
export const BUILD_FLOOR = 'JS build only (floor, see below)';

/** A contender that runs `fn` on every document (TOML or JSON) of the suite. */
export function eachDocument(
  name: string,
  source: 'toml' | 'json',
  fn: (text: string) => unknown,
): Contender {
  return {
    name,
    setup(data) {
      const texts = data[source];
      const repeat = data.repeat;
      return () => {
        let out: unknown[] = [];
        for (let r = 0; r < repeat; r++) {
          out = new Array<unknown>(texts.length);
          for (let i = 0; i < texts.length; i++) out[i] = fn(texts[i]!);
        }
        return out;
      };
    },
  };
}

/** A contender that writes back what `read` made of every document (`read` is untimed). */
export function eachValue(
  name: string,
  source: 'toml' | 'json',
  read: (text: string) => unknown,
  write: (value: unknown) => string,
): Contender {
  return {
    name,
    setup(data) {
      const values = data[source].map(read);
      const repeat = data.repeat;
      return () => {
        let out: string[] = [];
        for (let r = 0; r < repeat; r++) {
          out = new Array<string>(values.length);
          for (let i = 0; i < values.length; i++) out[i] = write(values[i]);
        }
        return out;
      };
    },
  };
}

/** The parse group: every peer that parses, `JSON.parse` of the same data, the build floor. */
function parseGroup(): Group {
  const group: Group = {
    id: 'parse',
    title: 'parse',
    baseline: OURS,
    failure: 'rejects input',
    contenders: [],
  };
  for (const peer of peers) {
    if (!peer.parse) continue;
    group.contenders.push({ ...eachDocument(peer.name, 'toml', peer.parse), readsToml: true });
  }
  group.contenders.push(eachDocument(JSON_PARSE, 'json', (text) => JSON.parse(text)));
  group.contenders.push({
    name: BUILD_FLOOR,
    setup(data) {
      const events = data.json.map((text) => eventsOf(JSON.parse(text)));
      const repeat = data.repeat;
      return () => {
        let out: unknown[] = [];
        for (let r = 0; r < repeat; r++) out = events.map(replay);
        return out;
      };
    },
  });
  return group;
}

/** The TOML groups: every peer where it applies, and JSON as the ceiling. */
function tomlGroups(): Group[] {
  const locatedGroup: Group = {
    id: 'located',
    title: 'located parse (values plus source positions)',
    baseline: OURS,
    failure: 'rejects input',
    contenders: [],
  };
  const stringifyGroup: Group = {
    id: 'stringify',
    title: 'stringify (each library writes what its own parse read)',
    baseline: OURS,
    failure: 'cannot write the data',
    contenders: [],
  };
  for (const peer of peers) {
    if (peer.located) locatedGroup.contenders.push(eachDocument(peer.name, 'toml', peer.located));
    if (peer.parse && peer.stringify) {
      const contender = eachValue(peer.name, 'toml', peer.parse, peer.stringify);
      stringifyGroup.contenders.push({ ...contender, writesToml: true });
    }
  }
  stringifyGroup.contenders.push(
    eachValue(
      JSON_STRINGIFY,
      'json',
      (text) => JSON.parse(text),
      (value) => JSON.stringify(value),
    ),
  );
  return [parseGroup(), locatedGroup, stringifyGroup];
}

/**
 * The per-call group: ours and smol-toml calling `parse` on one tiny document `repeat`
 * times per run, keeping each result until the next call (nothing else in the loop).
 */
function perCallGroup(): Group {
  return {
    id: 'parse',
    title: 'parse, many calls per run',
    baseline: OURS,
    failure: 'rejects input',
    contenders: peers
      .filter((peer) => peer.name === OURS || peer.name === 'smol-toml')
      .map((peer) => {
        const parsePeer = peer.parse!;
        return {
          name: peer.name,
          readsToml: true,
          setup(data: SuiteData): RunFn {
            const text = data.toml[0]!;
            const calls = data.repeat;
            return () => {
              let out: unknown = null;
              for (let i = 0; i < calls; i++) out = parsePeer(text);
              return [out];
            };
          },
        };
      }),
  };
}

/**
 * A part of the real-world corpus (quick runs take every 25th file), or why the corpus
 * cannot be read. The same files for every contender.
 */
function realWorld(
  size: Size,
  pick: (file: CorpusFile) => boolean,
): SuiteData | { skipped: string } {
  const corpus = loadCorpus(size === 'full' ? 1 : 25);
  if ('skipped' in corpus) return corpus;
  const files = corpus.files.filter(pick);
  return withJson(
    files.map((file) => file.text),
    1,
  );
}

/**
 * The suite's data with its JSON form: our parse of each document written by
 * `JSON.stringify` (date/times as their RFC 3339 text, a bigint as its decimal text,
 * nan and ±inf as null).
 */
function withJson(toml: string[], repeat: number): SuiteData {
  const json = toml.map((text) =>
    flat(
      JSON.stringify(parse(text), (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      ),
    ),
  );
  return { toml, json, repeat };
}

/** The manifest groups: the typed pipeline, the canonical encoder, the worker pool. */
function manifestGroups(): Group[] {
  const pipeline: Group = {
    id: 'pipeline',
    title: 'manifest pipeline: parse + build + validate (typed, checked, located) vs a plain parse',
    baseline: OURS,
    failure: 'rejects input',
    contenders: [
      eachDocument(OURS, 'toml', (text) => parseManifest(text).manifest),
      eachDocument('smol-toml parse', 'toml', (text) => smol.parse(text)),
    ],
  };
  const encode: Group = {
    id: 'encode',
    title: 'canonical encoding: encodeManifest (and with manifestDigest) vs smol-toml stringify',
    baseline: OURS,
    failure: 'cannot write the data',
    contenders: [
      eachValue(
        OURS,
        'toml',
        (text) => parseManifest(text).manifest,
        (manifest) => encodeManifest(manifest as Parameters<typeof encodeManifest>[0]),
      ),
      eachValue(
        `${OURS} encode + digest`,
        'toml',
        (text) => parseManifest(text).manifest,
        (manifest) => {
          // What manifestDigest does, keeping the text too: encode once, hash it.
          const text = encodeManifest(manifest as Parameters<typeof encodeManifest>[0]);
          return `sha256:${sha256Hex(text)}\n${text}`;
        },
      ),
      eachValue(
        'smol-toml stringify',
        'toml',
        (text) => smol.parse(text),
        (value) => smol.stringify(value as Record<string, unknown>),
      ),
    ],
  };
  const batch: Group = {
    id: 'batch',
    title: 'checkManifests over files on disk: worker threads vs one thread',
    baseline: '2 workers',
    failure: 'fails',
    contenders: [1, 2].map((workers) => ({
      name: `${workers} worker${workers === 1 ? '' : 's'}`,
      setup(data: SuiteData) {
        const paths = writeManifests(data.toml);
        return () => checkManifests(paths, { workers });
      },
    })),
  };
  return [pipeline, encode, batch];
}

let manifestDir: string | null = null;

/** The manifests as files in a temporary directory (written once per process, removed at exit). */
function writeManifests(texts: readonly string[]): string[] {
  if (manifestDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'volt-bench-'));
    manifestDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const dir = join(manifestDir, String(texts.length));
  mkdirSync(dir, { recursive: true });
  return texts.map((text, i) => {
    const path = join(dir, `m${i}.toml`);
    writeFileSync(path, text);
    return path;
  });
}

/**
 * Every suite, in report order. The ids are stable: targets and child processes use them.
 *
 * Extending (issue 7, the manifest parts), in a few lines each:
 * - Manifest pipeline: push a group onto the `manifests` suite's `groups` with contenders
 *   `eachDocument('volt-manifest', 'toml', (t) => validate(build(parseLocated(t))))` and
 *   `eachDocument('smol-toml parse', 'toml', (t) => smol.parse(t))`, baseline
 *   'volt-manifest'; then add its target to `ratioTargets` in `targets.ts`.
 * - `encodeManifest` + `manifestDigest`: a group with `eachValue('volt-manifest', 'toml',
 *   (t) => buildManifest(parseLocated(t)), (m) => encodeManifest(m) + manifestDigest(m))`
 *   against `eachValue('smol-toml stringify', 'toml', smol.parse, smol.stringify)`.
 * - Worker-pool batch: a contender's run may return a Promise (it is awaited inside the
 *   timing), so `{ name: '2 workers', setup: (d) => () => checkManifests(d.toml, { workers:
 *   2 }) }` next to the same with `workers: 1` is all it takes; the ratio column then
 *   gives the speed-up.
 * A whole new suite is one more entry below with its own `load`.
 */
export function suites(): Suite[] {
  return [
    {
      id: 'manifests',
      title: 'manifest set',
      memory: true,
      load: (size) => withJson(manifestSet(size === 'full' ? 10_000 : 100).map(flat), 1),
      groups: [...tomlGroups(), ...manifestGroups()],
    },
    {
      id: 'mixed',
      title: 'mixed document',
      memory: true,
      load: (size) => withJson([flat(mixedDocument(size === 'full' ? 5_000_000 : 50_000))], 1),
      groups: tomlGroups(),
    },
    {
      id: 'spec',
      title: 'TOML spec example',
      memory: false,
      load: (size) => {
        const text = readSpecExample();
        if (text === null) return { skipped: `${specExamplePath} not found` };
        return withJson([text], size === 'full' ? 500 : 20);
      },
      groups: tomlGroups(),
    },
    {
      id: 'realworld',
      title: 'real-world corpus, every file',
      memory: true,
      load: (size) => realWorld(size, () => true),
      groups: [parseGroup()],
    },
    {
      id: 'realworld-config',
      title: 'real-world corpus, config files (not lockfiles)',
      memory: false,
      load: (size) => realWorld(size, (file) => !file.lockfile),
      groups: [parseGroup()],
    },
    {
      id: 'realworld-small',
      title: `real-world corpus, files under ${SMALL_FILE_BYTES / 1024} KiB`,
      memory: false,
      load: (size) => realWorld(size, (file) => file.bytes < SMALL_FILE_BYTES),
      groups: [parseGroup()],
    },
    {
      id: 'realworld-lock',
      title: 'real-world corpus, lockfiles',
      memory: false,
      load: (size) => realWorld(size, (file) => file.lockfile),
      groups: [parseGroup()],
    },
    {
      id: 'distinct',
      title: 'distinct-keys document',
      memory: true,
      load: (size) =>
        withJson([flat(distinctKeysDocument(size === 'full' ? 5_000_000 : 50_000))], 1),
      groups: [parseGroup()],
    },
    {
      id: 'distinct-inline',
      title: 'distinct-keys document, inline tables only',
      memory: false,
      load: (size) =>
        withJson([flat(distinctKeysDocument(size === 'full' ? 5_000_000 : 50_000, true))], 1),
      groups: [parseGroup()],
    },
    {
      id: 'empty',
      title: "per call: parse('')",
      memory: false,
      perCall: true,
      load: (size) => withJson([''], size === 'full' ? 1_000_000 : 1_000),
      groups: [perCallGroup()],
    },
    {
      id: 'one-line',
      title: 'per call: a one-line document',
      memory: false,
      perCall: true,
      load: (size) => withJson([ONE_LINE], size === 'full' ? 1_000_000 : 1_000),
      groups: [perCallGroup()],
    },
    ...editSuites(),
  ];
}

/** The suites of the editing benchmark (issue 20); `--edit` runs only these. */
export const EDIT_SUITES = ['edit-manifests', 'edit-patch'];

/** The editing suites: the manifest job and the five-change patch (bench/editing.ts). */
function editSuites(): Suite[] {
  return [
    {
      id: 'edit-manifests',
      title: 'editing: manifest set',
      memory: false,
      // Fewer manifests than the parse suites: toml-patch takes several ms per manifest.
      load: (size) => withJson(manifestSet(size === 'full' ? 500 : 50).map(flat), 1),
      groups: [
        editGroup(
          'set-image',
          'set `workload.image` in each manifest and get the text back (read + edit + text)',
          () => IMAGE_CHANGE,
        ),
      ],
    },
    {
      id: 'edit-patch',
      title: 'editing: mixed document',
      memory: false,
      load: (size) => withJson([flat(mixedDocument(size === 'full' ? 100_000 : 20_000))], 1),
      groups: [editGroup('five-changes', `${FIVE_CHANGES_TEXT} (read + edit + text)`, fiveChanges)],
    },
  ];
}

/** The one-line document of the per-call suite. */
export const ONE_LINE = 'name = "volt"\n';

export function findContender(
  suiteId: string,
  groupId: string,
  name: string,
): { suite: Suite; group: Group; contender: Contender } {
  const suite = suites().find((s) => s.id === suiteId);
  const group = suite?.groups.find((g) => g.id === groupId);
  const contender = group?.contenders.find((c) => c.name === name);
  if (!suite || !group || !contender) throw new Error(`no contender ${suiteId}/${groupId}/${name}`);
  return { suite, group, contender };
}
