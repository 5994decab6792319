/** Process access for the CLI: the only place (with the Node loaders) that touches Node. */
import process from 'node:process';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** Colour on stdout/stderr: a TTY and no `NO_COLOR`. */
  color: boolean;
  /** stderr is a terminal (for progress output). */
  stderrIsTTY: boolean;
}

/**
 * A reader that goes away early (`volt-manifest check … | head -1`) ends the command
 * quietly. Node ignores SIGPIPE, so the write fails with EPIPE instead, as an 'error' event
 * that would otherwise crash with a stack trace. We end as cat, grep or git do, killed by
 * SIGPIPE: at once, printing nothing more, with the status a shell reports for that
 * (128 + 13 = 141), so that `set -o pipefail` knows the output was cut short. On Linux a
 * write to a pipe fails at once, so this happens before the command's next step: fmt, which
 * prints after each rename, stops between files, not between a temporary file and its rename
 * (and even then the original would be whole).
 */
const BROKEN_PIPE = 141;
/** Any other failure to write our output (sysexits' EX_IOERR). */
const OUTPUT_ERROR = 74;

function endOnWriteError(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(BROKEN_PIPE);
    if (stream !== process.stderr)
      process.stderr.write(`volt-manifest: cannot write to ${name}: ${error.message}\n`);
    process.exit(OUTPUT_ERROR);
  });
}

export function processIo(): Io {
  endOnWriteError(process.stdout, 'standard output');
  endOnWriteError(process.stderr, 'standard error');
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const out = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.length;
      }
      return out;
    },
    color: colorFromEnvironment(process.env, process.stdout.isTTY === true),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/**
 * Whether to colour by default: `FORCE_COLOR` set to anything but `''` or `0` turns it on,
 * `NO_COLOR` set to anything but `''` turns it off, and otherwise only a terminal gets it.
 * `--color` and `--no-color` (any command) decide over both.
 */
export function colorFromEnvironment(
  env: Record<string, string | undefined>,
  isTTY: boolean,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  const none = env['NO_COLOR'];
  if (none !== undefined && none !== '') return false;
  return isTTY;
}
