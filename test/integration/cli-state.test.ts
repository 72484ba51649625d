import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, type CliRun } from '../support/cli-process.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, freePort } from '../support/gateway-harness.js';
import { aiBackend, route } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// The CLI as a user runs it across restarts over one state directory: whichever was written
// last, the file or the apply, is in force; and what apply says when the admin token is wrong.

let fake: FakeProvider;
let root: string;
before(async () => {
  fake = await startFakeProvider();
  root = await mkdtemp(join(tmpdir(), 'aigw-cli-state-'));
});
after(() => fake.close());

interface Served {
  run: CliRun;
  url: string;
  admin: string;
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): it can no longer react to anything, such as a file edit. */
  freeze(): void;
  /** Kills it at once, as a crash or an OOM kill would. */
  kill(): Promise<void>;
}

const gateway = (port: number): string => seedManifest('gateway.yaml').replace('port: 8080', `port: ${port}`);

async function serve(dir: string, stateDir: string, env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  await writeFile(join(dir, 'gateway.yaml'), gateway(port));
  const admin = `127.0.0.1:${await freePort()}`;
  const run = cli(['serve', '-f', dir, '--admin-address', admin, '--state-dir', stateDir], { env });
  await eventually(async () => (await fetch(`http://${admin}/readyz`).catch(() => undefined))?.status === 200, 15_000);
  return {
    run,
    url: `http://127.0.0.1:${port}`,
    admin,
    stop: async () => {
      run.child.kill('SIGTERM');
      assert.equal((await run.done).code, 0);
    },
    freeze: () => run.child.kill('SIGSTOP'),
    kill: async () => {
      run.child.kill('SIGKILL');
      await run.done;
    },
  };
}

async function tokenUsed(gw: Served): Promise<string | undefined> {
  const res = await fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
  assert.equal(res.status, 200, await res.clone().text());
  return fake.received.at(-1)?.headers.authorization;
}

const inlineBackend = (token: string): string => aiBackend('openai', { port: fake.port, token });
const ROUTE = route('openai', '/openai', 'openai');

async function configDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

describe('two serves in a row over one state directory', () => {
  test('the second serve uses its own file\'s Backend, not the copy applied over the first one\'s, and says so', async () => {
    const stateDir = join(root, 'state-a-b');
    const dirA = await configDir('dir-a', { 'backend.yaml': inlineBackend('sk-dir-a'), 'route.yaml': ROUTE });
    const first = await serve(dirA, stateDir);
    try {
      const applied = await cli(['apply', '-f', '-', '--admin-address', first.admin], { stdin: inlineBackend('sk-applied') }).done;
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stdout.trim(), `backend/openai configured (over ${join(dirA, 'backend.yaml')} until that version changes)`);
      assert.equal(await tokenUsed(first), 'Bearer sk-applied');
      const wide = await cli(['get', 'backend', '-n', 'kgateway-system', '-o', 'wide', '--admin-address', first.admin]).done;
      assert.match(wide.stdout, new RegExp(`openai\\s+True\\s+apply \\(over ${join(dirA, 'backend.yaml').replace(/[.]/g, '\\.')}\\)`));
    } finally {
      await first.stop();
    }
    const secretRefBackend = `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai, namespace: kgateway-system}
spec:
  type: AI
  ai: {llm: {host: 127.0.0.1, port: ${fake.port}, openai: {authToken: {kind: SecretRef, secretRef: {name: openai-secret}}}}}
`;
    const dirB = await configDir('dir-b', { 'backend.yaml': secretRefBackend, 'secret.yaml': seedManifest('secret.yaml', { OPENAI_API_KEY: 'sk-dir-b' }), 'route.yaml': ROUTE });
    const second = await serve(dirB, stateDir);
    try {
      assert.equal(await tokenUsed(second), 'Bearer sk-dir-b');
      await eventually(() => second.run.stdout().includes('takes over from the copy applied at'), 2000);
      const line = second.run.stdout().split('\n').find((l) => l.includes('takes over from the copy applied at')) ?? '';
      const warning = JSON.parse(line) as { level: string; msg: string };
      assert.equal(warning.level, 'warn');
      assert.match(warning.msg, /^Backend kgateway-system\/openai: /);
      assert.ok(warning.msg.includes(join(dirB, 'backend.yaml')), warning.msg);
      assert.match(warning.msg, /the copy applied at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(which was applied over /);
      assert.ok(warning.msg.includes(join(dirA, 'backend.yaml')), 'it names the file the apply was over, too');
      const state = JSON.parse(await readFile(join(stateDir, 'applied.json'), 'utf8')) as { resources: unknown[] };
      assert.deepEqual(state.resources, [], 'the superseded copy is gone from the state directory');
    } finally {
      await second.stop();
    }
  });
});

describe('restarts over an unchanged file, then a crash', () => {
  test('the applied copy wins with a start-up warning; a crash between a file edit and the state rewrite loses nothing', async () => {
    const stateDir = join(root, 'state-crash');
    const dir = await configDir('dir-crash', { 'backend.yaml': inlineBackend('sk-file-1'), 'route.yaml': ROUTE });
    const first = await serve(dir, stateDir);
    try {
      await cli(['apply', '-f', '-', '--admin-address', first.admin], { stdin: inlineBackend('sk-applied') }).done;
    } finally {
      await first.stop();
    }
    const second = await serve(dir, stateDir);
    try {
      assert.equal(await tokenUsed(second), 'Bearer sk-applied');
      await eventually(() => second.run.stdout().includes('in force over their source'), 2000);
      const warning = second.run.stdout().split('\n').find((l) => l.includes('in force over their source'));
      assert.ok(warning?.includes(`Backend kgateway-system/openai over ${join(dir, 'backend.yaml')}`), warning);
      assert.ok(warning?.includes('npx ai-gateway delete backend openai -n kgateway-system'));
      // Frozen, the gateway cannot see the edit, let alone rewrite its state; then it dies.
      second.freeze();
      await writeFile(join(dir, 'backend.yaml'), inlineBackend('sk-file-2'));
    } finally {
      await second.kill();
    }
    const saved = JSON.parse(await readFile(join(stateDir, 'applied.json'), 'utf8')) as { resources: unknown[] };
    assert.equal(saved.resources.length, 1, 'the state still holds the applied copy');
    const third = await serve(dir, stateDir);
    try {
      assert.equal(await tokenUsed(third), 'Bearer sk-file-2');
      await eventually(async () => (JSON.parse(await readFile(join(stateDir, 'applied.json'), 'utf8')) as { resources: unknown[] }).resources.length === 0, 2000);
    } finally {
      await third.stop();
    }
  });
});

describe('an admin API with a token', () => {
  test('apply, get and delete say whether the token is missing or rejected', async () => {
    const dir = await configDir('dir-token', { 'route.yaml': ROUTE });
    const gw = await serve(dir, join(root, 'state-token'), { AI_GATEWAY_ADMIN_TOKEN: 'admin-s3cret' });
    try {
      const withoutEnv = { AI_GATEWAY_ADMIN_TOKEN: '' };
      const missing = await cli(['apply', '-f', '-', '--admin-address', gw.admin], { stdin: inlineBackend('sk-x'), env: withoutEnv }).done;
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, "error: 401 Unauthorized: this gateway's admin API needs a token (--admin-token or AI_GATEWAY_ADMIN_TOKEN)\n");
      const rejected = await cli(['get', 'backends', '--admin-address', gw.admin, '--admin-token', 'wrong'], { env: withoutEnv }).done;
      assert.equal(rejected.code, 1);
      assert.equal(rejected.stderr, 'error: 401 Unauthorized: the admin token was rejected\n');
      const deleted = await cli(['delete', 'backend', 'openai', '-n', 'kgateway-system', '--admin-address', gw.admin, '--admin-token', 'wrong'], { env: withoutEnv }).done;
      assert.equal(deleted.stderr, 'error: 401 Unauthorized: the admin token was rejected\n');
      const accepted = await cli(['apply', '-f', '-', '--admin-address', gw.admin, '--admin-token', 'admin-s3cret'], { stdin: inlineBackend('sk-x') }).done;
      assert.equal(accepted.stdout.trim(), 'backend/openai created');
    } finally {
      await gw.stop();
    }
  });
});
