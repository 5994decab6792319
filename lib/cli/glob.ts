/**
 * Path patterns, written without a dependency: the globs given on the command line
 * (`'ex/**\/*.toml'`) and the lines of `.gitignore` files, which share one syntax (`*`, `?`,
 * `[...]`, `**`, `\` escapes) compiled to a regular expression over `/`-separated paths.
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

/** Characters that stand for themselves only when escaped, outside a class and in one. */
const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const CLASS_SYNTAX = /[\\^$.*+?()[\]{}|/-]/g;

/**
 * One segment (no `/`) as regular-expression source: `*` any run of characters but `/`,
 * `?` one, `[a-z]`, `[!a-z]` or `[^a-z]` a class, `\x` the character x. A `[` without its
 * `]` is itself; a range written backwards (`[z-a]`) matches nothing, as in git.
 */
function segmentSource(segment: string): string {
  const chars = Array.from(segment);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const parsed = classSource(chars, i + 1);
      if (parsed === null) out += '\\[';
      else {
        out += parsed.source;
        i = parsed.end;
      }
    } else if (c === '\\' && i + 1 < chars.length) out += chars[++i]!.replace(SYNTAX, '\\$&');
    else out += c.replace(SYNTAX, '\\$&');
  }
  return out;
}

/** The class that starts after a `[` at `start`, and the index of its `]`; null when unclosed. */
function classSource(chars: string[], start: number): { source: string; end: number } | null {
  let i = start;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const items: string[] = [];
  let first = true;
  const read = (): string => (chars[i] === '\\' && i + 1 < chars.length ? chars[++i]! : chars[i]!);
  for (; i < chars.length && (chars[i] !== ']' || first); i++) {
    first = false;
    const from = read();
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      i += 2;
      const to = read();
      if (from.codePointAt(0)! <= to.codePointAt(0)!)
        items.push(`${from.replace(CLASS_SYNTAX, '\\$&')}-${to.replace(CLASS_SYNTAX, '\\$&')}`);
    } else items.push(from.replace(CLASS_SYNTAX, '\\$&'));
  }
  if (i >= chars.length) return null;
  // A class never matches the separator, negated or not.
  if (negated) return { source: `[^/${items.join('')}]`, end: i };
  return { source: items.length === 0 ? '(?!)' : `[${items.join('')}]`, end: i };
}

/**
 * A pattern over a whole `/`-separated relative path: `**` as a whole segment matches
 * any number of directories (`**\/b` at any depth, `a/**\/b` from `a/b` down, `a/**`
 * everything inside `a`); elsewhere two stars are one star.
 */
export function globRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  let source = '';
  let slash = false;
  segments.forEach((segment, i) => {
    if (segment === '**') {
      if (i === segments.length - 1) source += `${slash ? '/' : ''}.*`;
      else {
        source += `${slash ? '/' : ''}(?:.*/)?`;
        slash = false;
      }
    } else {
      source += `${slash ? '/' : ''}${segmentSource(segment)}`;
      slash = true;
    }
  });
  return new RegExp(`^${source}$`, 'u');
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
  regExp: RegExp;
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
  return { base, negated, directoryOnly, anchored, regExp: globRegExp(pattern), text: line };
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
    if (rule.regExp.test(rule.anchored ? path.slice(prefix.length) : name)) ignored = !rule.negated;
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
