import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeLlm, TEXT, type FakeLlm } from '../support/fake-llm.js';
import { startMockProvider } from '../../src/mock-provider/server.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { createThrowawayPki } from '../support/tls.js';

// examples/failover/: kgateway's failover guide (2.0 multipool, 2.1 priority groups of models
// and across providers), applied as a user would, with the guide's curl, against fake providers
// at the real hosts. And the local demo, against the bundled mock provider.

const ROOT = fileURLToPath(new URL('../../examples/', import.meta.url));
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8').replace(/\$([A-Z_]+)/g, (_m, name: string) => `key-for-${name}`);

let tls: FakeLlm;
let plain: FakeLlm;
let caCert: string;

before(async () => {
  const pki = await createThrowawayPki(['api.openai.com', 'api.anthropic.com']);
  caCert = pki.caCert;
  tls = await startFakeLlm({ cert: pki.serverCert, key: pki.serverKey });
  plain = await startFakeLlm();
});
after(async () => {
  await tls.close();
  await plain.close();
});

async function withExample(backend: string, run: (gw: RunningGateway) => Promise<void>): Promise<void> {
  for (const fake of [tls, plain]) {
    fake.received.length = 0;
    fake.faults = [];
    fake.down = undefined;
    fake.answer = { scenario: TEXT };
  }
  const gw = await startGateway({
    files: { 'gateway.yaml': read('seed/gateway.yaml'), 'secrets.yaml': read('failover/secrets.yaml'), 'route.yaml': read('failover/httproute.yaml'), 'backend.yaml': read(`failover/${backend}`) },
    providers: { port: tls.port, caCert, hosts: ['api.openai.com', 'api.anthropic.com'] },
    connectTo: [{ host: 'model-failover.kgateway-system.svc.cluster.local', port: 80, targetHost: '127.0.0.1', targetPort: plain.port }],
  });
  try {
    assert.deepEqual(gw.gateway.currentConfig().issues.filter((i) => i.severity === 'error'), []);
    await run(gw);
  } finally {
    await gw.stop();
  }
}

/** The guide's curl: no model, the Backend's models decide. */
const curl = (gw: RunningGateway): Promise<Response> =>
  fetch(`${gw.url}/model`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'What is kubernetes?' }] }) });

test("2.0 multipool: the guide's app answers 429 to every model; each model is tried once, in order, and the 429 comes back naming the attempts", async () => {
  await withExample('backend-v2.0-multipool.yaml', async (gw) => {
    plain.down = { kind: 'error', error: 'rate_limit' };
    const res = await curl(gw);
    assert.equal(res.status, 429);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /^after 3 attempts \(kgateway-system\/model-failover\/0\.0: 429, kgateway-system\/model-failover\/1\.0: 429, kgateway-system\/model-failover\/2\.0: 429\): Rate limit reached/);
    assert.deepEqual(
      plain.received.map((r) => [r.host, r.json?.model, r.headers.authorization]),
      ['gpt-4o', 'gpt-4.0-turbo', 'gpt-3.5-turbo'].map((m) => ['model-failover.kgateway-system.svc.cluster.local:80', m, 'Bearer key-for-OPENAI_API_KEY']),
    );
    plain.down = undefined;
    const ok = await curl(gw);
    assert.equal(ok.status, 200, 'a 429 without retry-after does not take a model out at once');
  });
});

test('2.1 priority groups of models: gpt-4o first; when it fails, gpt-4.0-turbo answers', async () => {
  await withExample('backend-v2.1-models.yaml', async (gw) => {
    assert.equal((await curl(gw)).status, 200);
    tls.faults = [{ kind: 'error', error: 'overloaded' }];
    const res = await curl(gw);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, TEXT.text);
    assert.deepEqual(
      tls.received.map((r) => [r.host, r.json?.model]),
      [
        ['api.openai.com', 'gpt-4o'],
        ['api.openai.com', 'gpt-4o'],
        ['api.openai.com', 'gpt-4.0-turbo'],
      ],
    );
  });
});

test('2.1 cost-based priority across providers: the cheap OpenAI and Anthropic models take turns; when both fail, a premium one answers', async () => {
  await withExample('backend-v2.1-cost.yaml', async (gw) => {
    for (let i = 0; i < 4; i++) assert.equal((await curl(gw)).status, 200);
    const models = tls.received.map((r) => `${r.host} ${String(r.json?.model)}`);
    assert.deepEqual(models.filter((m) => m === 'api.openai.com gpt-3.5-turbo').length, 2, models.join('\n'));
    assert.deepEqual(models.filter((m) => m === 'api.anthropic.com claude-3-5-haiku-latest').length, 2, models.join('\n'));
    tls.received.length = 0;
    tls.faults = [{ kind: 'error', error: 'overloaded' }, { kind: 'error', error: 'overloaded' }];
    const res = await curl(gw);
    assert.equal(res.status, 200);
    const tried = tls.received.map((r) => String(r.json?.model));
    assert.equal(tried.length, 3);
    assert.deepEqual(new Set(tried.slice(0, 2)), new Set(['gpt-3.5-turbo', 'claude-3-5-haiku-latest']));
    assert.ok(['gpt-4.0-turbo', 'claude-opus-4-1'].includes(tried[2] ?? ''), tried.join());
  });
});

test('the local demo: the first provider refuses connections, the bundled mock provider answers, and the access log says so', async () => {
  const mock = await startMockProvider('127.0.0.1', 0);
  const gw = await startGateway({
    files: { 'gateway.yaml': read('seed/gateway.yaml'), 'demo.yaml': read('failover/local-demo.yaml') },
    connectTo: [{ host: '127.0.0.1', port: 11434, targetHost: '127.0.0.1', targetPort: Number(new URL(mock.url).port) }],
  });
  try {
    for (const stream of [false, true]) {
      const res = await fetch(`${gw.url}/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream, messages: [{ role: 'user', content: 'What is kubernetes?' }] }) });
      assert.equal(res.status, 200);
      assert.match(await res.text(), stream ? /data: \[DONE\]/ : /"model":"gpt-4o-mini"/);
      await eventually(() => gw.logs.filter((l) => l.includes('"path":"/demo"')).length === (stream ? 2 : 1));
      const line = JSON.parse(gw.logs.filter((l) => l.includes('"path":"/demo"')).at(-1) ?? '{}') as { attempts: { provider: string; status?: number; reason?: string }[] };
      assert.deepEqual(
        line.attempts.map((a) => [a.provider, a.status, a.reason]),
        [
          ['kgateway-system/failover-demo/down', undefined, 'connect'],
          ['kgateway-system/failover-demo/mock', 200, undefined],
        ],
      );
    }
  } finally {
    await gw.stop();
    mock.server.close();
  }
});
