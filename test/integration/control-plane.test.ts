import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { adminPost } from '../support/admin-api.js';
import { startGateway } from '../support/gateway-harness.js';
import { GATEWAY } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// apply / get / delete against a running gateway, kept in a state directory across restarts.

let fake: FakeProvider;
before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());

const backend = (port: number): string =>
  seedManifest('inline-backend.yaml', { TOKEN: 'sk-applied-secret' }).replace('      provider:', `      hostOverride: {host: 127.0.0.1, port: ${port}}\n      provider:`);


describe('durable state', () => {
  test('applied resources survive a restart; the file is 0600 and replaced atomically', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
    const first = await startGateway({ files: { 'gateway.yaml': GATEWAY }, stateDir });
    const applied = await adminPost(first.admin, '/apply', `${backend(fake.port)}---\n${seedManifest('httproute.yaml')}`);
    assert.equal(applied.status, 200);
    assert.equal(((await stat(join(stateDir, 'applied.json'))).mode & 0o777).toString(8), '600');
    assert.deepEqual((await readdir(stateDir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    const dir = first.dir;
    await first.stop();

    const second = await startGateway({ files: {}, dir, stateDir });
    try {
      const res = await fetch(`${second.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
      assert.equal(res.status, 200, 'the applied Backend and HTTPRoute serve after the restart');
      assert.equal(fake.received.at(-1)?.headers.authorization, 'Bearer sk-applied-secret');
      const got = (await (await fetch(`${second.admin}/resources/Backend/kgateway-system/openai`)).json()) as { items: { origin: { source: string } }[] };
      assert.equal(got.items[0]?.origin.source, 'apply');
    } finally {
      await second.stop();
    }
  });

  test('a multi-document apply with one invalid resource changes nothing, in memory or on disk', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY }, stateDir });
    try {
      const bad = `${backend(fake.port)}---\napiVersion: gateway.kgateway.dev/v1alpha1\nkind: Backend\nmetadata: {name: broken, namespace: kgateway-system}\nspec: {type: AI}\n`;
      assert.equal((await adminPost(gw.admin, '/apply', bad)).status, 422);
      const got = (await (await fetch(`${gw.admin}/resources/Backend`)).json()) as { items: unknown[] };
      assert.deepEqual(got.items, []);
      await assert.rejects(stat(join(stateDir, 'applied.json')), 'no state was written');
    } finally {
      await gw.stop();
    }
  });

  test('a corrupt state file is reported with its path and set aside, not silently dropped', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'aigw-state-'));
    await writeFile(join(stateDir, 'applied.json'), '{"version":1,"resources":[{"kind":');
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY }, stateDir });
    try {
      const line = gw.logs.find((l) => l.includes('state file is corrupt'));
      assert.ok(line?.includes(join(stateDir, 'applied.json')));
      const kept = (await readdir(stateDir)).filter((f) => f.startsWith('applied.json.corrupt-'));
      assert.equal(kept.length, 1);
      assert.match(await readFile(join(stateDir, kept[0] as string), 'utf8'), /"kind":$/);
    } finally {
      await gw.stop();
    }
  });
});

describe('delete', () => {
  test('applied resources can be deleted; resources from files cannot', async () => {
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY } });
    try {
      await adminPost(gw.admin, '/apply', backend(fake.port));
      const del = await fetch(`${gw.admin}/resources/Backend/kgateway-system/openai`, { method: 'DELETE' });
      assert.equal(del.status, 200);
      assert.deepEqual(((await (await fetch(`${gw.admin}/resources/Backend`)).json()) as { items: unknown[] }).items, []);
      const again = await fetch(`${gw.admin}/resources/Backend/kgateway-system/openai`, { method: 'DELETE' });
      assert.equal(again.status, 404);
      const fromFile = await adminPost(gw.admin, '/delete', GATEWAY);
      assert.equal(fromFile.status, 409);
      assert.match(fromFile.body.error?.message ?? '', /Gateway kgateway-system\/ai-gateway comes from .*gateway\.yaml; remove it there/);
    } finally {
      await gw.stop();
    }
  });
});

describe('TrafficPolicy', () => {
  test('applied, it holds its route closed and reports why; deleted, the route serves again', async () => {
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY } });
    const chat = async (): Promise<Response> => fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
    const policy = `apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: guard, namespace: kgateway-system}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: openai}]
  ai: {promptGuard: {request: {customResponse: {message: blocked}, regex: {action: REJECT, builtins: [CREDIT_CARD]}}}}
`;
    try {
      await adminPost(gw.admin, '/apply', `${backend(fake.port)}---\n${seedManifest('httproute.yaml')}`);
      assert.equal((await chat()).status, 200);
      assert.equal((await adminPost(gw.admin, '/apply', policy)).status, 200);
      const closed = await chat();
      assert.equal(closed.status, 500);
      assert.match(((await closed.json()) as { error: { message: string } }).error.message, /TrafficPolicy kgateway-system\/guard \(spec\.ai\)/);
      const got = (await (await fetch(`${gw.admin}/resources/TrafficPolicy/kgateway-system/guard`)).json()) as { items: { status: { ancestors: { conditions: { reason: string }[] }[] } }[] };
      assert.equal(got.items[0]?.status.ancestors[0]?.conditions[0]?.reason, 'Unsupported');
      assert.equal((await fetch(`${gw.admin}/resources/TrafficPolicy/kgateway-system/guard`, { method: 'DELETE' })).status, 200);
      assert.equal((await chat()).status, 200);
    } finally {
      await gw.stop();
    }
  });
});

describe('admin token', () => {
  test('config endpoints need it; health, readiness and metrics do not', async () => {
    const gw = await startGateway({ files: { 'gateway.yaml': GATEWAY }, adminToken: 'admin-s3cret' });
    try {
      assert.equal((await fetch(`${gw.admin}/healthz`)).status, 200);
      assert.equal((await fetch(`${gw.admin}/metrics`)).status, 200);
      assert.equal((await fetch(`${gw.admin}/config`)).status, 401);
      assert.equal((await adminPost(gw.admin, '/apply', backend(fake.port))).status, 401);
      assert.equal((await adminPost(gw.admin, '/apply', backend(fake.port), 'wrong')).status, 401);
      assert.equal((await adminPost(gw.admin, '/apply', backend(fake.port), 'admin-s3cret')).status, 200);
      assert.ok(!gw.logs.join('\n').includes('admin-s3cret'));
    } finally {
      await gw.stop();
    }
  });
});
