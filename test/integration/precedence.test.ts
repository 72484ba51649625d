import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminPost } from '../support/admin-api.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';

// Between an applied resource and a file's version of it, whichever was written last wins.

let fake: FakeProvider;
before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());

const backend = (token: string): string => aiBackend('openai', { port: fake.port, token });
const ROUTE = route('openai', '/openai', 'openai');

/** The bearer token the provider received for one chat request through /openai. */
async function tokenUsed(gw: RunningGateway): Promise<string | undefined> {
  const res = await fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
  assert.equal(res.status, 200, await res.clone().text());
  return fake.received.at(-1)?.headers.authorization;
}

interface ResourceItem {
  origin: { source: string; path?: string; overrides?: string; appliedAt?: string };
}

async function backendOrigin(gw: RunningGateway): Promise<ResourceItem['origin'] | undefined> {
  const got = (await (await fetch(`${gw.admin}/resources/Backend/kgateway-system/openai`)).json()) as { items: ResourceItem[] };
  return got.items[0]?.origin;
}

async function savedResources(stateDir: string): Promise<{ object: { spec: unknown }; appliedAt: string; overrode: unknown }[]> {
  return (JSON.parse(await readFile(join(stateDir, 'applied.json'), 'utf8')) as { resources: { object: { spec: unknown }; appliedAt: string; overrode: unknown }[] }).resources;
}

const warnings = (gw: RunningGateway): { msg: string; level: string }[] =>
  gw.logs.map((l) => JSON.parse(l) as { msg: string; level: string }).filter((l) => l.level === 'warn');

async function withFiles(files: Record<string, string>, work: (gw: RunningGateway, stateDir: string) => Promise<void>): Promise<void> {
  const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
  const gw = await startGateway({ files, stateDir });
  try {
    await work(gw, stateDir);
  } finally {
    await gw.stop();
  }
}

describe('an applied copy over a file', () => {
  test('is in force, and get and /config say which file it overrides', async () => {
    await withFiles({ 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, async (gw) => {
      assert.equal(await tokenUsed(gw), 'Bearer sk-file-1');
      const applied = await adminPost(gw.admin, '/apply', backend('sk-applied-1'));
      assert.deepEqual(applied.body.results, [{ kind: 'Backend', namespace: 'kgateway-system', name: 'openai', action: 'configured', over: join(gw.dir, 'backend.yaml') }]);
      assert.equal(await tokenUsed(gw), 'Bearer sk-applied-1');
      const origin = await backendOrigin(gw);
      assert.equal(origin?.source, 'apply');
      assert.equal(origin?.overrides, join(gw.dir, 'backend.yaml'));
      const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: (ResourceItem & { kind: string })[] };
      assert.equal(config.resources.find((r) => r.kind === 'Backend')?.origin.overrides, join(gw.dir, 'backend.yaml'));
    });
  });

  test('gives way within a second when the watched file is edited, and leaves the state file', async () => {
    await withFiles({ 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, async (gw, stateDir) => {
      await adminPost(gw.admin, '/apply', backend('sk-applied-1'));
      const appliedAt = (await savedResources(stateDir))[0]?.appliedAt ?? '';
      assert.equal(await tokenUsed(gw), 'Bearer sk-applied-1');
      const edited = Date.now();
      await gw.write('backend.yaml', backend('sk-file-2'));
      await eventually(async () => (await tokenUsed(gw)) === 'Bearer sk-file-2', 1000);
      assert.ok(Date.now() - edited < 1000);
      await eventually(async () => (await savedResources(stateDir)).length === 0, 1000);
      await eventually(() => warnings(gw).some((w) => w.msg.includes('takes over from the copy applied at')), 1000);
      const warning = warnings(gw).find((w) => w.msg.includes('takes over from the copy applied at'));
      assert.ok(warning !== undefined, 'a warning says the applied copy gave way');
      assert.ok(warning.msg.includes('Backend kgateway-system/openai'));
      assert.ok(warning.msg.includes(join(gw.dir, 'backend.yaml')));
      assert.ok(warning.msg.includes(appliedAt));
      assert.ok(warning.msg.includes('that version changed since'));
      assert.equal((await backendOrigin(gw))?.source, 'file');
    });
  });

  test('an edit elsewhere in the watched directory leaves it in force', async () => {
    await withFiles({ 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, async (gw) => {
      await adminPost(gw.admin, '/apply', backend('sk-applied-1'));
      const version = gw.gateway.currentConfig().version;
      await gw.write('route.yaml', `${ROUTE}# a comment\n`);
      await gw.write('other.yaml', route('other', '/other', 'openai'));
      await eventually(() => gw.gateway.currentConfig().version > version);
      assert.equal(await tokenUsed(gw), 'Bearer sk-applied-1');
    });
  });

  test('deleted, falls back to the file; the file version itself cannot be deleted', async () => {
    await withFiles({ 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, async (gw, stateDir) => {
      await adminPost(gw.admin, '/apply', backend('sk-applied-1'));
      const deleted = await fetch(`${gw.admin}/resources/Backend/kgateway-system/openai`, { method: 'DELETE' });
      assert.equal(deleted.status, 200);
      assert.deepEqual(((await deleted.json()) as { results: unknown[] }).results, [
        { kind: 'Backend', namespace: 'kgateway-system', name: 'openai', action: 'deleted', restored: join(gw.dir, 'backend.yaml') },
      ]);
      assert.equal(await tokenUsed(gw), 'Bearer sk-file-1');
      assert.deepEqual(await savedResources(stateDir), []);
      const again = await fetch(`${gw.admin}/resources/Backend/kgateway-system/openai`, { method: 'DELETE' });
      assert.equal(again.status, 409);
      assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'resource_in_file');
    });
  });

  test('gives way when a file comes to define a resource that was applied before the file had it', async () => {
    await withFiles({ 'gateway.yaml': GATEWAY, 'route.yaml': ROUTE }, async (gw, stateDir) => {
      const applied = await adminPost(gw.admin, '/apply', backend('sk-applied-1'));
      assert.deepEqual(applied.body.results, [{ kind: 'Backend', namespace: 'kgateway-system', name: 'openai', action: 'created' }]);
      assert.equal(await tokenUsed(gw), 'Bearer sk-applied-1');
      await gw.write('backend.yaml', backend('sk-file-1'));
      await eventually(async () => (await tokenUsed(gw)) === 'Bearer sk-file-1', 1000);
      await eventually(async () => (await savedResources(stateDir)).length === 0, 1000);
    });
  });
});

/** A gateway that served backend.yaml, had an edit of it applied, and stopped: its config and state directories. */
async function appliedThenStopped(): Promise<{ stateDir: string; dir: string }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
  const first = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, stateDir });
  try {
    await adminPost(first.admin, '/apply', backend('sk-applied-1'));
  } finally {
    await first.stop();
  }
  return { stateDir, dir: first.dir };
}

describe('across restarts', () => {
  test('with the file unchanged the applied copy still wins, and a warning at start names it and how to restore the file', async () => {
    const { stateDir, dir } = await appliedThenStopped();
    const second = await startGateway({ files: {}, dir: dir, stateDir });
    try {
      assert.equal(await tokenUsed(second), 'Bearer sk-applied-1');
      const warning = warnings(second).find((w) => w.msg.includes('in force over'));
      assert.ok(warning !== undefined, 'a start-up warning lists the applied copy');
      assert.ok(warning.msg.includes('Backend kgateway-system/openai'));
      assert.ok(warning.msg.includes(join(dir, 'backend.yaml')));
      assert.ok(warning.msg.includes('npx ai-gateway delete backend openai -n kgateway-system'));
      assert.equal((await backendOrigin(second))?.overrides, join(dir, 'backend.yaml'));
    } finally {
      await second.stop();
    }
  });

  test('a file edited while the gateway was stopped wins at start', async () => {
    const { stateDir, dir } = await appliedThenStopped();
    await writeFile(join(dir, 'backend.yaml'), backend('sk-file-2'));
    const second = await startGateway({ files: {}, dir: dir, stateDir });
    try {
      assert.equal(await tokenUsed(second), 'Bearer sk-file-2');
      await eventually(async () => (await savedResources(stateDir)).length === 0, 1000);
      await eventually(() => warnings(second).some((w) => w.msg.includes('takes over from the copy applied at')), 1000);
      assert.ok(!warnings(second).some((w) => w.msg.includes('in force over')), 'nothing is left overriding a file');
    } finally {
      await second.stop();
    }
  });

  test('a state file of the earlier format is read as before, then follows the rule', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
    const { load } = await import('js-yaml');
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-legacy' } };
    await writeFile(join(stateDir, 'applied.json'), JSON.stringify({ version: 1, resources: [load(backend('sk-legacy')), namespace] }));
    const dir = await mkdtemp(join(tmpdir(), 'aigw-config-'));
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'backend.yaml': backend('sk-file-1'), 'route.yaml': ROUTE }, dir, stateDir });
    try {
      assert.equal(await tokenUsed(gw), 'Bearer sk-legacy', 'the applied copy wins, as it did');
      const state = JSON.parse(await readFile(join(stateDir, 'applied.json'), 'utf8')) as { version: number; resources: { overrode: { path: string; hash: string } }[] };
      assert.equal(state.version, 2, 'rewritten in the current format');
      assert.equal(state.resources[0]?.overrode.path, join(dir, 'backend.yaml'));
      assert.match(state.resources[0]?.overrode.hash ?? '', /^[0-9a-f]{64}$/);
      await gw.write('backend.yaml', backend('sk-file-2'));
      await eventually(async () => (await tokenUsed(gw)) === 'Bearer sk-file-2', 1000);
    } finally {
      await gw.stop();
    }
    const again = await startGateway({ files: {}, dir, stateDir });
    try {
      const namespaces = (await (await fetch(`${again.admin}/resources/Namespace`)).json()) as { items: { name: string; origin: { source: string } }[] };
      assert.deepEqual(namespaces.items.map((n) => [n.name, n.origin.source]), [['team-legacy', 'apply']], 'the applied Namespace no file has survives another restart');
      assert.ok(!again.logs.some((l) => l.includes('state file is corrupt')));
    } finally {
      await again.stop();
    }
  });

  test('a resource of the earlier format that no file had gives way when a file comes to define it', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
    const { load } = await import('js-yaml');
    await writeFile(join(stateDir, 'applied.json'), JSON.stringify({ version: 1, resources: [load(backend('sk-legacy'))] }));
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'route.yaml': ROUTE }, stateDir });
    try {
      assert.equal(await tokenUsed(gw), 'Bearer sk-legacy');
      await gw.write('backend.yaml', backend('sk-file-1'));
      await eventually(async () => (await tokenUsed(gw)) === 'Bearer sk-file-1', 1000);
      await eventually(() => warnings(gw).some((w) => w.msg.includes('which was applied before the source had the resource')), 1000);
    } finally {
      await gw.stop();
    }
  });
});
