import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { freePort, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';

// Every error a client can get, in the OpenAI error shape with the right status.

let fake: FakeProvider;
let gw: RunningGateway;
let closedPort: number;

interface ErrorBody {
  error: { message: string; type: string; code: string; param: null };
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: ErrorBody; text: string }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as ErrorBody, text };
}

before(async () => {
  fake = await startFakeProvider();
  closedPort = await freePort();
  const missingRoute = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: missing, namespace: kgateway-system}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /missing}}]
    backendRefs: [{name: nope, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {type: PathPrefix, value: /empty}}]
`;
  const invalid = `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: broken, namespace: kgateway-system}
spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inlin}}}}}
`;
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'ok.yaml': aiBackend('ok', { port: fake.port }) + '---\n' + route('ok', '/ok', 'ok'),
      'down.yaml': aiBackend('down', { port: closedPort }) + '---\n' + route('down', '/down', 'down'),
      'missing.yaml': missingRoute,
      'invalid.yaml': invalid,
    },
    proxy: { maxBodyBytes: 1024, upstreamTimeoutMs: 300 },
  });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

describe('client errors', () => {
  test('a body that is not JSON: 400', async () => {
    const r = await post('/ok', '{"model": ');
    assert.equal(r.status, 400);
    assert.deepEqual([r.body.error.type, r.body.error.code, r.body.error.param], ['invalid_request_error', 'invalid_json_body', null]);
  });

  test('a JSON body that is not an object: 400', async () => {
    const r = await post('/ok', '[1,2]');
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /must be a JSON object/);
  });

  test('a body over the limit: 413, by Content-Length and by chunked count', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    assert.equal((await post('/ok', big)).status, 413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(`${gw.url}/ok`, { method: 'POST', body: stream, duplex: 'half' });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'body_too_large');
  });

  test('no route: 404', async () => {
    const r = await post('/nowhere', '{}');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'route_not_found');
  });
});

describe('backend errors', () => {
  test('backendRef to a missing Backend: 500, and ResolvedRefs=False BackendNotFound', async () => {
    const r = await post('/missing', '{"model":"m"}');
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'backend_not_found');
    const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: { kind: string; name: string; status: { parents?: { conditions: { type: string; status: string; reason: string }[] }[] } }[] };
    const routeStatus = config.resources.find((x) => x.kind === 'HTTPRoute' && x.name === 'missing');
    const resolved = routeStatus?.status.parents?.[0]?.conditions.find((c) => c.type === 'ResolvedRefs');
    assert.deepEqual([resolved?.status, resolved?.reason], ['False', 'BackendNotFound']);
  });

  test('a rule with no backendRefs: 500', async () => {
    const r = await post('/empty', '{"model":"m"}');
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'no_backends');
  });

  test('upstream unreachable: 502', async () => {
    const r = await post('/down', '{"model":"m"}');
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'upstream_unreachable');
    assert.match(r.body.error.message, /ECONNREFUSED/);
  });

  test('upstream too slow: 504', async () => {
    fake.setHandler((_req, res) => {
      setTimeout(() => res.end('{}'), 1000);
    });
    const r = await post('/ok', '{"model":"m"}');
    assert.equal(r.status, 504);
    assert.equal(r.body.error.code, 'upstream_timeout');
  });

  test('a stream that stalls past the timeout is cut, not left hanging', async () => {
    fake.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"partial"}}]}\n\n');
    });
    const res = await fetch(`${gw.url}/ok`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","stream":true}' });
    assert.equal(res.status, 200);
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: '));
    assert.match(events[0] ?? '', /partial/);
    // The stream ends with an error event and no [DONE], so the client knows the answer is incomplete.
    const last = JSON.parse((events.at(-1) ?? '').slice(6)) as { error?: { code: string; message: string } };
    assert.equal(last.error?.code, 'upstream_timeout');
    assert.ok(!events.includes('data: [DONE]'));
  });

  test('upstream errors pass through with their status and body', async () => {
    const upstreamError = '{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}';
    fake.setHandler((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(upstreamError);
    });
    const res = await fetch(`${gw.url}/ok`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal(await res.text(), upstreamError);
  });
});

describe('invalid resources', () => {
  test('are rejected naming the resource and field while the rest loads', async () => {
    const config = (await (await fetch(`${gw.admin}/config`)).json()) as { issues: string[] };
    const issue = config.issues.find((i) => i.includes('Backend kgateway-system/broken'));
    assert.ok(issue, 'the broken Backend is reported');
    assert.match(issue, /invalid\.yaml#1: Backend kgateway-system\/broken: spec\.ai\.llm\.openai\.authToken\.kind: must be one of Inline, SecretRef, Passthrough/);
    fake.setHandler((_req, res) => void res.end('{"ok":true}'));
    assert.equal((await post('/ok', '{"model":"m"}')).status, 200);
  });
});
