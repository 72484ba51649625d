import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startEchoBackend, type EchoAnswer, type EchoBackend } from '../support/echo-backend.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route, staticBackend } from '../support/manifests.js';

// Dot segments and repeated slashes are resolved before routing, and the upstream gets the
// path that was matched: `/static/../internal` cannot reach the `/internal` service through
// the `/static` rule (the upstream would resolve the `..` itself), nor skip the header guard.

let publicSite: EchoBackend;
let internal: EchoBackend;
let llm: FakeProvider;
let gw: RunningGateway;

const ROUTES = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: site, namespace: kgateway-system}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /static}}]
    backendRefs: [{name: public, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {type: PathPrefix, value: /internal}, headers: [{name: x-internal, value: 'yes'}]}]
    backendRefs: [{name: internal, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {type: PathPrefix, value: /moved}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /static}}}]
    backendRefs: [{name: public, group: gateway.kgateway.dev, kind: Backend}]
`;

interface Answer {
  status: number;
  body: string;
  echo: EchoAnswer | undefined;
}

/** Sends the path byte for byte (`fetch` would resolve its dot segments before sending). */
function send(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: gw.gateway.boundPort(8080) ?? 0, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, echo: body.startsWith('{"namespace"') ? (JSON.parse(body) as EchoAnswer) : undefined }));
    });
    r.on('error', reject);
    r.end();
  });
}

function accessLines(path: string): { status: number; error?: string; route?: string }[] {
  return gw.logs.map((l) => JSON.parse(l) as { msg: string; path: string; status: number }).filter((l) => l.msg === 'request' && l.path === path);
}

before(async () => {
  [publicSite, internal, llm] = await Promise.all([startEchoBackend('kgateway-system', 'public'), startEchoBackend('kgateway-system', 'internal'), startFakeProvider()]);
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'backends.yaml': `${staticBackend('public', publicSite.port)}---\n${staticBackend('internal', internal.port)}`,
      'routes.yaml': ROUTES,
      'ai.yaml': `${aiBackend('llm', { port: llm.port })}---\n${route('ai', '/ai', 'llm')}`,
    },
  });
});
after(async () => {
  await gw.stop();
  await Promise.all([publicSite.close(), internal.close(), llm.close()]);
});

const TRAVERSALS = ['/static/../internal/secret', '/static/%2e%2e/internal/secret', '/static/%2E%2E/internal/secret', '/static/.%2e/internal/secret'];

describe('dot segments cannot step out of the matched rule', () => {
  test('without the header, a traversal to /internal finds no route and reaches nobody', async () => {
    const before = publicSite.received.length + internal.received.length;
    for (const path of TRAVERSALS) {
      const answer = await send(path);
      assert.equal(answer.status, 404, path);
      assert.equal((JSON.parse(answer.body) as { error: { code: string; message: string } }).error.code, 'route_not_found', path);
      assert.match(answer.body, /no route for GET \/internal\/secret/, path);
    }
    assert.equal(publicSite.received.length + internal.received.length, before);
  });

  test('with the header, it is the /internal rule that serves it, with the resolved path', async () => {
    for (const path of TRAVERSALS) {
      const answer = await send(path, { 'x-internal': 'yes' });
      assert.equal(answer.status, 200, path);
      assert.deepEqual([answer.echo?.service, answer.echo?.path], ['internal', '/internal/secret'], path);
    }
  });

  test('an absolute-form target is routed by its resolved path too', async () => {
    assert.equal((await send('http://example.com/static/../internal/secret')).status, 404);
    const answer = await send('http://example.com/static/%2e%2e/internal/secret', { 'x-internal': 'yes' });
    assert.deepEqual([answer.echo?.service, answer.echo?.path], ['internal', '/internal/secret']);
  });

  test('a `..` that only removes an empty segment stays under /static, and goes up without it', async () => {
    // As in Envoy (normalize_path, then merge_slashes): `static//..` is `static/`.
    const answer = await send('/static//../internal/secret');
    assert.deepEqual([answer.echo?.service, answer.echo?.path], ['public', '/static/internal/secret']);
    assert.ok(!internal.received.some((r) => r.path.includes('..')));
    assert.ok(!publicSite.received.some((r) => r.path.includes('..') || /%2e/i.test(r.path)));
  });

  test('. segments and repeated slashes are removed; the query is kept as sent', async () => {
    const answer = await send('/static/./a//b?x=/../y');
    assert.deepEqual([answer.echo?.service, answer.echo?.path], ['public', '/static/a/b?x=/../y']);
  });

  test('URLRewrite applies to the resolved path', async () => {
    const answer = await send('/moved/x/%2E%2E/y');
    assert.deepEqual([answer.echo?.service, answer.echo?.path], ['public', '/static/y']);
  });

  test('an AI Backend route is chosen by the resolved path and sends the resolved object path', async () => {
    const answer = await send('/static/../ai/v1/models/x/%2e%2e/gpt-4o');
    assert.equal(answer.status, 200, answer.body);
    assert.equal(llm.received.at(-1)?.url, '/v1/models/gpt-4o');
  });
});

describe('paths that could split differently upstream', () => {
  test('an encoded slash, an encoded or raw backslash, a malformed escape: 400 invalid_path, sent nowhere', async () => {
    const before = publicSite.received.length + internal.received.length;
    for (const path of ['/static/..%2finternal', '/static/..%2Finternal/secret', '/static/..%5cinternal', '/static\\..\\internal', '/static/%zz', '/static/%4']) {
      const answer = await send(path, { 'x-internal': 'yes' });
      assert.equal(answer.status, 400, path);
      const error = (JSON.parse(answer.body) as { error: { type: string; code: string } }).error;
      assert.deepEqual([error.type, error.code], ['invalid_request_error', 'invalid_path'], path);
    }
    assert.equal(publicSite.received.length + internal.received.length, before);
  });

  test('a refused path gets exactly one access line, with the path as sent', async () => {
    await send('/static/..%2flogged');
    await eventually(() => accessLines('/static/..%2flogged').length > 0);
    await new Promise((r) => setTimeout(r, 50));
    const lines = accessLines('/static/..%2flogged');
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]?.status, lines[0]?.error, lines[0]?.route], [400, 'invalid_path', undefined]);
  });

  test('a served request is logged under its resolved path', async () => {
    await send('/static/./logged//a');
    await eventually(() => accessLines('/static/logged/a').length === 1);
    assert.equal(accessLines('/static/./logged//a').length, 0);
  });
});
