/** `volt-manifest toml decode|encode`: the toml-test decoder and encoder interfaces. */
import { LineIndex } from '../toml/errors.js';
import { jsonErrorOffset } from '../manifest/json-syntax.js';
import { TomlError, parse, stringify } from '../toml/index.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { fromTagged, toTagged } from '../toml/tagged.js';
import { parseArgs, UsageError } from './args.js';
import type { Io } from './io.js';
import { escapeControl, jsonText } from './report.js';

export const tomlHelp = `Usage: volt-manifest toml <decode|encode> [options]

The toml-test decoder and encoder interfaces.

  toml decode [--toml-version 1.0|1.1]
      Reads TOML on stdin, writes toml-test tagged JSON on stdout. On invalid input
      exits 1; the first line on stderr is '<stdin>:LINE:COLUMN: error: MESSAGE'.
  toml encode
      Reads toml-test tagged JSON on stdin, writes TOML on stdout.

Options:
  --toml-version V   TOML version to accept: 1.0 or 1.1 (default 1.1)
  -h, --help         Show this help
`;

/**
 * `file:line:column: error: message` and a code frame, as compilers print them; keys and
 * source lines quoted in them are escaped, as in every message on the terminal.
 */
export function formatTomlError(file: string, error: TomlError): string {
  return `${file}:${error.line}:${error.column}: error: ${escapeControl(error.message)}\n${error.codeFrame()}\n`;
}

/** `:line:column` of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): string {
  const { line, column } = new LineIndex(text).position(offset);
  return `:${line}:${column}`;
}

export async function tomlCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    'toml-version': { value: true, choices: ['1.0', '1.1'] },
    help: {},
    h: {},
  });
  const [sub, ...rest] = args.positionals;
  if (args.options.has('help') || args.options.has('h')) {
    io.stdout(tomlHelp);
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const version = (args.options.get('toml-version') ?? '1.1') as '1.0' | '1.1';
  switch (sub) {
    case 'decode': {
      const input = await io.readStdin();
      try {
        const value = parse(input, { version, integers: 'bigint' });
        io.stdout(`${jsonText(toTagged(value))}\n`);
        return 0;
      } catch (error) {
        if (!(error instanceof TomlError)) throw error;
        io.stderr(formatTomlError('<stdin>', error));
        return 1;
      }
    }
    case 'encode': {
      const { text: input, error: badBytes } = decodeStrictUtf8(await io.readStdin());
      if (badBytes !== null) {
        io.stderr(
          `<stdin>${lineAndColumn(input, input.length)}: error: ${escapeControl(badBytes.message)}\n`,
        );
        return 1;
      }
      let tagged: unknown;
      try {
        tagged = JSON.parse(input);
      } catch (error) {
        const offset = jsonErrorOffset(input);
        const where = offset < 0 ? '' : lineAndColumn(input, offset);
        io.stderr(
          `<stdin>${where}: error: invalid JSON: ${escapeControl((error as Error).message)}\n`,
        );
        return 1;
      }
      try {
        const value = fromTagged(tagged);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new TypeError('the top level must be a table');
        }
        io.stdout(stringify(value as Record<string, unknown>, { numbers: 'float' }));
        return 0;
      } catch (error) {
        if (!(error instanceof TypeError) && !(error instanceof TomlError)) throw error;
        io.stderr(`<stdin>: error: ${escapeControl(error.message)}\n`);
        return 1;
      }
    }
    case undefined:
      throw new UsageError("'toml' needs a subcommand: decode or encode");
    default:
      throw new UsageError(`unknown subcommand 'toml ${sub}'`);
  }
}
