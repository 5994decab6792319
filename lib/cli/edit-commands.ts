/** `volt-manifest set` and `unset`: change fields of a manifest in place, every other byte kept. */
import { type ManifestEdit, editManifest } from '../manifest/edit.js';
import { parseManifest } from '../manifest/read.js';
import { readManifestFile } from '../node/load.js';
import { decodeStrictUtf8 } from '../toml/utf8-text.js';
import { UsageError, parseArgs } from './args.js';
import { unifiedDiff } from './diff.js';
import { WriteRefused, writeAtomically } from './fmt.js';
import type { Io } from './io.js';
import { SourceCache, escapeControl, formatHuman } from './report.js';

const COMMON = `Writes only the changed values: comments, key order, spacing and quoting stay as
they are. The result is validated first, and nothing is written when it would have an
error the manifest did not have (exit 1; each new error is shown where it would be in
the edited text, or with the edit named). The file is replaced atomically, keeping its
permission bits (as 'fmt' does). FILE '-' reads standard input and writes the edited
manifest to standard output.

Options:
  --dry-run, --diff  write nothing; print a unified diff of the change
  -h, --help         show this help

Exit status: 0 done (or nothing to change), 1 refused or unreadable, 2 usage error.
`;

export const setHelp = `Usage: volt-manifest set [--dry-run | --diff] FILE PATH=VALUE...

Sets manifest fields: PATH is a manifest path (workload.image, resources.cpu_weight,
storage.volumes[0].host, network.ports[1]), VALUE is read by the field's type: a string
as written, an integer (200), a boolean (true, false), a list as a JSON array
('network.ports=["80:80", "443:443"]'), a section or a volume as a JSON object. A key or
table that does not exist yet is added where a person would put it.

  volt-manifest set apps/orders.toml workload.image=registry.example.com/shop/orders:5.3.0

${COMMON}`;

export const unsetHelp = `Usage: volt-manifest unset [--dry-run | --diff] FILE PATH...

Removes manifest fields (with their line, and the comment block above them), list items
(network.ports[0]), volumes (storage.volumes[1]) or whole sections (kernel). A PATH that
the manifest does not write is no change.

${COMMON}`;

const OPTIONS = { 'dry-run': {}, diff: {}, help: {}, h: {} };

export function editCommand(op: 'set' | 'unset') {
  return async (argv: readonly string[], io: Io): Promise<number> => {
    const args = parseArgs(argv, OPTIONS);
    if (args.options.has('help') || args.options.has('h')) {
      io.stdout(op === 'set' ? setHelp : unsetHelp);
      return 0;
    }
    const [file, ...rest] = args.positionals;
    const what = op === 'set' ? 'PATH=VALUE' : 'PATH';
    if (file === undefined || rest.length === 0)
      throw new UsageError(`'${op}' needs a FILE and at least one ${what}`);
    const edits: ManifestEdit[] = rest.map((arg) => {
      if (op === 'unset') {
        if (arg === '') throw new UsageError("'unset' needs a PATH, got ''");
        return { op, path: arg };
      }
      const eq = arg.indexOf('=');
      if (eq <= 0)
        throw new UsageError(`'set' needs PATH=VALUE (such as workload.image=nginx); got '${arg}'`);
      return { op, path: arg.slice(0, eq), value: arg.slice(eq + 1) };
    });
    const preview = args.options.has('dry-run') || args.options.has('diff');
    const name = file === '-' ? '<stdin>' : file;
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await io.readStdin() : await readManifestFile(file);
    } catch (error) {
      io.stderr(`${escapeControl((error as Error).message)}: left untouched\n`);
      return 1;
    }
    const decoded = decodeStrictUtf8(bytes);
    const sources = new SourceCache();
    if (decoded.error !== null) {
      // Not UTF-8 text: the manifest reader says where the bytes go wrong.
      if (file === '-') sources.set(name, new TextDecoder().decode(bytes));
      for (const d of parseManifest(bytes, { path: name }).diagnostics)
        if (d.code === 'toml-invalid-utf8') io.stderr(formatHuman(d, io.color, sources));
      io.stderr(`${escapeControl(name)}: not written: it is not UTF-8 text\n`);
      return 1;
    }
    const result = editManifest(decoded.text, edits, { path: name });
    if (result.refused.length > 0) {
      // New errors are placed in the edited text, which is not on disk: framed from it.
      sources.set(name, result.refusedText ?? decoded.text);
      for (const d of result.refused) io.stderr(formatHuman(d, io.color, sources));
      const count = result.refused.length;
      io.stderr(
        `${escapeControl(name)}: not written: ${count} problem${count === 1 ? '' : 's'} with the edit${rest.length === 1 ? '' : 's'}\n`,
      );
      return 1;
    }
    if (preview) {
      io.stdout(unifiedDiff(name, decoded.text, result.text, io.color));
      return 0;
    }
    if (file === '-') {
      io.stdout(result.text);
      return 0;
    }
    if (!result.changed) {
      io.stderr(`${escapeControl(file)}: unchanged\n`);
      return 0;
    }
    try {
      await writeAtomically(file, result.text, bytes);
    } catch (error) {
      const reason =
        error instanceof WriteRefused
          ? error.message
          : `${file}: cannot write: ${(error as Error).message}`;
      io.stderr(`${escapeControl(reason)}: left untouched\n`);
      return 1;
    }
    io.stdout(`updated ${escapeControl(file)}\n`);
    return 0;
  };
}
