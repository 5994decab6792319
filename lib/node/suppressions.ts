/**
 * Inline suppression, as Ruff's `noqa`: `# volt-manifest: ignore[code, code2]` in the
 * comment at the end of a line suppresses those codes for the diagnostics that start on
 * that line. The codes are always named: a blanket `ignore` would hide problems nobody has
 * looked at, including those written later. A suppression that suppresses nothing is a
 * warning, so it does not stay behind to hide the next problem on its line.
 *
 * Comments are found with the lexer's tokens, so a `#` inside a string is never one.
 * (No Node API here: the checker threads and the CLI both use it.)
 */
import { tokenize, type LexToken } from '../../lexer/lexer.js';
import { TokenKind } from '../../lexer/tokens.js';
import {
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type Location,
  diagnostic,
  sortDiagnostics,
} from '../manifest/diagnostics.js';
import type { ManifestResult } from '../manifest/read.js';
import { didYouMean } from '../manifest/suggest.js';

/** One `# volt-manifest: ignore[…]` directive and the codes it names. */
export interface Suppression {
  /** The line whose diagnostics it suppresses (its own). */
  line: number;
  /** The directive, from its `#` to its `]`. */
  at: Location;
  codes: { code: string; at: Location }[];
}

/** The suppressions of one file and the problems with them (`suppression-*`). */
export interface FileSuppressions {
  suppressions: Suppression[];
  diagnostics: Diagnostic[];
}

/**
 * Why `code` (a catalogue code, or `toml-…`) cannot be configured in `[rules]`, or with
 * `forSuppression`, named in a suppression; null when it can.
 */
export function unconfigurableReason(code: string, forSuppression = false): string | null {
  if (code.startsWith('toml-'))
    return 'a TOML syntax error cannot be turned off: the statement with the error is not read at all, so nothing it says is checked, and the file would pass without having been read';
  if (code.startsWith('config-')) return 'it is a problem of the configuration file itself';
  if (code === 'internal-error') return 'it is a failure of the checker itself (please report it)';
  if (forSuppression) {
    if (code.startsWith('file-'))
      return 'it is about a file as a whole, not about a line (turn it off in [rules] instead)';
    if (code.startsWith('suppression-') || code === 'unused-suppression')
      return 'it is about suppressions themselves (turn it off in [rules] instead)';
  }
  return null;
}

/** The catalogue's codes (`toml-syntax` stands for the `toml-*` family, not a code). */
export function catalogueCodes(): string[] {
  return Object.keys(DIAGNOSTIC_CODES).filter((code) => code !== 'toml-syntax');
}

/** `# volt-manifest:` inside a comment (at its start, or after another `#`). */
const DIRECTIVE = /#[ \t]*volt-manifest:/g;

/**
 * The suppressions in `text` (a TOML file named `file` in diagnostics), and the problems
 * with them: a directive that is not `ignore[code, …]` with a code (`suppression-invalid`,
 * an error), a code the catalogue does not have (`suppression-unknown-code`, a warning).
 */
export function findSuppressions(text: string, file: string): FileSuppressions {
  const found: FileSuppressions = { suppressions: [], diagnostics: [] };
  // Most files have none: not worth a second lexing pass.
  if (!text.includes('volt-manifest:')) return found;
  const known = catalogueCodes();
  const suppressible = known.filter((code) => unconfigurableReason(code, true) === null);
  for (const token of tokenize(text)) {
    if (token.kind !== TokenKind.Comment) continue;
    for (const match of token.text.matchAll(DIRECTIVE)) {
      const start = match.index;
      const afterColon = start + match[0].length;
      const rest = token.text.slice(afterColon);
      const ignore = /^[ \t]*ignore\[([^\]#]*)\]/.exec(rest);
      if (ignore === null) {
        // To the next directive or the end of the comment.
        const next = token.text.indexOf('#', afterColon);
        const end = next === -1 ? token.text.length : next;
        const written = token.text.slice(start, end).trimEnd();
        const blanket = /^[ \t]*ignore(?![\w[-])/.test(rest);
        found.diagnostics.push(
          diagnostic(
            'suppression-invalid',
            blanket
              ? `'${written}' names no code: write the codes it ignores, as '# volt-manifest: ignore[unknown-key]' (a blanket ignore is not allowed: it would hide problems nobody has looked at)`
              : `'${written}' is not a suppression: the only directive is 'ignore[code, …]', as '# volt-manifest: ignore[unknown-key]'`,
            '',
            span(token, file, start, start + written.length),
          ),
        );
        continue;
      }
      const end = afterColon + ignore[0].length;
      const suppression: Suppression = {
        line: token.line,
        at: span(token, file, start, end),
        codes: [],
      };
      let itemStart = end - 1 - ignore[1]!.length;
      for (const item of ignore[1]!.split(',')) {
        const code = item.trim();
        const codeStart = itemStart + item.indexOf(code);
        itemStart += item.length + 1;
        if (code === '') continue;
        const at = span(token, file, codeStart, codeStart + code.length);
        const reason =
          code.startsWith('toml-') || known.includes(code)
            ? unconfigurableReason(code, true)
            : null;
        if (reason !== null) {
          found.diagnostics.push(
            diagnostic('suppression-invalid', `'${code}' cannot be suppressed: ${reason}`, '', at),
          );
        } else if (!known.includes(code)) {
          found.diagnostics.push(
            diagnostic(
              'suppression-unknown-code',
              `'${code}' is not a diagnostic code${didYouMean(code, suppressible)}`,
              '',
              at,
            ),
          );
        } else suppression.codes.push({ code, at });
      }
      if (suppression.codes.length > 0) found.suppressions.push(suppression);
      else if (!ignore[1]!.split(',').some((item) => item.trim() !== '')) {
        found.diagnostics.push(
          diagnostic(
            'suppression-invalid',
            `'${token.text.slice(start, end)}' names no code: write the codes it ignores, as '# volt-manifest: ignore[unknown-key]'`,
            '',
            suppression.at,
          ),
        );
      }
    }
  }
  return found;
}

/** Where `[from, to)` of a comment token's text is, as a location in `file`. */
function span(token: LexToken, file: string, from: number, to: number): Location {
  const column = token.column + codePoints(token.text.slice(0, from));
  return {
    file,
    line: token.line,
    column,
    endLine: token.line,
    endColumn: column + codePoints(token.text.slice(from, to)),
  };
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The low half of a pair is not a character of its own.
    if (c < 0xdc00 || c > 0xdfff || i === 0 || !isHighSurrogate(text.charCodeAt(i - 1))) count++;
  }
  return count;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * `diagnostics` without those that a suppression of `file` names on the line where they
 * start (never a `toml-*` syntax error), with the problems of the suppressions and an
 * `unused-suppression` warning for each one that suppressed nothing (at the directive), or
 * for each of its codes that suppressed nothing (at the code).
 */
export function applySuppressions(
  diagnostics: readonly Diagnostic[],
  file: string,
  found: FileSuppressions,
): Diagnostic[] {
  if (found.suppressions.length === 0 && found.diagnostics.length === 0) return [...diagnostics];
  const byLine = new Map<number, Suppression[]>();
  for (const s of found.suppressions) {
    const list = byLine.get(s.line);
    if (list === undefined) byLine.set(s.line, [s]);
    else list.push(s);
  }
  const used = new Set<Suppression['codes'][number]>();
  const kept = diagnostics.filter((d) => {
    if (d.file !== file || d.line === 0 || d.code.startsWith('toml-')) return true;
    let suppressed = false;
    for (const s of byLine.get(d.line) ?? []) {
      for (const c of s.codes) {
        if (c.code !== d.code) continue;
        used.add(c);
        suppressed = true;
      }
    }
    return !suppressed;
  });
  for (const s of found.suppressions) {
    const unused = s.codes.filter((c) => !used.has(c));
    if (unused.length === s.codes.length) {
      const names = unused.map((c) => `'${c.code}'`).join(', ');
      kept.push(
        diagnostic(
          'unused-suppression',
          `unused suppression: no ${names} is reported on line ${s.line} (remove the comment)`,
          '',
          s.at,
        ),
      );
    } else {
      for (const c of unused) {
        kept.push(
          diagnostic(
            'unused-suppression',
            `unused suppression of '${c.code}': it is not reported on line ${s.line} (remove it from the list)`,
            '',
            c.at,
          ),
        );
      }
    }
  }
  return sortDiagnostics(kept.concat(found.diagnostics));
}

/**
 * The diagnostics of a checked manifest with the suppressions of every file it was read
 * from (the manifest and its bases) applied.
 */
export function suppressInline(result: ManifestResult): Diagnostic[] {
  let diagnostics: Diagnostic[] = result.diagnostics;
  const scanned = new Set<string>();
  for (const source of result.sources) {
    if (source.text === null || !source.isToml || scanned.has(source.file)) continue;
    scanned.add(source.file);
    diagnostics = applySuppressions(
      diagnostics,
      source.file,
      findSuppressions(source.text, source.file),
    );
  }
  return diagnostics;
}
