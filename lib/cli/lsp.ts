/**
 * `volt-manifest lsp`: the language server over standard input and output. Standard
 * output carries protocol messages only; anything else goes to standard error.
 */
import process from 'node:process';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { LanguageServer } from './lsp-server.js';

export const lspHelp = `Usage: volt-manifest lsp [--stdio]

Runs the language server (LSP 3.17) on standard input and output: diagnostics,
formatting, hover, completion, document symbols, go to definition of 'extends' and
the fixes of 'check --fix'. See docs/editors.md for editor setups.

Initialization options: debounceMs (default 50), docsBaseUrl (where diagnostic codes
link to; default: docs/error-codes.md of this installation, as a file: URL).
`;

/** The error-code reference shipped with the package (docs/ is in its files). */
function defaultDocsBase(): string {
  return new URL('../../../docs/error-codes.md', import.meta.url).href;
}

export async function lspCommand(argv: readonly string[], io: Io): Promise<number> {
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      io.stdout(lspHelp);
      return 0;
    }
    // Clients commonly pass --stdio; it is the only transport.
    if (arg !== '--stdio') throw new UsageError(`lsp: unknown argument '${arg}'`);
  }
  // Nothing but the protocol may reach stdout: a stray console.log would corrupt it.
  console.log =
    console.info =
    console.debug =
      (...args: unknown[]) => {
        process.stderr.write(`${args.map(String).join(' ')}\n`);
      };
  return new Promise<number>((done) => {
    let ended = false;
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      // The client may keep its end open: ours is closed, so nothing holds the process.
      process.stdin.removeAllListeners('data');
      process.stdin.destroy();
      done(code);
    };
    const server = new LanguageServer({
      write: (bytes) => void process.stdout.write(bytes),
      exit: finish,
      docsBase: defaultDocsBase(),
    });
    process.stdin.on('data', (chunk: Buffer) => server.receive(chunk));
    // The client went away without 'exit': as the protocol says for exit without shutdown.
    process.stdin.on('end', () => finish(1));
  });
}
