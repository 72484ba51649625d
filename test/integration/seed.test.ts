import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chatCompletionBody, startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { route } from '../support/manifests.js';
import { seedCurl, seedManifest } from '../support/seed.js';
import { createThrowawayPki, type ThrowawayPki } from '../support/tls.js';

// The seed guide end to end: its manifests verbatim, its curl, against api.openai.com:443 over
// real TLS (a fake provider holding a certificate for api.openai.com from a throwaway CA).

let pki: ThrowawayPki;
let openai: FakeProvider;

before(async () => {
  pki = await createThrowawayPki(['api.openai.com']);
  openai = await startFakeProvider({ tls: { cert: pki.serverCert, key: pki.serverKey } });
});
after(() => openai.close());

async function seedGateway(files: Record<string, string>): Promise<RunningGateway> {
  openai.received.length = 0;
  return startGateway({
    files: { 'gateway.yaml': seedManifest('gateway.yaml'), 'route.yaml': seedManifest('httproute.yaml'), ...files },
    openai: { port: openai.port, caCert: pki.caCert },
  });
}

function lastReceived() {
  const r = openai.received.at(-1);
  assert.ok(r, 'the provider received a request');
  return r;
}

describe('Inline token', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await seedGateway({ 'backend.yaml': seedManifest('inline-backend.yaml', { TOKEN: 'sk-inline-123' }) });
  });
  after(() => gw.stop());

  test('the seed curl gets OpenAI\'s chat completion, unchanged', async () => {
    const res = await seedCurl(gw.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), chatCompletionBody('gpt-3.5-turbo'));
    assert.equal(res.headers.get('content-type'), 'application/json');
  });

  test('upstream gets the inline token, the chat path, the provider Host and SNI', async () => {
    await seedCurl(gw.url);
    const r = lastReceived();
    assert.equal(r.headers.authorization, 'Bearer sk-inline-123');
    assert.equal(r.url, '/v1/chat/completions');
    assert.equal(r.method, 'POST');
    assert.equal(r.headers.host, 'api.openai.com');
    assert.equal(r.servername, 'api.openai.com');
    assert.equal((JSON.parse(r.body) as { messages: unknown[] }).messages.length, 2);
  });

  test('the client\'s own Authorization never replaces the configured token', async () => {
    await seedCurl(gw.url, { authorization: 'Bearer client-token' });
    const r = lastReceived();
    assert.equal(r.headers.authorization, 'Bearer sk-inline-123');
    assert.ok(!JSON.stringify(r.headers).includes('client-token'));
  });

  test('the Backend model replaces the body model', async () => {
    await fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
    assert.equal((JSON.parse(lastReceived().body) as { model: string }).model, 'gpt-3.5-turbo');
  });
});

describe('Backend without a model', () => {
  test('keeps the client model', async () => {
    const backend = seedManifest('inline-backend.yaml', { TOKEN: 't' }).replace('          model: "gpt-3.5-turbo"\n', '');
    const gw = await seedGateway({ 'backend.yaml': backend });
    try {
      await fetch(`${gw.url}/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }) });
      assert.equal((JSON.parse(lastReceived().body) as { model: string }).model, 'gpt-4o-mini');
    } finally {
      await gw.stop();
    }
  });
});

describe('SecretRef', () => {
  test('stringData Authorization becomes the bearer token', async () => {
    const gw = await seedGateway({
      'secret.yaml': seedManifest('secret.yaml', { OPENAI_API_KEY: 'sk-from-secret' }),
      'backend.yaml': seedManifest('secretref-backend.yaml'),
    });
    try {
      const res = await seedCurl(gw.url);
      assert.equal(res.status, 200);
      assert.equal(lastReceived().headers.authorization, 'Bearer sk-from-secret');
    } finally {
      await gw.stop();
    }
  });

  test('base64 data holding "Bearer …" is not doubled', async () => {
    const secret = `apiVersion: v1
kind: Secret
metadata: {name: openai-secret, namespace: kgateway-system}
type: Opaque
data:
  Authorization: ${Buffer.from('Bearer sk-b64-key\n').toString('base64')}
`;
    const gw = await seedGateway({ 'secret.yaml': secret, 'backend.yaml': seedManifest('secretref-backend.yaml') });
    try {
      assert.equal((await seedCurl(gw.url)).status, 200);
      assert.equal(lastReceived().headers.authorization, 'Bearer sk-b64-key');
    } finally {
      await gw.stop();
    }
  });

  test('a missing Secret answers 503 naming it; other routes keep working', async () => {
    const other = `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: other, namespace: kgateway-system}
spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-other}}}}}
---
${route('other', '/other', 'other')}`;
    const gw = await seedGateway({ 'backend.yaml': seedManifest('secretref-backend.yaml'), 'other.yaml': other });
    try {
      openai.received.length = 0;
      const res = await seedCurl(gw.url);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      assert.equal(body.error.code, 'backend_unavailable');
      assert.match(body.error.message, /Secret kgateway-system\/openai-secret not found/);
      assert.equal(openai.received.length, 0, 'nothing was sent upstream');
      const ok = await fetch(`${gw.url}/other/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","messages":[]}' });
      assert.equal(ok.status, 200);
      assert.equal(lastReceived().headers.authorization, 'Bearer sk-other');
      const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: { kind: string; name: string; status: { conditions: { type: string; status: string; reason: string; message: string }[] } }[] };
      const backend = config.resources.find((r) => r.kind === 'Backend' && r.name === 'openai');
      assert.deepEqual(backend?.status.conditions.map((c) => [c.type, c.status, c.reason]), [['Accepted', 'False', 'Invalid']]);
      assert.match(backend?.status.conditions[0]?.message ?? '', /openai-secret/);
    } finally {
      await gw.stop();
    }
  });

  test('a Secret without the Authorization key answers 503 without its values', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: openai-secret, namespace: kgateway-system}\nstringData: {api-key: sk-wrong-key-name}\n';
    const gw = await seedGateway({ 'secret.yaml': secret, 'backend.yaml': seedManifest('secretref-backend.yaml') });
    try {
      const res = await seedCurl(gw.url);
      assert.equal(res.status, 503);
      const text = await res.text();
      assert.match(text, /has no key \\"Authorization\\"/);
      assert.ok(!text.includes('sk-wrong-key-name'));
    } finally {
      await gw.stop();
    }
  });
});

describe('Passthrough', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await seedGateway({ 'backend.yaml': seedManifest('passthrough-backend.yaml') });
  });
  after(() => gw.stop());

  test('the client\'s bearer token goes upstream', async () => {
    const res = await seedCurl(gw.url, { authorization: 'Bearer sk-client-own' });
    assert.equal(res.status, 200);
    assert.equal(lastReceived().headers.authorization, 'Bearer sk-client-own');
  });

  test('no Authorization: 401 and nothing sent upstream', async () => {
    openai.received.length = 0;
    const res = await seedCurl(gw.url);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { type: string; code: string } };
    assert.deepEqual([body.error.type, body.error.code], ['authentication_error', 'missing_authorization']);
    assert.equal(openai.received.length, 0);
  });
});
