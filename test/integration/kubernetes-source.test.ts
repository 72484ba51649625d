import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gateway } from '../../src/main.js';
import { createLoggers } from '../../src/observability/logger.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { WATCHED_KINDS } from '../../src/kubernetes/kubernetes-source.js';
import { fakeCluster, kindPath as path, kubernetesMode, yamlObject as obj } from '../support/kube-cluster.js';
import { eventually } from '../support/gateway-harness.js';
import { GATEWAY, aiBackend } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// The gateway fed by a Kubernetes API server: first full sync before ready, watch updates,
// deletions, 410 Gone relists, and serving on while the API server is away.

let api: FakeKubeApi;
let fake: FakeProvider;
let gateway: Gateway;
let logs: string[];

before(async () => {
  fake = await startFakeProvider();
  api = fakeCluster();
  const server = await api.start();
  api.put(path('Gateway'), obj(GATEWAY));
  api.put(path('HTTPRoute'), obj(seedManifest('httproute.yaml')));
  api.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'model-1' })));
  logs = [];
  const { logger, accessLog } = createLoggers({ level: 'debug', destination: { write: (l: string) => void logs.push(l) } });
  gateway = new Gateway({
    paths: [],
    admin: { host: '127.0.0.1', port: 0 },
    logger,
    accessLog,
    mapPort: () => 0,
    drainMs: 200,
    kubernetes: kubernetesMode(server, logger),
  });
  await gateway.start();
});
after(async () => {
  await gateway.stop();
  await api.stop().catch(() => undefined);
  await fake.close();
});

const url = (): string => `http://127.0.0.1:${gateway.boundPort(8080) ?? 0}/openai`;
const sentModel = (): string | undefined => (JSON.parse(fake.received.at(-1)?.body ?? '{}') as { model?: string }).model;
const post = async (): Promise<number> => (await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x"}' })).status;

test('ready after the first full sync, serving what the API server holds', async () => {
  await eventually(async () => (await fetch(`${gateway.adminAddress ?? ''}/readyz`)).status === 200, 5000);
  assert.equal(await post(), 200);
  assert.equal(sentModel(), 'model-1');
});

test('a watched change takes effect without a restart', async () => {
  api.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'model-2' })));
  await eventually(async () => (await post()) === 200 && sentModel() === 'model-2');
});

test('after 410 Gone the kind is listed again and changes made meanwhile arrive', async () => {
  api.compact();
  api.dropWatches();
  api.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'model-3' })));
  await eventually(async () => (await post()) === 200 && sentModel() === 'model-3', 5000);
  assert.ok(logs.some((l) => l.includes('410 Gone')));
});

test('bookmarks are taken in stride; a deletion removes the route', async () => {
  api.bookmark();
  api.delete(path('HTTPRoute'), 'kgateway-system', 'openai');
  await eventually(async () => (await post()) === 404);
});

test('while the API server is away the last config keeps serving and /readyz stays 200', async () => {
  api.put(path('HTTPRoute'), obj(seedManifest('httproute.yaml')));
  await eventually(async () => (await post()) === 200);
  await api.stop();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await post(), 200);
  assert.equal((await fetch(`${gateway.adminAddress ?? ''}/readyz`)).status, 200);
  assert.ok(logs.some((l) => l.includes('serving the last objects')));
});

test('not ready while the API server was never reached', async () => {
  const { logger } = createLoggers({ level: 'error', destination: { write: () => true } });
  const unsynced = new Gateway({ paths: [], admin: { host: '127.0.0.1', port: 0 }, logger, mapPort: () => 0, kubernetes: kubernetesMode('http://127.0.0.1:9', logger) });
  await unsynced.start();
  try {
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await fetch(`${unsynced.adminAddress ?? ''}/readyz`)).status, 503);
    assert.equal((await fetch(`${unsynced.adminAddress ?? ''}/healthz`)).status, 200);
  } finally {
    await unsynced.stop();
  }
});

test('a cluster without the BackendTLSPolicy CRD syncs and serves: it has none', async () => {
  const bare = new FakeKubeApi(WATCHED_KINDS.filter((k) => k.kind !== 'BackendTLSPolicy').map((k) => k.path));
  const server = await bare.start();
  bare.put(path('Gateway'), obj(GATEWAY));
  bare.put(path('HTTPRoute'), obj(seedManifest('httproute.yaml')));
  bare.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'model-bare' })));
  const { logger } = createLoggers({ level: 'error', destination: { write: () => true } });
  const gw = new Gateway({ paths: [], admin: { host: '127.0.0.1', port: 0 }, logger, mapPort: () => 0, kubernetes: kubernetesMode(server, logger) });
  await gw.start();
  try {
    await eventually(async () => (await fetch(`${gw.adminAddress ?? ''}/readyz`)).status === 200, 5000);
    const res = await fetch(`http://127.0.0.1:${gw.boundPort(8080) ?? 0}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x"}' });
    assert.equal(res.status, 200);
  } finally {
    await gw.stop();
    await bare.stop();
  }
});
