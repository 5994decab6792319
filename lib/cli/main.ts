#!/usr/bin/env node
/** The `volt-manifest` command. */
import process from 'node:process';
import { UsageError } from './args.js';
import { processIo, type Io } from './io.js';
import { tomlCommand } from './toml-commands.js';
import { VERSION } from '../version.js';

const help = `Usage: volt-manifest <command> [options]

Commands:
  toml decode|encode  toml-test decoder/encoder interfaces (TOML <-> tagged JSON)

Options:
  -h, --help          Show help (also after a command: 'volt-manifest toml --help')
  --version           Print the version

Exit status: 0 success, 1 errors found or invalid input, 2 usage error.
`;

const commands: Record<string, (argv: readonly string[], io: Io) => Promise<number>> = {
  toml: tomlCommand,
};

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(help);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name}'`);
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`volt-manifest: ${error.message}\nRun 'volt-manifest --help' for usage.\n`);
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
    process.stderr.write(
      `volt-manifest: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
