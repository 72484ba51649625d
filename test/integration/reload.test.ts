import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';

let fake: FakeProvider;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'route.yaml': route('r', '/openai', 'b'), 'backend.yaml': aiBackend('b', { port: fake.port, model: 'model-0' }) } });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

const sentModel = (): string | undefined => (JSON.parse(fake.received.at(-1)?.body ?? '{}') as { model?: string }).model;

test('edits apply within a second, atomically, with no request dropped under load', async () => {
  let stop = false;
  const statuses: number[] = [];
  const worker = async (): Promise<void> => {
    while (!stop) {
      const res = await fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"client","messages":[]}' });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  for (let i = 1; i <= 5; i++) {
    const started = Date.now();
    await gw.write('backend.yaml', aiBackend('b', { port: fake.port, model: `model-${i}` }));
    await eventually(() => sentModel() === `model-${i}`, 1000);
    assert.ok(Date.now() - started < 1000);
  }
  stop = true;
  await Promise.all(workers);
  assert.ok(statuses.length > 50, `load ran (${statuses.length} requests)`);
  assert.deepEqual([...new Set(statuses)], [200], 'every request during reloads succeeded');
});

test('a broken edit keeps the last good config and logs why', async () => {
  await gw.write('backend.yaml', aiBackend('b', { port: fake.port, model: 'good' }));
  await eventually(async () => {
    await fetch(`${gw.url}/openai`, { method: 'POST', body: '{"model":"x"}' });
    return sentModel() === 'good';
  });
  await gw.write('backend.yaml', 'apiVersion: gateway.kgateway.dev/v1alpha1\nkind: Backend\nmetadata: {name: b\n  bad: [');
  await eventually(() => gw.logs.some((l) => l.includes('keeping the last good config') && l.includes('backend.yaml')));
  const res = await fetch(`${gw.url}/openai`, { method: 'POST', body: '{"model":"x"}' });
  assert.equal(res.status, 200);
  assert.equal(sentModel(), 'good');
});
