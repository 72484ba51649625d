import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { systemClock } from '../../src/core/clock.js';
import { startEchoBackend, type EchoBackend } from '../support/echo-backend.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, staticBackend } from '../support/manifests.js';

// Randomness and time come from the composition root, so a weighted split and the ids and times
// in the access log can be pinned down exactly.

let a: EchoBackend;
let b: EchoBackend;
let gw: RunningGateway;
const draws: number[] = [];
let ids = 0;

before(async () => {
  a = await startEchoBackend('kgateway-system', 'a');
  b = await startEchoBackend('kgateway-system', 'b');
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'split.yaml': `${staticBackend('a', a.port)}---\n${staticBackend('b', b.port)}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: kgateway-system}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - backendRefs: [{name: a, group: gateway.kgateway.dev, kind: Backend, weight: 70}, {name: b, group: gateway.kgateway.dev, kind: Backend, weight: 30}]
`,
    },
    random: { next: () => draws.shift() ?? 0, id: () => `req-${++ids}` },
    clock: { now: () => Date.UTC(2030, 0, 2, 3, 4, 5), monotonic: () => systemClock.monotonic() },
  });
});
after(async () => {
  await gw.stop();
  await a.close();
  await b.close();
});

test('a 70/30 split sends draws below 0.7 to the first backendRef and the rest to the second', async () => {
  draws.push(0, 0.6999, 0.7, 0.9999);
  const served: string[] = [];
  for (let i = 0; i < 4; i++) served.push(((await (await fetch(`${gw.url}/x`)).json()) as { service: string }).service);
  assert.deepEqual(served, ['a', 'a', 'b', 'b']);
});

test('the access log carries the injected request id and time', async () => {
  const before = ids;
  await fetch(`${gw.url}/x`);
  const line = gw.logs.map((l) => JSON.parse(l) as { msg: string; reqId?: string; time: string }).filter((l) => l.msg === 'request').at(-1);
  assert.equal(line?.reqId, `req-${before + 1}`);
  assert.equal(line?.time, '2030-01-02T03:04:05.000Z');
});
