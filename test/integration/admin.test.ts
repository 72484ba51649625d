import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { adminPost } from '../support/admin-api.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// The admin API, and that no secret reaches a log line, an error body, a metric or /config.

const INLINE = 'sk-inline-SECRET-1111';
const IN_SECRET = 'sk-secretref-SECRET-2222';
const CLIENT = 'sk-client-SECRET-3333';

let fake: FakeProvider;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  const backend = (name: string, auth: string): string => `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec: {type: AI, ai: {llm: {hostOverride: {host: 127.0.0.1, port: ${fake.port}}, provider: {openai: {model: gpt-4o, authToken: ${auth}}}}}}
`;
  const routeTo = (name: string): string =>
    seedManifest('httproute.yaml').replace(/name: openai\n/g, `name: ${name}\n`).replace('value: /openai', `value: /${name}`);
  gw = await startGateway({
    files: {
      'gateway.yaml': GATEWAY,
      'secret.yaml': seedManifest('secret.yaml', { OPENAI_API_KEY: IN_SECRET }),
      'inline.yaml': backend('inline', `{kind: Inline, inline: ${INLINE}}`) + '---\n' + routeTo('inline'),
      'ref.yaml': backend('ref', '{kind: SecretRef, secretRef: {name: openai-secret}}') + '---\n' + routeTo('ref'),
      'pass.yaml': backend('pass', '{kind: Passthrough}') + '---\n' + routeTo('pass'),
    },
  });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

test('healthz and readyz answer 200 once listeners are up', async () => {
  assert.equal((await fetch(`${gw.admin}/healthz`)).status, 200);
  assert.equal((await fetch(`${gw.admin}/readyz`)).status, 200);
});

test('/config/version moves with every change', async () => {
  const version = async (): Promise<number> => ((await (await fetch(`${gw.admin}/config/version`)).json()) as { version: number }).version;
  const before = await version();
  await adminPost(gw.admin, '/apply', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n');
  assert.equal(await version(), before + 1);
});

test('access log has route, backend, status, model and token usage', async () => {
  const res = await fetch(`${gw.url}/inline/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"x","messages":[]}' });
  assert.equal(res.status, 200);
  const line = gw.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.route === 'kgateway-system/inline');
  if (line === undefined) throw new Error('no access-log line for the inline route');
  assert.equal(line.backend, 'kgateway-system/inline');
  assert.equal(line.status, 200);
  assert.equal(line.model, 'gpt-4o');
  assert.deepEqual(line.usage, { promptTokens: 39, completionTokens: 200, totalTokens: 239 });
  assert.equal(typeof line.durationMs, 'number');
});

test('metrics count requests and tokens with kgateway names', async () => {
  const text = await (await fetch(`${gw.admin}/metrics`)).text();
  assert.match(text, /ai_prompt_tokens_total\{llm="openai",model="gpt-4o"\} \d+/);
  assert.match(text, /ai_completion_tokens_total\{llm="openai",model="gpt-4o"\} \d+/);
  assert.match(text, /ai_gateway_requests_total\{route="kgateway-system\/inline",backend="kgateway-system\/inline",status="200"\}/);
});

test('no secret reaches logs, error bodies, metrics or /config', async () => {
  const bodies: string[] = [];
  for (const path of ['/inline', '/ref', '/pass']) {
    for (const body of ['{"model":"x","messages":[]}', 'not json']) {
      const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT}` }, body });
      bodies.push(await res.text());
    }
  }
  assert.equal(fake.received.filter((r) => r.headers.authorization === `Bearer ${IN_SECRET}`).length, 1, 'the SecretRef token was used');
  const config = await (await fetch(`${gw.admin}/config`)).text();
  assert.match(config, /\[redacted\]/);
  const metrics = await (await fetch(`${gw.admin}/metrics`)).text();
  const everything = [config, metrics, ...bodies, ...gw.logs].join('\n');
  for (const secret of [INLINE, IN_SECRET, CLIENT]) assert.ok(!everything.includes(secret), `${secret} leaked`);
});

test('apply takes effect at once and is all or nothing', async () => {
  const applied = await adminPost(gw.admin, '/apply', seedManifest('inline-backend.yaml', { TOKEN: 'applied-token' }).replace('kind: Inline', 'kind: Inline\n            # applied'));
  assert.equal(applied.status, 200);
  assert.deepEqual(applied.body.results, [{ kind: 'Backend', namespace: 'kgateway-system', name: 'openai', action: 'created' }]);
  const bad = await adminPost(
    gw.admin,
    '/apply',
    `${seedManifest('secret.yaml', { OPENAI_API_KEY: 'k' })}---\napiVersion: gateway.kgateway.dev/v1alpha1\nkind: Backend\nmetadata: {name: x, namespace: kgateway-system}\nspec: {type: AI}\n`,
  );
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error?.code, 'invalid_resource');
  assert.match(bad.body.error?.message ?? '', /Backend kgateway-system\/x: spec\.ai: ai backend must be specified when type is 'ai'/);
  const config = (await (await fetch(`${gw.admin}/config`)).json()) as { resources: { kind: string; name: string; origin: { source: string } }[] };
  assert.ok(config.resources.some((r) => r.kind === 'Backend' && r.name === 'openai' && r.origin.source === 'apply'));
  assert.ok(!config.resources.some((r) => r.kind === 'Backend' && r.name === 'x'), 'nothing of the failed apply was stored');
});
