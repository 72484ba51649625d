import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeLlm, TEXT, type FakeLlm } from '../support/fake-llm.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { createThrowawayPki } from '../support/tls.js';

// examples/providers/: every folder, as a user applies it (the shell filling in $VARIABLES),
// served by the gateway, answering the curl its README gives, against fake providers at the
// real hosts.

const ROOT = fileURLToPath(new URL('../../examples/', import.meta.url));
const ENV: Record<string, string> = {
  OPENAI_API_KEY: 'sk-openai',
  ANTHROPIC_API_KEY: 'sk-ant',
  AZURE_OPENAI_API_KEY: 'azure-key',
  GOOGLE_KEY: 'google-key',
  VERTEX_AI_API_KEY: 'ya29.token',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'session',
  OLLAMA_HOST: 'ollama.test',
  TOKEN: 'placeholder',
  DEEPSEEK_API_KEY: 'sk-deepseek',
};

/** Each folder: its route's path, the host the provider must see, the path and credential it must receive. */
const EXPECTED: Record<string, { route: string; host: string; path: string; header: [string, string] }> = {
  openai: { route: '/openai', host: 'api.openai.com', path: '/v1/chat/completions', header: ['authorization', 'Bearer sk-openai'] },
  anthropic: { route: '/anthropic', host: 'api.anthropic.com', path: '/v1/messages', header: ['x-api-key', 'sk-ant'] },
  azureopenai: { route: '/azure-openai', host: 'my-endpoint.openai.azure.com', path: '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-02-15-preview', header: ['api-key', 'azure-key'] },
  gemini: { route: '/gemini', host: 'generativelanguage.googleapis.com', path: '/v1beta/models/gemini-1.5-flash-latest:generateContent', header: ['x-goog-api-key', 'google-key'] },
  vertexai: { route: '/vertex', host: 'us-central1-aiplatform.googleapis.com', path: '/v1/projects/my-gcp-project/locations/us-central1/publishers/google/models/gemini-pro:generateContent', header: ['authorization', 'Bearer ya29.token'] },
  bedrock: { route: '/bedrock', host: 'bedrock-runtime.us-east-1.amazonaws.com', path: '/model/amazon.titan-text-lite-v1/converse', header: ['x-amz-security-token', 'session'] },
  ollama: { route: '/ollama', host: 'ollama.test:11434', path: '/v1/chat/completions', header: ['authorization', 'Bearer placeholder'] },
  deepseek: { route: '/deepseek', host: 'api.deepseek.com', path: '/v1/chat/completions', header: ['authorization', 'Bearer sk-deepseek'] },
};

const fill = (text: string): string => text.replace(/\$([A-Z_]+)/g, (_m, name: string) => ENV[name] ?? '');

let tls: FakeLlm;
let plain: FakeLlm;
let gw: RunningGateway;

before(async () => {
  const hosts = Object.values(EXPECTED).map((e) => e.host).filter((h) => !h.includes(':'));
  const pki = await createThrowawayPki(hosts);
  tls = await startFakeLlm({ cert: pki.serverCert, key: pki.serverKey });
  plain = await startFakeLlm();
  const files: Record<string, string> = { 'gateway.yaml': readFileSync(join(ROOT, 'seed/gateway.yaml'), 'utf8') };
  for (const folder of readdirSync(join(ROOT, 'providers'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const file of readdirSync(join(ROOT, 'providers', folder.name))) files[`${folder.name}-${file}`] = fill(readFileSync(join(ROOT, 'providers', folder.name, file), 'utf8'));
  }
  gw = await startGateway({
    files,
    providers: { port: tls.port, caCert: pki.caCert, hosts },
    connectTo: [{ host: 'ollama.test', port: 11434, targetHost: '127.0.0.1', targetPort: plain.port }],
  });
});
after(async () => {
  await gw.stop();
  await tls.close();
  await plain.close();
});

test('every provider folder has an expectation here', () => {
  const folders = readdirSync(join(ROOT, 'providers'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.sort(), Object.keys(EXPECTED).sort());
  assert.deepEqual(gw.gateway.currentConfig().issues.filter((i) => i.severity === 'error'), [], 'every example loads without error');
});

for (const [folder, e] of Object.entries(EXPECTED)) {
  test(`examples/providers/${folder}: the README's curl gets an OpenAI answer from ${e.host}`, async () => {
    const fake = e.host.includes(':') ? plain : tls;
    fake.answer = { scenario: TEXT };
    const res = await fetch(`${gw.url}${e.route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: '', messages: [{ role: 'user', content: 'Explain how AI works in simple terms.' }] }) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, TEXT.text);
    const r = fake.received.at(-1);
    assert.equal(r?.host, e.host);
    assert.equal(r?.path, e.path);
    assert.equal(r?.headers[e.header[0]], e.header[1]);
  });
}

test("examples/providers/gemini: kgateway's own curl, with Gemini's body", async () => {
  const res = await fetch(`${gw.url}/gemini`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"contents": [{"parts": [{"text": "Explain how AI works in a few words"}]}]}' });
  assert.equal(res.status, 200);
  assert.equal(tls.received.at(-1)?.path, EXPECTED.gemini?.path);
});
