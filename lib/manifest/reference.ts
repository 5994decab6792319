/**
 * The manifest reference and the error-code catalogue as Markdown, generated from the
 * fields table and the diagnostic catalogue (a test keeps the files in docs/ current).
 */
import type { TomlErrorCode } from '../toml/errors.js';
import { DIAGNOSTIC_CODES } from './diagnostics.js';
import { EXTENDS_FIELD, SECTIONS, VOLUME_FIELDS, type FieldSpec } from './fields.js';

const TYPE_TEXT: Record<FieldSpec['type'], string> = {
  string: 'string',
  integer: 'integer',
  boolean: 'boolean',
  strings: 'array of strings',
  volumes: 'array of tables',
};

function fieldRow(key: string, field: FieldSpec): string {
  const notes: string[] = [];
  if (field.required) notes.push('**required**');
  if (field.values !== undefined && field.values.length <= 8) {
    notes.push(`One of ${field.values.map((v) => `\`${v}\``).join(', ')}.`);
  }
  if (field.range !== undefined) notes.push(`From ${field.range[0]} to ${field.range[1]}.`);
  if (field.zeroMeansUnset) {
    notes.push(
      `*Zero means unset:* \`${field.type === 'integer' ? '0' : '""'}\` is read as not written.`,
    );
  }
  const description = [field.description, ...notes].join(' ');
  return `| \`${key}\` | ${TYPE_TEXT[field.type]} | ${description.replace(/\|/g, '\\|')} |`;
}

export function manifestReferenceMarkdown(): string {
  const lines = [
    '# Manifest reference',
    '',
    '<!-- Generated from lib/manifest/fields.ts and lib/manifest/diagnostics.ts; `npm run docs` refreshes it. -->',
    '',
    'A manifest is one TOML document: an optional top-level `extends` and six tables. Keys',
    'are exactly the names below; an unknown key is an error (with a "did you mean"). A',
    'value of the wrong TOML type is an error naming the expected and the actual type. A',
    'value written in the file is checked, with one exception: the Go zero value of a field',
    'marked *zero means unset* (`cpu_weight = 0`, `name = ""`) is read as not written, as the',
    'Volt runtime writes unset fields that way; it is not reported and does not override a',
    'base. Each rule has its own diagnostic code (see [error codes](error-codes.md)).',
    '',
    '## Top level',
    '',
    '| key | type | rule |',
    '|---|---|---|',
    fieldRow('extends', EXTENDS_FIELD),
    '',
    'Codes: `extends-invalid`; when resolving: `extends-not-found`, `extends-unreadable`,',
    '`extends-too-large`, `extends-integrity`, `extends-cycle`, `extends-too-deep`,',
    '`extends-outside-root`, `extends-relative-in-cas`.',
    '',
  ];
  for (const section of SECTIONS) {
    lines.push(
      `## [${section.key}]`,
      '',
      section.description,
      '',
      '| key | type | rule |',
      '|---|---|---|',
    );
    for (const field of section.fields) lines.push(fieldRow(field.key, field));
    if (section.key === 'storage') {
      lines.push('', '### [[storage.volumes]]', '', '| key | type | rule |', '|---|---|---|');
      for (const field of VOLUME_FIELDS) lines.push(fieldRow(field.key, field));
    }
    for (const field of section.fields) {
      if (field.meanings === undefined) continue;
      lines.push('', `\`${section.key}.${field.key}\`:`, '');
      for (const value of field.values ?? [])
        lines.push(`- \`${value}\`: ${field.meanings[value] as string}`);
    }
    const codes = section.fields.flatMap((f) => f.codes ?? []);
    if (codes.length > 0) {
      lines.push('', `Codes: ${[...new Set(codes)].map((c) => `\`${c}\``).join(', ')}.`);
    }
    lines.push('');
  }
  lines.push(
    '## Rules across fields',
    '',
    '- `hybrid-native` and `hybrid-kvm` need `kernel.path` (`kernel-path-required`).',
    '- A `[kernel]` table in `container` mode is ignored (`kernel-ignored-in-container-mode`, warning).',
    '- Something must run: `workload.image` or `storage.rootfs` (`nothing-to-run`).',
    '- `read_only_rootfs = true` with `writable_layer = "overlay"` (`read-only-rootfs-with-overlay`, warning).',
    '- `memory_soft` must not exceed `memory_limit` (`memory-soft-exceeds-limit`).',
    '- `network.address` is not allowed with network mode `host` or `none` (`network-address-not-allowed`).',
    '- `network.ports` is not allowed with mode `none` (`ports-not-allowed`), ignored with `host` (`ports-ignored-in-host-mode`, warning).',
    '- The same host port and protocol twice (`port-duplicate`); the same container path twice (`volume-container-duplicate`).',
    '',
    '## extends',
    '',
    '- A relative path is resolved against the directory of the manifest that names it;',
    '  `cas://sha256:<hex>` is loaded from the content-addressed store (by default a',
    '  directory `<root>/sha256/<hex>`) and its bytes must hash to the digest.',
    '- Merge: the base first, then every key the child writes replaces the base value.',
    '  Tables merge key by key; arrays (including `volumes`) replace whole.',
    '- At most 16 links are followed; a cycle is reported with the whole chain.',
    '- Each diagnostic points at the file and line where the value was written, base or child.',
    '',
    '## Canonical encoding and digest',
    '',
    '`extends` first, then the sections in the order above, fields in the order above,',
    'empty fields and empty sections left out, volumes as `[[storage.volumes]]`. The digest',
    'is `sha256:` + the hex SHA-256 of that text, so a manifest can be referenced as',
    '`cas://sha256:…`.',
    '',
  );
  return lines.join('\n');
}

const TOML_CODES: Record<TomlErrorCode, string> = {
  'invalid-utf8': 'The bytes are not valid UTF-8 (reported at the byte).',
  'invalid-character':
    'A character that cannot start anything here (for example a non-ASCII letter in a bare key).',
  'control-character': 'A control character in a string, comment or key.',
  'lone-surrogate': 'A lone UTF-16 surrogate in string input (not valid Unicode).',
  'bare-carriage-return': 'A carriage return not followed by a newline.',
  'unterminated-string': 'A string with no closing quote (reported at the opening quote).',
  'newline-in-string': 'A single-line string that runs into the end of the line.',
  'invalid-escape':
    'An unknown escape, a bad `\\u`/`\\U`/`\\x` escape, or a backslash followed by spaces that do not end the line.',
  'unexpected-token': 'Something unexpected inside a table header.',
  'expected-key': 'A key was expected.',
  'expected-equals': "A key must be followed by '='.",
  'expected-value': 'A value was expected.',
  'expected-newline': 'A statement must end at the end of its line.',
  'expected-comma': "Array elements and inline-table entries are separated by ','.",
  'unterminated-array': "An array with no closing ']'.",
  'unterminated-inline-table': "An inline table with no closing '}'.",
  'unterminated-table-header': "A table header with no closing ']' or ']]'.",
  'invalid-integer':
    'A malformed integer (leading zeros, misplaced `_`, bad digits, a sign on a prefixed integer).',
  'integer-overflow': 'An integer outside the signed 64-bit range.',
  'unsafe-integer':
    "An integer beyond ±(2^53−1) with `integers: 'number'` (use 'bigint' or 'auto').",
  'invalid-float': 'A malformed float.',
  'invalid-datetime':
    'A malformed or impossible date or time (month 13, February 30, hour 24, bad offset).',
  'invalid-value': 'Text that is no TOML value (strings need quotes; booleans are lowercase).',
  'duplicate-key': 'A key defined twice (reported at the second, naming the first).',
  'duplicate-table':
    'A table or array of tables defined twice, or a table and an array of tables with the same name.',
  'key-is-value': 'A header or dotted key goes through a key that holds a value.',
  'dotted-key-redefines-table':
    'Dotted keys add to a table defined elsewhere (by a header or in an earlier section).',
  'inline-table-extended': 'An inline table or a static array extended after its definition.',
  'max-depth': 'Nesting deeper than the `maxDepth` option (default 256).',
  'version-1.1-only':
    "TOML 1.1 syntax (`\\e`, `\\xHH`, optional seconds, newlines or a trailing comma in inline tables) with `version: '1.0'`.",
  'unencodable-value':
    '`stringify` was given something TOML cannot hold (the message names the key path).',
};

export function errorCodesMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from lib/manifest/diagnostics.ts and lib/manifest/reference.ts; `npm run docs` refreshes it. -->',
    '',
    'Codes are stable; messages may improve. Manifest diagnostics carry a code, a severity,',
    'the key path, the file, and the line and column of the offending value, key or header.',
    'Each code has an anchor (`error-codes.md#cpu-weight-out-of-range`, `#toml-duplicate-key`):',
    'the language server links its diagnostics there.',
    '',
    '## Manifest diagnostics',
    '',
    '| code | severity | meaning | example |',
    '|---|---|---|---|',
  ];
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    const example = info.example.replace(/\n/g, '<br>').replace(/\|/g, '\\|');
    lines.push(
      `| <a id="${code}"></a>\`${code}\` | ${info.severity} | ${info.summary.replace(/\|/g, '\\|')} | \`${example}\` |`,
    );
  }
  lines.push(
    '',
    '## TOML errors',
    '',
    '`TomlError.code` from the TOML engine; in manifest diagnostics they appear as',
    '`toml-<code>` (for example `toml-duplicate-key`).',
    '',
    '| code | meaning |',
    '|---|---|',
  );
  for (const [code, meaning] of Object.entries(TOML_CODES))
    lines.push(`| <a id="toml-${code}"></a>\`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`);
  lines.push('');
  return lines.join('\n');
}
