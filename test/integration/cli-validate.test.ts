import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cli } from '../support/cli-process.js';

// `validate` compiles as `serve` does: what serve would put in status as not accepted is printed,
// one line per resource and condition; a warning, or with --strict an error (exit 1).

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  gatewayClassName: kgateway
  listeners: [{name: http, protocol: HTTP, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: chat, namespace: ns}
spec:
  parentRefs: [{name: gw}]
  rules: [{matches: [{path: {type: PathPrefix, value: /chat}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}]
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai, namespace: ns}
spec:
  type: AI
  ai: {llm: {provider: {openai: {authToken: {kind: SecretRef, secretRef: {name: openai-key}}}}}}
`;

const SECRET = `---
apiVersion: v1
kind: Secret
metadata: {name: openai-key, namespace: ns}
stringData: {Authorization: sk-test}
`;

const LOST_ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: lost, namespace: ns}
spec:
  parentRefs: [{name: gw}]
  rules: [{matches: [{path: {type: PathPrefix, value: /lost}}], backendRefs: [{name: nowhere, group: gateway.kgateway.dev, kind: Backend}]}]
`;

const POLICY = `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: guard, namespace: ns}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
  ai: {promptEnrichment: {prepend: [{role: system, content: Be brief.}]}}
`;

const UNREAD = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ns}
`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aigw-validate-'));
});

async function validate(name: string, yaml: string, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await cli(['validate', '-f', file, ...flags]).done;
  return { code: r.code, stdout: r.stdout, stderr: r.stderr.replaceAll(file, `${name}.yaml`) };
}

describe('validate reports what serve would not accept', () => {
  test('a config served as written: valid, nothing else said, with or without --strict', async () => {
    for (const flags of [[], ['--strict']]) {
      const r = await validate('valid', GATEWAY + SECRET, ...flags);
      assert.deepEqual(r, { code: 0, stdout: '4 resource(s) valid\n', stderr: '' });
    }
  });

  test("a Backend whose Secret is missing: a warning naming it, exit 0; with --strict an error, exit 1", async () => {
    const line = 'missing-secret.yaml#3: Backend ns/openai: Accepted=False Invalid: Backend error: "Secret ns/openai-key not found"\n';
    const r = await validate('missing-secret', GATEWAY);
    assert.deepEqual(r, { code: 0, stdout: '3 resource(s) valid; 1 status condition(s) not fully accepted\n', stderr: `warning: ${line}` });
    const strict = await validate('missing-secret', GATEWAY, '--strict');
    assert.deepEqual(strict, { code: 1, stdout: '', stderr: `error: ${line}` });
  });

  test('a route to a Backend that does not exist', async () => {
    const r = await validate('missing-backend', GATEWAY + SECRET + LOST_ROUTE);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'warning: missing-backend.yaml#5: HTTPRoute ns/lost (parent Gateway ns/gw): ResolvedRefs=False BackendNotFound: Backend "nowhere" not found\n');
    assert.equal((await validate('missing-backend', GATEWAY + SECRET + LOST_ROUTE, '--strict')).code, 1);
  });

  test('a TrafficPolicy field that is not enforced names the field', async () => {
    const r = await validate('policy', GATEWAY + SECRET + POLICY);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^warning: policy\.yaml#5: TrafficPolicy ns\/guard \(ancestor Gateway ns\/gw\): Accepted=False Unsupported: spec\.ai not enforced yet; [^\n]*\n$/);
    assert.equal((await validate('policy', GATEWAY + SECRET + POLICY, '--strict')).code, 1);
  });

  test('an unread kind keeps its warning, and alone does not fail --strict', async () => {
    const r = await validate('unread', GATEWAY + SECRET + UNREAD, '--strict');
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'warning: unread.yaml#5: Deployment ns/app: apps/v1 Deployment is not read by ai-gateway; ignored\n');
  });

  test('validation errors exit 1 as before, and their resource is not reported twice', async () => {
    const r = await validate('invalid', GATEWAY.replace('type: AI', 'type: Nope') + SECRET);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: invalid\.yaml#3: Backend ns\/openai: spec\.type: /);
    assert.ok(!r.stderr.includes('Accepted=False'), r.stderr);
  });
});
