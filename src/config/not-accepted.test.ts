import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileYaml } from '../../test/support/compile-yaml.js';
import { formatNotAccepted, isNotAccepted, notAcceptedConditions } from './not-accepted.js';

// What `validate` reports beyond validation errors: the conditions `serve` would write to status
// that say a resource is not served as written. Compiled for real, so a change in compile's
// conditions shows here.

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  gatewayClassName: kgateway
  listeners: [{name: http, protocol: HTTP, port: 8080}]
`;

const route = (name: string, backend: string): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ns}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: ${backend}, group: gateway.kgateway.dev, kind: Backend}]}]
`;

const provider = (secret: string): string => `{provider: {openai: {authToken: {kind: SecretRef, secretRef: {name: ${secret}}}}}}`;

const backend = (name: string, secrets: string[]): string => `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: ns}
spec:
  type: AI
  ai: {multipool: {priorities: [{pool: [${secrets.map(provider).join(', ')}]}]}}
`;

const SECRET = `---
apiVersion: v1
kind: Secret
metadata: {name: key, namespace: ns}
stringData: {Authorization: sk-test}
`;

const lines = (yaml: string): string[] => notAcceptedConditions(compileYaml(yaml)).map(formatNotAccepted);

test('a config served as written has nothing to report', () => {
  assert.deepEqual(lines(GATEWAY + route('chat', 'ai') + backend('ai', ['key']) + SECRET), []);
});

test('a Backend whose Secret is missing, and a route to a Backend that does not exist', () => {
  assert.deepEqual(lines(GATEWAY + route('chat', 'ai') + backend('ai', ['gone']) + route('lost', 'nowhere')), [
    'x.yaml#3: Backend ns/ai: Accepted=False Invalid: Backend error: "Secret ns/gone not found"',
    'x.yaml#4: HTTPRoute ns/lost (parent Gateway ns/gw): ResolvedRefs=False BackendNotFound: Backend "nowhere" not found',
  ]);
});

test('a Backend some of whose providers cannot be used is accepted, and still reported', () => {
  const [line] = lines(GATEWAY + backend('ai', ['key', 'gone']) + SECRET);
  assert.match(line ?? '', /^x\.yaml#2: Backend ns\/ai: Accepted=True Accepted: Backend accepted; 1 of its providers cannot be used: "Secret ns\/gone not found"$/);
});

test('a TrafficPolicy field not enforced is reported per Gateway it reaches', () => {
  const policy = `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: guard, namespace: ns}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
  ai: {promptEnrichment: {prepend: [{role: system, content: Be brief.}]}}
`;
  const [line, ...rest] = lines(GATEWAY + route('chat', 'ai') + backend('ai', ['key']) + SECRET + policy);
  assert.deepEqual(rest, []);
  assert.match(line ?? '', /^x\.yaml#5: TrafficPolicy ns\/guard \(ancestor Gateway ns\/gw\): Accepted=False Unsupported: spec\.ai not enforced yet/);
});

test('listeners that cannot be programmed: each of their conditions, and the Gateway accepted with a caveat', () => {
  const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  gatewayClassName: kgateway
  listeners: [{name: http, protocol: HTTP, port: 8080}, {name: tcp, protocol: TCP, port: 9000}, {name: tls, protocol: HTTPS, port: 8080, tls: {certificateRefs: [{name: cert}]}}]
`;
  const found = lines(gateway);
  assert.ok(found.includes('x.yaml#1: Gateway ns/gw: Accepted=True ListenersNotValid: some listeners are not valid'), found.join('\n'));
  assert.ok(found.some((l) => l.startsWith('x.yaml#1: Gateway ns/gw (listener tcp): Accepted=False UnsupportedProtocol: protocol TCP')));
  assert.ok(found.some((l) => l.startsWith('x.yaml#1: Gateway ns/gw (listener tls): Conflicted=True ProtocolConflict: port 8080 already serves HTTP')));
  assert.ok(!found.some((l) => l.includes('(listener http)')), 'the listener that is served is not reported');
});

test('resources that failed validation are left to their errors', () => {
  const c = compileYaml(backend('ai', ['key']).replace('type: AI', 'type: Nope'));
  assert.ok(c.issues.some((i) => i.severity === 'error' && i.kind === 'Backend'));
  assert.deepEqual(notAcceptedConditions(c), []);
});

test('polarity: Conflicted is a problem when True, the others when not True', () => {
  const c = (type: string, status: 'True' | 'False', reason = type, message = '') => ({ type, status, reason, message, observedGeneration: 1 });
  assert.equal(isNotAccepted(c('Conflicted', 'False', 'NoConflicts')), false);
  assert.equal(isNotAccepted(c('Conflicted', 'True', 'HostnameConflict')), true);
  assert.equal(isNotAccepted(c('ResolvedRefs', 'True')), false);
  assert.equal(isNotAccepted(c('Programmed', 'False', 'Invalid')), true);
});
