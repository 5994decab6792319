/**
 * The samples in the user docs run as written, against the built package, and show what
 * the code does. The conventions a doc follows for that:
 *
 * - ```ts / ```js blocks run as ES modules, in the doc's order. The imports of every
 *   block of a doc are shared by all its blocks (a reader takes the import at the top of
 *   a page as given for the rest of it); 'volt-manifest', 'volt-manifest/toml' and
 *   'volt-manifest/node' are the built files that package.json "exports" names.
 * - A result is shown as `expression; // → expected`, or `// note → expected`: `expected`
 *   is a JavaScript expression in the sample's scope, compared with deepStrictEqual.
 *   `// → throws 'code'` expects the expression to throw an error with that `code`
 *   (or, for errors without one, that `name`: 'TypeError'). Every such line must have
 *   run by the end of its block (one inside a `catch` that never ran is a failure).
 * - ```console blocks: `$ volt-manifest ARGS` runs the CLI; the lines up to the next `$`
 *   are its standard output followed by its standard error, exactly.
 * - ```sh blocks: each `volt-manifest` command runs and must exit 0 (they show no
 *   output); anything else is listed in NOT_RUN below, with the reason.
 * - ```toml blocks whose first line is `# some/path.toml` are written to that path before
 *   the doc's samples run, so the samples can use the files the doc shows.
 *
 * Each doc runs in a fresh copy of examples/ (commands such as `fmt` change files),
 * from the directory its relative paths start at. Other blocks (unlabelled synopses,
 * toml and json that only show a format) are not run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { projectRoot } from './helpers.js';

/** The docs checked, and where their relative paths start: the repository or examples/. */
const DOCS: Record<string, '.' | 'examples'> = {
  'README.md': '.',
  'docs/getting-started.md': 'examples',
  'docs/toml-api.md': 'examples',
  'docs/editing.md': 'examples',
  'docs/manifest-api.md': 'examples',
  'docs/cli.md': 'examples',
};

/**
 * Shell lines that are not run, by doc, with the reason. Every shell line that is not a
 * plain `volt-manifest` command must be here, and every entry must still be in its doc,
 * so a new sample is never skipped without a word.
 */
const NOT_RUN: Record<string, Record<string, string>> = {
  'README.md': {
    'npm ci && npm start': 'installs packages (network, and the whole checkout)',
    'npm ci && npm test': 'installs packages and runs this very suite',
    'volt-manifest check [--fix] [--format human|json|github|sarif] PATH...':
      'a synopsis, not a command',
    'volt-manifest fmt [--check | --diff] PATH...': 'a synopsis, not a command',
    'volt-manifest json | from-json | resolve | digest PATH': 'a synopsis, not a command',
    'volt-manifest set FILE PATH=VALUE... / unset FILE PATH...': 'a synopsis, not a command',
    'volt-manifest cas put [--cas-root DIR] FILE...': 'a synopsis, not a command',
    'volt-manifest toml json | get | decode | encode': 'a synopsis, not a command',
    'volt-manifest lsp [--stdio]':
      'a synopsis; a server that waits for a client (test/lsp.test.ts)',
  },
  'docs/getting-started.md': {
    'git clone <this repository> volt-manifest && cd volt-manifest':
      'needs the network and a repository URL',
    'npm ci && npm start': 'installs packages (network, and the whole checkout)',
    'npm ci && npm test': 'installs packages and runs this very suite',
  },
  'docs/cli.md': {
    "find manifests -name '*.toml' | sort | awk -v n=4 -v k=0 'NR % n == k' | xargs volt-manifest check --format json --exit-zero > shard-0.json":
      'a shell pipeline over a manifests/ tree, meant for several machines',
    "jq -s 'add' shard-*.json > all.json": 'needs jq, which is not a dependency',
    'jq -e \'map(select(.severity == "error")) | length == 0\' all.json':
      'needs jq, which is not a dependency',
    'ref=$(volt-manifest cas put --cas-root /var/lib/volt/cas base/web-base.toml)':
      'a workflow with a shell variable and a system store; test/cli.test.ts (cas put) runs its steps',
    'printf \'extends = "%s"\\n[workload]\\nname = "orders"\\n\' "$ref" > apps/orders.toml':
      'a workflow with a shell variable; test/cli.test.ts (cas put) runs its steps',
  },
};

const CLI = join(projectRoot, 'dist/lib/cli/main.js');

interface Block {
  lang: string;
  /** 1-based line of the block's first content line in the doc. */
  line: number;
  text: string;
}

/** The fenced code blocks of a Markdown text. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length + 1;
    blocks.push({ lang: match[1]!, line, text: match[2]! });
  }
  return blocks;
}

/** The built file a package specifier stands for, through package.json "exports". */
function resolveSpecifier(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const exports = (
    JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, { default: string }>;
    }
  ).exports;
  const subpath = specifier === 'volt-manifest' ? '.' : specifier.replace(/^volt-manifest/, '.');
  const target = exports[subpath]?.default;
  assert.ok(target !== undefined, `'${specifier}' is not an export of the package`);
  return pathToFileURL(join(projectRoot, target)).href;
}

const IMPORT = /^import\s[\s\S]*?from\s+'([^']+)';\n/gm;

/** The import declarations of a doc's samples, with package specifiers made file URLs. */
function sharedImports(blocks: readonly Block[]): string {
  const imports = new Set<string>();
  for (const block of blocks) {
    for (const match of block.text.matchAll(IMPORT)) {
      imports.add(match[0].replace(`'${match[1]!}'`, `'${resolveSpecifier(match[1]!)}'`));
    }
  }
  return [...imports].join('');
}

/** `expression; // note → expected`: the statement, and what the doc says it gives. */
const RESULT = /^(\s*)(.+?);\s*\/\/[^→]*→ (.*)$/;

interface Sample {
  module: string;
  /** `doc:line` of every shown result, each of which must be checked. */
  results: string[];
}

/** A JS/TS block as a module whose default export runs it, checking each shown result. */
function sampleModule(doc: string, block: Block, imports: string): Sample {
  const results: string[] = [];
  const body = block.text
    .replace(IMPORT, (declaration) => '\n'.repeat(declaration.split('\n').length - 1))
    .split('\n')
    .map((text, i) => {
      if (!/\/\/.*→/.test(text)) return text;
      const where = `${doc}:${block.line + i}`;
      const match = RESULT.exec(text);
      assert.ok(match !== null, `${where}: a shown result the test cannot read: ${text}`);
      const [, indent, expression, expected] = match as unknown as [string, string, string, string];
      const id = results.push(where) - 1;
      const throws = /^throws (.*)$/.exec(expected);
      // The expected text goes on lines of its own, so a trailing comment in it stays one.
      return throws !== null
        ? `${indent}await __throws(${id}, async () => { ${expression}; }, (\n${throws[1]}\n));`
        : `${indent}await __result(${id}, async () => (${expression}), () => (\n${expected}\n));`;
    })
    .join('\n');
  const source = `${imports}export default async function run(__result, __throws) {\n${body}\n}\n`;
  const output = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      // Kept as written: an import of a name the package does not export must fail.
      verbatimModuleSyntax: true,
    },
    reportDiagnostics: true,
  });
  // A shown result on a statement's last line only (one that spans lines) ends here.
  const problems = (output.diagnostics ?? []).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
  assert.deepEqual(problems, [], `${doc}: the sample at line ${block.line} does not compile`);
  return { module: output.outputText, results };
}

type Check = (id: number, actual: () => Promise<unknown>, expected: () => unknown) => Promise<void>;
type Throws = (id: number, run: () => Promise<unknown>, expected: unknown) => Promise<void>;

/** Runs a JS/TS sample in `cwd`; every shown result must have been checked once at least. */
async function runSample(sample: Sample, cwd: string, file: string): Promise<void> {
  writeFileSync(file, sample.module);
  const checked = new Set<number>();
  const result: Check = async (id, actual, expected) => {
    assert.deepStrictEqual(await actual(), expected(), sample.results[id]);
    checked.add(id);
  };
  const throws: Throws = async (id, run, expected) => {
    let error: unknown = null;
    try {
      await run();
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof Error, `${sample.results[id]}: expected it to throw`);
    const code = (error as Error & { code?: unknown }).code ?? error.name;
    assert.equal(code, expected, `${sample.results[id]}: ${error.message}`);
    checked.add(id);
  };
  const module = (await import(pathToFileURL(file).href)) as {
    default: (result: Check, throws: Throws) => Promise<void>;
  };
  const start = process.cwd();
  process.chdir(cwd);
  try {
    await module.default(result, throws);
  } finally {
    process.chdir(start);
  }
  const missed = sample.results.filter((_, id) => !checked.has(id));
  assert.deepEqual(missed, [], 'shown results whose line never ran');
}

/** Shell lines of a block: comments dropped, `\` continuations joined. */
function shellLines(text: string): string[] {
  return text
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The arguments of a plain `volt-manifest` command, or null for anything else. */
function cliArguments(command: string): string[] | null {
  if (!command.startsWith('volt-manifest ') || /[[\]|<>&;*$'"]|\.\.\./.test(command)) return null;
  return command.split(/\s+/).slice(1);
}

function runCli(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/** A ```console block: each `$ volt-manifest …` and the output shown under it. */
function consoleCommands(text: string): { command: string; output: string }[] {
  const commands: { command: string; output: string }[] = [];
  for (const line of text.split('\n').slice(0, -1)) {
    if (line.startsWith('$ ')) commands.push({ command: line.slice(2), output: '' });
    else {
      assert.ok(commands.length > 0, `output before any command: ${line}`);
      commands[commands.length - 1]!.output += `${line}\n`;
    }
  }
  return commands;
}

/** Writes the ```toml blocks that name their file (`# path.toml` first) under `cwd`. */
function writeShownFiles(blocks: readonly Block[], cwd: string): void {
  for (const block of blocks) {
    const name = /^# (\S+\.toml)\n/.exec(block.text)?.[1];
    if (block.lang !== 'toml' || name === undefined) continue;
    mkdirSync(dirname(join(cwd, name)), { recursive: true });
    writeFileSync(join(cwd, name), block.text);
  }
}

const sandboxes = mkdtempSync(join(tmpdir(), 'volt-doc-samples-'));
after(() => rmSync(sandboxes, { recursive: true, force: true }));

for (const [doc, base] of Object.entries(DOCS)) {
  describe(doc, () => {
    const blocks = codeBlocks(readFileSync(join(projectRoot, doc), 'utf8'));
    const root = mkdtempSync(join(sandboxes, 'doc-'));
    cpSync(join(projectRoot, 'examples'), join(root, 'examples'), { recursive: true });
    const cwd = join(root, base);
    writeShownFiles(blocks, cwd);
    const imports = sharedImports(blocks.filter((b) => b.lang === 'ts' || b.lang === 'js'));
    const notRun: string[] = [];
    let checks = 0;

    for (const [index, block] of blocks.entries()) {
      const name = `${block.lang} sample at line ${block.line}`;
      if (block.lang === 'ts' || block.lang === 'js') {
        it(`${name} runs and shows its results`, async () => {
          const sample = sampleModule(doc, block, imports);
          await runSample(sample, cwd, join(root, `.sample-${index}.mjs`));
          checks += sample.results.length;
        });
      } else if (block.lang === 'console') {
        it(`${name} prints what it shows`, () => {
          for (const { command, output } of consoleCommands(block.text)) {
            const args = cliArguments(command);
            assert.ok(args !== null, `not a plain volt-manifest command: ${command}`);
            const run = runCli(args, cwd);
            assert.equal(run.stdout + run.stderr, output, `${doc}: $ ${command}`);
            checks++;
          }
        });
      } else if (block.lang === 'sh') {
        it(`${name}: its volt-manifest commands succeed`, () => {
          for (const command of shellLines(block.text)) {
            const args = cliArguments(command);
            if (args === null) {
              notRun.push(command);
              continue;
            }
            const run = runCli(args, cwd);
            assert.equal(run.status, 0, `${doc}: ${command}\n${run.stderr}`);
            checks++;
          }
        });
      }
    }

    it('skips only the listed shell lines, and checks something', () => {
      assert.deepEqual(notRun.sort(), Object.keys(NOT_RUN[doc] ?? {}).sort());
      assert.ok(checks > 0, `${doc}: no sample checked`);
    });
  });
}
