/**
 * Differential testing against an independent conforming implementation on this
 * machine: Python 3's `tomllib` (TOML 1.0). Random valid TOML 1.0 documents (from the
 * generator of the fuzz tests) and mutations of them (mostly invalid) are parsed by us
 * (`version: '1.0'`) and by tomllib; both must accept the same documents with exactly
 * the same values, type by type, and reject the same documents.
 *
 * One long-lived python3 process reads base64 documents as JSON lines on stdin and
 * answers each with one JSON line: a tagged value or an error marker.
 *
 * Known, legitimate differences are handled explicitly (never silently), each counted
 * and reported in the test's diagnostics, and each shown by its own test below:
 * - tomllib keeps fractional seconds to microseconds (Python's datetime): fractions are
 *   compared truncated to 6 digits.
 * - tomllib accepts integers beyond 64 bits (Python ints are unbounded); TOML requires an
 *   error for integers that cannot be represented losslessly, and we give one. Past
 *   4300 digits tomllib raises a ValueError (not a TOMLDecodeError).
 * - tomllib rejects year 0000 and second 60, both valid in TOML (RFC 3339 allows them),
 *   because Python's datetime cannot represent them.
 * - tomllib rejects a leading byte-order mark (it decodes with `utf-8`, not `utf-8-sig`);
 *   toml-test lists a document starting with one as valid. Such documents are sent to
 *   tomllib without the mark, and compared as usual.
 * - We reject nesting deeper than maxDepth (256), a documented limit of ours, not a
 *   TOML rule; tomllib goes to Python's recursion limit (then a RecursionError). Such
 *   documents are not sent to tomllib: its memory is quadratic in the length of a dotted
 *   key, and the mutator makes 100 000-part keys (the python process was OOM-killed).
 *   The python side also limits itself to 2 GiB and 20 s per document.
 * The generator avoids year 0000, second 60 and the mark (option `tomllibSafe`);
 * mutations may still produce any of these, and the classifier below names the
 * difference or fails the test.
 *
 * VOLT_DIFF_DOCUMENTS sets the number of generated documents (default 1000);
 * VOLT_FUZZ_SEED the seed.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import {
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  TomlError,
  parse,
} from '../lib/toml/index.js';
import { Rng, generateDocument, mutateBytes, mutateText, seedFor } from './fuzz-support.js';
import { needsTomlTest, tomlTestCases } from './helpers.js';

const DOCUMENTS = Number(process.env['VOLT_DIFF_DOCUMENTS'] ?? 1000);
const MUTANTS = DOCUMENTS * 2;
const SEED = Number(process.env['VOLT_FUZZ_SEED'] ?? 1);

const PYTHON = String.raw`
import base64, datetime, json, math, signal, sys, tomllib

# A safety net: tomllib needs memory quadratic in the length of a dotted key, so a
# hostile document could exhaust the machine; fail that document instead.
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
except Exception:
    pass

def timeout(signum, frame):
    raise TimeoutError("tomllib took more than 20 s")

signal.signal(signal.SIGALRM, timeout)

def clock(t):
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{t.microsecond:06d}"

def tag(v):
    if isinstance(v, bool):
        return ["bool", "true" if v else "false"]
    if isinstance(v, int):
        return ["integer", str(v)]
    if isinstance(v, float):
        if math.isnan(v):
            return ["float", "nan"]
        if math.isinf(v):
            return ["float", "inf" if v > 0 else "-inf"]
        return ["float", repr(v)]
    if isinstance(v, str):
        return ["string", v]
    if isinstance(v, datetime.datetime):
        text = f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{clock(v)}"
        if v.tzinfo is None:
            return ["datetime-local", text]
        minutes = round(v.utcoffset().total_seconds() / 60)
        sign = "-" if minutes < 0 else "+"
        minutes = abs(minutes)
        return ["datetime", f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"]
    if isinstance(v, datetime.date):
        return ["date-local", f"{v.year:04d}-{v.month:02d}-{v.day:02d}"]
    if isinstance(v, datetime.time):
        return ["time-local", clock(v)]
    if isinstance(v, list):
        return ["array", [tag(x) for x in v]]
    if isinstance(v, dict):
        return ["table", [[k, tag(v[k])] for k in sorted(v)]]
    raise TypeError(type(v).__name__)

for line in iter(sys.stdin.readline, ""):
    data = base64.b64decode(json.loads(line))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        out = {"error": "utf8", "message": str(e)}
    else:
        signal.alarm(20)
        try:
            out = {"value": tag(tomllib.loads(text))}
        except tomllib.TOMLDecodeError as e:
            out = {"error": "toml", "message": str(e)}
        except Exception as e:
            out = {"error": "crash", "message": f"{type(e).__name__}: {e}"}
        finally:
            signal.alarm(0)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`;

type Tagged = [string, string | Tagged[] | [string, Tagged][]];
type Answer = { value: Tagged } | { error: 'utf8' | 'toml' | 'crash'; message: string };

/** The python3 process, answering documents in order. */
class Tomllib {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((answer: Answer) => void)[] = [];
  private failure: Error | null = null;

  constructor() {
    this.child = spawn('python3', ['-c', PYTHON], { stdio: 'pipe' });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as Answer));
    let stderr = '';
    this.child.stderr.on('data', (data: Buffer) => (stderr += String(data)));
    this.child.on('exit', (code, signal) => {
      this.failure = new Error(`python3 exited (${String(code ?? signal)}): ${stderr}`);
      for (const waiting of this.waiting.splice(0))
        waiting({ error: 'crash', message: this.failure.message });
    });
  }

  ask(bytes: Uint8Array): Promise<Answer> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify(Buffer.from(bytes).toString('base64'))}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** Why python3 cannot be used here, or null when it can. */
function pythonProblem(): string | null {
  const probe = spawnSync('python3', ['-c', 'import tomllib'], { encoding: 'utf8' });
  if (probe.error) return `python3 is not available (${probe.error.message})`;
  if (probe.status !== 0) return `python3 has no tomllib (Python 3.11+ needed): ${probe.stderr}`;
  return null;
}

// ---- our side, in the same tagged form ------------------------------------------------------

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Fractional seconds to microseconds (truncated), as Python's datetime keeps them. */
function micro(second: number, fraction: string): string {
  return `${pad(second, 2)}.${(fraction + '000000').slice(0, 6)}`;
}

/** Code-point order, as Python's `sorted` orders str keys. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function tagOurs(value: unknown): Tagged {
  switch (typeof value) {
    case 'string':
      return ['string', value];
    case 'bigint':
      return ['integer', String(value)];
    case 'number':
      return ['float', floatText(value)];
    case 'boolean':
      return ['bool', String(value)];
  }
  if (value instanceof OffsetDateTime) {
    const offset = value.offsetMinutes;
    const abs = Math.abs(offset);
    const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
    return [
      'datetime',
      `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}T${pad(value.hour, 2)}:${pad(value.minute, 2)}:${micro(value.second, value.fraction)}${zone}`,
    ];
  }
  if (value instanceof LocalDateTime) {
    return [
      'datetime-local',
      `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}T${pad(value.hour, 2)}:${pad(value.minute, 2)}:${micro(value.second, value.fraction)}`,
    ];
  }
  if (value instanceof LocalDate) {
    return ['date-local', `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}`];
  }
  if (value instanceof LocalTime) {
    return [
      'time-local',
      `${pad(value.hour, 2)}:${pad(value.minute, 2)}:${micro(value.second, value.fraction)}`,
    ];
  }
  if (Array.isArray(value)) return ['array', value.map(tagOurs)];
  const table = value as Record<string, unknown>;
  return [
    'table',
    Object.keys(table)
      .sort(byCodePoint)
      .map((k): [string, Tagged] => [k, tagOurs(table[k])]),
  ];
}

/** Python's float repr in our float text (the same double, formatted by JavaScript). */
function normalizePython(tagged: Tagged): Tagged {
  const [type, value] = tagged;
  if (type === 'float') {
    const text = value as string;
    const number =
      text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
    return ['float', floatText(number)];
  }
  if (type === 'array') return ['array', (value as Tagged[]).map(normalizePython)];
  if (type === 'table') {
    return [
      'table',
      (value as [string, Tagged][]).map(([k, v]): [string, Tagged] => [k, normalizePython(v)]),
    ];
  }
  return tagged;
}

// ---- comparison ---------------------------------------------------------------------------

type Ours = { ok: true; value: Record<string, unknown> } | { ok: false; error: TomlError };

function ours(bytes: Uint8Array): Ours {
  try {
    return { ok: true, value: parse(bytes, { version: '1.0', integers: 'bigint' }) };
  } catch (error) {
    if (error instanceof TomlError) return { ok: false, error };
    throw error;
  }
}

const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

function someValue(tagged: Tagged, test: (t: Tagged) => boolean): boolean {
  if (test(tagged)) return true;
  const [type, value] = tagged;
  if (type === 'array') return (value as Tagged[]).some((v) => someValue(v, test));
  if (type === 'table') return (value as [string, Tagged][]).some(([, v]) => someValue(v, test));
  return false;
}

/** Containers nested below the root. */
function depthOf(tagged: Tagged): number {
  const [type, value] = tagged;
  let deepest = 0;
  if (type === 'array') for (const v of value as Tagged[]) deepest = Math.max(deepest, depthOf(v));
  else if (type === 'table') {
    for (const [, v] of value as [string, Tagged][]) deepest = Math.max(deepest, depthOf(v));
  } else return 0;
  return deepest + 1;
}

function anyDateTime(
  value: unknown,
  test: (d: { year?: number; second?: number }) => boolean,
): boolean {
  if (
    value instanceof LocalDate ||
    value instanceof LocalTime ||
    value instanceof LocalDateTime ||
    value instanceof OffsetDateTime
  ) {
    return test(value as { year?: number; second?: number });
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value).some((v) => anyDateTime(v, test));
  }
  return false;
}

/**
 * The known difference that explains a disagreement, or null (a real disagreement).
 * Each class is checked narrowly: the document must actually contain what tomllib
 * cannot handle, and tomllib must have failed (or succeeded) the way that explains it.
 */
function knownDifference(us: Ours, them: Answer): string | null {
  if (!us.ok && us.error.code === 'max-depth' && 'value' in them && depthOf(them.value) >= 256) {
    return 'nesting beyond maxDepth';
  }
  // Both reject, tomllib by running out of Python's recursion limit on deep nesting
  // (a crash, not a TOMLDecodeError) before or instead of finding the error we report.
  if (!us.ok && 'error' in them && them.error === 'crash' && /^RecursionError/.test(them.message)) {
    return 'tomllib RecursionError';
  }
  if (us.ok && 'error' in them && them.error === 'toml') {
    if (
      anyDateTime(us.value, (d) => d.year === 0) &&
      /Invalid date or datetime/.test(them.message)
    ) {
      return 'year 0000';
    }
    if (anyDateTime(us.value, (d) => d.second === 60)) return 'second 60';
  }
  // Both reject, but tomllib with a ValueError escaping from int() rather than a
  // TOMLDecodeError (what follows the digits may be what makes the document invalid).
  if (
    !us.ok &&
    'error' in them &&
    them.error === 'crash' &&
    /ValueError: Exceeds the limit \(\d+ digits\) for integer string conversion/.test(them.message)
  ) {
    return 'tomllib ValueError on a huge integer';
  }
  if (!us.ok && us.error.code === 'integer-overflow' && 'value' in them) {
    const beyond = someValue(
      them.value,
      ([type, v]) =>
        type === 'integer' && (BigInt(v as string) < INT64[0] || BigInt(v as string) > INT64[1]),
    );
    if (beyond) return 'integer beyond 64 bits';
  }
  return null;
}

interface Tally {
  documents: number;
  /** Milliseconds spent in our parse, and waiting for tomllib. */
  oursMs: number;
  theirsMs: number;
  bothAccepted: number;
  bothRejected: number;
  known: Record<string, number>;
  disagreements: string[];
}

function hasBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function count(tally: Tally, known: string): void {
  tally.known[known] = (tally.known[known] ?? 0) + 1;
}

function describeBytes(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  return JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text);
}

async function compare(python: Tomllib, batch: Uint8Array[], tally: Tally): Promise<void> {
  let start = performance.now();
  const results = batch.map(ours);
  tally.oursMs += performance.now() - start;
  // Nesting beyond maxDepth is our documented limit, not TOML's: such documents are
  // not sent to tomllib (whose memory is quadratic in the length of a dotted key, so a
  // 100 000-part key from the mutator would exhaust the machine).
  const asked = batch.map((bytes, i) => {
    const us = results[i]!;
    if (!us.ok && us.error.code === 'max-depth') return null;
    return python.ask(hasBom(bytes) ? bytes.subarray(3) : bytes);
  });
  start = performance.now();
  const answers = await Promise.all(asked);
  tally.theirsMs += performance.now() - start;
  for (let i = 0; i < batch.length; i++) {
    const bytes = batch[i]!;
    const them = answers[i]!;
    const us = results[i]!;
    tally.documents++;
    if (hasBom(bytes)) count(tally, 'byte-order mark, sent without it');
    if (them === null) {
      count(tally, 'nesting beyond maxDepth, not sent');
      continue;
    }
    let problem: string | null = null;
    if ('error' in them && them.error === 'crash') {
      const known = knownDifference(us, them);
      if (known !== null) count(tally, known);
      else {
        const verdict = us.ok
          ? 'we accept'
          : `we reject (${us.error.code} at ${us.error.line}:${us.error.column})`;
        problem = `tomllib crashed (${them.message}); ${verdict}`;
      }
    } else if (us.ok && 'value' in them) {
      const a = JSON.stringify(tagOurs(us.value));
      const b = JSON.stringify(normalizePython(them.value));
      if (a === b) tally.bothAccepted++;
      else problem = `different values:\n      ours    ${a}\n      tomllib ${b}`;
    } else if (!us.ok && 'error' in them) {
      tally.bothRejected++;
    } else {
      const known = knownDifference(us, them);
      if (known !== null) {
        count(tally, known);
        continue;
      }
      problem = us.ok
        ? `we accept, tomllib rejects (${'error' in them ? them.message : ''})`
        : `we reject (${us.error.code} at ${us.error.line}:${us.error.column}: ${us.error.message}), tomllib accepts`;
    }
    if (problem !== null && tally.disagreements.length < 30) {
      tally.disagreements.push(`${problem}\n    document ${describeBytes(bytes)}`);
    }
  }
}

const encoder = new TextEncoder();

function newTally(): Tally {
  return {
    documents: 0,
    oursMs: 0,
    theirsMs: 0,
    bothAccepted: 0,
    bothRejected: 0,
    known: {},
    disagreements: [],
  };
}

describe('differential testing against Python tomllib (TOML 1.0)', () => {
  const problem = pythonProblem();
  let python: Tomllib | null = null;
  before(() => {
    if (problem === null) python = new Tomllib();
  });
  after(() => python?.close());

  it(`agrees on ${DOCUMENTS} generated documents and their mutations (seed ${SEED})`, async (t) => {
    if (problem !== null) {
      t.skip(problem);
      return;
    }
    const tally = newTally();
    const corpus: string[] = [];
    let batch: Uint8Array[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const rng = new Rng(seedFor(SEED, 3, i));
      const doc = generateDocument(rng, { v11: false, tomllibSafe: true });
      corpus.push(doc.text);
      const bytes = encoder.encode(doc.text);
      batch.push(bytes);
      // Two mutants per document: mostly invalid, sometimes still valid. (A lone
      // surrogate inserted by the text mutator is encoded as U+FFFD.)
      batch.push(encoder.encode(mutateText(rng, doc.text, corpus)));
      batch.push(
        rng.chance(0.5)
          ? encoder.encode(mutateText(rng, doc.text, corpus))
          : mutateBytes(rng, bytes, [bytes]),
      );
      if (batch.length >= 300) {
        await compare(python!, batch, tally);
        batch = [];
      }
    }
    await compare(python!, batch, tally);
    t.diagnostic(
      `${tally.documents} documents: ${tally.bothAccepted} accepted by both, ${tally.bothRejected} rejected by both, known differences ${JSON.stringify(tally.known)}; ${Math.round(tally.oursMs)} ms in our parse, ${Math.round(tally.theirsMs)} ms waiting for tomllib`,
    );
    assert.deepEqual(tally.disagreements, []);
    assert.equal(tally.documents, DOCUMENTS * 3);
    // Every generated document is valid, so at least a third are accepted; the mutants
    // are mostly invalid.
    assert.ok(tally.bothAccepted >= DOCUMENTS, `${tally.bothAccepted} accepted by both`);
    assert.ok(tally.bothRejected >= DOCUMENTS / 2, `${tally.bothRejected} rejected by both`);
  });

  it(
    `agrees on every toml-test 1.0 document and mutations of them (seed ${SEED})`,
    needsTomlTest,
    async (t) => {
      if (problem !== null) {
        t.skip(problem);
        return;
      }
      const tally = newTally();
      const cases = tomlTestCases('1.0');
      const texts = cases.map((c) => readFileSync(c.tomlPath, 'utf8'));
      const batch: Uint8Array[] = [];
      for (const c of cases) batch.push(new Uint8Array(readFileSync(c.tomlPath)));
      for (let i = 0; i < MUTANTS; i++) {
        const rng = new Rng(seedFor(SEED, 4, i));
        const base = rng.int(cases.length);
        batch.push(
          rng.chance(0.7)
            ? encoder.encode(mutateText(rng, texts[base]!, texts))
            : mutateBytes(rng, batch[base]!, batch.slice(0, cases.length)),
        );
      }
      for (let i = 0; i < batch.length; i += 300)
        await compare(python!, batch.slice(i, i + 300), tally);
      t.diagnostic(
        `${tally.documents} documents: ${tally.bothAccepted} accepted by both, ${tally.bothRejected} rejected by both, known differences ${JSON.stringify(tally.known)}`,
      );
      assert.deepEqual(tally.disagreements, []);
      assert.equal(tally.documents, cases.length + MUTANTS);
      assert.ok(tally.bothAccepted >= cases.filter((c) => c.valid).length - 1);
      assert.ok(tally.bothRejected >= cases.filter((c) => !c.valid).length);
    },
  );

  describe('known differences, each shown explicitly', () => {
    async function both(text: string | Uint8Array): Promise<{ us: Ours; them: Answer }> {
      const bytes = typeof text === 'string' ? encoder.encode(text) : text;
      return { us: ours(bytes), them: await python!.ask(bytes) };
    }

    it('fractional seconds: tomllib keeps microseconds, we keep every digit', async (t) => {
      if (problem !== null) return t.skip(problem);
      const { us, them } = await both(
        't = 07:32:00.123456789\nd = 1979-05-27T00:32:00.9999999-07:00',
      );
      assert.ok(us.ok && 'value' in them);
      assert.equal(String(us.value['t']), '07:32:00.123456789');
      assert.equal(JSON.stringify(tagOurs(us.value)), JSON.stringify(normalizePython(them.value)));
      assert.match(JSON.stringify(them.value), /07:32:00\.123456"/);
    });

    it('integers beyond 64 bits: tomllib accepts them, TOML requires an error', async (t) => {
      if (problem !== null) return t.skip(problem);
      for (const text of [
        'a = 9223372036854775808',
        'a = -9223372036854775809',
        'a = 0xffffffffffffffff',
      ]) {
        const { us, them } = await both(text);
        assert.ok(!us.ok && us.error.code === 'integer-overflow', text);
        assert.ok('value' in them, text);
        assert.equal(knownDifference(us, them), 'integer beyond 64 bits');
      }
      const edge = await both('a = 9223372036854775807\nb = -9223372036854775808');
      assert.ok(edge.us.ok && 'value' in edge.them);
      assert.equal(
        JSON.stringify(tagOurs(edge.us.value)),
        JSON.stringify(normalizePython(edge.them.value)),
      );
    });

    it('huge integers: tomllib raises ValueError (not TOMLDecodeError) past 4300 digits', async (t) => {
      if (problem !== null) return t.skip(problem);
      const text = `a = 1${'0'.repeat(5000)}`;
      const { us, them } = await both(text);
      assert.ok(!us.ok && us.error.code === 'integer-overflow');
      assert.ok('error' in them && them.error === 'crash', JSON.stringify(them).slice(0, 200));
      assert.equal(knownDifference(us, them), 'tomllib ValueError on a huge integer');
    });

    it('nesting: we stop at maxDepth (256), tomllib at its recursion limit', async (t) => {
      if (problem !== null) return t.skip(problem);
      const deep = `a = ${'['.repeat(300)}${']'.repeat(300)}`;
      const first = await both(deep);
      assert.ok(!first.us.ok && first.us.error.code === 'max-depth');
      assert.ok('value' in first.them);
      assert.equal(knownDifference(first.us, first.them), 'nesting beyond maxDepth');
      const deeper = `a = ${'['.repeat(5000)}${']'.repeat(5000)}`;
      const second = await both(deeper);
      assert.ok(!second.us.ok && second.us.error.code === 'max-depth');
      assert.ok('error' in second.them && second.them.error === 'crash');
      assert.match(second.them.message, /RecursionError/);
      assert.equal(knownDifference(second.us, second.them), 'tomllib RecursionError');
      // Also when our error is another one, found before the deep value.
      const keyFirst = `a.b = 1\na.b.c = ${'['.repeat(5000)}${']'.repeat(5000)}`;
      const early = await both(keyFirst);
      assert.ok(!early.us.ok && early.us.error.code === 'key-is-value');
      assert.equal(knownDifference(early.us, early.them), 'tomllib RecursionError');
      // At the limit both accept, with the same value.
      const limit = `a = ${'['.repeat(256)}${']'.repeat(256)}`;
      const third = await both(limit);
      assert.ok(third.us.ok && 'value' in third.them);
      assert.equal(
        JSON.stringify(tagOurs(third.us.value)),
        JSON.stringify(normalizePython(third.them.value)),
      );
    });

    it('year 0000 and second 60: valid TOML, not representable in Python', async (t) => {
      if (problem !== null) return t.skip(problem);
      for (const [text, known] of [
        ['a = 0000-01-01', 'year 0000'],
        ['a = 0000-01-01T00:00:00Z', 'year 0000'],
        ['a = 23:59:60', 'second 60'],
        ['a = 1990-12-31T23:59:60Z', 'second 60'],
      ] as const) {
        const { us, them } = await both(text);
        assert.ok(us.ok, text);
        assert.ok('error' in them && them.error === 'toml', text);
        assert.equal(knownDifference(us, them), known);
      }
    });

    it('a leading byte-order mark: tomllib rejects it, toml-test lists it as valid', async (t) => {
      if (problem !== null) return t.skip(problem);
      const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, ...encoder.encode('a = 1'));
      const { us, them } = await both(bytes);
      assert.ok(us.ok);
      assert.ok('error' in them && them.error === 'toml');
      // Without the mark, tomllib gives our value (what the comparison does).
      const without = await python!.ask(bytes.subarray(3));
      assert.ok('value' in without);
      assert.equal(
        JSON.stringify(tagOurs(us.value)),
        JSON.stringify(normalizePython(without.value)),
      );
    });

    it('anything else is a disagreement, not a known difference', async (t) => {
      if (problem !== null) return t.skip(problem);
      const bytes = encoder.encode('a = 1');
      const { us } = await both(bytes);
      const fake: Answer = { error: 'toml', message: 'Invalid statement' };
      assert.equal(knownDifference(us, fake), null);
      const overflow = ours(encoder.encode('a = 9223372036854775808'));
      assert.equal(
        knownDifference(overflow, { value: ['table', [['a', ['integer', '1']]]] }),
        null,
      );
    });
  });
});
