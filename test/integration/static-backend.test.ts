import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, staticBackend } from '../support/manifests.js';

// Non-AI backends: the route's URLRewrite applies as the Gateway API says.

let upstream: FakeProvider;
let gw: RunningGateway;

before(async () => {
  upstream = await startFakeProvider();
  upstream.setHandler((req, res) => {
    res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
    res.end(`got ${req.method} ${req.url}`);
  });
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'static.yaml': `${staticBackend('svc', upstream.port)}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: svc, namespace: kgateway-system}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /prefix}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /api/v2}}}]
    backendRefs: [{name: svc, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {type: Exact, value: /full}}]
    filters: [{type: URLRewrite, urlRewrite: {hostname: rewritten.example, path: {type: ReplaceFullPath, replaceFullPath: /elsewhere}}}]
    backendRefs: [{name: svc, group: gateway.kgateway.dev, kind: Backend}]
`,
    },
  });
});
after(async () => {
  await gw.stop();
  await upstream.close();
});

test('ReplacePrefixMatch rewrites the matched prefix; query, body, status and headers pass through', async () => {
  // node:http, because fetch does not let a caller set Host.
  const res = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request(`${gw.url}/prefix/items/7?x=1`, { method: 'PUT', headers: { host: 'client.example' } }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    req.on('error', reject);
    req.end('payload');
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers['x-upstream'], 'yes');
  assert.equal(res.body, 'got PUT /api/v2/items/7?x=1');
  const r = upstream.received.at(-1);
  assert.equal(r?.body, 'payload');
  assert.equal(r?.headers.host, 'client.example', 'Host is kept unless a filter rewrites it');
  assert.equal(r?.headers['x-forwarded-proto'], 'http');
  assert.ok(r?.headers['x-forwarded-for']);
});

test('ReplaceFullPath and hostname rewrite', async () => {
  const res = await fetch(`${gw.url}/full`);
  assert.equal(await res.text(), 'got GET /elsewhere');
  assert.equal(upstream.received.at(-1)?.headers.host, 'rewritten.example');
});

test('Exact does not match a longer path', async () => {
  assert.equal((await fetch(`${gw.url}/full/more`)).status, 404);
});
