/**
 * Unified diffs for `fmt --diff`, as `diff -u` and `ruff format --diff` print them. The
 * edit script is Myers' greedy algorithm on the lines between the common prefix and
 * suffix, its cost O((N + M) · D) for D changed lines; past `MAX_EDITS` the rest of that
 * middle is written as one replacement, so no input costs more than linear time with a
 * fixed factor (a diff then is still correct, only less minimal).
 */
import { escapeControl, paint } from './report.js';

/** Lines of context around each change. */
const CONTEXT = 3;
/** Edits searched for before the middle is written as one replacement. */
export const MAX_EDITS = 512;

/** One line of the script: kept (' '), removed ('-') or added ('+'). */
type Op = ' ' | '-' | '+';

/**
 * The edit script turning `a` into `b` for lines a[aStart, aEnd) and b[bStart, bEnd),
 * appended to `ops` as [op, line index in a or b].
 */
function middleScript(
  a: readonly string[],
  b: readonly string[],
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
  ops: [Op, number][],
): void {
  const n = aEnd - aStart;
  const m = bEnd - bStart;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // Each step's furthest-reaching x by diagonal, to walk the path back.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[aStart + x] === b[bStart + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    // Too many changes to search for the fewest: all of the middle, out and in.
    for (let i = aStart; i < aEnd; i++) ops.push(['-', i]);
    for (let j = bStart; j < bEnd; j++) ops.push(['+', j]);
    return;
  }
  const reversed: [Op, number][] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      reversed.push([' ', aStart + x]);
    }
    if (down) reversed.push(['+', bStart + --y]);
    else reversed.push(['-', aStart + --x]);
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    reversed.push([' ', aStart + x]);
  }
  for (let i = reversed.length - 1; i >= 0; i--) ops.push(reversed[i]!);
}

/** The script for all of `a` to `b`: common prefix and suffix first, then the middle. */
function script(a: readonly string[], b: readonly string[]): [Op, number][] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let aEnd = a.length;
  let bEnd = b.length;
  while (aEnd > start && bEnd > start && a[aEnd - 1] === b[bEnd - 1]) {
    aEnd--;
    bEnd--;
  }
  const ops: [Op, number][] = [];
  for (let i = 0; i < start; i++) ops.push([' ', i]);
  middleScript(a, b, start, aEnd, start, bEnd, ops);
  for (let i = aEnd; i < a.length; i++) ops.push([' ', i]);
  return ops;
}

/** Lines of a text, without their line endings (a final line ending makes no empty line). */
function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A line of the diff, safe to print: control characters escaped as in every message
 * (tabs stay, as the file has them; they do nothing to a terminal).
 */
function shown(line: string): string {
  return line.split('\t').map(escapeControl).join('\t');
}

/**
 * The unified diff from `before` to `after` for `file` (`--- a/file`, `+++ b/file`, hunks
 * with three lines of context), or '' when they are the same line for line.
 */
export function unifiedDiff(file: string, before: string, after: string, color: boolean): string {
  const a = linesOf(before);
  const b = linesOf(after);
  const ops = script(a, b);
  const red = paint(color, '31');
  const green = paint(color, '32');
  const cyan = paint(color, '36');
  let out = '';
  let i = 0;
  // Positions in a and b of the op at i.
  let aLine = 0;
  let bLine = 0;
  while (i < ops.length) {
    if (ops[i]![0] === ' ') {
      i++;
      aLine++;
      bLine++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change
    // that is within 2 · CONTEXT kept lines of the one before it.
    const back = Math.min(CONTEXT, aLine, bLine);
    let end = i;
    let kept = 0;
    for (let j = i; j < ops.length; j++) {
      if (ops[j]![0] === ' ') {
        kept++;
        if (kept > 2 * CONTEXT) break;
      } else {
        kept = 0;
        end = j;
      }
    }
    const last = Math.min(ops.length - 1, end + CONTEXT);
    const first = i - back;
    let aCount = 0;
    let bCount = 0;
    let body = '';
    for (let j = first; j <= last; j++) {
      const [op, index] = ops[j]!;
      if (op === ' ') {
        aCount++;
        bCount++;
        body += ` ${shown(a[index]!)}\n`;
      } else if (op === '-') {
        aCount++;
        body += `${red(`-${shown(a[index]!)}`)}\n`;
      } else {
        bCount++;
        body += `${green(`+${shown(b[index]!)}`)}\n`;
      }
    }
    const aFrom = aLine - back + (aCount === 0 ? 0 : 1);
    const bFrom = bLine - back + (bCount === 0 ? 0 : 1);
    out += `${cyan(`@@ -${aFrom},${aCount} +${bFrom},${bCount} @@`)}\n${body}`;
    for (let j = i; j <= last; j++) {
      const op = ops[j]![0];
      if (op !== '+') aLine++;
      if (op !== '-') bLine++;
    }
    i = last + 1;
  }
  if (out === '') return '';
  const name = shown(file);
  return `${paint(color, '1')(`--- a/${name}`)}\n${paint(color, '1')(`+++ b/${name}`)}\n${out}`;
}
