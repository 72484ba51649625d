import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, llmBackend, route } from '../support/manifests.js';

// What a client may not make the gateway do with the operator's key: call methods and paths the
// Backend does not serve, pass something that is not a key as one, or pick the operator's
// organization.

let fake: FakeProvider;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'inline.yaml': aiBackend('inline', { port: fake.port, token: 'sk-operator' }) + '---\n' + route('inline', '/openai', 'inline'),
      'pass.yaml': llmBackend('pass', fake.port, 'openai: {authToken: {kind: Passthrough}}') + '---\n' + route('pass', '/pass', 'pass'),
    },
  });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { code: string; message: string; type: string } };
}

/** Any method, raw (fetch refuses TRACE). */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Answer['body'] });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

describe('methods', () => {
  test('DELETE of a model, TRACE, PUT and GET of chat: 405 with allow, and nothing reaches the provider', async () => {
    const seen = fake.received.length;
    const cases: [string, string, string][] = [
      ['DELETE', '/openai/models/ft:gpt-4o:acme:abc', 'GET'],
      ['DELETE', '/openai/v1/responses/resp_1', 'GET'],
      ['TRACE', '/openai/v1/chat/completions', 'POST'],
      ['PUT', '/openai/v1/chat/completions', 'POST'],
      ['GET', '/openai/v1/chat/completions', 'POST'],
      ['GET', '/openai/v1/embeddings', 'POST'],
      ['POST', '/openai/v1/models', 'GET'],
      ['PATCH', '/openai', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await call(method, path);
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, allow);
      assert.equal(r.body.error?.code, 'method_not_allowed');
      assert.equal(r.body.error?.type, 'invalid_request_error');
      assert.match(r.body.error?.message ?? '', new RegExp(`^${method} is not allowed here: .* takes ${allow}$`));
    }
    assert.equal(fake.received.length, seen);
  });

  test('the operations an AI Backend serves keep their methods', async () => {
    const before = fake.received.length;
    assert.equal((await call('POST', '/openai/v1/chat/completions', {}, CHAT)).status, 200);
    assert.equal((await call('GET', '/openai/v1/models')).status, 200);
    assert.equal((await call('GET', '/openai/v1/models/gpt-4o')).status, 200);
    assert.equal((await call('POST', '/openai/v1/responses/resp_1/cancel')).status, 200);
    assert.deepEqual(
      fake.received.slice(before).map((r) => `${r.method} ${r.url}`),
      ['POST /v1/chat/completions', 'GET /v1/models', 'GET /v1/models/gpt-4o', 'POST /v1/responses/resp_1/cancel'],
    );
  });
});

describe('Passthrough takes only a key', () => {
  test('Bearer without a token, Basic, and words with spaces: 401, nothing sent', async () => {
    const seen = fake.received.length;
    for (const headers of [
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'sk-raw-key' },
      { authorization: 'Bearer sk-a sk-b' },
      { 'x-api-key': 'Bearer sk-a' },
      { 'api-key': '' },
    ]) {
      const r = await call('POST', '/pass/v1/chat/completions', headers, CHAT);
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.body.error?.code, 'missing_authorization');
      assert.doesNotMatch(r.body.error?.message ?? '', /dXNl|sk-/, 'the value is never echoed');
    }
    assert.equal(fake.received.length, seen);
  });

  test('a bearer token, or the provider header of a native client, passes as the key', async () => {
    assert.equal((await call('POST', '/pass/v1/chat/completions', { authorization: 'bearer  sk-client_1.x/y+z==' }, CHAT)).status, 200);
    assert.equal(fake.received.at(-1)?.headers.authorization, 'Bearer sk-client_1.x/y+z==');
    assert.equal((await call('POST', '/pass/v1/chat/completions', { 'api-key': 'sk-azure' }, CHAT)).status, 200);
    assert.equal(fake.received.at(-1)?.headers.authorization, 'Bearer sk-azure');
  });
});

describe('organization and project headers', () => {
  const account = { 'openai-organization': 'org-client', 'openai-project': 'proj-client' };

  test('are dropped next to the operator\'s key', async () => {
    assert.equal((await call('POST', '/openai/v1/chat/completions', account, CHAT)).status, 200);
    const sent = fake.received.at(-1)?.headers ?? {};
    assert.equal(sent.authorization, 'Bearer sk-operator');
    assert.equal(sent['openai-organization'], undefined);
    assert.equal(sent['openai-project'], undefined);
  });

  test('pass with the client\'s own key', async () => {
    assert.equal((await call('POST', '/pass/v1/chat/completions', { ...account, authorization: 'Bearer sk-client' }, CHAT)).status, 200);
    const sent = fake.received.at(-1)?.headers ?? {};
    assert.equal(sent['openai-organization'], 'org-client');
    assert.equal(sent['openai-project'], 'proj-client');
  });
});
