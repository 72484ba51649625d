import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, llmBackend, route } from '../support/manifests.js';

// What the gateway reads of a request body, what it refuses to read, and what it sends on.

let fake: FakeProvider;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'pinned.yaml': aiBackend('pinned', { port: fake.port, model: 'gpt-pinned' }) + '---\n' + route('pinned', '/pinned', 'pinned'),
      'open.yaml': aiBackend('open', { port: fake.port }) + '---\n' + route('open', '/open', 'open'),
      'claude.yaml': llmBackend('claude', fake.port, 'anthropic: {authToken: {kind: Inline, inline: sk-ant}, model: claude-x}') + '---\n' + route('claude', '/claude', 'claude'),
    },
  });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

async function post(path: string, body: string | Buffer): Promise<{ status: number; json: { error?: { code: string; message: string } } }> {
  const res = await fetch(`${gw.url}${path}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } };
}

/** About 8.5 MB: under the 10 MiB body limit. */
function millionKeys(prefix: string): Buffer {
  const parts = [prefix];
  for (let i = 0; i < 800_000; i++) parts.push(`,"${i}":1`);
  parts.push('}');
  return Buffer.from(parts.join(''));
}

describe('bodies too complex to read', () => {
  test('800,000 short keys: 400 naming the limit, and nothing reaches the provider', async () => {
    const before = fake.received.length;
    for (const path of ['/pinned', '/open', '/claude']) {
      const r = await post(path, millionKeys('{"model":"m","messages":[{"role":"user","content":"hi"}]'));
      assert.equal(r.status, 400, path);
      assert.equal(r.json.error?.code, 'body_too_complex');
      assert.match(r.json.error?.message ?? '', /an object has more than 10000 members/);
    }
    assert.equal(fake.received.length, before);
  });

  test('nesting deeper than the limit: 400 naming it', async () => {
    const r = await post('/pinned', `{"model":"m","x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    assert.equal(r.status, 400);
    assert.match(r.json.error?.message ?? '', /nested more than 128 levels deep/);
  });

  test('a body to translate holding more values than may be parsed: 400; the same body is forwarded untranslated', async () => {
    const many = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], metadata: { tags: Array.from({ length: 250_000 }, () => 0) } });
    const translated = await post('/claude', many);
    assert.equal(translated.status, 400);
    assert.match(translated.json.error?.message ?? '', /more than 200000 values/);
    const forwarded = await post('/pinned', many);
    assert.equal(forwarded.status, 200);
    assert.equal((JSON.parse(fake.received.at(-1)?.body ?? '') as { metadata: { tags: number[] } }).metadata.tags.length, 250_000);
  });
});

describe('the model a Backend pins', () => {
  test('replaces the client\'s in place: every other byte is the client\'s', async () => {
    const body = '{ "messages" : [ {"role":"user","content":"say \\"model\\": x"} ],\n "model" : "gpt-client", "n":1 }';
    assert.equal((await post('/pinned', body)).status, 200);
    assert.equal(fake.received.at(-1)?.body, body.replace('"gpt-client"', '"gpt-pinned"'));
  });

  test('is added when the client names none', async () => {
    assert.equal((await post('/pinned', '{"messages":[{"role":"user","content":"hi"}]}')).status, 200);
    assert.equal(fake.received.at(-1)?.body, '{"model":"gpt-pinned","messages":[{"role":"user","content":"hi"}]}');
    assert.equal((await post('/pinned', ' {} ')).status, 200);
    assert.equal(fake.received.at(-1)?.body, ' {"model":"gpt-pinned"} ');
  });

  test('a body naming the model twice has both set, so no provider can read the client\'s', async () => {
    assert.equal((await post('/pinned', '{"model":"gpt-expensive","messages":[],"model":"gpt-x"}')).status, 200);
    assert.equal(fake.received.at(-1)?.body, '{"model":"gpt-pinned","messages":[],"model":"gpt-pinned"}');
  });

  test('a body the Backend does not pin goes as it came', async () => {
    const body = '{"model":"gpt-client","messages":[{"role":"user","content":"hi"}]}';
    assert.equal((await post('/open', body)).status, 200);
    assert.equal(fake.received.at(-1)?.body, body);
  });
});
