import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli, type CliRun } from '../support/cli-process.js';
import { freePort } from '../support/gateway-harness.js';
import { fencedBlocks, markdownFiles, type FencedBlock } from './markdown.js';

// Every command the README and the docs mark as runnable, run as a reader would run it, against
// the quickstart (`npm start`: examples/quickstart and the bundled mock provider).
//
// The marker is the fence's info string:
//   ```sh runnable    a bash script; it must exit 0
//   ```ts runnable    an ES module run with node from the repository root (so `openai` and
//                     `@anthropic-ai/sdk` resolve); plain JavaScript syntax, no type annotations
//   ```text output    what the runnable block just before it prints: each non-empty line must
//                     appear in its standard output, in order (as part of a longer line, too);
//                     a line `...` marks output left out and is not checked
//
// Each document gets its own gateway, fresh state directory included, and its blocks run in
// order, so a document can apply something and use it further down. The gateway runs on free
// ports; the documented ones are rewritten in each block:
//   localhost:8080 / 127.0.0.1:8080    the quickstart's listener
//   localhost:19000 / 127.0.0.1:19000  the admin API
//   localhost:11434 / 127.0.0.1:11434  the mock provider (the gateway itself is told, with
//                                      --connect-to, that 127.0.0.1:11434 is the mock's port, so
//                                      manifests that name 11434 work unchanged)
// and `npx ai-gateway` runs this checkout's CLI (src/cli/main.ts), with --admin-address added
// for apply, get and delete. Blocks run with the repository root as working directory.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');
const BLOCK_TIMEOUT_MS = 30_000;

interface Runnable {
  block: FencedBlock;
  language: 'sh' | 'ts';
  expected: string[] | undefined;
}

/** The runnable blocks of one document, each with the output block that follows it, if any. */
function runnables(doc: string): Runnable[] {
  const blocks = fencedBlocks(readFileSync(join(ROOT, doc), 'utf8'));
  const found: Runnable[] = [];
  blocks.forEach((block, i) => {
    const words = block.info.split(/\s+/);
    if (words.includes('output')) {
      const previous = found.at(-1);
      if (previous === undefined || previous.block !== blocks[i - 1] || previous.expected !== undefined) throw new Error(`${doc}:${block.line}: an output block must follow a runnable block`);
      previous.expected = block.text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
      return;
    }
    if (!words.includes('runnable')) return;
    const language = words[0];
    if (language !== 'sh' && language !== 'ts') throw new Error(`${doc}:${block.line}: runnable blocks are sh or ts, not "${block.info}"`);
    found.push({ block, language, expected: undefined });
  });
  return found;
}

const DOCS = markdownFiles(ROOT)
  .map((doc) => ({ doc, blocks: runnables(doc) }))
  .filter((d) => d.blocks.length > 0);

test('the README and the task guides have runnable blocks (the marker is still found)', () => {
  const docs = DOCS.map((d) => d.doc);
  for (const doc of ['README.md', 'docs/guides/admin-api.md', 'docs/guides/sdk-clients.md']) assert.ok(docs.includes(doc), `${doc} has no runnable block`);
});

test('bash and curl are installed (the runnable blocks need them)', async () => {
  const r = await run('bash', ['-c', 'command -v curl'], '', {});
  assert.equal(r.code, 0, 'curl is not installed');
});

interface Ports {
  gateway: number;
  admin: number;
  mock: number;
}

/** The quickstart as `npm start` serves it, on free ports, with its own state directory. */
async function startQuickstart(dir: string): Promise<{ serve: CliRun; ports: Ports }> {
  const ports: Ports = { gateway: await freePort(), admin: await freePort(), mock: await freePort() };
  const config = join(dir, 'quickstart');
  await mkdir(config);
  for (const file of ['gateway.yaml', 'httproute.yaml', 'backend.yaml']) {
    let text = await readFile(join(ROOT, 'examples/quickstart', file), 'utf8');
    if (file === 'gateway.yaml') {
      assert.match(text, /port: 8080\n/, 'the quickstart Gateway listens on 8080');
      text = text.replace('port: 8080\n', `port: ${ports.gateway}\n`);
    }
    await writeFile(join(config, file), text);
  }
  const serve = cli([
    'serve',
    '-f',
    config,
    '--mock-provider',
    `127.0.0.1:${ports.mock}`,
    '--connect-to',
    `127.0.0.1:11434:127.0.0.1:${ports.mock}`,
    '--admin-address',
    `127.0.0.1:${ports.admin}`,
    '--state-dir',
    join(dir, 'state'),
    '--log-level',
    'warn',
  ]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${ports.admin}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (serve.child.exitCode !== null || Date.now() > deadline) {
      serve.child.kill();
      const { stderr } = await serve.done;
      throw new Error(`the quickstart did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { serve, ports };
}

/** The block as it runs here: the documented ports replaced by this run's. */
function withPorts(text: string, ports: Ports): string {
  return text
    .replace(/\b(localhost|127\.0\.0\.1):8080\b/g, `$1:${ports.gateway}`)
    .replace(/\b(localhost|127\.0\.0\.1):19000\b/g, `$1:${ports.admin}`)
    .replace(/\b(localhost|127\.0\.0\.1):11434\b/g, `$1:${ports.mock}`);
}

/** Runs before each sh block: strict mode, and `npx ai-gateway` as this checkout's CLI aimed at this run's admin API. */
const PRELUDE = `set -eo pipefail
npx() {
  if [ "$1" != ai-gateway ]; then echo "a runnable block may only run npx ai-gateway" >&2; return 127; fi
  shift
  case "$1" in
    apply|get|delete) node --import tsx "$DOCS_CLI" "$@" --admin-address "127.0.0.1:$DOCS_ADMIN_PORT" ;;
    *) node --import tsx "$DOCS_CLI" "$@" ;;
  esac
}
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], stdin: string, env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    const base: Record<string, string | undefined> = { ...process.env };
    delete base.AI_GATEWAY_ADMIN_TOKEN;
    const child = spawn(command, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'], timeout: BLOCK_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A process that exits without reading its input closes the pipe; its exit status says what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

function runBlock(r: Runnable, ports: Ports): Promise<Result> {
  const text = withPorts(r.block.text, ports);
  if (r.language === 'ts') return run(process.execPath, ['--input-type=module', '-'], text, {});
  return run('bash', ['-c', `${PRELUDE}${text}`], '', { DOCS_CLI: CLI, DOCS_ADMIN_PORT: String(ports.admin) });
}

/** Each expected line appears in the output, after the previous one; `...` stands for lines left out. */
function assertOutput(stdout: string, expected: readonly string[], where: string): void {
  let at = 0;
  for (const line of expected) {
    const want = line.trim();
    if (want === '...' || want === '…') continue;
    const found = stdout.indexOf(want, at);
    assert.notEqual(found, -1, `${where}: expected output not found (in order): ${want}\n--- output ---\n${stdout}`);
    at = found + want.length;
  }
}

// Documents run side by side, each against its own gateway; the blocks of one document in order.
describe('runnable blocks', { concurrency: true }, () => {
  for (const { doc, blocks } of DOCS) {
    describe(doc, { concurrency: 1 }, () => {
      let dir: string;
      let quickstart: { serve: CliRun; ports: Ports } | undefined;
      before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'aigw-docs-'));
        quickstart = await startQuickstart(dir);
      });
      after(async () => {
        if (quickstart !== undefined) {
          quickstart.serve.child.kill('SIGTERM');
          await quickstart.serve.done;
        }
        await rm(dir, { recursive: true, force: true });
      });

      for (const r of blocks) {
        const where = `${doc}:${r.block.line}`;
        test(`${where}: ${r.block.text.split('\n')[0] ?? ''}`, async () => {
          assert.ok(quickstart !== undefined, 'the quickstart did not start');
          const result = await runBlock(r, quickstart.ports);
          assert.equal(result.code, 0, `${where} exited ${result.code ?? 'on a signal or timeout'}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
          if (r.expected !== undefined) assertOutput(result.stdout, r.expected, where);
        });
      }
    });
  }
});
