import assert from 'node:assert/strict';
import type { EchoAnswer } from '../support/echo-backend.js';
import type { ConditionExpectation, HttpCase, StatusExpectation } from './cases.js';
import type { Answer } from './harness.js';

/** A resource as `/config` shows it. */
export interface ResourceView {
  kind: string;
  namespace: string;
  name: string;
  status: {
    conditions?: Condition[];
    addresses?: unknown[];
    listeners?: { name: string; attachedRoutes: number; supportedKinds: { kind: string }[]; conditions: Condition[] }[];
    parents?: { parentRef: { name: string; namespace?: string; group?: string; kind?: string; sectionName?: string }; conditions: Condition[] }[];
  };
}

interface Condition {
  type: string;
  status: string;
  reason: string;
}

/** The upstream http.MakeRequestAndExpectEventuallyConsistentResponse checks, for one answer. */
export function checkHttpCase(c: HttpCase, a: Answer): void {
  assert.equal(a.status, c.response.status, `status for ${c.request.host} ${c.request.path}`);
  if (a.status >= 300 && a.status < 400 && c.redirect !== undefined) checkRedirect(c, a);
  if (a.status !== 200) return;
  const echo = a.echo;
  if (c.backend !== undefined) {
    assert.ok(echo, 'a backend answered');
    assert.equal(echo.namespace, c.backend.namespace, 'backend namespace');
    if (c.backend.service !== undefined) assert.equal(echo.service, c.backend.service, 'backend service');
  }
  if (echo !== undefined) checkBackendRequest(c, echo);
  for (const [name, value] of Object.entries(c.response.headers ?? {})) assert.equal(headerValue(a.headers[name.toLowerCase()]), value, `response header ${name}`);
  for (const name of c.response.absentHeaders ?? []) assert.equal(a.headers[name.toLowerCase()], undefined, `response header ${name} absent`);
}

function checkBackendRequest(c: HttpCase, echo: EchoAnswer): void {
  const expected = c.backendRequest;
  assert.equal(echo.path, expected?.path ?? c.request.path, 'path the backend received');
  assert.equal(echo.method, expected?.method ?? c.request.method ?? 'GET', 'method the backend received');
  const host = expected === undefined ? (c.request.host === '' ? undefined : c.request.host) : expected.host;
  if (host !== undefined) assert.equal(echo.host, host, 'Host the backend received');
  const headers = expected?.headers ?? (expected === undefined ? c.request.headers : undefined) ?? {};
  for (const [name, value] of Object.entries(headers)) assert.equal(echo.headers[name.toLowerCase()], value, `header ${name} the backend received`);
  for (const name of expected?.absentHeaders ?? []) assert.equal(echo.headers[name.toLowerCase()], undefined, `header ${name} absent at the backend`);
}

function checkRedirect(c: HttpCase, a: Answer): void {
  const location = headerValue(a.headers.location);
  assert.ok(location, 'a Location header');
  const url = new URL(location);
  const r = c.redirect ?? {};
  const scheme = url.protocol.replace(':', '');
  assert.equal(scheme, r.scheme ?? (c.tls === undefined ? 'http' : 'https'), 'redirect scheme');
  if (r.host !== undefined) assert.equal(url.hostname, r.host, 'redirect host');
  if (r.port !== undefined) assert.equal(url.port === '' ? (scheme === 'https' ? '443' : '80') : url.port, r.port, 'redirect port');
  else assert.ok(url.port === '' || url.port === (scheme === 'https' ? '443' : '80'), `redirect port ${url.port} is the default`);
  assert.equal(url.pathname, r.path ?? c.request.path.split('?')[0], 'redirect path');
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

function find(resources: readonly ResourceView[], kind: string, namespace: string, name: string): ResourceView {
  const r = resources.find((x) => x.kind === kind && x.namespace === namespace && x.name === name);
  assert.ok(r, `${kind} ${namespace}/${name} is loaded`);
  return r;
}

function hasCondition(conditions: readonly Condition[] | undefined, want: ConditionExpectation): boolean {
  return (conditions ?? []).some((c) => c.type === want.type && c.status === want.status && (want.reason === undefined || c.reason === want.reason));
}

function describe(conditions: readonly Condition[] | undefined): string {
  return JSON.stringify((conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`));
}

/** The upstream kubernetes.* status helpers, against what `/config` reports. */
export function checkStatus(s: StatusExpectation, resources: readonly ResourceView[]): void {
  switch (s.check) {
    case 'NamespaceGatewaysReady':
      for (const g of resources.filter((r) => r.kind === 'Gateway' && r.namespace === s.name)) {
        for (const type of ['Accepted', 'Programmed']) assert.ok(hasCondition(g.status.conditions, { type, status: 'True' }), `Gateway ${g.name} ${type}: ${describe(g.status.conditions)}`);
      }
      return;
    case 'GatewayHasAddress':
      assert.ok((find(resources, 'Gateway', s.namespace, s.name).status.addresses ?? []).length > 0, `Gateway ${s.name} has an address`);
      return;
    case 'GatewayListenerConditions':
      for (const l of find(resources, 'Gateway', s.namespace, s.name).status.listeners ?? []) {
        for (const c of s.conditions) assert.ok(hasCondition(l.conditions, c), `listener ${l.name} ${c.type}=${c.status}: ${describe(l.conditions)}`);
      }
      return;
    case 'GatewayListeners': {
      const listeners = find(resources, 'Gateway', s.namespace, s.name).status.listeners ?? [];
      assert.deepEqual(listeners.map((l) => l.name).sort(), s.listeners.map((l) => l.name).sort(), 'listener names');
      for (const want of s.listeners) {
        const got = listeners.find((l) => l.name === want.name);
        assert.equal(got?.attachedRoutes, want.attachedRoutes, `listener ${want.name} attachedRoutes`);
        for (const kind of want.supportedKinds) assert.ok(got?.supportedKinds.some((k) => k.kind === kind), `listener ${want.name} supports ${kind}`);
        for (const c of want.conditions) assert.ok(hasCondition(got?.conditions, c), `listener ${want.name} ${c.type}=${c.status}: ${describe(got?.conditions)}`);
      }
      return;
    }
    case 'GatewayZeroRoutes': {
      const listeners = find(resources, 'Gateway', s.namespace, s.name).status.listeners ?? [];
      assert.ok(listeners.length === 0 || (listeners.length === 1 && listeners[0]?.attachedRoutes === 0), 'no routes attached');
      return;
    }
    case 'RouteParents': {
      const parents = find(resources, 'HTTPRoute', s.namespace, s.name).status.parents ?? [];
      for (const want of s.parents) {
        const [ns, name] = want.gateway.split('/') as [string, string];
        const match = parents.find(
          (p) =>
            p.parentRef.name === name &&
            (p.parentRef.namespace === undefined || p.parentRef.namespace === ns) &&
            (want.sectionName === undefined || p.parentRef.sectionName === undefined || p.parentRef.sectionName === want.sectionName) &&
            want.conditions.every((c) => hasCondition(p.conditions, c)),
        );
        assert.ok(match, `HTTPRoute ${s.name} parent ${want.gateway}: ${JSON.stringify(parents.map((p) => [p.parentRef.name, describe(p.conditions)]))}`);
      }
      return;
    }
    case 'RouteCondition': {
      const [ns, name] = s.parent.split('/') as [string, string];
      const parents = find(resources, 'HTTPRoute', s.namespace, s.name).status.parents ?? [];
      const ok = parents.some((p) => p.parentRef.name === name && (p.parentRef.namespace ?? s.namespace) === ns && hasCondition(p.conditions, s.condition));
      assert.ok(ok, `HTTPRoute ${s.name} ${s.condition.type}=${s.condition.status}/${s.condition.reason ?? '*'}: ${JSON.stringify(parents.map((p) => describe(p.conditions)))}`);
      return;
    }
    case 'RouteNoAcceptedParents': {
      const parents = find(resources, 'HTTPRoute', s.namespace, s.name).status.parents ?? [];
      assert.ok(parents.length === 0 || (parents.length === 1 && hasCondition(parents[0]?.conditions, { type: 'Accepted', status: 'False' })), `no accepted parents: ${JSON.stringify(parents.map((p) => describe(p.conditions)))}`);
      return;
    }
  }
}
