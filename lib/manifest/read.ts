/**
 * `parseManifest`: one located parse of the text, one walk of the tree to build the
 * typed manifest, then the rules — returning the manifest and every diagnostic.
 */
import { parseLocatedRecovering } from '../toml/parse.js';
import { checkOptionsObject } from '../toml/options.js';
import { buildManifest } from './build.js';
import { type Diagnostic, sortDiagnostics, syntaxDiagnostic } from './diagnostics.js';
import { type Manifest, emptyManifest } from './model.js';
import { ManifestSource } from './source.js';
import { validateRules } from './validate.js';

export interface ManifestResult {
  manifest: Manifest;
  /** Every problem found, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** What the manifest was built from, child first (more than one once `extends` is resolved). */
  sources: ManifestSource[];
}

export interface ParseManifestOptions {
  /** The file name for diagnostics and `sourcePath` (and the base for a relative `extends`). */
  path?: string;
  /** Stop collecting syntax errors after this many (default 100). */
  maxSyntaxErrors?: number;
}

/** The first phase for one file: syntax, structure and value rules (no cross-field rules). */
export interface ReadManifest {
  manifest: Manifest;
  diagnostics: Diagnostic[];
  source: ManifestSource;
  /** The text had syntax errors (what parsed was still built). */
  syntaxErrors: boolean;
}

export function readManifest(
  source: string | Uint8Array,
  options: ParseManifestOptions = {},
): ReadManifest {
  checkOptionsObject(options);
  const file = options.path ?? '';
  const { document, errors } = parseLocatedRecovering(
    source,
    // Integers are told from floats by the located type; 'auto' avoids a bigint per integer.
    { integers: 'auto' },
    options.maxSyntaxErrors ?? 100,
  );
  const manifestSource = new ManifestSource(
    file,
    document.root,
    (offset) => document.position(offset),
    document.source,
    true,
  );
  const built = buildManifest(manifestSource);
  built.manifest.sourcePath = file;
  // concat, not push(...): spread into arguments, 130,000 problems threw a RangeError.
  const diagnostics = errors
    .map((error) => syntaxDiagnostic(error, file))
    .concat(built.diagnostics);
  return {
    manifest: built.manifest,
    diagnostics,
    source: manifestSource,
    syntaxErrors: errors.length > 0,
  };
}

/**
 * Parses, builds and validates one manifest. A manifest that names a base with `extends`
 * is checked without requiring what it may inherit; `resolveManifest` merges the base in
 * and checks the result. With syntax errors, the statements that parsed are still built
 * and checked, but the cross-field rules wait until the syntax is fixed.
 */
export function parseManifest(
  source: string | Uint8Array,
  options: ParseManifestOptions = {},
): ManifestResult {
  const read = readManifest(source, options);
  const diagnostics = read.syntaxErrors
    ? read.diagnostics
    : read.diagnostics.concat(
        validateRules(read.manifest, [read.source], {
          unresolvedBase: read.manifest.extends !== '',
        }),
      );
  return {
    manifest: read.manifest,
    diagnostics: sortDiagnostics(diagnostics),
    sources: [read.source],
  };
}

export { emptyManifest };
