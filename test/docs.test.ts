/**
 * Generated documentation stays current, and the JSON Schema agrees with the validator
 * on every example manifest. `npm run docs` (UPDATE_DOCS=1) rewrites the generated files.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Random } from '../bench/random.js';
import { encodeManifest, hasErrors, manifestJsonSchema, parseManifest } from '../lib/index.js';
import { errorCodesMarkdown, manifestReferenceMarkdown } from '../lib/manifest/reference.js';
import { parse } from '../lib/toml/index.js';
import { manifestFiles, projectRoot } from './helpers.js';
import { randomManifest } from './manifest-gen.js';

const generated: Record<string, () => string> = {
  'docs/manifest-reference.md': manifestReferenceMarkdown,
  'docs/error-codes.md': errorCodesMarkdown,
  'docs/manifest.schema.json': () => `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`,
};

describe('generated docs', () => {
  for (const [file, make] of Object.entries(generated)) {
    it(`${file} is current`, () => {
      const text = make();
      if (process.env['UPDATE_DOCS'] === '1') writeFileSync(`${projectRoot}${file}`, text);
      assert.equal(
        readFileSync(`${projectRoot}${file}`, 'utf8'),
        text,
        `run 'npm run docs' to refresh ${file}`,
      );
    });
  }
});

describe('JSON Schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  const validate = ajv.compile(manifestJsonSchema());

  it('agrees with the validator on every example, valid and broken', () => {
    const files = manifestFiles(`${projectRoot}examples`);
    assert.ok(files.length >= 12);
    let rejected = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const validatorOk = !hasErrors(parseManifest(text, { path: file }).diagnostics);
      const schemaOk = validate(parse(text));
      assert.equal(schemaOk, validatorOk, `${file}: ${ajv.errorsText(validate.errors)}`);
      if (!schemaOk) rejected++;
    }
    assert.ok(rejected >= 4, `only ${rejected} examples rejected`);
  });

  it('accepts every generated valid manifest', () => {
    const random = new Random(11);
    for (let i = 0; i < 300; i++) {
      const text = encodeManifest(randomManifest(random));
      assert.ok(validate(parse(text)), `${text}\n${ajv.errorsText(validate.errors)}`);
    }
  });

  it('rejects what the validator rejects, for the rules a schema can express', () => {
    const good = '[workload]\nname = "web"\nmode = "container"\nimage = "x"\n';
    const bad = [
      `${good}imag = "y"\n`,
      good.replace('"web"', '"Web"'),
      good.replace('"container"', '"vm"'),
      `${good}[resources]\ncpu_weight = 20000\n`,
      `${good}[resources]\nmemory_limit = "1X"\n`,
      `${good}[resources]\ncpu_set = "1-"\n`,
      `${good}[network]\naddress = "10.0.0.300"\n`,
      `${good}[network]\nmode = "none"\nports = ["80:80"]\n`,
      `${good}[network]\nmode = "host"\naddress = "10.0.0.1"\n`,
      `${good}[network]\nports = ["80:0"]\n`,
      `${good}[security]\ncapabilities = ["CAP_FLY"]\n`,
      `${good}[[storage.volumes]]\nhost = "/a/../b"\ncontainer = "/c"\n`,
      `${good}[[storage.volumes]]\nhost = "/a"\ncontainer = "/"\n`,
      '[workload]\nname = "web"\nmode = "container"\n',
      '[workload]\nname = "vm"\nmode = "hybrid-kvm"\nimage = "x"\n',
      `extends = "/abs.toml"\n${good}`,
      `${good}[kernel]\ncmdline = "quiet\\u009b"\n`,
      `${good}[[storage.volumes]]\nhost = "/a\\u0085"\ncontainer = "/c"\n`,
    ];
    for (const text of bad) {
      assert.ok(hasErrors(parseManifest(text).diagnostics), text);
      assert.equal(validate(parse(text)), false, text);
    }
  });
});
