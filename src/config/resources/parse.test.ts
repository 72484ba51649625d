import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from 'js-yaml';
import type { KubeObject } from './kube-object.js';
import { formatIssue, parseObject } from './parse.js';

const parseYaml = (text: string) => parseObject({ object: load(text) as KubeObject, origin: { source: 'file', path: 'x.yaml', document: 0 } });

test('v2.0 and v2.1 Backend shapes read the same', () => {
  const v20 = parseYaml(`apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: a, namespace: ns}
spec: {type: AI, ai: {llm: {hostOverride: {host: h, port: 8000}, provider: {openai: {model: m, authToken: {kind: SecretRef, secretRef: {name: s}}}}}}}`);
  const v21 = parseYaml(`apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: a, namespace: ns}
spec: {type: AI, ai: {llm: {host: h, port: 8000, openai: {model: m, authToken: {kind: SecretRef, secretRef: {name: s}}}}}}`);
  assert.deepEqual(v20.issues, []);
  assert.deepEqual(v20.resource, v21.resource);
  assert.equal(v20.resource?.kind === 'Backend' && v20.resource.type === 'AI' ? v20.resource.levels[0]?.[0]?.llm.port : 0, 8000);
});

test('errors name the file, resource and field, with the API\'s messages', () => {
  const cases: [string, RegExp][] = [
    ['spec: {type: AI}', /x\.yaml#1: Backend ns\/a: spec\.ai: ai backend must be specified when type is 'ai'/],
    ['spec: {type: Static, ai: {llm: {}}}', /spec\.ai: ai backend must be nil if the type is not 'ai'/],
    ['spec: {type: AI, ai: {llm: {host: h, openai: {authToken: {kind: Passthrough}}}}}', /spec\.ai\.llm: both host and port must be set together/],
    ['spec: {type: AI, ai: {llm: {openai: {authToken: {kind: SecretRef}}}}}', /spec\.ai\.llm\.openai\.authToken\.secretRef: is required when kind is SecretRef/],
    ['spec: {type: AI, ai: {llm: {gemini: {authToken: {kind: Passthrough}, apiVersion: v1beta}}}}', /spec\.ai\.llm\.gemini\.model: is required/],
    ['spec: {type: AI, ai: {llm: {provider: {azureopenai: {authToken: {kind: Passthrough}, endpoint: e, apiVersion: v}}}}}', /spec\.ai\.llm\.provider\.azureopenai\.deploymentName: is required/],
    ['spec: {type: AI, ai: {llm: {vertexai: {authToken: {kind: Passthrough}, model: m, apiVersion: v1, projectId: p, location: l, publisher: ACME}}}}', /spec\.ai\.llm\.vertexai\.publisher: must be one of GOOGLE \(got "ACME"\)/],
    ['spec: {type: AI, ai: {llm: {bedrock: {model: m, region: US_EAST}}}}', /spec\.ai\.llm\.bedrock\.region: must be 1-63 lower-case letters, digits and hyphens/],
    ['spec: {type: AI, ai: {llm: {bedrock: {model: m}}}}', /spec\.ai\.llm\.bedrock\.auth: without auth \(the default AWS credential chain\) is not supported yet/],
    ['spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: 123456789}}}}}', /authToken\.inline: must be a string$/],
  ];
  for (const [spec, expected] of cases) {
    const r = parseYaml(`apiVersion: gateway.kgateway.dev/v1alpha1\nkind: Backend\nmetadata: {name: a, namespace: ns}\n${spec}`);
    assert.equal(r.resource, undefined, spec);
    assert.match(r.issues.map(formatIssue).join('\n'), expected);
    assert.ok(!r.issues.map(formatIssue).join('\n').includes('123456789'), 'values are not echoed');
  }
});

test('HTTPRoute filter errors carry the rule path', () => {
  const r = parseYaml(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  rules:
  - matches: [{path: {type: Exact, value: /x}}]
    filters:
    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /y, replaceFullPath: /z}}`);
  const text = r.issues.map(formatIssue).join('\n');
  assert.match(text, /HTTPRoute default\/r: spec\.rules\[0\]\.filters\[0\]\.urlRewrite\.path: replaceFullPath and replacePrefixMatch are mutually exclusive/);
});

test('kinds ai-gateway does not read are ignored with a warning, not an error', () => {
  const r = parseYaml('apiVersion: gateway.kgateway.dev/v1alpha1\nkind: GatewayParameters\nmetadata: {name: p}');
  assert.deepEqual(r.issues.map((i) => i.severity), ['warning']);
});

test('bad HTTPRoute fields are rejected with their paths', () => {
  const route = (rules: string): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: ns}
spec:
  rules:
${rules}`;
  const cases: [string, RegExp][] = [
    ['  - matches: [{path: {type: RegularExpression, value: "/(unclosed"}}]', /spec\.rules\[0\]\.matches\[0\]\.path\.value: is not a valid regular expression/],
    ['  - matches: [{headers: [{type: RegularExpression, name: x, value: "[a-"}]}]', /spec\.rules\[0\]\.matches\[0\]\.headers\[0\]\.value: is not a valid regular expression/],
    ['  - filters: [{type: Rewrite}]', /spec\.rules\[0\]\.filters\[0\]\.type: must be one of RequestHeaderModifier/],
    ['  - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 304}}]', /requestRedirect\.statusCode: must be one of 301, 302, 303, 307, 308/],
    ['  - filters: [{type: RequestRedirect, requestRedirect: {}}, {type: URLRewrite, urlRewrite: {}}]', /spec\.rules\[0\]\.filters: may specify either RequestRedirect or URLRewrite/],
    ['  - timeouts: {request: 1s, backendRequest: 2s}', /spec\.rules\[0\]\.timeouts\.backendRequest: backendRequest timeout cannot be longer than request timeout/],
    ['  - timeouts: {request: soon}', /spec\.rules\[0\]\.timeouts\.request: must be a duration/],
  ];
  for (const [rules, expected] of cases) {
    const r = parseYaml(route(rules));
    assert.equal(r.resource, undefined, rules);
    assert.match(r.issues.map(formatIssue).join('\n'), expected);
  }
});
