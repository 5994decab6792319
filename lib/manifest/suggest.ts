/** "Did you mean …?" for keys and enumerated values. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** Spelling-insensitive form: case, `-`/`_`/spaces ignored. */
function fold(text: string): string {
  return text.toLowerCase().replace(/[-_\s]/g, '');
}

/** Inputs shorter than this (folded) are too short to be taken as a prefix or a part. */
const MIN_PART = 3;

/** The one candidate whose folded form passes `test`, or undefined (none, or several). */
function single(
  folded: readonly string[],
  candidates: readonly string[],
  test: (candidate: string) => boolean,
): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < candidates.length; i++) {
    if (!test(folded[i]!)) continue;
    if (found !== undefined) return undefined;
    found = candidates[i];
  }
  return found;
}

/**
 * The candidate closest to `input`, if close enough to be a likely typo, tried in this
 * order: the same word up to case and separators (`TCP` for `tcp`); the start of exactly
 * one candidate (`CAP_NET_BIND` for `CAP_NET_BIND_SERVICE`); a part of exactly one
 * candidate (`kvm` for `hybrid-kvm`); within an edit distance of about a third of its
 * length. Prefixes and parts come first because edit distance ranks a short word by its
 * letters alone (`CAP_NET_BIND` is nearer `CAP_SETGID` than its own full name).
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const folded = list.map(fold);
  const foldedInput = fold(input);
  const same = folded.indexOf(foldedInput);
  if (same !== -1) return list[same];
  if (foldedInput.length >= MIN_PART) {
    const match =
      single(folded, list, (c) => c.startsWith(foldedInput)) ??
      single(folded, list, (c) => c.includes(foldedInput));
    if (match !== undefined) return match;
  }
  const limit = Math.max(1, Math.floor(Math.max(input.length, 3) / 3));
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    // Lengths further apart than the limit cannot be within it: this also keeps a long
    // input (a key of a megabyte) from costing its length times each candidate's.
    if (Math.abs(candidate.length - input.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean 'x'?)` or `''`. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}
