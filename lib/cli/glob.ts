/**
 * Path patterns, written without a dependency: the globs given on the command line
 * (`'ex/**\/*.toml'`) and the lines of `.gitignore` files, which share one syntax (`*`, `?`,
 * `[...]`, `**`, `\` escapes), matched against `/`-separated paths.
 */
import { lstatSync, readFileSync } from 'node:fs';

/** Whether `text` has a character that makes it a pattern: an unescaped `*`, `?` or `[`. */
export function isGlob(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** One code point of a segment pattern: itself, `?` (any), or a class (`[a-z]`, `[!a-z]`). */
type Unit =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'class'; negated: boolean; ranges: [number, number][] };
/** A segment pattern: `*` (STAR, any run of code points) between units. */
type SegmentToken = Unit | typeof STAR;
const STAR = Symbol('*');
/** `**` as a whole segment: any number of whole segments. */
const GLOBSTAR = Symbol('**');

function unitMatches(unit: Unit, char: string): boolean {
  if (unit.kind === 'any') return true;
  if (unit.kind === 'char') return unit.char === char;
  const code = char.codePointAt(0)!;
  const inside = unit.ranges.some(([from, to]) => from <= code && code <= to);
  return inside !== unit.negated;
}

/**
 * One segment (no `/`): `*` any run of characters, `?` one, `[a-z]`, `[!a-z]` or `[^a-z]`
 * a class, `\x` the character x. A `[` without its `]` is itself; a range written backwards
 * (`[z-a]`) matches nothing, as in git; `**` inside a segment is one star.
 */
function segmentTokens(segment: string): SegmentToken[] {
  const chars = Array.from(segment);
  const out: SegmentToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (out[out.length - 1] !== STAR) out.push(STAR);
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '[') {
      const parsed = classUnit(chars, i + 1);
      if (parsed === null) out.push({ kind: 'char', char: c });
      else {
        out.push(parsed.unit);
        i = parsed.end;
      }
    } else if (c === '\\' && i + 1 < chars.length) out.push({ kind: 'char', char: chars[++i]! });
    else out.push({ kind: 'char', char: c });
  }
  return out;
}

/** The class that starts after a `[` at `start`, and the index of its `]`; null when unclosed. */
function classUnit(chars: string[], start: number): { unit: Unit; end: number } | null {
  let i = start;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  let first = true;
  const read = (): string => (chars[i] === '\\' && i + 1 < chars.length ? chars[++i]! : chars[i]!);
  for (; i < chars.length && (chars[i] !== ']' || first); i++) {
    first = false;
    const from = read().codePointAt(0)!;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      i += 2;
      const to = read().codePointAt(0)!;
      if (from <= to) ranges.push([from, to]);
    } else ranges.push([from, from]);
  }
  if (i >= chars.length) return null;
  return { unit: { kind: 'class', negated, ranges }, end: i };
}

/**
 * Whether `tokens` match all of `items`, each token one item but `star`, which matches
 * any run of them. Backtracking goes only to the last star met (a later star can take
 * whatever an earlier one would have), so a test costs at most tokens x items steps, never
 * the exponential time of a backtracking regular expression with several stars
 * (`*a*a*a*a*b` against a long name of a's). `step` counts the comparisons.
 */
function wildcardMatch<T, I>(
  tokens: readonly T[],
  star: T,
  items: readonly I[],
  matches: (token: T, item: I) => boolean,
  step: () => void,
): boolean {
  let t = 0;
  let i = 0;
  let starAt = -1;
  let starItem = 0;
  while (i < items.length) {
    step();
    if (t < tokens.length && tokens[t] === star) {
      starAt = t++;
      starItem = i;
    } else if (t < tokens.length && matches(tokens[t]!, items[i]!)) {
      t++;
      i++;
    } else if (starAt !== -1) {
      t = starAt + 1;
      i = ++starItem;
    } else return false;
  }
  while (t < tokens.length && tokens[t] === star) t++;
  return t === tokens.length;
}

/** A compiled path pattern: `test` says whether a whole `/`-separated relative path matches. */
export interface PathPattern {
  test(path: string): boolean;
  /** Comparisons made by every `test` so far (the cost, for tests: linear, never exponential). */
  readonly steps: number;
}

/**
 * A pattern over a whole `/`-separated relative path: `**` as a whole segment matches
 * any number of directories (`**\/b` at any depth, `a/**\/b` from `a/b` down, `a/**`
 * everything inside `a`); elsewhere two stars are one star. Matched segment by segment,
 * each segment code point by code point, with no regular expression: a test costs at most
 * the pattern's length times the path's, whatever the pattern.
 */
export function globMatcher(pattern: string): PathPattern {
  const segments: (SegmentToken[] | typeof GLOBSTAR)[] = [];
  const parts = pattern.split('/');
  parts.forEach((segment, i) => {
    if (segment !== '**') segments.push(segmentTokens(segment));
    // A final `**` takes at least one segment (`a/**` is inside `a`, not `a` itself):
    // one segment of anything, then any number more.
    else if (i === parts.length - 1) segments.push([STAR], GLOBSTAR);
    else if (segments[segments.length - 1] !== GLOBSTAR) segments.push(GLOBSTAR);
  });
  let steps = 0;
  const step = () => void steps++;
  const segmentMatches = (tokens: SegmentToken[] | typeof GLOBSTAR, name: string) =>
    wildcardMatch<SegmentToken, string>(
      tokens as SegmentToken[],
      STAR,
      Array.from(name),
      (token, char) => unitMatches(token as Unit, char),
      step,
    );
  return {
    test: (path) => wildcardMatch(segments, GLOBSTAR, path.split('/'), segmentMatches, step),
    get steps() {
      return steps;
    },
  };
}

/** One line of a `.gitignore` file (or an `--ignore` pattern), ready to match. */
export interface IgnoreRule {
  /** The directory the pattern is relative to: absolute, no trailing `/` (but `/`). */
  base: string;
  /** `!pattern`: a match re-includes what an earlier pattern excluded. */
  negated: boolean;
  /** `pattern/`: matches directories only. */
  directoryOnly: boolean;
  /** Has a `/` at the start or in the middle: matched against the path from `base`, else the name. */
  anchored: boolean;
  pattern: PathPattern;
  /** The pattern as written, for messages. */
  text: string;
}

/**
 * The rules of one `.gitignore` text whose directory is `base` (absolute), as git reads
 * them: blank lines and `#` comments skipped (`\#` is a pattern), trailing spaces dropped
 * unless escaped (`\ `), `!` negates (`\!` is a pattern starting with `!`), a trailing `/`
 * matches directories only, and a `/` at the start or in the middle anchors the pattern
 * to `base` (without one it matches a name at any depth below `base`).
 */
export function parseIgnoreRules(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const rule = ignoreRule(line, base);
    if (rule !== null) rules.push(rule);
  }
  return rules;
}

/** One pattern line (see parseIgnoreRules); null for a blank line or a comment. */
export function ignoreRule(line: string, base: string): IgnoreRule | null {
  if (line === '' || line.startsWith('#')) return null;
  let pattern = line;
  // Trailing spaces go, unless the last one is escaped (an even run of backslashes before
  // it escapes nothing).
  while (pattern.endsWith(' ')) {
    let backslashes = 0;
    for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
    if (backslashes % 2 === 1) break;
    pattern = pattern.slice(0, -1);
  }
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith('/');
  if (directoryOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.includes('/');
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  if (pattern === '') return null;
  return { base, negated, directoryOnly, anchored, pattern: globMatcher(pattern), text: line };
}

/**
 * Whether `rules` (in the order read: outer files before inner ones, each file's lines in
 * order) exclude `path` (absolute), a directory or not: the last rule that matches decides.
 * Only the path itself is matched; what is inside an excluded directory is never reached.
 */
export function isIgnored(
  rules: readonly IgnoreRule[],
  path: string,
  isDirectory: boolean,
): boolean {
  let ignored = false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    if (rule.negated !== ignored) continue; // cannot change the answer
    const prefix = rule.base === '/' ? '/' : `${rule.base}/`;
    if (!path.startsWith(prefix)) continue;
    if (rule.pattern.test(rule.anchored ? path.slice(prefix.length) : name))
      ignored = !rule.negated;
  }
  return ignored;
}

/** The rules of `directory/.gitignore` (absolute), or none when it has none or cannot be read. */
export function gitignoreRules(directory: string): IgnoreRule[] {
  const path = `${directory === '/' ? '' : directory}/.gitignore`;
  let text;
  try {
    // A regular file only: reading a FIFO put there would wait for a writer forever.
    if (!lstatSync(path).isFile()) return [];
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseIgnoreRules(text, directory);
}
