#!/usr/bin/env node
/** The `volt-manifest` command. */
import process from 'node:process';
import { UsageError } from './args.js';
import { processIo, type Io } from './io.js';
import { casCommand } from './cas.js';
import { checkCommand } from './check.js';
import { editCommand } from './edit-commands.js';
import { fmtCommand } from './fmt.js';
import { lspCommand } from './lsp.js';
import { manifestCommand } from './manifest-commands.js';
import { didYouMean } from '../manifest/suggest.js';
import { escapeControl } from './report.js';
import { tomlCommand } from './toml-commands.js';
import { VERSION } from './version.js';

const help = `Usage: volt-manifest <command> [options]

Commands:
  check PATH...       validate manifests (files or directories) and report every problem
  fmt PATH...         rewrite manifests in canonical form (--check: only list changes)
  set FILE PATH=VALUE...  change fields in place (workload.image=nginx:1.28), validated
  unset FILE PATH...  remove fields, list items or sections in place, validated
  json PATH           print a manifest as JSON
  from-json PATH      print the canonical TOML of a manifest given as JSON
  resolve PATH        print the manifest merged with its 'extends' chain
  digest PATH         print the sha256 content address of a manifest
  cas put FILE...     store manifests in a directory store, print their cas:// references
  toml decode|encode  toml-test decoder/encoder interfaces (TOML <-> tagged JSON)
  lsp                 run the language server on stdin/stdout (docs/editors.md)

Options:
  -h, --help          Show help (also after a command: 'volt-manifest toml --help')
  -v, --version       Print the version

Exit status: 0 success, 1 errors found or invalid input, 2 usage error.
`;

type Command = (argv: readonly string[], io: Io) => Promise<number>;

// A Map, not an object literal: a command named after an Object.prototype member
// ('constructor', '__proto__') must be unknown, not a built-in function.
const commands = new Map<string, Command>([
  ['check', checkCommand],
  ['fmt', fmtCommand],
  ['set', editCommand('set')],
  ['unset', editCommand('unset')],
  ['json', manifestCommand('json')],
  ['from-json', manifestCommand('from-json')],
  ['resolve', manifestCommand('resolve')],
  ['digest', manifestCommand('digest')],
  ['toml', tomlCommand],
  ['cas', casCommand],
  ['lsp', lspCommand],
]);

/**
 * `--color` and `--no-color`, taken out of the arguments wherever they stand before `--`
 * (every command takes them), and the colour they choose; the last one given wins.
 */
function colorFlags(argv: readonly string[], io: Io): { args: string[]; io: Io } {
  const args: string[] = [];
  let color = io.color;
  let end = false;
  for (const arg of argv) {
    if (!end && (arg === '--color' || arg === '--no-color')) color = arg === '--color';
    else {
      if (arg === '--') end = true;
      args.push(arg);
    }
  }
  return { args, io: color === io.color ? io : { ...io, color } };
}

export async function main(argv: readonly string[], given: Io): Promise<number> {
  const { args: argsWithoutColor, io } = colorFlags(argv, given);
  const [name, ...rest] = argsWithoutColor;
  if (name === undefined) {
    // Usage asked for by mistake goes where errors go, as a usage error does.
    io.stderr(help);
    return 2;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    io.stdout(help);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands.get(name);
  try {
    if (command === undefined) {
      if (name.startsWith('-')) throw new UsageError(`unknown option '${name}'`);
      throw new UsageError(`unknown command '${name}'${didYouMean(name, [...commands.keys()])}`);
    }
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      // The message quotes arguments, which can be file names holding anything.
      io.stderr(
        `volt-manifest: ${escapeControl(error.message)}\nRun 'volt-manifest --help' for usage.\n`,
      );
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // Messages can quote file names; the stack's own line breaks are kept.
    process.stderr.write(
      `volt-manifest: internal error: ${text.split('\n').map(escapeControl).join('\n')}\n`,
    );
    process.exitCode = 70;
  },
);
