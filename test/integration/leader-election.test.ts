import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeApiClient } from '../../src/kubernetes/api-client.js';
import { LeaderElection } from '../../src/kubernetes/leader-election.js';
import { createLoggers } from '../../src/observability/logger.js';
import { systemClock } from '../../src/core/clock.js';
import type { FakeKubeApi } from '../support/fake-kube-api.js';
import { eventually } from '../support/gateway-harness.js';
import { fakeCluster, kubeConfigFor } from '../support/kube-cluster.js';

// Lease-based election against an API server: one leader at a time, takeover after a crash
// only once the lease has expired, step-down when renewals fail, hand-back on a clean stop.

const LEASES = '/apis/coordination.k8s.io/v1/leases';
let api: FakeKubeApi;
let server: string;
const running: LeaderElection[] = [];
let lease = 0;

before(async () => {
  api = fakeCluster();
  server = await api.start();
});
after(async () => {
  for (const e of running) await e.stop();
  await api.stop();
});

function elector(identity: string, name: string, transitions: string[] = []): LeaderElection {
  const { logger } = createLoggers({ level: 'error', destination: { write: () => true } });
  const e = new LeaderElection({
    client: new KubeApiClient(kubeConfigFor(server), identity),
    logger,
    clock: systemClock,
    namespace: 'kgateway-system',
    name,
    identity,
    leaseDurationMs: 1000,
    renewEveryMs: 200,
    retryEveryMs: 50,
    onStartedLeading: () => transitions.push(`${identity} leads`),
    onStoppedLeading: () => transitions.push(`${identity} stops`),
  });
  running.push(e);
  return e;
}

const spec = (name: string): Record<string, unknown> => (api.get(LEASES, 'kgateway-system', name)?.spec ?? {}) as Record<string, unknown>;

test('of replicas racing for a missing lease exactly one leads, and keeps leading', async () => {
  const name = `race-${lease++}`;
  const electors = ['a', 'b', 'c'].map((id) => elector(id, name));
  for (const e of electors) e.start();
  await eventually(() => electors.some((e) => e.isLeader));
  for (let i = 0; i < 10; i++) {
    assert.equal(electors.filter((e) => e.isLeader).length, 1);
    await new Promise((r) => setTimeout(r, 60));
  }
  const leader = electors.find((e) => e.isLeader);
  assert.equal(spec(name).holderIdentity, ['a', 'b', 'c'][electors.indexOf(leader as LeaderElection)]);
  assert.equal(spec(name).leaseDurationSeconds, 1);
});

test('a lease held by a replica that died is taken over only after it expires', async () => {
  const name = `crashed-${lease++}`;
  const now = new Date().toISOString();
  api.put(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kgateway-system' }, spec: { holderIdentity: 'gone', leaseDurationSeconds: 1, renewTime: now, acquireTime: now, leaseTransitions: 3 } });
  const transitions: string[] = [];
  const e = elector('heir', name, transitions);
  const started = Date.now();
  e.start();
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(e.isLeader, false, 'the lease has not expired yet');
  await eventually(() => e.isLeader, 3000);
  assert.ok(Date.now() - started >= 1000, 'waited out the lease duration');
  assert.equal(spec(name).holderIdentity, 'heir');
  assert.equal(spec(name).leaseTransitions, 4);
  assert.deepEqual(transitions, ['heir leads']);
});

test('a leader that cannot renew steps down before the others could take over', async () => {
  const name = `partition-${lease++}`;
  const transitions: string[] = [];
  const e = elector('cut-off', name, transitions);
  e.start();
  await eventually(() => e.isLeader);
  api.unavailable = true;
  try {
    const cut = Date.now();
    await eventually(() => !e.isLeader, 3000);
    assert.ok(Date.now() - cut < 1000, 'stepped down within the lease duration');
    assert.deepEqual(transitions, ['cut-off leads', 'cut-off stops']);
  } finally {
    api.unavailable = false;
  }
  await eventually(() => e.isLeader, 3000);
});

test('a clean stop hands the lease back, so a follower takes over at once', async () => {
  const name = `handover-${lease++}`;
  const first = elector('first', name);
  first.start();
  await eventually(() => first.isLeader);
  const second = elector('second', name);
  second.start();
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(second.isLeader, false);
  const stopped = Date.now();
  await first.stop();
  await eventually(() => second.isLeader, 3000);
  assert.ok(Date.now() - stopped < 800, 'no wait for the lease to expire');
  assert.equal(spec(name).holderIdentity, 'second');
});
