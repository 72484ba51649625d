import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeLlm, TEXT, type FakeLlm } from '../support/fake-llm.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route, staticBackend } from '../support/manifests.js';
import { createThrowawayPki, type ThrowawayPki } from '../support/tls.js';

// BackendTLSPolicy: an OpenAI-compatible server on HTTPS at a port other than 443 (a vLLM with
// its own CA), reached with the policy's SNI name and only the CA it names; a policy that
// cannot be applied keeps the Backend from being reached at all, never in clear.

let pki: ThrowawayPki;
let fake: FakeLlm;
let gw: RunningGateway;

const aiBackend = (name: string): string => `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: ${fake.port}, openai: {authToken: {kind: Inline, inline: vllm-key}, model: qwen}}}}
`;

const policy = (name: string, target: string, validation: string, kind = 'Backend', group = 'gateway.kgateway.dev'): string => `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: ${name}, namespace: kgateway-system}
spec:
  targetRefs: [{group: "${group}", kind: ${kind}, name: ${target}}]
  validation: ${validation}
`;

before(async () => {
  pki = await createThrowawayPki(['vllm.internal']);
  fake = await startFakeLlm({ cert: pki.serverCert, key: pki.serverKey });
  const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vllm-ca, namespace: kgateway-system}\ndata:\n  ca.crt: |\n${pki.caCert.trim().replace(/^/gm, '    ')}\n`;
  const manifests = [
    GATEWAY,
    aiBackend('plain'),
    aiBackend('trusted'),
    aiBackend('system-ca'),
    aiBackend('wrong-name'),
    aiBackend('missing-ca'),
    staticBackend('static', fake.port),
    configMap,
    policy('trusted', 'trusted', '{hostname: vllm.internal, caCertificateRefs: [{group: "", kind: ConfigMap, name: vllm-ca}]}'),
    policy('system-ca', 'system-ca', '{hostname: vllm.internal, wellKnownCACertificates: System}'),
    policy('wrong-name', 'wrong-name', '{hostname: other.internal, caCertificateRefs: [{group: "", kind: ConfigMap, name: vllm-ca}]}'),
    policy('missing-ca', 'missing-ca', '{hostname: vllm.internal, caCertificateRefs: [{group: "", kind: ConfigMap, name: nowhere}]}'),
    policy('static', 'static', '{hostname: vllm.internal, caCertificateRefs: [{group: "", kind: ConfigMap, name: vllm-ca}]}'),
    ...['plain', 'trusted', 'system-ca', 'wrong-name', 'missing-ca', 'static'].map((n) => route(n, `/${n}`, n)),
  ].join('---\n');
  gw = await startGateway({ files: { 'all.yaml': manifests } });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

const chat = async (path: string): Promise<{ status: number; body: { error?: { code: string; message: string }; choices?: { message: { content: string } }[] } }> => {
  const res = await fetch(`${gw.url}${path}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}' });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
};

test('with the policy the server is reached over TLS on its own port, with the policy\'s name as SNI and its CA', async () => {
  fake.answer = { scenario: TEXT };
  const answer = await chat('/trusted');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.choices?.[0]?.message.content, TEXT.text);
  const r = fake.received.at(-1);
  assert.equal(r?.servername, 'vllm.internal');
  assert.equal(r?.headers.authorization, 'Bearer vllm-key');
});

test('without a policy the same port is spoken to in plain HTTP, which the TLS server does not answer', async () => {
  const before = fake.received.length;
  assert.equal((await chat('/plain')).status, 502);
  assert.equal(fake.received.length, before);
});

test('the certificate is checked: a CA the policy does not name, or another name, fails with 502', async () => {
  for (const path of ['/system-ca', '/wrong-name']) {
    const answer = await chat(path);
    assert.equal(answer.status, 502, path);
    assert.match(answer.body.error?.message ?? '', /upstream connection failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|ERR_TLS_CERT_ALTNAME_INVALID)\)/, path);
  }
});

test('a policy whose CA cannot be found keeps its Backend unused: 503, Accepted=False, the problem reported', async () => {
  const before = fake.received.length;
  const answer = await chat('/missing-ca');
  assert.equal(answer.status, 503);
  assert.match(answer.body.error?.message ?? '', /BackendTLSPolicy kgateway-system\/missing-ca: ConfigMap kgateway-system\/nowhere has no PEM certificate under "ca\.crt"/);
  assert.equal(fake.received.length, before, 'nothing sent, not even in clear');
  const backend = (await (await fetch(`${gw.admin}/resources/Backend/kgateway-system/missing-ca`)).json()) as { items: { status: { conditions: { status: string }[] } }[] };
  assert.equal(backend.items[0]?.status.conditions[0]?.status, 'False');
  assert.ok(gw.gateway.currentConfig().issues.some((i) => i.kind === 'BackendTLSPolicy' && i.name === 'missing-ca'));
});

test('a Static Backend under a policy is reached over TLS too', async () => {
  const res = await fetch(`${gw.url}/static/v1/models`);
  assert.equal(res.status, 200);
  assert.equal(fake.received.at(-1)?.servername, 'vllm.internal');
});
