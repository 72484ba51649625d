import assert from 'node:assert/strict';
import { compileYaml } from '../../test/support/compile-yaml.js';
import { test } from 'node:test';
import type { CompiledAiBackend, CompiledLlm, RuntimeConfig } from './runtime-config.js';

function compile(yaml: string, gatewayClassName = 'kgateway'): RuntimeConfig {
  return compileYaml(yaml, { gatewayClassName });
}

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: kgateway
  addresses: [{type: IPAddress, value: 127.0.0.1}]
  listeners:
  - {name: http, protocol: HTTP, port: 8080}
  - {name: all, protocol: HTTP, port: 8090, allowedRoutes: {namespaces: {from: All}}}
  - {name: tls, protocol: TLS, port: 8443}
`;

function route(name: string, ns: string, parent: string): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRefs: [${parent}]
`;
}

type Status = { parents?: { conditions: { type: string; status: string; reason: string }[] }[]; listeners?: { name: string; attachedRoutes: number; conditions: { type: string; status: string; reason: string }[] }[] };
const statusOf = (c: RuntimeConfig, kind: string, name: string): Status => c.resources.find((r) => r.kind === kind && r.name === name)?.status as Status;
const accepted = (s: Status): string[] => (s.parents ?? []).map((p) => `${p.conditions[0]?.status}/${p.conditions[0]?.reason}`);

test('parentRefs attach by name, namespace and sectionName, within allowedRoutes', () => {
  const c = compile(
    GATEWAY +
      route('same', 'infra', '{name: gw}') +
      route('section', 'infra', '{name: gw, sectionName: all}') +
      route('nosection', 'infra', '{name: gw, sectionName: nope}') +
      route('other-ns', 'apps', '{name: gw, namespace: infra, sectionName: http}') +
      route('other-ns-all', 'apps', '{name: gw, namespace: infra, sectionName: all}') +
      route('missing', 'infra', '{name: nope}'),
  );
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'same')), ['True/Accepted']);
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'section')), ['True/Accepted']);
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'nosection')), ['False/NoMatchingParent']);
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'other-ns')), ['False/NotAllowedByListeners']);
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'other-ns-all')), ['True/Accepted']);
  assert.deepEqual(accepted(statusOf(c, 'HTTPRoute', 'missing')), ['False/NoMatchingParent']);
  const listeners = statusOf(c, 'Gateway', 'gw').listeners ?? [];
  assert.deepEqual(listeners.map((l) => [l.name, l.attachedRoutes]), [['http', 1], ['all', 3], ['tls', 0]]);
  assert.equal(listeners[2]?.conditions[0]?.reason, 'UnsupportedProtocol');
  assert.deepEqual([...c.bindings.keys()], ['127.0.0.1:8080', '127.0.0.1:8090'], 'spec.addresses are the bind addresses; an unsupported protocol is not bound');
});

test('only Gateways of the served class are served, and their routes are not reported on', () => {
  const c = compile(GATEWAY + route('r', 'infra', '{name: gw}'), 'other-class');
  assert.equal(c.bindings.size, 0);
  assert.deepEqual(statusOf(c, 'HTTPRoute', 'r').parents, []);
});

test('TLS exactly on port 443, as kgateway; Host carries a non-default port', () => {
  const backend = (name: string, llm: string): string => `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: infra}
spec: {type: AI, ai: {llm: ${llm}}}
`;
  const c = compile(
    GATEWAY +
      backend('default', '{provider: {openai: {authToken: {kind: Passthrough}}}}') +
      backend('override443', '{hostOverride: {host: llm.internal, port: 443}, provider: {openai: {authToken: {kind: Passthrough}}}}') +
      backend('ollama', '{host: 10.0.0.5, port: 11434, openai: {authToken: {kind: Passthrough}}}') +
      `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: infra}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {value: /a}}]
    backendRefs: [{name: default, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {value: /b}}]
    backendRefs: [{name: override443, group: gateway.kgateway.dev, kind: Backend}]
  - matches: [{path: {value: /c}}]
    backendRefs: [{name: ollama, group: gateway.kgateway.dev, kind: Backend}]
`,
  );
  const table = c.bindings.get('127.0.0.1:8080')?.listeners[0]?.routes;
  const target = (path: string): CompiledLlm => (table?.match({ method: 'POST', path, query: '', host: 'x', headers: {} })?.rule.targets[0]?.target as CompiledAiBackend).levels[0]?.[0] as CompiledLlm;
  assert.deepEqual([target('/a').origin, target('/a').hostHeader], ['https://api.openai.com', 'api.openai.com']);
  assert.deepEqual([target('/b').origin, target('/b').hostHeader], ['https://llm.internal', 'llm.internal']);
  assert.deepEqual([target('/c').origin, target('/c').hostHeader], ['http://10.0.0.5:11434', '10.0.0.5:11434']);
});

test('a rule with an ExtensionRef filter is not served with the filter skipped', () => {
  const c = compile(
    GATEWAY +
      `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: guarded, namespace: infra}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - filters: [{type: ExtensionRef, extensionRef: {group: gateway.kgateway.dev, kind: TrafficPolicy, name: prompt-guard}}]
    backendRefs: [{name: svc, port: 80}]
`,
  );
  const rule = c.bindings.get('127.0.0.1:8080')?.listeners[0]?.routes.match({ method: 'GET', path: '/', query: '', host: 'x', headers: {} })?.rule;
  const target = rule?.targets[0]?.target;
  assert.equal(target?.kind === 'unresolved' ? target.error.code : undefined, 'unsupported_filter');
  assert.match(JSON.stringify(statusOf(c, 'HTTPRoute', 'guarded')), /ExtensionRef gateway.kgateway.dev\/TrafficPolicy prompt-guard is not supported yet/);
});

test('two listeners on one port with the same hostname conflict; the first keeps it', () => {
  const c = compile(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: kgateway
  listeners:
  - {name: a, protocol: HTTP, port: 8080, hostname: api.example.com}
  - {name: b, protocol: HTTP, port: 8080, hostname: api.example.com}
  - {name: c, protocol: HTTP, port: 8080}
`);
  const listeners = statusOf(c, 'Gateway', 'gw').listeners ?? [];
  assert.deepEqual(
    listeners.map((l) => [l.name, l.conditions.find((x) => x.type === 'Conflicted')?.reason]),
    [['a', 'NoConflicts'], ['b', 'HostnameConflict'], ['c', 'NoConflicts']],
  );
  assert.deepEqual(c.bindings.get('0.0.0.0:8080')?.listeners.map((l) => l.name), ['a', 'c']);
});

test('a route to a Backend that failed validation names the Backend\'s own error, not "not found"', () => {
  const c = compile(
    GATEWAY +
      `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai, namespace: infra}
spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inlin}}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: infra}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
`,
  );
  const status = JSON.stringify(statusOf(c, 'HTTPRoute', 'r'));
  assert.match(status, /Backend \\"openai\\" is invalid: spec\.ai\.llm\.openai\.authToken\.kind: must be one of Inline, SecretRef, Passthrough/);
  assert.doesNotMatch(status, /not found/);
});

test('a field that must be an object and is not gets that one error, not the fields it lacks as well', () => {
  const c = compile(`apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: b, namespace: infra}
spec: {type: AI, ai: {llm: {hostOverride: "10.0.0.1:8000", provider: {openai: {authToken: {kind: Inline, inline: k}}}}}}
`);
  const issues = c.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`);
  assert.deepEqual(issues, ['spec.ai.llm.hostOverride: must be an object']);
});
