import assert from 'node:assert/strict';
import { compileYaml } from '../../test/support/compile-yaml.js';
import { test } from 'node:test';
import { formatIssue } from './resources/parse.js';
import type { RuntimeConfig } from './runtime-config.js';

// GatewayClass ownership and TrafficPolicy attachment, as a user sees them in status and traffic.

function compile(yaml: string, controllerName?: string): RuntimeConfig {
  return compileYaml(yaml, controllerName === undefined ? {} : { controllerName });
}

const BASE = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: kgateway
  addresses: [{type: IPAddress, value: 127.0.0.1}]
  listeners: [{name: http, protocol: HTTP, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: chat, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: upstream, group: gateway.kgateway.dev, kind: Backend}]}]
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: upstream, namespace: infra}
spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: 9}]}}
`;

const CLASS = (controller: string): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: kgateway}
spec: {controllerName: ${controller}}
`;

const policy = (spec: string): string => `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: pol, namespace: infra}
spec:
${spec}`;

const matchedTarget = (c: RuntimeConfig) =>
  c.bindings.get('127.0.0.1:8080')?.listeners[0]?.routes.match({ method: 'POST', path: '/', query: '', host: 'x', headers: {} })?.rule.targets[0]?.target;
const statusOf = (c: RuntimeConfig, kind: string, name: string): unknown => c.resources.find((r) => r.kind === kind && r.name === name)?.status;

test('a GatewayClass of this controller is Accepted and its Gateways served', () => {
  const c = compile(BASE + CLASS('ai-gateway.dev/gateway-controller'));
  assert.equal(c.bindings.size, 1);
  assert.match(JSON.stringify(statusOf(c, 'GatewayClass', 'kgateway')), /"type":"Accepted","status":"True"/);
});

test("a GatewayClass naming another controller: its Gateways are left alone, with a warning on the field", () => {
  const c = compile(BASE + CLASS('kgateway.dev/kgateway'));
  assert.equal(c.bindings.size, 0);
  assert.deepEqual(statusOf(c, 'GatewayClass', 'kgateway'), {});
  assert.deepEqual(statusOf(c, 'Gateway', 'gw'), {}, 'no status is claimed for a Gateway of another controller');
  assert.match(c.issues.map(formatIssue).join('\n'), /GatewayClass default\/kgateway: spec\.controllerName: names controller kgateway\.dev\/kgateway, not ai-gateway\.dev\/gateway-controller/);
  assert.equal(compile(BASE + CLASS('kgateway.dev/kgateway'), 'kgateway.dev/kgateway').bindings.size, 1, 'the controllerName is configurable');
});

test('a TrafficPolicy that asks for behaviour not enforced yet makes its route fail closed, and says so', () => {
  const c = compile(BASE + policy(`  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]\n  ai: {promptEnrichment: {prepend: [{role: system, content: Be brief.}]}}\n`));
  const target = matchedTarget(c);
  assert.equal(target?.kind === 'unresolved' ? target.error.code : undefined, 'unsupported_filter');
  assert.match(target?.kind === 'unresolved' ? target.error.message : '', /TrafficPolicy infra\/pol \(spec\.ai\)/);
  const status = statusOf(c, 'TrafficPolicy', 'pol') as { ancestors: { ancestorRef: unknown; conditions: { status: string; reason: string }[] }[] };
  assert.deepEqual(status.ancestors.map((a) => a.ancestorRef), [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'gw' }]);
  assert.equal(status.ancestors[0]?.conditions[0]?.reason, 'Unsupported');
});

test('a policy on a Gateway reaches every route attached to it; a policy with only targets changes nothing', () => {
  const onGateway = compile(BASE + policy(`  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]\n  rateLimit: {local: {tokenBucket: {maxTokens: 10, fillInterval: 1s}}}\n`));
  assert.equal(matchedTarget(onGateway)?.kind, 'unresolved');
  const empty = compile(BASE + policy(`  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]\n`));
  assert.equal(matchedTarget(empty)?.kind, 'pool');
  assert.match(JSON.stringify(statusOf(empty, 'TrafficPolicy', 'pol')), /"reason":"Accepted"/);
  const elsewhere = compile(BASE + policy(`  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: other}]\n  ai: {routeType: CHAT}\n`));
  assert.equal(matchedTarget(elsewhere)?.kind, 'pool', 'a policy on another route does not touch this one');
});

test('TrafficPolicy fields are validated as the API does, with their paths', () => {
  const c = compile(
    BASE +
      policy(`  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
  ai:
    routeType: CHATTY
    defaults: [{field: temperature, value: ""}]
    promptGuard:
      request:
        customResponse: {statusCode: 100}
        regex: {action: BLOCK, builtins: [SSN, IBAN], matches: [{pattern: "(unclosed"}]}
`),
  );
  const text = c.issues.map(formatIssue).join('\n');
  for (const expected of [
    'spec.ai.routeType: must be one of CHAT, CHAT_STREAMING (got "CHATTY")',
    'spec.ai.defaults[0].value: must be at least 1 character long',
    'spec.ai.promptGuard.request.customResponse.statusCode',
    'spec.ai.promptGuard.request.regex.action: must be one of MASK, REJECT',
    'spec.ai.promptGuard.request.regex.builtins[1]: must be one of SSN, CREDIT_CARD, PHONE_NUMBER, EMAIL',
    'spec.ai.promptGuard.request.regex.matches[0].pattern: is not a valid regular expression',
  ]) {
    assert.ok(text.includes(expected), `missing: ${expected}\n${text}`);
  }
  const target = matchedTarget(c);
  assert.match(target?.kind === 'unresolved' ? target.error.message : '', /TrafficPolicy infra\/pol \(spec \(invalid/, 'a guard with a typo keeps its route closed, not open');
});

test('a policy that selects its targets by label (targetSelectors) holds them closed as one naming them would', () => {
  const labelled = BASE.replace('metadata: {name: chat, namespace: infra}', 'metadata: {name: chat, namespace: infra, labels: {team: a}}').replace('metadata: {name: gw, namespace: infra}', 'metadata: {name: gw, namespace: infra, labels: {tier: edge}}');
  const settings = '  ai: {promptGuard: {request: {regex: {action: REJECT, builtins: [SSN]}}}}\n';
  const byRoute = compile(labelled + policy(`  targetSelectors: [{group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {team: a}}]\n${settings}`));
  assert.equal(matchedTarget(byRoute)?.kind, 'unresolved');
  assert.match(JSON.stringify(statusOf(byRoute, 'TrafficPolicy', 'pol')), /"name":"gw".*"reason":"Unsupported"/);
  const byGateway = compile(labelled + policy(`  targetSelectors: [{group: gateway.networking.k8s.io, kind: Gateway, matchLabels: {tier: edge}}]\n${settings}`));
  assert.equal(matchedTarget(byGateway)?.kind, 'unresolved');
  const other = compile(labelled + policy(`  targetSelectors: [{group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {team: b}}]\n${settings}`));
  assert.equal(matchedTarget(other)?.kind, 'pool', 'labels that do not match select nothing');
});
