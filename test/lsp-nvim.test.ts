/**
 * A headless Neovim against the language server: the setup docs/editors.md gives starts
 * `node dist/lib/cli/main.js lsp` on opening a manifest with a known error; the script waits for its
 * diagnostics, asks for hover and quits; a Lua script writes what Neovim saw as JSON.
 * Skipped, saying so, where `nvim` is not on PATH.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from './helpers.js';

const cli = join(projectRoot, 'dist/lib/cli/main.js');

/** Why the test is skipped here, or null when Neovim can run it. */
function nvimMissing(): string | null {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    return 'nvim is not on PATH (the headless Neovim test needs Neovim 0.7 or later)';
  return null;
}

const missing = nvimMissing();

/**
 * The Neovim setups of docs/editors.md as written there, with the test's command, no
 * debounce and an exit hook put in: the `vim.lsp.start` block (Neovim 0.8 and later) and
 * the `start_client` + `buf_attach_client` block (0.7).
 */
function documentedSetups(): { start: string; startClient: string } {
  const doc = readFileSync(join(projectRoot, 'docs/editors.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Neovim\n'), doc.indexOf('## Helix\n'));
  const blocks = [...section.matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const documentedCmd = "cmd = { 'npx', 'volt-manifest', 'lsp' },";
  const ours =
    "cmd = { VOLT_NODE, VOLT_CLI, 'lsp' }, init_options = { debounceMs = 0 }, on_exit = VOLT_ON_EXIT,";
  const start = blocks.find((b) => b.includes('vim.lsp.start('));
  const startClient = blocks.find((b) => b.includes('vim.lsp.start_client('));
  assert.ok(start !== undefined && startClient !== undefined, 'the two Neovim setups');
  for (const block of [start, startClient])
    assert.ok(block.includes(documentedCmd), `a setup without ${documentedCmd}`);
  return {
    start: start.replace(documentedCmd, ours),
    startClient: startClient.replace(documentedCmd, ours),
  };
}

/**
 * Runs the documented setup for this Neovim, opens the file (its FileType starts the
 * client), then the session: diagnostics, hover, stop, and the server's exit status.
 */
const script = String.raw`
local out = os.getenv('VOLT_NVIM_OUT')
local result = { diagnostics = {}, hover = vim.NIL, exit = vim.NIL, error = vim.NIL }
VOLT_NODE = os.getenv('VOLT_NVIM_NODE')
VOLT_CLI = os.getenv('VOLT_NVIM_CLI')
VOLT_ON_EXIT = function(code) result.exit = code end

local function run()
  dofile(os.getenv(vim.lsp.start and 'VOLT_NVIM_SETUP_START' or 'VOLT_NVIM_SETUP_START_CLIENT'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('VOLT_NVIM_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  if not vim.wait(20000, function() return #vim.lsp.get_active_clients() > 0 end, 20) then
    error('no client started within 20 s (filetype ' .. vim.bo.filetype .. ')')
  end
  local id = vim.lsp.get_active_clients()[1].id
  if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
    error('no diagnostics within 20 s')
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, {
      line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col,
      code = d.code, message = d.message, severity = d.severity,
    })
  end
  local answers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 1, character = 2 },
  }, 20000)
  if answers == nil or answers[id] == nil then error('no hover answer within 20 s') end
  result.hover = answers[id].result
  vim.lsp.stop_client(id)
  if not vim.wait(20000, function() return result.exit ~= vim.NIL end, 20) then
    error('the server did not exit within 20 s of stop_client')
  end
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd(ok and 'qall!' or 'cquit! 2')
`;

/** Runs Neovim on the script; kills it and fails when it has not ended in `limitMs`. */
function runNvim(
  args: string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim did not end within ${limitMs} ms (killed); stderr: ${stderr}`));
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

interface Seen {
  diagnostics: {
    line: number;
    col: number;
    end_line: number;
    end_col: number;
    code: string;
    message: string;
    severity: number;
  }[];
  hover: { range: unknown; contents: { kind: string; value: string } } | null;
  exit: number | null;
  error: string | null;
}

describe(
  'the language server in a headless Neovim',
  missing === null ? {} : { skip: missing },
  () => {
    let dir: string;
    before(() => {
      dir = realpathSync(mkdtempSync(join(tmpdir(), 'volt-nvim-')));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('shows the diagnostics of a manifest with an error, answers hover and exits 0', async () => {
      const file = join(dir, 'web.toml');
      writeFileSync(file, '[workload]\nname = "Web"\nmode = "container"\nimage = "nginx"\n');
      const scriptFile = join(dir, 'session.lua');
      writeFileSync(scriptFile, script);
      const setups = documentedSetups();
      writeFileSync(join(dir, 'setup-start.lua'), setups.start);
      writeFileSync(join(dir, 'setup-start-client.lua'), setups.startClient);
      const out = join(dir, 'seen.json');
      const { code, stderr } = await runNvim(
        ['--headless', '--clean', '-c', `luafile ${scriptFile}`],
        {
          ...process.env,
          VOLT_NVIM_OUT: out,
          VOLT_NVIM_FILE: file,
          VOLT_NVIM_NODE: process.execPath,
          VOLT_NVIM_CLI: cli,
          VOLT_NVIM_SETUP_START: join(dir, 'setup-start.lua'),
          VOLT_NVIM_SETUP_START_CLIENT: join(dir, 'setup-start-client.lua'),
          // Neovim's LSP log and state go to the temporary directory, not the home.
          XDG_CACHE_HOME: dir,
          XDG_STATE_HOME: dir,
          XDG_DATA_HOME: dir,
        },
        90_000,
      );
      const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
      assert.equal(seen.error, null, `the Lua script failed: ${seen.error}; stderr: ${stderr}`);
      assert.equal(code, 0, stderr);
      assert.deepEqual(seen.diagnostics, [
        {
          line: 1,
          col: 7,
          end_line: 1,
          end_col: 12,
          code: 'workload-name-invalid',
          message: "workload name 'Web' has an uppercase letter 'W' (use lowercase)",
          severity: 1,
        },
      ]);
      assert.deepEqual(seen.hover?.range, {
        start: { line: 1, character: 0 },
        end: { line: 1, character: 4 },
      });
      assert.equal(seen.hover?.contents.kind, 'markdown');
      assert.match(seen.hover!.contents.value, /^\*\*workload\.name\*\*: string, required\n/);
      // Neovim sent shutdown, then exit: the server's status is 0.
      assert.equal(seen.exit, 0);
    });
  },
);
