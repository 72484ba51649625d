import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startFakeProvider, defaultHandler, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route, staticBackend } from '../support/manifests.js';

// A provider that closes each keep-alive connection just after its answer (without saying so)
// races the gateway's reuse of that connection: the next request can go out on a socket the
// provider is closing. Such a request is sent again, on a new connection.

let fake: FakeProvider;
let llm: FakeLlm;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  fake.setHandler((req, res, raw) => {
    defaultHandler(req, res, raw);
    // The idle close comes a moment after the answer, while the pool may already reuse it.
    res.on('finish', () => setTimeout(() => raw.socket.end(), 1));
  });
  llm = await startFakeLlm();
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'llm.yaml': aiBackend('llm', { port: llm.port }) + '---\n' + route('llm', '/llm', 'llm'),
      'ai.yaml': aiBackend('ai', { port: fake.port }) + '---\n' + route('ai', '/ai', 'ai'),
      'static.yaml': staticBackend('plain', fake.port) + '---\n' + route('plain', '/plain', 'plain'),
    },
  });
});
after(async () => {
  await gw.stop();
  await fake.close();
  await llm.close();
});

test('back-to-back requests to a provider that closes idle connections at once: none fails', async () => {
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  const statuses = new Map<number, number>();
  const count = (s: number): void => void statuses.set(s, (statuses.get(s) ?? 0) + 1);
  for (let i = 0; i < 300; i++) {
    const ai = await fetch(`${gw.url}/ai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await ai.text();
    count(ai.status);
    const plain = await fetch(`${gw.url}/plain/status`);
    await plain.text();
    count(plain.status);
  }
  assert.deepEqual([...statuses], [[200, 600]]);
  // A few were sent twice: those that went out on a connection the provider was closing.
  const sent = fake.received.filter((r) => r.url === '/v1/chat/completions').length;
  assert.ok(sent >= 300 && sent < 315, `${sent} sent`);
});

test('a request is sent again only once, and only when its connection had been reused', async () => {
  const chat = async (): Promise<number> => {
    const r = await fetch(`${gw.url}/llm/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    await r.text();
    return r.status;
  };
  assert.equal(await chat(), 200);
  // The provider now resets every request: on the reused connection, then on the new one.
  llm.down = { kind: 'reset' };
  assert.equal(await chat(), 502);
  assert.equal(llm.received.length, 3);
  // On connections that are never reused, a reset is the provider's answer: sent once.
  llm.keepAlive = false;
  llm.down = undefined;
  assert.equal(await chat(), 200);
  llm.down = { kind: 'reset' };
  assert.equal(await chat(), 502);
  assert.equal(llm.received.length, 5);
});
