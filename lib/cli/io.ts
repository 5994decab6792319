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

export function processIo(): Io {
  const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
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
    color: !noColor && process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
