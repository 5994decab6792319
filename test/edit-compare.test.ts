/**
 * Issue 20's diff-size target: on a hand-checked set of scenarios, our edit changes no
 * more lines than `@decimalturn/toml-patch` or `@rainbowatcher/toml-edit-js` do for the
 * same change. The table of changed lines is the one in docs/editing.md ("Diff size
 * against the JavaScript peers"); this test checks it row by row.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { unifiedDiff } from '../lib/cli/diff.js';
import { parse } from '../lib/toml/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const peersInstalled = ['@decimalturn/toml-patch', '@rainbowatcher/toml-edit-js'].every((name) =>
  existsSync(`${root}node_modules/${name}/package.json`),
);
const skip = peersInstalled
  ? false
  : 'skipped: @decimalturn/toml-patch or @rainbowatcher/toml-edit-js is not installed (npm install)';

/** Lines removed plus lines added, as a unified diff counts them. */
function changedLines(before: string, after: string): number {
  return unifiedDiff('f', before, after, false)
    .split('\n')
    .filter((line) => /^[+-]/.test(line) && !/^(\+\+\+|---) /.test(line)).length;
}

interface Scenario {
  name: string;
  /**
   * Why ours may change more lines here (the target is not met on this scenario; the
   * docs table shows it and the test checks the table).
   */
  larger?: string;
  text: string;
  changes: {
    op: 'set' | 'delete' | 'append';
    path: (string | number)[];
    value?: unknown;
    index?: number;
  }[];
}

const scenarios: Scenario[] = [
  {
    name: 'replace a value with a trailing comment',
    text: '[workload]\nname = "api"\nimage = "nginx:1.27" # pinned by ops\nmode = "container"\n',
    changes: [{ op: 'set', path: ['workload', 'image'], value: 'nginx:1.28' }],
  },
  {
    name: 'add a key to a table with comments',
    text: '# Limits\n[resources]\n# memory first\nmemory_limit = "4G" # hard\ncpu_weight = 100\n\n# storage follows\n[storage]\nwritable_layer = "none"\n',
    changes: [{ op: 'set', path: ['resources', 'io_weight'], value: 200 }],
  },
  {
    name: 'delete a key with a comment above',
    text: '[security]\nread_only_rootfs = true\n# the default profile, reviewed 2025\nseccomp_profile = "default"\nlandlock_profile = "strict"\n',
    changes: [{ op: 'delete', path: ['security', 'seccomp_profile'] }],
  },
  {
    name: 'append to a multi-line array',
    text: '[network]\nports = [\n  "80:80",\n  "443:443", # tls\n]\nmode = "bridge"\n',
    changes: [{ op: 'append', path: ['network', 'ports'], value: '9090:9090', index: 2 }],
  },
  {
    name: 'add a new table',
    larger:
      'issue 20 asks for a missing table as a `[header]` section (blank line, header, key: 3 lines); the peers write `limits = { rate = 100 }` into the parent section (1 line)',
    text: '[workload]\nname = "api"\n\n[network]\nmode = "bridge"\n',
    changes: [{ op: 'set', path: ['network', 'limits'], value: { rate: 100 } }],
  },
  {
    name: 'change a string in a literal-string style',
    text: "[kernel]\npath = '/var/lib/volt/kernels/vmlinuz-6.1'\ncmdline = 'console=ttyS0'\n",
    changes: [{ op: 'set', path: ['kernel', 'path'], value: '/var/lib/volt/kernels/vmlinuz-6.6' }],
  },
];

/**
 * The head of the table of changed lines per scenario and library in docs/editing.md; a
 * cell is `wrong` when the result does not read as the expected value, `error` when the
 * library refused.
 */
const TABLE_HEADER = `| scenario | volt-manifest | @decimalturn/toml-patch | @rainbowatcher/toml-edit-js |
| --- | ---: | ---: | ---: |
`;

test(
  'edit-compare: our diff is no larger than the peers’ on the hand-checked scenarios',
  { skip },
  async () => {
    const editing = await import('../bench/editing.js');
    const libraries = [
      { name: 'volt-manifest', run: editing.editableChanges },
      { name: '@decimalturn/toml-patch', run: editing.tomlPatchChanges },
      { name: '@rainbowatcher/toml-edit-js', run: editing.tomlEditChanges },
    ];
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const expected = parse(scenario.text);
      for (const change of scenario.changes) editing.applyToValue(expected, change);
      const cells: (number | string)[] = [];
      for (const library of libraries) {
        let cell: number | string;
        try {
          const out = library.run(scenario.text, scenario.changes);
          let reads: unknown;
          try {
            reads = parse(out);
          } catch {
            reads = undefined;
          }
          cell = editing.sameEdit(expected, reads) ? changedLines(scenario.text, out) : 'wrong';
        } catch {
          cell = 'error';
        }
        cells.push(cell);
      }
      const [ours, ...theirs] = cells;
      assert.equal(typeof ours, 'number', `${scenario.name}: our edit gives the expected value`);
      for (const [i, theirCell] of theirs.entries()) {
        if (typeof theirCell !== 'number' || scenario.larger !== undefined) continue;
        assert.ok(
          (ours as number) <= theirCell,
          `${scenario.name}: ours changes ${ours} lines, ${libraries[i + 1]!.name} ${theirCell}`,
        );
      }
      rows.push(`| ${scenario.name} | ${cells.join(' | ')} |`);
    }
    const table = TABLE_HEADER + rows.join('\n') + '\n';
    // Compared cell by cell: prettier pads the table's columns in the docs.
    const cellsOf = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('| ') && !line.startsWith('| -'))
        .map((line) => line.split('|').map((cell) => cell.trim()));
    const docs = readFileSync(`${root}docs/editing.md`, 'utf8');
    const section = docs.slice(docs.indexOf('## Diff size against the JavaScript peers'));
    assert.deepEqual(
      cellsOf(section),
      cellsOf(table),
      `docs/editing.md has the table as measured:\n${table}`,
    );
  },
);

test(
  'edit-compare: the bench check notes an edit that does not give the expected value',
  { skip },
  async () => {
    const editing = await import('../bench/editing.js');
    const text = '[workload]\nimage = "nginx:1.27"\n';
    const changesOf = () => editing.IMAGE_CHANGE;
    const edited = editing.editableChanges(text, editing.IMAGE_CHANGE);
    assert.equal(editing.checkEdits([text], changesOf, [edited]), undefined);
    // The text unchanged, or not TOML at all: both noted.
    assert.match(
      editing.checkEdits([text], changesOf, [text]) ?? '',
      /does not read as the expected value/,
    );
    assert.match(editing.checkEdits([text], changesOf, ['image = ']) ?? '', /not valid TOML/);
  },
);
