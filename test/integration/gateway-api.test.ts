import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startEchoBackend, type EchoAnswer, type EchoBackend } from '../support/echo-backend.js';
import { eventually, freePort, startGateway, type RunningGateway } from '../support/gateway-harness.js';

// Gateway API routing to core Services (through EndpointSlices): weights, filters, redirects,
// mirrors, ReferenceGrants, namespace selectors, failing endpoints, rule timeouts.

let v1: EchoBackend;
let v2: EchoBackend;
let mirror: EchoBackend;
let other: EchoBackend;
let gw: RunningGateway;
let deadPort: number;

/** A Service on 8080 and the EndpointSlice that puts one local server behind it. */
function service(ns: string, name: string, endpointPort: number): string {
  return `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {ports: [{name: http, port: 8080, targetPort: 3000}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: ${ns}, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
ports: [{name: http, port: ${endpointPort}}]
`;
}

const ROUTES = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: main, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {value: /split}}]
    backendRefs: [{name: v1, port: 8080, weight: 70}, {name: v2, port: 8080, weight: 30}, {name: mirror, port: 8080, weight: 0}]
  - matches: [{path: {value: /headers}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-Set, value: set}], add: [{name: X-Add, value: added}], remove: [x-remove]}
    - type: ResponseHeaderModifier
      responseHeaderModifier: {set: [{name: X-Resp, value: yes}], remove: [x-powered-by]}
    backendRefs:
    - name: v1
      port: 8080
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Backend, value: v1}]}}]
  - matches: [{path: {value: /redirect}}]
    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, hostname: example.org, statusCode: 301}}]
  - matches: [{path: {value: /moved}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}, port: 8443}}]
  - matches: [{path: {value: /mirror}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: mirror, port: 8080}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {value: /mirror-slow}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: slow, port: 8080}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {value: /cross}}]
    backendRefs: [{name: other, namespace: apps, port: 8080}]
  - matches: [{path: {value: /denied}}]
    backendRefs: [{name: other, namespace: secret-apps, port: 8080}]
  - matches: [{path: {value: /flaky}}]
    backendRefs: [{name: flaky, port: 8080}]
  - matches: [{path: {value: /slow}}]
    timeouts: {request: 200ms}
    backendRefs: [{name: slow, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-infra, namespace: apps}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}, {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: labelled}]
  to: [{group: '', kind: Service}]
---
apiVersion: v1
kind: Namespace
metadata: {name: labelled, labels: {team: ai}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: by-label, namespace: labelled}
spec:
  parentRefs: [{name: gw, namespace: infra, sectionName: selected}]
  rules: [{backendRefs: [{name: other, namespace: apps, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: unlabelled, namespace: elsewhere}
spec:
  parentRefs: [{name: gw, namespace: infra, sectionName: selected}]
  rules: [{backendRefs: [{name: v1, namespace: infra, port: 8080}]}]
`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  echo: EchoAnswer | undefined;
}

function send(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, echo: body.startsWith('{"namespace"') ? (JSON.parse(body) as EchoAnswer) : undefined }));
    });
    r.on('error', reject);
    r.end();
  });
}

before(async () => {
  [v1, v2, mirror, other] = await Promise.all([startEchoBackend('infra', 'v1'), startEchoBackend('infra', 'v2'), startEchoBackend('infra', 'mirror'), startEchoBackend('apps', 'other')]);
  deadPort = await freePort();
  const slow = await freePort();
  const slowServer = (await import('node:http')).createServer((_req, res) => setTimeout(() => res.end('late'), 2000).unref());
  slowServer.listen(slow, '127.0.0.1');
  slowServer.unref();
  const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: kgateway
  listeners:
  - {name: http, protocol: HTTP, port: 8080}
  - {name: selected, protocol: HTTP, port: 8090, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: ai}}}}}
`;
  const flaky = `---
apiVersion: v1
kind: Service
metadata: {name: flaky, namespace: infra}
spec: {ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: flaky-1, namespace: infra, labels: {kubernetes.io/service-name: flaky}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1]}, {addresses: [127.0.0.2], conditions: {ready: false}}]
ports: [{port: ${deadPort}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: flaky-2, namespace: infra, labels: {kubernetes.io/service-name: flaky}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1]}]
ports: [{port: ${v2.port}}]
`;
  gw = await startGateway({
    files: {
      'gateway.yaml': gateway,
      'services.yaml': [service('infra', 'v1', v1.port), service('infra', 'v2', v2.port), service('infra', 'mirror', mirror.port), service('apps', 'other', other.port), service('secret-apps', 'other', other.port), service('infra', 'slow', slow)].join('') + flaky,
      'routes.yaml': ROUTES,
    },
  });
});
after(async () => {
  await gw.stop();
  await Promise.all([v1, v2, mirror, other].map((b) => b.close()));
});

const port = (p = 8080): number => gw.gateway.boundPort(p) ?? 0;

describe('backendRefs to Services', () => {
  test('a 70/30 split holds within 5% over 1,000 requests; weight 0 gets none', async () => {
    const counts = { v1: 0, v2: 0 };
    for (let i = 0; i < 1000; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => send(port(), '/split')));
      for (const a of answers) counts[a.echo?.service as 'v1' | 'v2']++;
    }
    assert.equal(counts.v1 + counts.v2, 1000, 'the weight-0 backend got nothing');
    assert.ok(Math.abs(counts.v1 / 1000 - 0.7) <= 0.05, `v1 got ${counts.v1}`);
  });

  test('a cross-namespace Service needs a ReferenceGrant', async () => {
    assert.equal((await send(port(), '/cross')).echo?.namespace, 'apps');
    assert.equal((await send(port(), '/denied')).status, 500);
    const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: { kind: string; name: string; status: { parents?: { conditions: { type: string; status: string; reason: string }[] }[] } }[] };
    const main = config.resources.find((r) => r.kind === 'HTTPRoute' && r.name === 'main');
    assert.deepEqual(main?.status.parents?.[0]?.conditions.find((c) => c.type === 'ResolvedRefs')?.reason, 'RefNotPermitted');
  });

  test('an endpoint that refuses connections is skipped; not-ready endpoints get no traffic', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(port(), '/flaky')));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 200]);
    assert.ok(answers.every((a) => a.echo?.service === 'v2'));
  });

  test('a rule request timeout answers 504', async () => {
    const started = Date.now();
    assert.equal((await send(port(), '/slow')).status, 504);
    assert.ok(Date.now() - started < 1500);
  });
});

describe('filters', () => {
  test('request and response header modifiers, rule then backendRef', async () => {
    const a = await send(port(), '/headers', { 'x-add': 'first', 'x-remove': 'gone', 'x-set': 'old' });
    assert.equal(a.echo?.headers['x-set'], 'set');
    assert.equal(a.echo?.headers['x-add'], 'first,added');
    assert.equal(a.echo?.headers['x-remove'], undefined);
    assert.equal(a.echo?.headers['x-backend'], 'v1');
    assert.equal(a.headers['x-resp'], 'yes');
  });

  test('redirects: scheme and host with the well-known port left out; path and port', async () => {
    const a = await send(port(), '/redirect/x?q=1', { host: 'gw.local' });
    assert.deepEqual([a.status, a.headers.location], [301, 'https://example.org/redirect/x?q=1']);
    const b = await send(port(), '/moved/deeper', { host: 'gw.local:8080' });
    assert.deepEqual([b.status, b.headers.location], [302, 'http://gw.local:8443/new/deeper']);
  });

  test('a mirror that never answers does not delay the primary answer', async () => {
    const started = Date.now();
    const a = await send(port(), '/mirror-slow');
    assert.equal(a.echo?.service, 'v1');
    assert.ok(Date.now() - started < 500, 'answered without waiting for the mirror');
  });

  test('a mirror gets a copy; the client gets the primary answer', async () => {
    const before = mirror.received.length;
    const a = await send(port(), '/mirror/1');
    assert.equal(a.echo?.service, 'v1');
    await eventually(() => mirror.received.length === before + 1);
    assert.equal(mirror.received.at(-1)?.path, '/mirror/1');
  });
});

describe('allowedRoutes Selector', () => {
  test('only routes from namespaces whose labels match attach', async () => {
    assert.equal((await send(port(8090), '/')).echo?.namespace, 'apps');
    const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: { kind: string; name: string; status: { parents?: { conditions: { type: string; reason: string }[] }[] } }[] };
    const unlabelled = config.resources.find((r) => r.kind === 'HTTPRoute' && r.name === 'unlabelled');
    assert.equal(unlabelled?.status.parents?.[0]?.conditions[0]?.reason, 'NotAllowedByListeners');
  });
});
