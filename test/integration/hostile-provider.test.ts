import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route } from '../support/manifests.js';

// A provider that answers garbage, breaks off, or never ends an event: the client gets an error
// in its own shape (a 502, or its stream's error event, never a stream that looks finished), and
// the gateway goes on serving.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let gw: RunningGateway;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const backend = `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: claude, namespace: kgateway-system}
spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: ${port}, anthropic: {authToken: {kind: Inline, inline: k}, model: claude-x}}}}
`;
  gw = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'claude.yaml': `${backend}---\n${route('claude', '/claude', 'claude')}` } });
});
after(async () => {
  await gw.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const chat = (stream: boolean): Promise<Response> =>
  fetch(`${gw.url}/claude/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: 'hi' }] }) });

const sse = (events: [string, unknown][]): string => events.map(([name, data]) => `event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`).join('');
const START = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } };

/** The last `data:` payload of a stream, parsed. */
async function lastEvent(res: Response): Promise<{ error?: { message: string; type: string } }> {
  const lines = (await res.text()).split('\n').filter((l) => l.startsWith('data: '));
  const last = lines.at(-1) ?? 'data: {}';
  assert.notEqual(last, 'data: [DONE]', 'the stream must not look finished');
  return JSON.parse(last.slice(6)) as { error?: { message: string; type: string } };
}

async function stillServes(): Promise<void> {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...START.message, content: [{ type: 'text', text: 'fine' }], stop_reason: 'end_turn' }));
  };
  const res = await chat(false);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, 'fine');
}

test('a JSON answer that is not JSON, or not a message, is a 502 in OpenAI\'s error shape', async () => {
  for (const body of ['<html>oops</html>', '{"content": "not a list", "usage": null}', 'null']) {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    const res = await chat(false);
    assert.equal(res.status, 502, body);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'upstream_invalid_response');
  }
  await stillServes();
});

const TEXT_START = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
const HELLO = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } };

/** The status and error of an answer that failed before its stream began. */
async function errorAnswer(res: Response): Promise<{ status: number; error: { message: string; code: string } }> {
  assert.match(res.headers.get('content-type') ?? '', /json/, 'an error answer, not a stream');
  return { status: res.status, error: ((await res.json()) as { error: { message: string; code: string } }).error };
}

test('a stream that breaks its format before the answer begins is a 502 error answer, not a stream; after, an error event', async () => {
  for (const broken of [sse([['message_start', { type: 'message_start', message: null }]]), sse([['message_start', START], ['content_block_delta', '{"type":"content_block_delta","index":0,"delta":null}']]), sse([['message_start', START], ['content_block_delta', 'not json']])]) {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(broken);
    };
    const { status, error } = await errorAnswer(await chat(true));
    assert.equal(status, 502, broken);
    assert.equal(typeof error.message, 'string');
  }
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sse([['message_start', START], ['content_block_start', TEXT_START], ['content_block_delta', HELLO], ['content_block_delta', 'not json']]));
  };
  const res = await chat(true);
  assert.equal(res.status, 200);
  const text = await res.clone().text();
  assert.match(text, /"content":"Hel"/, 'the answer so far reached the client');
  assert.equal(typeof (await lastEvent(res)).error?.message, 'string');
  await stillServes();
});

test('a provider that breaks off mid-stream, or never ends an event, gives an error event after the answer began (never [DONE]), a 502 before', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse([['message_start', START], ['content_block_start', TEXT_START], ['content_block_delta', HELLO]]));
    setTimeout(() => res.socket?.destroy(), 20);
  };
  assert.equal(typeof (await lastEvent(await chat(true))).error?.message, 'string');

  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse([['message_start', START], ['content_block_start', TEXT_START]]));
    setTimeout(() => res.socket?.destroy(), 20);
  };
  assert.equal((await errorAnswer(await chat(true))).status, 502);

  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse([['message_start', START], ['content_block_start', TEXT_START], ['content_block_delta', HELLO]]));
    res.end(`data: ${'x'.repeat(9 * 1024 * 1024)}`);
  };
  assert.equal(typeof (await lastEvent(await chat(true))).error?.message, 'string');

  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse([['message_start', START]]));
    res.end(`data: ${'x'.repeat(9 * 1024 * 1024)}`);
  };
  assert.equal((await errorAnswer(await chat(true))).status, 502);
  await stillServes();
});
