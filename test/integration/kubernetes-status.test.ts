import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gateway } from '../../src/main.js';
import { systemClock } from '../../src/core/clock.js';
import { createLoggers } from '../../src/observability/logger.js';
import type { FakeKubeApi } from '../support/fake-kube-api.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually } from '../support/gateway-harness.js';
import { fakeCluster, kindPath, kubernetesMode, yamlObject } from '../support/kube-cluster.js';
import { GATEWAY, aiBackend, route } from '../support/manifests.js';

// Status written back to the API server: what `kubectl get -o yaml` shows a user, from the one
// replica holding the Lease, while every replica serves.

const CONTROLLER = 'ai-gateway.dev/gateway-controller';
const NS = 'kgateway-system';
type Json = Record<string, unknown>;

let api: FakeKubeApi;
let server: string;
let fake: FakeProvider;
const replicas: Gateway[] = [];
/** Wall-clock time stands still (status times are exact); durations run on the real monotonic clock. */
const WALL_CLOCK = { now: () => Date.UTC(2031, 4, 6, 7, 8, 9, 250), monotonic: () => systemClock.monotonic() };

async function startReplica(identity: string): Promise<Gateway> {
  const { logger, accessLog } = createLoggers({ level: 'error', destination: { write: () => true } });
  const gateway = new Gateway({
    paths: [],
    admin: { host: '127.0.0.1', port: 0 },
    logger,
    accessLog,
    mapPort: () => 0,
    drainMs: 100,
    kubernetes: kubernetesMode(server, logger, { identity, publishService: { namespace: NS, name: 'ai-gateway' }, clock: WALL_CLOCK }),
  });
  await gateway.start();
  replicas.push(gateway);
  return gateway;
}

const stored = (kind: string, name: string, namespace = NS): Json => api.get(kindPath(kind), namespace, name) ?? {};
const statusOf = (kind: string, name: string, namespace = NS): Json => (stored(kind, name, namespace).status ?? {}) as Json;
const generationOf = (kind: string, name: string): unknown => (stored(kind, name).metadata as Json).generation;
const conditions = (holder: unknown): Json[] => ((holder as { conditions?: Json[] } | undefined)?.conditions ?? []);
const find = (holder: unknown, type: string): Json | undefined => conditions(holder).find((c) => c.type === type);
const ourParent = (name: string): Json | undefined => ((statusOf('HTTPRoute', name).parents ?? []) as Json[]).find((p) => p.controllerName === CONTROLLER);
const patchesBy = (identity: string): number => api.requests.filter((r) => r.method === 'PATCH' && r.userAgent.includes(identity)).length;
const leaseHolder = (): unknown => ((api.get('/apis/coordination.k8s.io/v1/leases', NS, 'ai-gateway')?.spec ?? {}) as Json).holderIdentity;
/** A status write by someone else (another controller, or kubectl edit --subresource status). */
const patchStatus = async (objectPath: string, status: Json): Promise<number> =>
  (await fetch(`${server}${objectPath}/status`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ status }) })).status;
const post = async (gateway: Gateway, path = '/openai'): Promise<Response> =>
  fetch(`http://127.0.0.1:${gateway.boundPort(8080) ?? 0}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":[]}' });

before(async () => {
  fake = await startFakeProvider();
  api = fakeCluster();
  server = await api.start();
  api.put(kindPath('GatewayClass'), yamlObject(`{apiVersion: gateway.networking.k8s.io/v1, kind: GatewayClass, metadata: {name: kgateway}, spec: {controllerName: ${CONTROLLER}}}`));
  api.put(kindPath('Gateway'), yamlObject(GATEWAY));
  api.put(kindPath('Backend'), yamlObject(aiBackend('openai', { port: fake.port })));
  // Another controller already reports on this route through its own Gateway.
  api.put(kindPath('HTTPRoute'), {
    ...yamlObject(route('openai', '/openai', 'openai')),
    status: { parents: [{ parentRef: { name: 'other-gateway', namespace: NS }, controllerName: 'example.com/other', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }] }] },
  });
  await startReplica('replica-a');
});
after(async () => {
  for (const r of replicas) await r.stop();
  await api.stop();
  await fake.close();
});

test('the leader writes Gateway, listener, HTTPRoute, Backend and GatewayClass status with observedGeneration', async () => {
  const written = (): boolean =>
    [find(ourParent('openai'), 'Accepted'), find(statusOf('Gateway', 'ai-gateway'), 'Accepted'), find(statusOf('Backend', 'openai'), 'Accepted'), find(statusOf('GatewayClass', 'kgateway', ''), 'Accepted')].every(
      (c) => c !== undefined,
    );
  await eventually(written, 5000);
  assert.equal(leaseHolder(), 'replica-a');

  const gw = statusOf('Gateway', 'ai-gateway');
  assert.equal(find(gw, 'Accepted')?.status, 'True');
  assert.equal(find(gw, 'Programmed')?.status, 'True');
  assert.equal(find(gw, 'Accepted')?.observedGeneration, generationOf('Gateway', 'ai-gateway'));
  assert.equal(find(gw, 'Accepted')?.lastTransitionTime, '2031-05-06T07:08:09Z', 'the injected clock, to the second');
  const listener = (gw.listeners as Json[])[0];
  assert.equal(listener?.name, 'http');
  assert.equal(listener?.attachedRoutes, 1);
  assert.equal(find(listener, 'Programmed')?.status, 'True');
  assert.equal(gw.addresses, undefined, 'no Service yet; bind addresses such as 0.0.0.0 mean nothing to a cluster user');

  const parents = statusOf('HTTPRoute', 'openai').parents as Json[];
  assert.equal(parents.length, 2);
  assert.deepEqual(parents.find((p) => p.controllerName === 'example.com/other')?.conditions, [
    { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' },
  ], "another controller's entry is kept as it was");
  assert.equal(find(ourParent('openai'), 'Accepted')?.status, 'True');
  assert.equal(find(ourParent('openai'), 'ResolvedRefs')?.status, 'True');

  assert.equal(find(statusOf('Backend', 'openai'), 'Accepted')?.status, 'True');
  assert.equal(find(statusOf('GatewayClass', 'kgateway', ''), 'Accepted')?.status, 'True');
});

test('a spec change moves observedGeneration; unchanged conditions keep their transition time; a settled config writes nothing', async () => {
  const before = find(ourParent('openai'), 'Accepted');
  api.put(kindPath('HTTPRoute'), yamlObject(route('openai', '/openai/v2', 'openai')));
  assert.equal(generationOf('HTTPRoute', 'openai'), 2);
  await eventually(() => find(ourParent('openai'), 'Accepted')?.observedGeneration === 2, 5000);
  assert.equal(find(ourParent('openai'), 'Accepted')?.lastTransitionTime, before?.lastTransitionTime);

  const writes = patchesBy('replica-a');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(patchesBy('replica-a'), writes, 'the watch event of a status write does not cause another write');
});

test("each Gateway's addresses are its Service's: the cluster IP, then the load balancer's once assigned", async () => {
  const addresses = (): unknown => statusOf('Gateway', 'ai-gateway').addresses;
  api.put(kindPath('Service'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ai-gateway', namespace: NS }, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 8080 }] } });
  await eventually(() => JSON.stringify(addresses()) === JSON.stringify([{ type: 'IPAddress', value: '10.96.0.10' }]), 5000);
  assert.equal(await patchStatus(`/api/v1/namespaces/${NS}/services/ai-gateway`, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'gw.example.com' }] } }), 200);
  await eventually(() => JSON.stringify(addresses()) === JSON.stringify([{ type: 'IPAddress', value: '203.0.113.7' }, { type: 'Hostname', value: 'gw.example.com' }]), 5000);
});

test('a Backend whose Secret is missing says so, and recovers when the Secret appears', async () => {
  api.put(kindPath('Backend'), yamlObject(`
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai, namespace: ${NS}}
spec:
  type: AI
  ai: {llm: {host: 127.0.0.1, port: ${fake.port}, openai: {authToken: {kind: SecretRef, secretRef: {name: openai-secret}}}}}
`));
  await eventually(() => find(statusOf('Backend', 'openai'), 'Accepted')?.status === 'False', 5000);
  const failed = find(statusOf('Backend', 'openai'), 'Accepted');
  assert.equal(failed?.reason, 'Invalid');
  assert.match(String(failed?.message), /openai-secret/);

  api.put(kindPath('Secret'), yamlObject(`{apiVersion: v1, kind: Secret, metadata: {name: openai-secret, namespace: ${NS}}, stringData: {Authorization: sk-from-secret}}`));
  await eventually(() => find(statusOf('Backend', 'openai'), 'Accepted')?.status === 'True', 5000);
  assert.ok(String(find(statusOf('Backend', 'openai'), 'Accepted')?.lastTransitionTime) >= String(failed?.lastTransitionTime));
  assert.ok(!JSON.stringify(api.requests).includes('sk-from-secret'), 'no secret value is written to any status');
});

test('a Backend the API server admits but the gateway cannot serve says why, at its generation', async () => {
  const aws = { apiVersion: 'gateway.kgateway.dev/v1alpha1', kind: 'Backend', metadata: { name: 'bedrock', namespace: NS }, spec: { type: 'AWS', aws: { region: 'us-east-1' } } };
  api.put(kindPath('Backend'), aws);
  api.put(kindPath('Backend'), { ...aws, spec: { ...aws.spec, aws: { region: 'eu-west-1' } } });
  await eventually(() => find(statusOf('Backend', 'bedrock'), 'Accepted') !== undefined, 5000);
  const accepted = find(statusOf('Backend', 'bedrock'), 'Accepted');
  assert.equal(accepted?.status, 'False');
  assert.equal(accepted?.reason, 'Invalid');
  assert.match(String(accepted?.message), /spec\.type: backend type AWS is not supported yet/);
  assert.equal(accepted?.observedGeneration, 2);
  api.delete(kindPath('Backend'), NS, 'bedrock');
});

test('a status overwritten by someone else is put back', async () => {
  const stale = { type: 'Accepted', status: 'False', reason: 'Stale', message: 'written by hand', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' };
  assert.equal(await patchStatus(`/apis/gateway.kgateway.dev/v1alpha1/namespaces/${NS}/backends/openai`, { conditions: [stale] }), 200);
  await eventually(() => find(statusOf('Backend', 'openai'), 'Accepted')?.status === 'True', 5000);
});

test('a TrafficPolicy the gateway cannot enforce yet is reported on its status, and its route fails closed', async () => {
  api.put(kindPath('TrafficPolicy'), yamlObject(`
apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: guard, namespace: ${NS}}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: openai}]
  ai: {promptGuard: {request: {regex: {action: REJECT, matches: [{pattern: credit card}]}}}}
`));
  await eventually(() => ((statusOf('TrafficPolicy', 'guard').ancestors ?? []) as Json[]).length === 1, 5000);
  const ancestor = (statusOf('TrafficPolicy', 'guard').ancestors as Json[])[0];
  assert.deepEqual(ancestor?.ancestorRef, { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: NS, name: 'ai-gateway' });
  assert.equal(ancestor?.controllerName, CONTROLLER);
  assert.equal(find(ancestor, 'Accepted')?.status, 'False');
  assert.match(String(find(ancestor, 'Accepted')?.message), /spec\.ai not enforced yet/);

  const res = await post(replicas[0] as Gateway, '/openai/v2');
  assert.equal(res.status, 500);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unsupported_filter');
  api.delete(kindPath('TrafficPolicy'), NS, 'guard');
  await eventually(async () => (await post(replicas[0] as Gateway, '/openai/v2')).status === 200, 5000);
});

test('a second replica serves traffic without writing status, and takes over when the leader stops', async () => {
  const second = await startReplica('replica-b');
  await eventually(async () => (await post(second, '/openai/v2').catch(() => undefined))?.status === 200, 5000);
  api.put(kindPath('HTTPRoute'), yamlObject(route('openai', '/openai/v3', 'openai')));
  await eventually(() => find(ourParent('openai'), 'Accepted')?.observedGeneration === 3, 5000);
  assert.equal(patchesBy('replica-b'), 0, 'only the leader writes');

  const metrics = async (g: Gateway): Promise<string> => (await fetch(`${g.adminAddress ?? ''}/metrics`)).text();
  assert.match(await metrics(replicas[0] as Gateway), /^ai_gateway_leader 1$/m);
  assert.match(await metrics(second), /^ai_gateway_leader 0$/m);
  assert.match(await metrics(replicas[0] as Gateway), /^ai_gateway_status_writes_total\{result="ok"\} [1-9]/m);

  const first = replicas.shift() as Gateway;
  await first.stop();
  await eventually(() => leaseHolder() === 'replica-b', 5000);
  api.put(kindPath('HTTPRoute'), yamlObject(route('openai', '/openai/v4', 'openai')));
  await eventually(() => find(ourParent('openai'), 'Accepted')?.observedGeneration === 4, 5000);
  assert.ok(patchesBy('replica-b') > 0);
});
