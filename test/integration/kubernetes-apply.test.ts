import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gateway } from '../../src/main.js';
import { createLoggers } from '../../src/observability/logger.js';
import { adminPost } from '../support/admin-api.js';
import type { FakeKubeApi } from '../support/fake-kube-api.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually } from '../support/gateway-harness.js';
import { fakeCluster, kindPath as path, kubernetesMode, yamlObject as obj } from '../support/kube-cluster.js';
import { GATEWAY, aiBackend, route } from '../support/manifests.js';

// `apply` against one replica in Kubernetes mode: refused until the first sync (what it would
// override is not known before), then in force over the cluster's version until that changes.

let api: FakeKubeApi;
let server: string;
let fake: FakeProvider;
let gateway: Gateway;
let logs: string[];

before(async () => {
  fake = await startFakeProvider();
  api = fakeCluster();
  server = await api.start();
  api.put(path('Gateway'), obj(GATEWAY));
  api.put(path('HTTPRoute'), obj(route('openai', '/openai', 'openai')));
  api.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'cluster-1' })));
  api.unavailable = true;
  logs = [];
  const { logger, accessLog } = createLoggers({ level: 'debug', destination: { write: (l: string) => void logs.push(l) } });
  gateway = new Gateway({ paths: [], admin: { host: '127.0.0.1', port: 0 }, logger, accessLog, mapPort: () => 0, drainMs: 100, kubernetes: kubernetesMode(server, logger) });
  await gateway.start();
});
after(async () => {
  await gateway.stop();
  await api.stop();
  await fake.close();
});

const admin = (): string => gateway.adminAddress ?? '';
const applied = (model: string): string => aiBackend('openai', { port: fake.port, model });
async function modelSent(): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${gateway.boundPort(8080) ?? 0}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
  assert.equal(res.status, 200);
  return (JSON.parse(fake.received.at(-1)?.body ?? '{}') as { model?: string }).model;
}

test('before the first sync, apply and delete are refused with 503 and nothing changes', async () => {
  const early = await adminPost(admin(), '/apply', applied('applied'));
  assert.equal(early.status, 503);
  assert.equal(early.body.error?.code, 'source_not_ready');
  assert.equal((await adminPost(admin(), '/delete', applied('applied'))).status, 503);
  api.unavailable = false;
  await eventually(async () => (await fetch(`${admin()}/readyz`)).status === 200, 5000);
  assert.equal(await modelSent(), 'cluster-1');
});

test("an applied copy stays in force through status writes, and gives way when the cluster's spec changes", async () => {
  const answer = await adminPost(admin(), '/apply', applied('applied'));
  assert.deepEqual(answer.body.results, [{ kind: 'Backend', namespace: 'kgateway-system', name: 'openai', action: 'configured', over: 'kubernetes' }]);
  assert.equal(await modelSent(), 'applied');
  // Someone writes the Backend's status (a resourceVersion bump), then another resource changes,
  // so the whole source is compared again: the Backend's spec is what it was, the copy stays.
  const patched = await fetch(`${server}${path('Backend').replace('/backends', '/namespaces/kgateway-system/backends/openai/status')}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'by hand', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }),
  });
  assert.equal(patched.status, 200);
  const version = gateway.currentConfig().version;
  api.put(path('HTTPRoute'), obj(route('other', '/other', 'openai')));
  await eventually(() => gateway.currentConfig().version > version);
  assert.equal(await modelSent(), 'applied');

  api.put(path('Backend'), obj(aiBackend('openai', { port: fake.port, model: 'cluster-2' })));
  await eventually(async () => (await modelSent()) === 'cluster-2');
  await eventually(() => logs.some((l) => l.includes("Backend kgateway-system/openai: the API server's version takes over from the copy applied at")));
});
