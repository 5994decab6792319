/** The CLI's report formats, in process: what reaches the terminal, and what it costs. */
import { charWidth, displayWidth } from '../lib/cli/width.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceCache, formatGithub, formatHuman, formatJson, jsonText } from '../lib/cli/report.js';
import type { Diagnostic } from '../lib/manifest/diagnostics.js';

/**
 * Every character a terminal acts on or that reorders a line: C0 (NUL, BEL, ESC, line
 * breaks), DEL, C1 (U+0085 NEL, U+009B CSI, the range's ends), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
const HOSTILE_CHARACTERS = [
  '\u0000',
  '\u0007',
  '\u0009',
  '\u000a',
  '\u000d',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009b',
  '\u009f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
/** An OSC 52 sequence (set the clipboard), a C1 CSI (clear the screen), a fake CI command. */
const HOSTILE = `x\u001b]52;c;cHduZWQ=\u0007\u009b2J\n::error::fake\u202e${HOSTILE_CHARACTERS.join('')}`;
/** Any of them raw (the line feed too: a format's own line breaks are checked apart). */
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** The same less the tab, which code frames keep so that the caret lines up. */
const RAW_IN_FRAME =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function hostileDiagnostic(file: string, line = 0): Diagnostic {
  return {
    severity: 'error',
    code: 'workload-mode-invalid',
    message: `mode '${HOSTILE}' is not one of container`,
    path: `workload."${HOSTILE}"`,
    file,
    line,
    column: line > 0 ? 1 : 0,
    endLine: line,
    endColumn: line > 0 ? 2 : 0,
  };
}

/** Source lines given by the test instead of read from files. */
class GivenSources extends SourceCache {
  constructor(private readonly text: string) {
    super();
  }
  override line(): string {
    return this.text;
  }
}

describe('report formats escape what reaches the terminal', () => {
  it('human: in messages, paths, file names and code frames', () => {
    const sources = new GivenSources(`a${HOSTILE} = 1`);
    for (const d of [hostileDiagnostic(`f${HOSTILE}.toml`), hostileDiagnostic(HOSTILE, 3)]) {
      const out = formatHuman(d, false, sources);
      const [message, ...frame] = out.split('\n');
      assert.doesNotMatch(message!, RAW, out);
      for (const line of frame) assert.doesNotMatch(line, RAW_IN_FRAME, out);
      assert.doesNotMatch(out, /^::/m);
      assert.match(out, /\\u001b\]52;c;cHduZWQ=\\u0007\\u009b2J\\n::error::fake\\u202e/);
    }
    // Each character escaped, in the message and in the code frame.
    for (const c of HOSTILE_CHARACTERS) {
      const d = { ...hostileDiagnostic('m.toml', 1), message: `quoted '${c}'` };
      const out = formatHuman(d, false, new GivenSources(`k = "${c}"`));
      const [message, source, caret, end] = out.split('\n');
      assert.equal(end, '', JSON.stringify(out));
      assert.doesNotMatch(message!, RAW, JSON.stringify(out));
      assert.doesNotMatch(source! + caret!, RAW_IN_FRAME, JSON.stringify(out));
    }
  });

  it('json: nothing raw, and the text reads back as the same strings', () => {
    const diagnostics = [hostileDiagnostic(`f${HOSTILE}.toml`), hostileDiagnostic(HOSTILE, 3)];
    const out = formatJson(diagnostics);
    // The line feeds left are the layout's, between members.
    for (const line of out.split('\n')) assert.doesNotMatch(line, RAW);
    assert.deepEqual(JSON.parse(out), diagnostics);
    for (const c of HOSTILE_CHARACTERS) {
      const value = { [c]: [c, `a${c}b`, `\\${c}`] };
      for (const text of [jsonText(value), jsonText(value, 2)]) {
        assert.doesNotMatch(text.replace(/\n/g, ''), RAW, JSON.stringify(text));
        assert.deepEqual(JSON.parse(text), value);
      }
    }
  });

  it('github: one workflow command per problem, nothing raw in it', () => {
    for (const d of [hostileDiagnostic(`f${HOSTILE}.toml`), hostileDiagnostic(HOSTILE, 3)]) {
      const out = formatGithub(d);
      assert.ok(out.endsWith('\n'));
      const command = out.slice(0, -1);
      assert.doesNotMatch(command, RAW, command);
      assert.match(
        command,
        /^::error file=[^:,]*,(?:line=3,col=1,endLine=3,endColumn=2,)?title=workload-mode-invalid::mode 'x\\u001b\]52;c;cHduZWQ=\\u0007\\u009b2J\\n::error::fake\\u202e/,
      );
    }
    // GitHub's own escape still comes first: a % in the text stays a %.
    assert.match(
      formatGithub({ ...hostileDiagnostic('a%0A.toml'), message: '100%0A' }),
      /file=a%250A\.toml.*::100%250A \(workload/,
    );
  });

  it('no line a CI runner takes as a command: a file name that starts one, ##[ anywhere', () => {
    // GitHub's runner takes a line that starts with `::` as a workflow command, and `##[name]`
    // anywhere in a line (its older syntax): `check .` printed a walked file named
    // `::stop-commands::x.toml` at the start of its lines (annotations after it were
    // ignored), and a key `##[error]…` in a message or a source line raised an annotation.
    const d = {
      ...hostileDiagnostic('::stop-commands::x.toml', 1),
      message: "unknown key '##[error]fake'",
      path: 'workload."##[warning]fake"',
    };
    const human = formatHuman(d, false, new GivenSources('"##[warning]fake" = 1 ###[x]'));
    const json = formatJson([d]);
    const github = formatGithub(d);
    for (const out of [human, json]) assert.doesNotMatch(out, /^\s*::/m, out);
    for (const out of [human, json, github]) assert.doesNotMatch(out, /##\[/, out);
    assert.deepEqual(JSON.parse(json), [d]);
    assert.match(human, /^\\u003a:stop-commands::x\.toml:1:1: error/);
    assert.match(human, /\n1 \| "#\\u0023\[warning\]fake" = 1 ##\\u0023\[x\]\n  \| \^\n/);
    // GitHub reads the file property as the file's own name.
    assert.match(github, /^::error file=%3A%3Astop-commands%3A%3Ax\.toml,line=1,/);
  });
});

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
        // The caret under the item, as wide as the item shows on screen (issue 19: display
        // width, so the emoji takes two columns): cut the source line where the caret starts,
        // counting display columns on both lines, and the item is there.
        const indent = caret!.indexOf('^');
        let at = 0;
        let columns = 0;
        const chars = Array.from(source!);
        while (columns < displayWidth(caret!.slice(0, indent))) columns += charWidth(chars[at++]!);
        assert.equal(columns, displayWidth(caret!.slice(0, indent)), caret);
        assert.equal(chars.slice(at).join('').slice(0, shown.length), shown, source);
        assert.equal(caret!.split('^').length - 1, displayWidth(shown), caret);
      }
      const bound = 3 * lineText.length + 400 * problems;
      assert.ok(reads() <= bound, `${reads()} characters read for ${problems} frames`);
    }
  });
});
