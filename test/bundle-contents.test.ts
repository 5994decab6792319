/**
 * What a bundle of the engine holds, bundled from `dist/` as an application would
 * (esbuild, ESM, platform neutral). Tree shaking keeps what an entry reaches, and also
 * whatever runs at load that the bundler cannot prove free of side effects: a call made
 * at module level, unless marked pure. And every class field is written out in the
 * bundle once more than the constructor that sets it, so the engine's classes declare
 * their fields (`declare`) and set them in the constructor; their own properties keep the
 * order they had as class fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import {
  LineIndex,
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  TomlError,
  parse,
  parseLocated,
} from '../lib/toml/index.js';
import { projectRoot } from './helpers.js';

/** The unminified bundle of `source` (an ES module resolved from the project root), and the modules in it. */
async function bundleOf(source: string): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    stdin: { contents: source, resolveDir: projectRoot, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // The metafile lists every module read; those tree shaking dropped whole add no bytes.
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  return { text: result.outputFiles[0]!.text, inputs };
}

describe('a bundle of parse alone', () => {
  it('leaves out the writer, the tokenizer and the platform encoder', async () => {
    const { text, inputs } = await bundleOf("export { parse } from './dist/lib/toml/index.js';");
    for (const left of ['stringify.js', 'lexer/lexer.js', 'tagged.js', 'lexer/tokens.js']) {
      assert.ok(!inputs.some((file) => file.endsWith(left)), `${left} is in the bundle`);
    }
    // The encoder was made at load (`const platformEncoder = utf8Encoder()`), so the
    // bundle kept it and its function though only stringify's hashing uses it.
    assert.doesNotMatch(text, /TextEncoder/);
    assert.doesNotMatch(text, /function utf8Encoder/);
    // parse needs the strict decoder only (for bytes); the lenient one is the encoder's.
    assert.match(text, /strictPlatformDecoder/);
    assert.doesNotMatch(text, /\bplatformDecoder\b/);
  });
});

describe('the classes of the engine', () => {
  /** Class bodies up to their constructor, by class name, in an unminified bundle. */
  function fieldsOf(text: string, name: string): string {
    const match = new RegExp(`var ${name} = class[^{]*\\{([\\s\\S]*?)\\n  constructor\\(`).exec(
      text,
    );
    assert.ok(match !== null, `class ${name} is not in the bundle`);
    return match[1]!;
  }

  it('declare no field without a value (each would be one more copy of its name)', async () => {
    const { text } = await bundleOf("export * from './dist/lib/toml/index.js';");
    const classes = [
      'TomlError',
      'CodeFrameLine',
      'LineIndex',
      'LocalDate',
      'LocalTime',
      'LocalDateTime',
      'OffsetDateTime',
      'LocatedScalarNode',
      'LocatedArrayNode',
      'LocatedEntryNode',
      'LocatedTableNode',
      'LocatedDocument',
    ];
    for (const name of classes) {
      // A field without a value is a line of its own: `  year;`.
      assert.doesNotMatch(fieldsOf(text, name), /^\s+[\w$]+;$/m, name);
    }
  });

  it('keep their own properties in the order they had as class fields', () => {
    assert.deepEqual(Object.keys(new LocalDate(2024, 2, 29)), ['year', 'month', 'day']);
    assert.deepEqual(Object.keys(new LocalTime(1, 2, 3, '5')), [
      'hour',
      'minute',
      'second',
      'fraction',
    ]);
    const dateTime = ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction'];
    assert.deepEqual(Object.keys(new LocalDateTime(2024, 1, 2, 3, 4)), dateTime);
    assert.deepEqual(Object.keys(new OffsetDateTime(2024, 1, 2, 3, 4)), [...dateTime, 'offset']);
    assert.deepEqual(Object.keys(new LineIndex('a\nb')), [
      'text',
      'documentStart',
      'starts',
      'next',
      'pairEnds',
    ]);
    assert.throws(
      () => parse('a = 1\na = 2'),
      (error: unknown) => {
        assert.ok(error instanceof TomlError);
        assert.deepEqual(Object.keys(error), [
          'name',
          'code',
          'offset',
          'line',
          'column',
          'endOffset',
          'endLine',
          'endColumn',
          'lineText',
          'byteOffset',
        ]);
        return true;
      },
    );
    const document = parseLocated('t = { a = [1] }');
    assert.deepEqual(Object.keys(document), ['value', 'root', 'source', 'lines']);
    const root = document.root;
    assert.deepEqual(Object.keys(root), [
      'value',
      'origin',
      'start',
      'end',
      'type',
      'firstEntry',
      'lastEntry',
      'byKey',
      'count',
    ]);
    const entry = root.firstEntry!;
    assert.deepEqual(Object.keys(entry), ['key', 'start', 'end', 'node', 'next']);
    const array = document.entry(['t', 'a'])!.node;
    assert.deepEqual(Object.keys(array), ['value', 'start', 'end', 'items', 'ofTables', 'type']);
    assert.equal(array.type, 'array');
    const scalar = (array.type === 'array' ? array.items[0] : undefined)!;
    assert.deepEqual(Object.keys(scalar), ['type', 'value', 'start', 'end']);
  });
});
