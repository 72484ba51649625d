import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { signAwsRequest } from '../../src/auth/aws-sigv4.js';
import { startFakeLlm, TEXT, TOOL_CALLS, type FakeLlm, type LlmRequest } from '../support/fake-llm.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route } from '../support/manifests.js';
import { createThrowawayPki } from '../support/tls.js';

// The official OpenAI SDK in front of every provider, through the gateway, over TLS to fake
// providers that answer as the real ones do. Each request is checked as the provider received
// it: SNI and Host, path and query, the credential in the provider's place and nothing of the
// client's, and a body the provider accepts.

const HOSTS = {
  openai: 'api.openai.com',
  azure: 'myresource.openai.azure.com',
  anthropic: 'api.anthropic.com',
  gemini: 'generativelanguage.googleapis.com',
  vertex: 'us-central1-aiplatform.googleapis.com',
  bedrock: 'bedrock-runtime.us-east-1.amazonaws.com',
};
const CLIENT_KEY = 'sk-client-SHOULD-NOT-LEAK';
const AWS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' };

const backend = (name: string, llm: string): string => `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec:
  type: AI
  ai:
    llm:
${llm}`;

const MANIFESTS = [
  GATEWAY,
  backend('openai', '      openai: {authToken: {kind: Inline, inline: sk-openai}, model: gpt-4o}\n'),
  backend('azure', '      azureopenai: {authToken: {kind: Inline, inline: azure-key}, endpoint: myresource.openai.azure.com, deploymentName: gpt-4o-mini, apiVersion: 2024-10-21}\n'),
  backend('anthropic', '      provider:\n        anthropic: {authToken: {kind: Inline, inline: sk-ant-key}, model: claude-sonnet-4-20250514}\n'),
  backend('gemini', '      gemini: {authToken: {kind: Inline, inline: gemini-key}, model: gemini-2.5-flash, apiVersion: v1beta}\n'),
  backend('vertex', '      vertexai: {authToken: {kind: Inline, inline: ya29-vertex-token}, model: gemini-2.5-flash, apiVersion: v1, projectId: my-project, location: us-central1, publisher: GOOGLE}\n'),
  backend('bedrock', "      bedrock: {auth: {type: Secret, secretRef: {name: aws-keys}}, model: 'anthropic.claude-3-haiku-20240307-v1:0', region: us-east-1, guardrail: {identifier: gr-1, version: '2'}}\n"),
  `apiVersion: v1
kind: Secret
metadata: {name: aws-keys, namespace: kgateway-system}
stringData: {accessKey: ${AWS.accessKeyId}, secretKey: ${AWS.secretAccessKey}, sessionToken: ${AWS.sessionToken}}
`,
  ...Object.keys(HOSTS).map((name) => route(name, `/${name}`, name)),
].join('---\n');

/** What each provider must have received for a chat request. */
const EXPECTED: Record<keyof typeof HOSTS, { path: (stream: boolean) => string; credential: (r: LlmRequest) => void }> = {
  openai: { path: () => '/v1/chat/completions', credential: (r) => assert.equal(r.headers.authorization, 'Bearer sk-openai') },
  azure: { path: () => '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21', credential: (r) => assert.equal(r.headers['api-key'], 'azure-key') },
  anthropic: {
    path: () => '/v1/messages',
    credential: (r) => {
      assert.equal(r.headers['x-api-key'], 'sk-ant-key');
      assert.equal(r.headers['anthropic-version'], '2023-06-01');
    },
  },
  gemini: {
    path: (stream) => (stream ? '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse' : '/v1beta/models/gemini-2.5-flash:generateContent'),
    credential: (r) => assert.equal(r.headers['x-goog-api-key'], 'gemini-key'),
  },
  vertex: {
    path: (stream) => `/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    credential: (r) => assert.equal(r.headers.authorization, 'Bearer ya29-vertex-token'),
  },
  bedrock: {
    path: (stream) => `/model/anthropic.claude-3-haiku-20240307-v1%3A0/${stream ? 'converse-stream' : 'converse'}`,
    credential: (r) => assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-security-token[a-z0-9;-]*, Signature=[0-9a-f]{64}$/),
  },
};

let fake: FakeLlm;
let gw: RunningGateway;

before(async () => {
  const pki = await createThrowawayPki(Object.values(HOSTS));
  fake = await startFakeLlm({ cert: pki.serverCert, key: pki.serverKey });
  gw = await startGateway({ files: { 'all.yaml': MANIFESTS }, providers: { port: fake.port, caCert: pki.caCert, hosts: Object.values(HOSTS) } });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

const client = (name: string): OpenAI => new OpenAI({ baseURL: `${gw.url}/${name}`, apiKey: CLIENT_KEY, maxRetries: 0 });
const last = (): LlmRequest => {
  const r = fake.received.at(-1);
  assert.ok(r !== undefined, 'the provider received the request');
  return r;
};

/** The provider saw its own host (SNI and Host), path, credential, and nothing of the client's key. */
function assertReceived(name: keyof typeof HOSTS, stream: boolean): LlmRequest {
  const r = last();
  assert.equal(r.servername, HOSTS[name]);
  assert.equal(r.host, HOSTS[name]);
  assert.equal(r.path, EXPECTED[name].path(stream));
  EXPECTED[name].credential(r);
  assert.ok(!JSON.stringify(r.headers).includes(CLIENT_KEY), "the client's key never goes upstream");
  return r;
}

const TOOLS: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

for (const name of Object.keys(HOSTS) as (keyof typeof HOSTS)[]) {
  describe(`the OpenAI SDK in front of ${name}`, () => {
    test('a chat completion: the answer, its usage, and the request as the provider received it', async () => {
      fake.answer = { scenario: TEXT };
      const answer = await client(name).chat.completions.create({ model: 'client-model', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is recursion?' }] });
      assert.equal(answer.choices[0]?.message.content, TEXT.text);
      assert.equal(answer.choices[0]?.finish_reason, 'stop');
      assert.equal(answer.usage?.prompt_tokens, TEXT.promptTokens);
      assert.equal(answer.usage?.completion_tokens, TEXT.completionTokens);
      const r = assertReceived(name, false);
      if (name === 'openai' || name === 'anthropic') assert.equal(r.json?.model, name === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-20250514', "the Backend's model replaces the client's");
      if (name === 'bedrock') {
        assert.deepEqual(r.json?.guardrailConfig, { guardrailIdentifier: 'gr-1', guardrailVersion: '2' });
        // What arrived is exactly what was signed.
        const { authorization, ...rest } = r.headers as Record<string, string>;
        const date = rest['x-amz-date'] ?? '';
        const resigned = await signAwsRequest(
          { method: 'POST', origin: `https://${HOSTS.bedrock}`, path: r.path, headers: pick(rest, String(authorization)), body: Buffer.from(r.body) },
          AWS,
          { region: 'us-east-1', service: 'bedrock' },
          new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`),
        );
        assert.equal(resigned.authorization, authorization);
      }
    });

    test('a JSON answer with a tool call, then the tool result sent back', async () => {
      fake.answer = { scenario: TOOL_CALLS };
      const first = await client(name).chat.completions.create({ model: 'client-model', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS });
      const call = first.choices[0]?.message.tool_calls?.[0];
      assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
      assert.ok(call?.type === 'function');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      fake.answer = { scenario: TEXT };
      const second = await client(name).chat.completions.create({
        model: 'client-model',
        tools: TOOLS,
        messages: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '{"celsius": 21}' }],
      });
      assert.equal(second.choices[0]?.message.content, TEXT.text);
      // The provider received the call and its result, in its own shape (its stand-in checks that shape).
      assert.ok(last().body.includes('21'));
      assertReceived(name, false);
    });

    test('a streamed answer with a tool call: the SDK reassembles the call, the finish reason and the usage', async () => {
      fake.answer = { scenario: TOOL_CALLS };
      const stream = client(name).chat.completions.stream({ model: 'client-model', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS, stream_options: { include_usage: true } });
      const final = await stream.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      assert.equal(call?.type, 'function');
      assert.deepEqual(call.type === 'function' ? { name: call.function.name, args: JSON.parse(call.function.arguments) as unknown } : undefined, { name: 'get_weather', args: { city: 'Paris' } });
      assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
      assert.equal(final.usage?.prompt_tokens, TOOL_CALLS.promptTokens);
      assertReceived(name, true);
    });

    test("a rate limit reaches the SDK as a RateLimitError with the provider's retry-after", async () => {
      fake.answer = { error: 'rate_limit', headers: { 'retry-after': '7' } };
      const err = await client(name)
        .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.headers.get('retry-after'), '7');
      fake.answer = { scenario: TEXT };
    });
  });
}

/** The signed headers of an authorization header, from what arrived. */
function pick(headers: Record<string, string>, authorization: string): Record<string, string> {
  const signed = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '').split(';');
  return Object.fromEntries(signed.filter((h) => h !== 'host').map((h) => [h, headers[h] ?? '']));
}
