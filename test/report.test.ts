/** The CLI's report formats, in process: what they cost. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceCache, formatHuman } from '../lib/cli/report.js';
import type { Diagnostic } from '../lib/manifest/diagnostics.js';

/** Source lines given by the test instead of read from files. */
class GivenSources extends SourceCache {
  constructor(private readonly text: string) {
    super();
  }
  override line(): string {
    return this.text;
  }
}

/** A stand-in for a line of text that counts the characters read from it. */
function countingText(line: string): { text: string; reads: () => number } {
  let reads = 0;
  const text = {
    length: line.length,
    charCodeAt(i: number) {
      reads++;
      return line.charCodeAt(i);
    },
    codePointAt(i: number) {
      reads++;
      return line.codePointAt(i);
    },
    slice(start?: number, end?: number) {
      const part = line.slice(start, end);
      reads += part.length;
      return part;
    },
    toString() {
      reads += line.length;
      return line;
    },
    [Symbol.iterator]() {
      reads += line.length;
      return line[Symbol.iterator]();
    },
  };
  return { text: text as unknown as string, reads: () => reads };
}

describe('human format on many problems', () => {
  it('reads a long line once, not once per problem on it', () => {
    // 64,000 problems on one line took 25-33 s: each code frame escaped and measured the
    // whole line again. Counting the characters read catches that without timing anything.
    const problems = 3000;
    for (const [item, shown] of [
      ['"abc"', '"abc"'],
      ['"x\u{1F600}\u009b\u202e\t"', '"x\u{1F600}\\u009b\\u202e\t"'],
    ] as const) {
      const itemColumns = Array.from(item).length;
      const lineText = `a = [${`${item}, `.repeat(problems)}]`;
      const { text, reads } = countingText(lineText);
      const sources = new GivenSources(text);
      for (let k = 0; k < problems; k++) {
        const column = 6 + k * (itemColumns + 2);
        const d: Diagnostic = {
          severity: 'warning',
          code: 'capability-duplicate',
          message: 'listed twice',
          path: 'security.capabilities',
          file: 'm.toml',
          line: 1,
          column,
          endLine: 1,
          endColumn: column + itemColumns,
        };
        const [, source, caret] = formatHuman(d, false, sources).split('\n');
        // The caret under the item, as wide as the item is shown.
        const under = Array.from(caret!).indexOf('^');
        const width = Array.from(shown).length;
        assert.equal(
          Array.from(source!)
            .slice(under, under + width)
            .join(''),
          shown,
          source,
        );
        assert.equal(caret!.split('^').length - 1, width, caret);
      }
      const bound = 3 * lineText.length + 400 * problems;
      assert.ok(reads() <= bound, `${reads()} characters read for ${problems} frames`);
    }
  });
});
