import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createThrowawayPki, type ThrowawayPki } from '../support/tls.js';
import { CONFORMANCE_TESTS, type HttpCase, type SamplingCheck } from './cases.js';
import { checkHttpCase, checkStatus, type ResourceView } from './checks.js';
import { startConformance, type Answer, type ConformanceEnv } from './harness.js';

// The Gateway API conformance tests for HTTPRoute, data-driven: the upstream manifests
// (./manifests) and the expectations transcribed from the upstream Go tests (./cases.ts),
// run against the gateway standalone.

/** Tests not run, each with the reason; the rest must pass. */
const NOT_YET: Record<string, string> = {
  HTTPRouteDisallowedKind: 'needs a protocol TLS (TLSRoute passthrough) listener, which ai-gateway does not serve; such a listener is reported UnsupportedProtocol, so the Gateway is not Programmed',
};

let pki: ThrowawayPki;
before(async () => {
  pki = await createThrowawayPki(['*', '*.org', '*.wildcard.org', 'example.org', 'second-example.org', 'fourth-example.wildcard.org']);
});

for (const t of CONFORMANCE_TESTS) {
  const skip = NOT_YET[t.name];
  describe(t.name, { skip: skip ?? false }, () => {
    let env: ConformanceEnv;
    before(async () => {
      env = await startConformance(t.manifests, pki);
    });
    after(() => env.stop());

    test('status', async () => {
      const config = (await (await fetch(`${env.gw.admin}/config`)).json()) as { resources: ResourceView[]; issues: string[] };
      for (const s of t.status) checkStatus(s, config.resources);
    });

    for (const [i, c] of t.http.entries()) {
      test(`${i + 1}: ${c.request.method ?? 'GET'} ${c.request.host}${c.request.path} -> ${c.response.status}${c.afterDeleting ? ` after deleting ${c.afterDeleting.kind} ${c.afterDeleting.name}` : ''}`, async () => {
        if (c.afterDeleting !== undefined) await env.remove(c.afterDeleting.kind, c.afterDeleting.namespace, c.afterDeleting.name);
        checkHttpCase(c, await send(env, c));
      });
    }

    for (const s of t.sampling ?? []) test(`sampling: ${s.kind}`, () => runSampling(env, s));
  });
}

function send(env: ConformanceEnv, c: Pick<HttpCase, 'gateway' | 'port' | 'request' | 'backendResponseHeaders'> & { tls?: { sni: string } }): Promise<Answer> {
  const headers: Record<string, string> = { ...c.request.headers };
  if (c.backendResponseHeaders !== undefined) {
    headers['X-Echo-Set-Header'] = Object.entries(c.backendResponseHeaders)
      .map(([k, v]) => `${k}:${v}`)
      .join(',');
  }
  return env.send({
    gateway: c.gateway,
    port: c.port,
    host: c.request.host,
    path: c.request.path,
    ...(c.request.method === undefined ? {} : { method: c.request.method }),
    headers,
    ...(c.tls === undefined ? {} : { sni: c.tls.sni }),
  });
}

async function runSampling(env: ConformanceEnv, s: SamplingCheck): Promise<void> {
  if (s.kind === 'backendHeaderMatchesService') {
    for (let i = 0; i < s.requests; i++) {
      const a = await send(env, s);
      assert.equal(a.status, 200);
      assert.equal(a.echo?.headers[s.header.toLowerCase()], a.echo?.service, 'the backendRef filter named the backend that answered');
    }
    return;
  }
  let last = '';
  for (let attempt = 0; attempt < s.maxAttempts; attempt++) {
    const counts = new Map<string, number>();
    for (let i = 0; i < s.totalRequests; i += s.concurrency) {
      const answers: Answer[] = await Promise.all(Array.from({ length: Math.min(s.concurrency, s.totalRequests - i) }, () => send(env, s)));
      for (const a of answers) {
        assert.equal(a.status, 200);
        assert.equal(a.echo?.namespace, s.namespace);
        counts.set(a.echo?.service ?? '', (counts.get(a.echo?.service ?? '') ?? 0) + 1);
      }
    }
    const shareOk = Object.entries(s.shares).every(([svc, share]) => Math.abs((counts.get(svc) ?? 0) / s.totalRequests - share) <= s.tolerance);
    const onlyExpected = [...counts.keys()].every((svc) => svc in s.shares);
    if (shareOk && onlyExpected && counts.size === s.servicesReceivingTraffic) return;
    last = JSON.stringify(Object.fromEntries(counts));
  }
  assert.fail(`weights not honoured: ${last}`);
}
