/**
 * The language server's latency group of the benchmark (`--lsp`) as a smoke run: it runs
 * against the server process and reports its table and targets, and with `--out` rewrites
 * only its own section of an existing benchmarks.md. Its times are never asserted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from './helpers.js';

const script = join(projectRoot, 'dist/bench/run.js');

test('bench --quick --lsp reports the change-to-diagnostics table and its targets, and writes its section', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lsp-'));
  try {
    const page = join(dir, 'benchmarks.md');
    writeFileSync(
      page,
      '# Benchmarks\n\n## Bundle size\n\nsizes\n\n## Where the time goes\n\nprofiles\n',
    );
    const result = spawnSync(process.execPath, [script, '--quick', '--lsp', '--out', dir], {
      cwd: projectRoot,
      encoding: 'utf8',
      // A guard against a hung run, not a speed bound: the quick group takes seconds.
      timeout: 120_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const rows = result.stdout
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('| manifest with its extends chain') ||
          line.startsWith('| 64 KiB TOML file'),
      );
    assert.equal(rows.length, 2, result.stdout);
    assert.match(
      rows[0]!,
      /^\| manifest with its extends chain \(examples\/apps\/orders\.toml\) \| 249 \| 5 \| [0-9.]+ \| [0-9.]+ \| < 20 ms \| (met|\*\*not met\*\*) \|$/,
    );
    assert.match(
      rows[1]!,
      /^\| 64 KiB TOML file \(quick\) \(mixedDocument \(bench\/generate\.ts\)\) \| \d+ \| 3 \| [0-9.]+ \| [0-9.]+ \| < 100 ms \| (met|\*\*not met\*\*) \|$/,
    );
    assert.ok(result.stdout.includes('## Targets of issue 21'));
    assert.match(
      result.stdout,
      /\| change to diagnostics, manifest with its extends chain, under 20 ms \(median\) \| median [0-9.]+ ms, p95 [0-9.]+ ms \| (met|\*\*not met\*\*) \|/,
    );
    // The quick run has no 1 MB file: that target says so rather than passing.
    assert.ok(
      result.stdout.includes(
        '| change to diagnostics, 1 MB TOML file, under 100 ms (median) | not in this run | not measured |',
      ),
    );
    const written = readFileSync(page, 'utf8');
    const at = written.indexOf('## Language server\n');
    assert.ok(
      at > written.indexOf('## Bundle size') && at < written.indexOf('## Where the time goes'),
      written,
    );
    assert.ok(written.includes('`npm run bench -- --lsp` on '), written);
    assert.ok(written.endsWith('## Where the time goes\n\nprofiles\n'), written);
    // Run again: the section is replaced, not added twice.
    const again = spawnSync(process.execPath, [script, '--quick', '--lsp', '--out', dir], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(page, 'utf8').split('## Language server\n').length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
