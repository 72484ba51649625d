import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startMockProvider } from '../../src/mock-provider/server.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// The official SDK with baseURL http://gateway/openai, through the seed's route (its URLRewrite
// to /v1/chat/completions included), against the bundled mock provider and a recording fake.

let mock: { server: Server; url: string };
let fake: FakeProvider;
let gw: RunningGateway;
let client: OpenAI;

before(async () => {
  mock = await startMockProvider('127.0.0.1', 0);
  fake = await startFakeProvider();
  const mockPort = Number(new URL(mock.url).port);
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'route.yaml': seedManifest('httproute.yaml'),
      'backend.yaml': aiBackend('openai', { port: mockPort, model: 'gpt-3.5-turbo', token: 'sk-mock' }),
      'fake.yaml': aiBackend('fake', { port: fake.port }) + '---\n' + route('fake', '/fake', 'fake'),
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/openai`, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
});
after(async () => {
  await gw.stop();
  await fake.close();
  mock.server.close();
});

describe('official openai SDK through the seed route', () => {
  test('chat completion', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Explain recursion' }] });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.model, 'gpt-3.5-turbo', 'the Backend model overrides the request');
    assert.match(res.choices[0]?.message.content ?? '', /Explain recursion/);
    assert.ok((res.usage?.prompt_tokens ?? 0) > 0);
  });

  test('embeddings reach /v1/embeddings', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 8 });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0]?.embedding.length, 8);
  });

  test('models list and retrieve reach /v1/models', async () => {
    const list = await client.models.list();
    assert.ok(list.data.some((m) => m.id === 'gpt-4o'));
    const one = await client.models.retrieve('gpt-4o');
    assert.equal(one.id, 'gpt-4o');
  });

  test('responses API', async () => {
    const res = await client.responses.create({ model: 'gpt-4o', input: 'hello' });
    assert.equal(res.status, 'completed');
    assert.match(res.output_text, /hello/);
  });

  test('streaming chat yields every chunk and ends with finish_reason stop', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'stream me' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null | undefined;
    let usageTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usageTokens = chunk.usage?.completion_tokens ?? usageTokens;
    }
    assert.match(text, /stream me/);
    assert.equal(finish, 'stop');
    assert.ok(usageTokens > 0);
    await eventually(() => gw.logs.some((l) => l.includes('"stream":true') && l.includes('"completionTokens"')));
  });

  test('upstream paths per operation, query strings kept', async () => {
    fake.received.length = 0;
    fake.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"object":"list","data":[]}');
    });
    const sdk = new OpenAI({ baseURL: `${gw.url}/fake/v1`, apiKey: 'x', maxRetries: 0 });
    await sdk.embeddings.create({ model: 'm', input: 'x' }).catch(() => undefined);
    await sdk.models.list();
    await fetch(`${gw.url}/fake?foo=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' });
    assert.deepEqual(
      fake.received.map((r) => `${r.method} ${r.url}`),
      ['POST /v1/embeddings', 'GET /v1/models', 'POST /v1/chat/completions?foo=1'],
    );
    assert.ok(fake.received.every((r) => r.headers.authorization === 'Bearer sk-test'));
  });
});

describe('streaming is forwarded event by event', () => {
  test('the first event reaches the client before the upstream sends the last', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    fake.setHandler(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"first"}}]}\n\n');
      await released;
      res.write('data: {"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" last"},"finish_reason":"stop"}]}\n\n');
      res.write('data: {"id":"1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n');
      res.end('data: [DONE]\n\n');
    });
    const sdk = new OpenAI({ baseURL: `${gw.url}/fake`, apiKey: 'x', maxRetries: 0 });
    const stream = await sdk.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(!first.done ? first.value.choices[0]?.delta.content : undefined, 'first', 'got the first event while the upstream still holds the rest');
    release();
    const rest: string[] = [];
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) rest.push(r.value.choices[0]?.delta.content ?? '');
    assert.deepEqual(rest, [' last', '']);
    await eventually(() => gw.logs.some((l) => l.includes('"totalTokens":5')));
  });

  test('a client that disconnects aborts the upstream request', async () => {
    let upstreamClosed = false;
    fake.setHandler((_req, res, raw) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n');
      raw.socket.on('close', () => (upstreamClosed = true));
    });
    const abort = new AbortController();
    const res = await fetch(`${gw.url}/fake/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","stream":true}', signal: abort.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    abort.abort();
    await eventually(() => upstreamClosed);
  });
});
