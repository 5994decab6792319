/**
 * How many terminal columns text takes: East Asian Wide and Fullwidth characters two,
 * combining marks none, everything else one. So a caret lines up under text with CJK or
 * emoji in it. (Terminals differ on the rest: ambiguous-width characters count one, and an
 * emoji sequence joined by U+200D counts each emoji.)
 */

/**
 * The Wide (W) and Fullwidth (F) ranges of Unicode's EastAsianWidth.txt (Unicode 16) that
 * are not emoji shown as emoji (`\p{Emoji_Presentation}`, tested below), as [first, last]
 * pairs in order. Unassigned code points between two ranges are taken into one range.
 */
const WIDE = [
  0x1100, 0x115f, 0x2329, 0x232a, 0x2630, 0x2637, 0x268a, 0x268f, 0x2e80, 0x303e, 0x3041, 0x3247,
  0x3250, 0xa4c6, 0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfaff, 0xfe10, 0xfe19, 0xfe30, 0xfe6b,
  0xff01, 0xff60, 0xffe0, 0xffe6, 0x16fe0, 0x1b2fb, 0x1d300, 0x1d376, 0x1f1ae, 0x1f265, 0x1f6d9,
  0x1f6d9, 0x1f7da, 0x1f7da, 0x1fa8b, 0x1fafa, 0x20000, 0x3fffd,
];

/** Combining marks (enclosing ones too, and variation selectors) and zero-width characters. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200d\u2060\ufeff]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;

function isWide(codePoint: number): boolean {
  let low = 0;
  let high = WIDE.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < WIDE[middle * 2]!) high = middle - 1;
    else if (codePoint > WIDE[middle * 2 + 1]!) low = middle + 1;
    else return true;
  }
  return false;
}

/** Columns one character (a code point) takes on a terminal: 0, 1 or 2. */
export function charWidth(char: string): number {
  const codePoint = char.codePointAt(0)!;
  if (codePoint < 0x300) return 1; // Latin, before the first combining mark
  if (ZERO_WIDTH.test(char)) return 0;
  // A regional indicator is half of a flag: the pair shows two columns wide.
  if (codePoint >= 0x1f1e6 && codePoint <= 0x1f1ff) return 1;
  if (isWide(codePoint)) return 2;
  return EMOJI.test(char) ? 2 : 1;
}

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/**
 * A code frame (`N | text` over `  | ^^^`, as CodeFrameLine renders it, the caret line
 * counting one column per character) with the caret moved and sized by display width, so
 * that it stays under the same characters on screen. Tabs before the caret are kept.
 */
export function alignCaret(frame: string): string {
  const [source, caret] = frame.split('\n') as [string, string];
  const gutter = source.indexOf(' | ') + 3;
  const chars = Array.from(source.slice(gutter));
  const marks = caret.slice(gutter);
  const start = marks.search(/[^ \t]/);
  if (start === -1) return frame;
  const length = marks.length - start;
  let indent = '';
  for (let i = 0; i < start; i++) {
    const char = chars[i];
    indent += char === '\t' ? '\t' : ' '.repeat(char === undefined ? 1 : charWidth(char));
  }
  let width = 0;
  for (let i = start; i < start + length; i++) {
    const char = chars[i];
    width += char === undefined ? 1 : charWidth(char);
  }
  return `${source}\n${caret.slice(0, gutter)}${indent}${'^'.repeat(Math.max(1, width))}`;
}
