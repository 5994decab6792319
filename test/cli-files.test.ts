/**
 * Finding files and writing reports, run as a user runs the CLI: globs, default skips and
 * .gitignore, --shard, --output-file, --format sarif, standard input, wide characters.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv from 'ajv';
import { DIAGNOSTIC_CODES } from '../lib/manifest/diagnostics.js';
import { expandPaths } from '../lib/cli/files.js';
import { globMatcher } from '../lib/cli/glob.js';
import { displayWidth } from '../lib/cli/width.js';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

function run(args: string[], options: { input?: string; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? projectRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = mkdtempSync(join(tmpdir(), 'volt-cli-files-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let counter = 0;
function workdir(): string {
  const dir = join(temp, `w${counter++}`);
  mkdirSync(dir);
  return dir;
}

/** Writes each file (creating directories) under `dir`. */
function tree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const GOOD = '[workload]\nname = "web"\nmode = "container"\nimage = "nginx"\n';
/** A manifest with exactly one error, an unknown key named after the file. */
const bad = (key: string) => `${GOOD}${key} = 1\n`;

/** The files named in a JSON report, in order, each once. */
function reportedFiles(stdout: string): string[] {
  const list = JSON.parse(stdout) as { file: string }[];
  return [...new Set(list.map((d) => d.file))];
}

describe('glob arguments', () => {
  it('expands *, ?, [...] and ** itself, results in input order', () => {
    const dir = workdir();
    tree(dir, {
      'ex/a.toml': bad('a'),
      'ex/b.toml': bad('b'),
      'ex/c1.toml': bad('c1'),
      'ex/c2.toml': bad('c2'),
      'ex/notes.txt': 'not a manifest',
      'ex/deep/er/d.toml': bad('d'),
      'z.toml': bad('z'),
    });
    const files = (args: string[]) => {
      const result = run(['check', '--format', 'json', ...args], { cwd: dir });
      assert.equal(result.status, 1, result.stderr);
      return reportedFiles(result.stdout);
    };
    assert.deepEqual(files(['ex/**/*.toml']), [
      'ex/a.toml',
      'ex/b.toml',
      'ex/c1.toml',
      'ex/c2.toml',
      'ex/deep/er/d.toml',
    ]);
    assert.deepEqual(files(['ex/*.toml']), ['ex/a.toml', 'ex/b.toml', 'ex/c1.toml', 'ex/c2.toml']);
    assert.deepEqual(files(['ex/c?.toml']), ['ex/c1.toml', 'ex/c2.toml']);
    assert.deepEqual(files(['ex/[ab].toml']), ['ex/a.toml', 'ex/b.toml']);
    assert.deepEqual(files(['ex/[!ab]*.toml']), ['ex/c1.toml', 'ex/c2.toml']);
    assert.deepEqual(files(['**/d.toml']), ['ex/deep/er/d.toml']);
    assert.deepEqual(files(['*']), ['z.toml']);
    // In the order given, a file named twice checked once, where it was first named.
    assert.deepEqual(files(['z.toml', 'ex/c*.toml', 'ex/a.toml', 'ex/*.toml']), [
      'z.toml',
      'ex/c1.toml',
      'ex/c2.toml',
      'ex/a.toml',
      'ex/b.toml',
    ]);
    // fmt expands them too.
    const fmt = run(['fmt', '--check', 'ex/c?.toml'], { cwd: dir });
    assert.equal(fmt.stderr.includes('no files matching'), false, fmt.stderr);
  });

  it('a pattern or directory that matches no file is a usage error that says so (exit 2)', () => {
    const dir = workdir();
    tree(dir, { 'ex/a.toml': GOOD, 'empty/notes.txt': 'x', 'gone/.gitignore': '*.toml\n' });
    writeFileSync(join(dir, 'gone', 'a.toml'), GOOD);
    for (const [args, message] of [
      [['ex/*.json'], "no files matching the pattern 'ex/*.json' were found"],
      [['nowhere/**/*.toml'], "no files matching the pattern 'nowhere/**/*.toml' were found"],
      [['empty'], "no *.toml files found in the directory 'empty'"],
      [
        ['gone'],
        "no *.toml files found in the directory 'gone' (1 entry is ignored by .gitignore, --ignore or the default skips; --no-ignore takes it)",
      ],
      // Nothing is checked: the good file named first is not reported on either.
      [['ex/a.toml', 'ex/*.yaml'], "no files matching the pattern 'ex/*.yaml' were found"],
    ] as const) {
      for (const command of ['check', 'fmt']) {
        const result = run([command, ...args], { cwd: dir });
        assert.equal(result.status, 2, `${command} ${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.equal(
          result.stderr,
          `volt-manifest: ${message}\nRun 'volt-manifest --help' for usage.\n`,
        );
      }
    }
    // A missing file that is not a pattern is still reported in place, the rest checked.
    const missing = run(['check', 'nope.toml', 'ex/a.toml'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /^nope\.toml: error file-not-found/);
  });
});

describe('walking a directory', () => {
  it('skips node_modules, VCS and dot-directories, dot-files and .gitignored files', () => {
    const dir = workdir();
    tree(dir, {
      'a.toml': bad('a'),
      'node_modules/pkg/x.toml': bad('n'),
      '.git/config.toml': bad('g'),
      '.hg/x.toml': bad('h'),
      '.svn/x.toml': bad('s'),
      '.cache/x.toml': bad('c'),
      '.taplo.toml': bad('t'),
      'sub/.gitignore': 'generated/\n*.local.toml\n',
      'sub/b.toml': bad('b'),
      'sub/b.local.toml': bad('l'),
      'sub/generated/g.toml': bad('gen'),
      '.gitignore': '/top-only.toml\n',
      'top-only.toml': bad('top'),
      'sub/top-only.toml': bad('top2'),
    });
    const files = (args: string[]) =>
      reportedFiles(run(['check', '--format', 'json', ...args], { cwd: dir }).stdout);
    assert.deepEqual(files(['.']), ['a.toml', 'sub/b.toml', 'sub/top-only.toml']);
    // A file named as it is, is checked even when ignored.
    assert.deepEqual(files(['sub/b.local.toml', '.taplo.toml', 'node_modules/pkg/x.toml']), [
      'sub/b.local.toml',
      '.taplo.toml',
      'node_modules/pkg/x.toml',
    ]);
    // --ignore (repeatable, .gitignore syntax from the current directory).
    assert.deepEqual(files(['.', '--ignore', 'a.toml', '--ignore=sub/top-*']), ['sub/b.toml']);
    // A glob is walked the same way.
    assert.deepEqual(files(['**/*.toml']), ['a.toml', 'sub/b.toml', 'sub/top-only.toml']);
    // --no-ignore: everything but VCS directories, --ignore included.
    assert.deepEqual(files(['.', '--no-ignore', '--ignore', 'a.toml']), [
      '.cache/x.toml',
      '.taplo.toml',
      'a.toml',
      'node_modules/pkg/x.toml',
      'sub/b.local.toml',
      'sub/b.toml',
      'sub/generated/g.toml',
      'sub/top-only.toml',
      'top-only.toml',
    ]);
    const usage = run(['check', '.', '--ignore', ''], { cwd: dir });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /option '--ignore' needs a pattern/);
  });

  it('ignores what git check-ignore says git ignores (negations, anchors, directories, **)', (t) => {
    const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
    if (git.error !== undefined || git.status !== 0) {
      t.skip('git is not installed: the .gitignore matcher is not compared with git check-ignore');
      return;
    }
    const dir = workdir();
    const files = [
      'a.toml',
      'x.gen.toml',
      'keep.gen.toml',
      'sub/x.gen.toml',
      'sub/keep.gen.toml',
      'sub/y.gen.toml',
      'anchored.toml',
      'sub/anchored.toml',
      'build/a.toml',
      'build/keep.toml',
      'sub/build/b.toml',
      'sub/build.toml',
      'docs/secret.toml',
      'docs/x/y/secret.toml',
      'other/secret.toml',
      'deep/one.toml',
      'x/deep/two.toml',
      'x/deep/ok.toml',
      'x/deep/sub/three.toml',
      'logs/a.toml',
      'logs/important.toml',
      'a/b.toml',
      'a/x/y/b.toml',
      'c/a/b.toml',
      '#hash.toml',
      '!bang.toml',
      'trailing.toml',
      'space .toml',
      'xz.toml',
      'yz.toml',
      'zz.toml',
      'q1.toml',
      'q12.toml',
      'an.toml',
      'bn.toml',
      'only-dir.toml/f.toml',
      'sub/only-dir.toml',
      'sub/local.toml',
      'sub/deeper/local.toml',
      'sub/deeper/more/local.toml',
      'sub/rooted.toml',
      'sub/deeper/rooted.toml',
      'sub/nested/n.toml',
      'sub/deeper/nested/n.toml',
      'star/star/x.toml',
    ];
    tree(dir, Object.fromEntries(files.map((f) => [f, GOOD])));
    tree(dir, {
      '.gitignore': [
        '# a comment, then a blank line',
        '',
        '*.gen.toml',
        '!keep.gen.toml',
        '/anchored.toml',
        'build/',
        '!build/keep.toml',
        'docs/**/secret.toml',
        '**/deep/*.toml',
        '!**/deep/ok.toml',
        'logs/*',
        '!logs/important.toml',
        'a/**/b.toml',
        '\\#hash.toml',
        '\\!bang.toml',
        'trailing.toml   ',
        'space\\ .toml',
        '[xy]z.toml',
        'q?.toml',
        '[!a]n.toml',
        'only-dir.toml/',
        'star/**',
      ].join('\n'),
      'sub/.gitignore': '!x.gen.toml\r\nlocal.toml\r\n/rooted.toml\r\nnested/\r\n',
      'sub/deeper/.gitignore': '!local.toml\n',
    });
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const byGit = spawnSync('git', ['check-ignore', '--stdin'], {
      cwd: dir,
      input: files.join('\n'),
      encoding: 'utf8',
    });
    assert.ok(byGit.status === 0 || byGit.status === 1, byGit.stderr);
    const ignoredByGit = new Set(byGit.stdout.split('\n').filter((line) => line !== ''));
    // Not a vacuous comparison: git ignores some and keeps some.
    assert.ok(ignoredByGit.size > 20 && ignoredByGit.size < files.length - 10, byGit.stdout);
    return expandPaths([dir], true).then(({ files: walked }) => {
      const kept = new Set(walked.map((f) => relative(dir, f)));
      const ignoredHere = files.filter((f) => !kept.has(f));
      assert.deepEqual(ignoredHere.sort(), [...ignoredByGit].sort());
    });
  });
});

describe('the glob matcher', () => {
  it('matches whole paths: * and ? within a segment, ** across them, classes, escapes', () => {
    const cases: [string, string, boolean][] = [
      ['*.toml', 'a.toml', true],
      ['*.toml', 'd/a.toml', false],
      ['**/*.toml', 'a.toml', true],
      ['**/*.toml', 'd/e/a.toml', true],
      ['a/**/b', 'a/b', true],
      ['a/**/b', 'a/x/y/b', true],
      ['a/**', 'a/x/y', true],
      ['a/**', 'a', false],
      ['a**b', 'axxb', true],
      ['a**b', 'a/b', false],
      ['?.toml', 'é.toml', true],
      ['?.toml', '😀.toml', true],
      ['[a-c].toml', 'b.toml', true],
      ['[!a-c].toml', 'b.toml', false],
      ['[^a-c].toml', 'd.toml', true],
      ['[]].toml', '].toml', true],
      ['[z-a].toml', 'b.toml', false],
      ['[ab', '[ab', true],
      ['\\*.toml', '*.toml', true],
      ['\\*.toml', 'a.toml', false],
      ['a.(b)+$', 'a.(b)+$', true],
      ['x[/]y', 'x/y', false],
    ];
    for (const [pattern, path, expected] of cases)
      assert.equal(globMatcher(pattern).test(path), expected, `${pattern} ~ ${path}`);
  });

  it('costs at most pattern x path steps: many stars or ** segments never backtrack exponentially', () => {
    // A backtracking regular expression tries every way to split the name among the stars:
    // 13 stars against 60 a's is hours.
    const stars = globMatcher(`${'*a'.repeat(13)}*b`);
    const name = 'a'.repeat(60);
    assert.equal(stars.test(name), false);
    assert.equal(stars.test(`${name}b`), true);
    const starsCost = stars.steps;
    assert.ok(starsCost <= 2 * 2 * 28 * 62, `${starsCost} steps`);
    const deep = globMatcher(`${'**/a/'.repeat(12)}b`);
    const path = Array.from({ length: 60 }, () => 'a').join('/');
    assert.equal(deep.test(path), false);
    assert.equal(deep.test(`${path}/b`), true);
    // Each segment compared is one step, each of its characters one more.
    assert.ok(deep.steps <= 2 * 3 * 25 * 62, `${deep.steps} steps`);
  });
});

describe('hostile patterns', () => {
  it('a .gitignore line with many stars does not hang the walk (it matched by backtracking)', () => {
    const dir = workdir();
    spawnSync('git', ['init', '-q', dir]);
    tree(dir, {
      '.gitignore': `${'*a'.repeat(13)}*b\n`,
      [`${'a'.repeat(60)}.toml`]: GOOD,
      [`${'a'.repeat(60)}b`]: 'not a manifest',
    });
    const result = run(['check', '--format', 'json', '.'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  it('include and exclude patterns with many stars in the configuration do not hang it', () => {
    const dir = workdir();
    tree(dir, {
      'volt-manifest.toml': `include = ["**/${'*a'.repeat(13)}*.toml"]\nexclude = ["${'*a'.repeat(13)}*b"]\n`,
      [`${'a'.repeat(60)}.toml`]: bad('top'),
    });
    const result = run(['check', '--format', 'json'], { cwd: dir });
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(reportedFiles(result.stdout), [`${'a'.repeat(60)}.toml`]);
  });
});

describe('--shard I/N', () => {
  it('splits the file list by index modulo N: every file once, sizes within one', () => {
    const dir = workdir();
    const names = Array.from({ length: 11 }, (_, i) => `m${String(i).padStart(2, '0')}.toml`);
    tree(dir, Object.fromEntries(names.map((n) => [`set/${n}`, bad(n.slice(0, 3))])));
    const all: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const result = run(['check', '--format', 'json', '--shard', `${i}/3`, 'set'], { cwd: dir });
      assert.equal(result.status, 1, result.stderr);
      const part = reportedFiles(result.stdout);
      assert.deepEqual(
        part,
        names.filter((_, k) => k % 3 === i - 1).map((n) => `set/${n}`),
      );
      // The same part again: deterministic.
      const again = run(['check', '--format', 'json', `--shard=${i}/3`, 'set'], { cwd: dir });
      assert.equal(again.stdout, result.stdout);
      all.push(...part);
    }
    assert.deepEqual(all.sort(), names.map((n) => `set/${n}`).sort());
    // A missing file is reported by shard 1 only.
    const first = run(['check', '--shard', '1/2', 'nope.toml', 'set'], { cwd: dir });
    const second = run(['check', '--shard', '2/2', 'nope.toml', 'set'], { cwd: dir });
    assert.match(first.stdout, /nope\.toml: error file-not-found/);
    assert.doesNotMatch(second.stdout, /nope\.toml/);
    assert.match(first.stdout, /\(6 files checked\)/);
    assert.match(second.stdout, /\(5 files checked\)/);
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/3', '1/3/5', '']) {
      const result = run(['check', '--shard', bad, 'set'], { cwd: dir });
      assert.equal(result.status, 2, bad);
      assert.match(result.stderr, /option '--shard' needs I\/N with 1 <= I <= N/, bad);
    }
  });
});

describe('--output-file', () => {
  it('writes the report there atomically, and nothing on a usage error', () => {
    const dir = workdir();
    tree(dir, { 'bad.toml': bad('oops'), 'good.toml': GOOD });
    const out = join(dir, 'reports', 'report.json');
    mkdirSync(join(dir, 'reports'));
    const result = run(['check', '--format', 'json', '--output-file', out, 'bad.toml'], {
      cwd: dir,
    });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.deepEqual(reportedFiles(readFileSync(out, 'utf8')), ['bad.toml']);
    // The human format without colour even when forced, and the old report replaced whole.
    const human = spawnSync(process.execPath, [cli, 'check', '--output-file', out, 'good.toml'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '1' },
    });
    assert.equal(human.status, 0);
    assert.equal(readFileSync(out, 'utf8'), '✔ 1 file checked, no problems\n');
    assert.deepEqual(readdirSync(join(dir, 'reports')), ['report.json']);
    // Usage errors write nothing: the old report stays, no new file appears.
    for (const args of [
      ['--output-file', out, '--format', 'xml', 'bad.toml'],
      ['--output-file', out, '--shard', '0/1', 'bad.toml'],
      ['--output-file', out, 'nothing/*.toml'],
      ['--output-file', join(dir, 'new.json'), '--bogus', 'bad.toml'],
      ['--output-file', join(dir, 'missing-dir', 'x.json'), 'bad.toml'],
      ['--output-file', join(dir, 'reports'), 'bad.toml'],
    ]) {
      const usage = run(['check', ...args], { cwd: dir });
      assert.equal(usage.status, 2, `${args.join(' ')}: ${usage.stderr}`);
      assert.equal(readFileSync(out, 'utf8'), '✔ 1 file checked, no problems\n');
    }
    assert.equal(existsSync(join(dir, 'new.json')), false);
    assert.deepEqual(readdirSync(join(dir, 'reports')), ['report.json']);
  });
  it('never replaces a file the command reads: a manifest, a base, the configuration', () => {
    const dir = workdir();
    const files = {
      'bad.toml': bad('oops'),
      'child.toml': 'extends = "base.toml"\n',
      'base.toml': bad('inbase'),
      'volt-manifest.toml': '[rules]\nunknown-key = "warning"\n',
      'sub/one.toml': bad('one'),
      'sub/two.toml': bad('two'),
    };
    tree(dir, files);
    symlinkSync('bad.toml', join(dir, 'link.json'));
    for (const [args, input] of [
      [['--output-file', 'bad.toml', 'bad.toml'], 'bad.toml'],
      [['--output-file', './bad.toml', '--fix', 'bad.toml'], 'bad.toml'],
      [['--output-file', 'link.json', 'bad.toml'], 'bad.toml'],
      [['--output-file', 'sub/two.toml', '--shard', '1/2', 'sub'], 'sub/two.toml'],
      [['--output-file', 'base.toml', 'child.toml'], 'base.toml'],
      [['--output-file', 'volt-manifest.toml', 'bad.toml'], 'volt-manifest.toml'],
    ] as [string[], string][]) {
      const result = run(['check', '--format', 'json', ...args], { cwd: dir });
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /option '--output-file' names .*, which this command reads/);
      assert.ok(result.stderr.includes(input), result.stderr);
      for (const [name, text] of Object.entries(files))
        assert.equal(readFileSync(join(dir, name), 'utf8'), text, `${args.join(' ')}: ${name}`);
    }
  });
});

describe('--format sarif', () => {
  it('writes SARIF 2.1.0 that the schema accepts, with rules, regions and the column unit', () => {
    const dir = workdir();
    tree(dir, {
      'apps/web.toml': `${GOOD}[resources]\ncpu_weight = "高い"\n`,
      'syntax.toml': 'name = "web\n',
    });
    const result = run(
      ['check', '--format', 'sarif', 'apps/web.toml', 'syntax.toml', 'missing.toml'],
      { cwd: dir },
    );
    assert.equal(result.status, 1, result.stderr);
    const log = JSON.parse(result.stdout);
    const schemaPath = `${projectRoot}node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json`;
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    // The schema is draft-04 ('id'); ajv 8 reads it as draft-07, which it is otherwise.
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    ajv.addFormat('uri-reference', /^[^\s]*$/);
    ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    const validate = ajv.compile(schema);
    assert.ok(validate(log as object), JSON.stringify(validate.errors, null, 2));
    // And a log that is not SARIF fails it: the schema is really checked.
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);

    assert.equal(log.version, '2.1.0');
    const [run0] = log.runs;
    assert.equal(run0.columnKind, 'unicodeCodePoints');
    assert.equal(run0.tool.driver.name, 'volt-manifest');
    const ruleIds = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const code of Object.keys(DIAGNOSTIC_CODES))
      if (code !== 'toml-syntax') assert.ok(ruleIds.includes(code), code);
    const wrongType = run0.results.find((r: { ruleId: string }) => r.ruleId === 'wrong-type');
    assert.deepEqual(wrongType.locations[0].physicalLocation, {
      artifactLocation: { uri: 'apps/web.toml', uriBaseId: '%SRCROOT%' },
      // "高い" is four code points: columns 14 to 18, the end column after the span.
      region: { startLine: 6, startColumn: 14, endLine: 6, endColumn: 18 },
    });
    assert.equal(
      wrongType.locations[0].logicalLocations[0].fullyQualifiedName,
      'resources.cpu_weight',
    );
    assert.equal(wrongType.level, 'error');
    for (const r of run0.results)
      assert.equal(run0.tool.driver.rules[r.ruleIndex].id, r.ruleId, r.ruleId);
    const syntax = run0.results.find((r: { ruleId: string }) => r.ruleId.startsWith('toml-'));
    assert.equal(syntax.locations[0].physicalLocation.artifactLocation.uri, 'syntax.toml');
    const missing = run0.results.find((r: { ruleId: string }) => r.ruleId === 'file-not-found');
    assert.equal(missing.locations[0].physicalLocation.region, undefined);
    assert.equal(
      run0.originalUriBaseIds['%SRCROOT%'].uri,
      `file://${dir.split('/').map(encodeURIComponent).join('/')}/`,
    );
  });
});

describe('standard input', () => {
  it('check - reads a manifest, named by --stdin-filename, its extends from that directory', () => {
    const dir = workdir();
    tree(dir, {
      'base/web-base.toml': '[workload]\nmode = "container"\nimage = "nginx"\n',
      'apps/keep.toml': GOOD,
    });
    const child = 'extends = "../base/web-base.toml"\n[workload]\nname = "web"\n';
    const ok = run(['check', '-', '--stdin-filename', 'apps/web.toml'], { cwd: dir, input: child });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, '✔ 1 file checked, no problems\n');
    // Problems name the file, and the frame comes from what was read (apps/keep.toml on
    // disk is another text).
    const wrong = run(['check', '--stdin-filename=apps/keep.toml', '-'], {
      cwd: dir,
      input: `${child}[resources]\ncpu_weight = 20000\n`,
    });
    assert.equal(wrong.status, 1);
    assert.match(
      wrong.stdout,
      /^apps\/keep\.toml:5:14: error cpu-weight-out-of-range [^\n]*\n5 \| cpu_weight = 20000\n {2}\| {14}\^{5}\n/,
    );
    // Without a name: <stdin>, extends from the current directory.
    const plain = run(['check', '--format', 'json', '-'], {
      cwd: dir,
      input: 'extends = "base/web-base.toml"\n[workload]\nname = "Bad_Name"\n',
    });
    assert.deepEqual(
      JSON.parse(plain.stdout).map((d: { file: string; code: string }) => [d.file, d.code]),
      [['<stdin>', 'workload-name-invalid']],
    );
    // The same root confinement as for files.
    const outside = run(['check', '-', '--stdin-filename', 'web.toml'], {
      cwd: join(dir, 'apps'),
      input: child,
    });
    assert.equal(outside.status, 1);
    assert.match(outside.stdout, /^web\.toml:1:11: error extends-outside-root/);
    for (const args of [
      ['check', '-', 'apps/keep.toml'],
      ['check', '--stdin-filename', 'x.toml', 'apps/keep.toml'],
      ['fmt', '-', 'apps/keep.toml'],
      ['fmt', '--stdin-filename', 'x.toml', 'apps/keep.toml'],
    ]) {
      const usage = run(args, { cwd: dir, input: GOOD });
      assert.equal(usage.status, 2, args.join(' '));
    }
  });

  it('fmt - writes the canonical form to stdout, refusals to stderr', () => {
    const dir = workdir();
    const messy = '[workload]\nimage="nginx"  # the image\nname="web"\nmode = "container"\n';
    const result = run(['fmt', '-'], { cwd: dir, input: messy });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      '[workload]\nname = "web"\nmode = "container"\nimage = "nginx" # the image\n',
    );
    assert.deepEqual(readdirSync(dir), []);
    const same = run(['fmt', '-'], { cwd: dir, input: GOOD });
    assert.equal(same.stdout, GOOD);
    const check = run(['fmt', '--check', '--stdin-filename', 'web.toml', '-'], {
      cwd: dir,
      input: messy,
    });
    assert.deepEqual([check.status, check.stdout], [1, 'web.toml\n']);
    const refused = run(['fmt', '--stdin-filename', 'web.toml', '-'], {
      cwd: dir,
      input: 'name = "web\n',
    });
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^web\.toml: not formatted: /);
  });
});

describe('carets under wide characters', () => {
  it('take two columns under CJK and emoji, none under combining marks', () => {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('日本'), 4);
    assert.equal(displayWidth('ｗｅｂ'), 6);
    assert.equal(displayWidth('한국'), 4);
    assert.equal(displayWidth('😀'), 2);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('🇯🇵'), 2);
    assert.equal(displayWidth('\u{20000}'), 2);

    const dir = workdir();
    writeFileSync(
      join(dir, 'wide.toml'),
      `${GOOD}[kernel]\nmodules = ["日本", "x y", "😀", "e\u0301\u0301", "ok"]\n`,
    );
    const result = run(['check', 'wide.toml'], { cwd: dir });
    const lines = result.stdout.split('\n');
    const source = '6 | modules = ["日本", "x y", "😀", "e\u0301\u0301", "ok"]';
    const carets = lines.filter((_, i) => i > 0 && lines[i - 1] === source);
    // On screen: 'modules = [' is 11 columns, '"日本"' 6, '"x y"' 5, '"😀"' 4, and
    // '"é́"' 3 (the combining marks take none).
    assert.deepEqual(
      carets,
      [
        `  | ${' '.repeat(11)}${'^'.repeat(6)}`,
        `  | ${' '.repeat(19)}${'^'.repeat(5)}`,
        `  | ${' '.repeat(26)}${'^'.repeat(4)}`,
        `  | ${' '.repeat(32)}${'^'.repeat(3)}`,
      ],
      result.stdout,
    );
  });
});
