/**
 * `fmt` never leaves a truncated or half-written manifest: killed at any moment, every
 * file is either exactly the original or exactly the formatted text.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after as cleanup, describe, it } from 'node:test';
import { formatManifest } from '../lib/index.js';
import { projectRoot } from './helpers.js';

const cli = `${projectRoot}dist/lib/cli/main.js`;

/** A manifest that needs reformatting, large enough that writing it takes a moment. */
function unformatted(i: number): string {
  const volumes = Array.from(
    { length: 200 },
    (_, v) =>
      `[[storage.volumes]]\ncontainer = "/mnt/v${v}"\nhost = "/srv/${i}/v${v}"  # volume ${v}\n`,
  ).join('');
  return `# manifest ${i}\n\n[storage]\nrootfs = "/srv/root/${i}"\n${volumes}[workload]\nmode = "container"\nname = "svc-${i}"\n`;
}

describe('fmt killed mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volt-fmt-kill-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));

  for (const after of [1, 30]) {
    it(`leaves every file whole when killed after ${after} file(s) were written`, async (t) => {
      const work = mkdtempSync(join(dir, 'run-'));
      const originals = new Map<string, string>();
      const formatted = new Map<string, string>();
      for (let i = 0; i < 120; i++) {
        const name = `m${String(i).padStart(3, '0')}.toml`;
        const text = unformatted(i);
        writeFileSync(join(work, name), text);
        originals.set(name, text);
        const outcome = formatManifest(text);
        assert.ok(outcome.ok && outcome.changed, name);
        formatted.set(name, outcome.text);
      }
      const child = spawn(process.execPath, [cli, 'fmt', work], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let written = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        written += chunk.toString().split('\n').length - 1;
        if (written >= after) child.kill('SIGKILL');
      });
      await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let old = 0;
      let done = 0;
      for (const [name, original] of originals) {
        const now = readFileSync(join(work, name), 'utf8');
        if (now === original) old++;
        else {
          assert.equal(
            now,
            formatted.get(name),
            `${name} is neither the original nor the formatted text`,
          );
          done++;
        }
      }
      assert.equal(old + done, originals.size);
      t.diagnostic(`killed after ${written} reported writes: ${done} formatted, ${old} untouched`);
      assert.ok(done >= after && old > 0, 'the kill must land mid-run');
      // Whatever remains besides the manifests can only be a temporary file of the write
      // that was cut short, never a manifest-named file.
      const others = readdirSync(work).filter((f) => !originals.has(f));
      assert.ok(
        others.every((f) => /^\.m\d{3}\.toml\.[0-9a-f]{12}\.tmp$/.test(f)),
        others.join(', '),
      );
      assert.ok(others.length <= 1, others.join(', '));
    });
  }
});
