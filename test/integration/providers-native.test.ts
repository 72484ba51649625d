import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { startFakeLlm, TEXT, TOOL_CALLS, type FakeLlm, type LlmRequest } from '../support/fake-llm.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route } from '../support/manifests.js';
import { createThrowawayPki } from '../support/tls.js';

// Clients of the providers' own APIs through the gateway: the official Anthropic SDK on an
// anthropic route (passed through) and on an OpenAI-compatible one (translated), Gemini's own
// paths, Azure's deployment paths; embeddings and model listing where providers have them, and
// a clear 404 where they do not.

const HOSTS = ['api.anthropic.com', 'generativelanguage.googleapis.com', 'myresource.openai.azure.com', 'api.openai.com', 'us-central1-aiplatform.googleapis.com', 'bedrock-runtime.us-east-1.amazonaws.com'];
const CLIENT_KEY = 'client-key-SHOULD-NOT-LEAK';

const backend = (name: string, llm: string): string =>
  `apiVersion: gateway.kgateway.dev/v1alpha1\nkind: Backend\nmetadata: {name: ${name}, namespace: kgateway-system}\nspec:\n  type: AI\n  ai:\n    llm:\n${llm}`;

let fake: FakeLlm;
let local: FakeLlm;
let gw: RunningGateway;

before(async () => {
  const pki = await createThrowawayPki(HOSTS);
  fake = await startFakeLlm({ cert: pki.serverCert, key: pki.serverKey });
  local = await startFakeLlm();
  const manifests = [
    GATEWAY,
    backend('anthropic', '      anthropic: {authToken: {kind: Inline, inline: sk-ant-key}, model: claude-sonnet-4-20250514, apiVersion: "2023-01-01"}\n'),
    backend('anthropic-pass', '      anthropic: {authToken: {kind: Passthrough}}\n'),
    backend('gemini', '      gemini: {authToken: {kind: Inline, inline: gemini-key}, model: gemini-2.5-flash, apiVersion: v1beta}\n'),
    backend('azure', '      azureopenai: {authToken: {kind: Inline, inline: azure-key}, endpoint: https://myresource.openai.azure.com, deploymentName: gpt-4o-mini, apiVersion: 2024-10-21}\n'),
    backend('openai', '      openai: {authToken: {kind: Inline, inline: sk-openai}, model: gpt-4o}\n'),
    backend('vertex', '      vertexai: {authToken: {kind: Inline, inline: ya29}, model: gemini-2.5-flash, apiVersion: v1, projectId: p, location: us-central1, publisher: GOOGLE}\n'),
    backend('bedrock', '      bedrock: {auth: {type: Secret, secretRef: {name: aws}}, region: us-east-1}\n'),
    'apiVersion: v1\nkind: Secret\nmetadata: {name: aws, namespace: kgateway-system}\nstringData: {accessKey: AKID, secretKey: SECRET}\n',
    // An OpenAI-compatible server on plain HTTP (vLLM, Ollama): v2.1 host and port.
    backend('vllm', `      host: 127.0.0.1\n      port: ${local.port}\n      openai: {authToken: {kind: Inline, inline: vllm-key}, model: qwen2.5-coder}\n`),
    ...['anthropic', 'anthropic-pass', 'gemini', 'azure', 'openai', 'vertex', 'bedrock', 'vllm'].map((n) => route(n, `/${n}`, n)),
  ].join('---\n');
  gw = await startGateway({ files: { 'all.yaml': manifests }, providers: { port: fake.port, caCert: pki.caCert, hosts: HOSTS } });
});
after(async () => {
  await gw.stop();
  await fake.close();
  await local.close();
});

const last = (f: FakeLlm = fake): LlmRequest => {
  const r = f.received.at(-1);
  assert.ok(r !== undefined);
  return r;
};
const leaks = (r: LlmRequest): boolean => JSON.stringify(r.headers).includes(CLIENT_KEY) || r.path.includes(CLIENT_KEY);
const anthropic = (path: string, options: { apiKey?: string; authToken?: string } = { apiKey: CLIENT_KEY }): Anthropic => new Anthropic({ baseURL: `${gw.url}${path}`, maxRetries: 0, ...options });
const TOOL = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('the Anthropic SDK on an anthropic route: passed through', () => {
  test('messages: the configured key replaces the client\'s (x-api-key or a bearer token), the Backend\'s model is used', async () => {
    fake.answer = { scenario: TEXT };
    for (const options of [{ apiKey: CLIENT_KEY }, { authToken: CLIENT_KEY }]) {
      const client = new Anthropic({ baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: { 'anthropic-version': '2023-06-01' }, ...options });
      const message = await client.messages.create({ model: 'claude-3-haiku-20240307', max_tokens: 64, messages: [{ role: 'user', content: 'What is recursion?' }] });
      assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : undefined, TEXT.text);
      const r = last();
      assert.equal(r.path, '/v1/messages');
      assert.equal(r.headers['x-api-key'], 'sk-ant-key');
      assert.equal(r.headers.authorization, undefined);
      assert.equal(r.headers['anthropic-version'], '2023-06-01', "the client's own anthropic-version is kept");
      assert.equal(r.json?.model, 'claude-sonnet-4-20250514');
      assert.ok(!leaks(r));
    }
    // A client that sends none gets the Backend's apiVersion.
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(res.status, 200);
    assert.equal(last().headers['anthropic-version'], '2023-01-01');
  });

  test('a stream with a tool call, byte for byte, and its usage counted', async () => {
    fake.answer = { scenario: TOOL_CALLS };
    const final = await anthropic('/anthropic').messages.stream({ model: 'x', max_tokens: 64, tools: [TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    const use = final.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(use?.type === 'tool_use' ? use.input : undefined, { city: 'Paris' });
    assert.equal(final.stop_reason, 'tool_use');
    const metrics = await (await fetch(`${gw.admin}/metrics`)).text();
    assert.match(metrics, /ai_prompt_tokens_total\{llm="anthropic",model="claude-sonnet-4-20250514"\} [1-9]/);
  });

  test('Passthrough: the client\'s key goes upstream as x-api-key, whichever way the SDK sent it', async () => {
    fake.answer = { scenario: TEXT };
    for (const options of [{ apiKey: 'sk-ant-users-own' }, { authToken: 'sk-ant-users-own' }]) {
      await anthropic('/anthropic-pass', options).messages.create({ model: 'claude-3-haiku-20240307', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(last().headers['x-api-key'], 'sk-ant-users-own');
      assert.equal(last().headers.authorization, undefined);
      assert.equal(last().json?.model, 'claude-3-haiku-20240307', 'no Backend model: the client\'s');
    }
  });

  test('model listing and token counting pass through too', async () => {
    const models = await anthropic('/anthropic').models.list();
    assert.equal(models.data[0]?.id, 'claude-sonnet-4-20250514');
    assert.equal(last().path, '/v1/models');
    const count = await anthropic('/anthropic').messages.countTokens({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(count.input_tokens, 17);
    assert.equal(last().path, '/v1/messages/count_tokens');
  });
});

describe('the Anthropic SDK in front of an OpenAI-compatible server: translated', () => {
  test('messages, JSON and streamed with a tool call, reach /v1/chat/completions as chat completions', async () => {
    local.answer = { scenario: TEXT };
    const client = anthropic('/vllm');
    const message = await client.messages.create({ model: 'claude-sonnet-4', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'What is recursion?' }] });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : undefined, TEXT.text);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, TEXT.promptTokens);
    const r = last(local);
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.host, `127.0.0.1:${local.port}`);
    assert.equal(r.headers.authorization, 'Bearer vllm-key');
    assert.equal(r.json?.model, 'qwen2.5-coder');
    assert.deepEqual((r.json?.messages as unknown[])[0], { role: 'system', content: 'Be brief.' });
    assert.ok(!leaks(r));

    local.answer = { scenario: TOOL_CALLS };
    const final = await client.messages.stream({ model: 'claude-sonnet-4', max_tokens: 64, tools: [TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    const use = final.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(use?.type === 'tool_use' ? { name: use.name, input: use.input } : undefined, { name: 'get_weather', input: { city: 'Paris' } });
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(last(local).json?.stream, true);
  });

  test('an overloaded server reaches the Anthropic SDK as its overloaded error', async () => {
    local.answer = { error: 'overloaded' };
    const err = await anthropic('/vllm')
      .messages.create({ model: 'x', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.status, 529);
    local.answer = { scenario: TEXT };
  });
});

describe("Gemini's and Azure's own API paths", () => {
  test("Gemini's generateContent path: the Backend's model and key, the client's key dropped from header and query", async () => {
    fake.answer = { scenario: TEXT };
    const res = await fetch(`${gw.url}/gemini/v1beta/models/gemini-1.0-pro:generateContent?key=${CLIENT_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_KEY },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    assert.equal(body.candidates[0]?.content.parts[0]?.text, TEXT.text);
    const r = last();
    assert.equal(r.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(r.headers['x-goog-api-key'], 'gemini-key');
    assert.ok(!leaks(r));
  });

  test("kgateway's Gemini guide, verbatim: Gemini's own body on the route's plain path goes to the Backend model's generateContent", async () => {
    fake.answer = { scenario: TEXT };
    // curl "$INGRESS_GW_ADDRESS:8080/gemini" -H content-type:application/json -d '{"contents": [{"parts": [{"text": "Explain how AI works in a few words"}]}]}'
    const res = await fetch(`${gw.url}/gemini`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{\n  "contents": [\n    {\n      "parts": [\n        {\n          "text": "Explain how AI works in a few words"\n        }\n      ]\n    }\n  ]\n}' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[]; usageMetadata: unknown };
    assert.equal(body.candidates[0]?.content.parts[0]?.text, TEXT.text);
    assert.equal(last().path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(last().headers['x-goog-api-key'], 'gemini-key');
  });

  test("the AzureOpenAI client's deployment path reaches the Backend's deployment and API version once, with api-key", async () => {
    fake.answer = { scenario: TEXT };
    const before = fake.received.length;
    const azure = new AzureOpenAI({ endpoint: `${gw.url}/azure`, apiKey: CLIENT_KEY, apiVersion: '2024-02-01', deployment: 'someone-elses-deployment', maxRetries: 0 });
    const answer = await azure.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.choices[0]?.message.content, TEXT.text);
    assert.equal(fake.received.length, before + 1, 'sent once');
    const r = last();
    assert.equal(r.host, 'myresource.openai.azure.com');
    assert.equal(r.path, '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21');
    assert.equal(r.headers['api-key'], 'azure-key');
    assert.ok(!leaks(r));
  });
});

describe('embeddings and model listing', () => {
  const openai = (name: string): OpenAI => new OpenAI({ baseURL: `${gw.url}/${name}`, apiKey: CLIENT_KEY, maxRetries: 0 });

  test("embeddings go to each provider's embeddings API with the client's model, never the chat model", async () => {
    const expected: Record<string, string> = {
      openai: '/v1/embeddings',
      azure: '/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21',
      gemini: '/v1beta/models/text-embedding-3-small:batchEmbedContents',
      vertex: '/v1/projects/p/locations/us-central1/publishers/google/models/text-embedding-3-small:predict',
      bedrock: '/model/text-embedding-3-small/invoke',
    };
    for (const [name, path] of Object.entries(expected)) {
      const result = await openai(name).embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
      assert.deepEqual(result.data[0]?.embedding, [0.1, 0.2, 0.3], name);
      assert.equal(last().path, path, name);
      if (name === 'openai') assert.equal(last().json?.model, 'text-embedding-3-small');
    }
  });

  test('model listing where the provider has one, translated to OpenAI\'s list', async () => {
    const ids: Record<string, string> = { openai: 'gpt-4o', anthropic: 'claude-sonnet-4-20250514', gemini: 'gemini-2.5-flash' };
    for (const [name, id] of Object.entries(ids)) {
      const list = await openai(name).models.list();
      assert.equal(list.data[0]?.id, id, name);
      assert.equal(list.data[0]?.object, 'model');
    }
  });

  test('a clear 404 where the provider has no such API, and nothing is sent', async () => {
    const before = fake.received.length;
    const cases: [string, () => Promise<unknown>][] = [
      ['anthropic embeddings', () => openai('anthropic').embeddings.create({ model: 'x', input: 'hi' })],
      ['bedrock models', () => openai('bedrock').models.list()],
      ['vertex models', () => openai('vertex').models.list()],
      ['anthropic responses', () => openai('anthropic').responses.create({ model: 'x', input: 'hi' })],
    ];
    for (const [what, call] of cases) {
      const err = await call().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof OpenAI.NotFoundError, `${what}: ${String(err)}`);
      assert.equal((err.error as { code?: string }).code, 'operation_not_supported', what);
    }
    assert.equal(fake.received.length, before);
  });

  test('n > 1 for a provider with one answer per call is a 400 naming the field; nothing is sent', async () => {
    const before = fake.received.length;
    const err = await openai('anthropic')
      .chat.completions.create({ model: 'x', n: 2, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.param, 'n');
    assert.equal(fake.received.length, before);
  });
});
