import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessagesResponse } from '../../src/apischema/anthropic.js';
import type { ChatCompletionRequest } from '../../src/apischema/openai.js';
import { GatewayError } from '../../src/core/errors.js';
import { anthropicToOpenAi } from '../../src/translators/anthropic-openai/index.js';
import type { OperationTranslator } from '../../src/translators/translator.js';
import { assertOpenAiRequest, openAiCompletion, openAiStandIn } from '../fixtures/openai/stand-in.js';
import { anthropicClientView } from './anthropic-client-view.js';
import { CTX, chatTranslatorSuite } from './chat-suite.js';

chatTranslatorSuite({
  name: 'Anthropic -> OpenAI',
  translator: anthropicToOpenAi,
  client: anthropicClientView,
  standIn: openAiStandIn,
  supportsChoices: false,
  errorStatus: { rate_limit: 429, overloaded: 529, bad_request: 400, auth: 401 },
  modelIn: 'body',
});

const chatOperation = anthropicToOpenAi.operations.chat;
assert.ok(chatOperation?.stream !== undefined);
const chat: OperationTranslator = chatOperation;

function translate(body: Record<string, unknown>): ChatCompletionRequest {
  const sent = chat.request({ model: 'client-model', max_tokens: 1024, ...body }, CTX) as ChatCompletionRequest;
  assertOpenAiRequest(sent);
  return sent;
}

function refuses(body: Record<string, unknown>, param: string): void {
  assert.throws(
    () => chat.request({ model: 'client-model', max_tokens: 1024, ...body }, CTX),
    (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param && err.status === 400,
  );
}

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });
const assistant = (content: unknown): Record<string, unknown> => ({ role: 'assistant', content });
const answer = (body: unknown): MessagesResponse => chat.response(body, CTX).body as MessagesResponse;
describe('Anthropic -> OpenAI: requests', () => {
  test('the system prompt, string or text blocks, becomes the first message; the model is the Backend one', () => {
    assert.deepEqual(translate({ system: 'Be terse.', messages: [user('Hi')] }).messages, [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Hi' },
    ]);
    const blocks = [
      { type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Answer in French.' },
    ];
    const sent = translate({ system: blocks, messages: [user([{ type: 'text', text: 'Hi' }])] });
    assert.deepEqual(sent.messages[0], { role: 'system', content: 'You are a coding agent.\n\nAnswer in French.' });
    assert.deepEqual(sent.messages[1], { role: 'user', content: 'Hi' }, 'a single text block is a plain string');
    assert.equal(sent.model, CTX.model);
    refuses({ system: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }], messages: [user('Hi')] }, 'system[0]');
  });

  test('images are sent inline as data: URLs or by their URL', () => {
    const sent = translate({
      messages: [
        user([
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ]),
      ],
    });
    assert.deepEqual(sent.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    refuses({ messages: [user([{ type: 'image', source: { type: 'file', file_id: 'file_011' } }])] }, 'messages[0].content[0].source.type');
  });

  test('a tool round trip: tool_use becomes tool_calls, tool_result becomes tool messages before the rest of the turn', () => {
    const sent = translate({
      messages: [
        user('Weather and time in Paris?'),
        assistant([
          { type: 'thinking', thinking: 'Two lookups.', signature: 'EqQBCgIYAhIM' },
          { type: 'text', text: 'Looking both up.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: { tz: 'Europe/Paris' } },
        ]),
        user([
          { type: 'text', text: 'Be quick.' },
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: '18°C' }, { type: 'text', text: 'sunny' }] },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: 'unknown zone', is_error: true },
        ]),
      ],
    });
    assert.deepEqual(sent.messages, [
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: 'Looking both up.',
        tool_calls: [
          { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_01B', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01A', content: '18°C\n\nsunny' },
      { role: 'tool', tool_call_id: 'toolu_01B', content: 'Error: unknown zone' },
      { role: 'user', content: 'Be quick.' },
    ]);
  });

  test('an assistant turn of tool calls only has null content; one of reasoning only is left out', () => {
    const sent = translate({
      messages: [
        user('Go'),
        assistant([{ type: 'redacted_thinking', data: 'EmwKAhgB' }]),
        user('Again'),
        assistant([{ type: 'tool_use', id: 'toolu_01C', name: 'ping', input: {} }]),
        user([{ type: 'tool_result', tool_use_id: 'toolu_01C' }]),
      ],
    });
    assert.deepEqual(sent.messages, [
      { role: 'user', content: 'Go' },
      { role: 'user', content: 'Again' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01C', type: 'function', function: { name: 'ping', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'toolu_01C', content: '' },
    ]);
  });

  test('blocks an OpenAI-compatible provider cannot take are refused naming the block', () => {
    refuses({ messages: [user([{ type: 'text', text: 'Summarise' }, { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }])] }, 'messages[0].content[1]');
    refuses({ messages: [user('Hi'), assistant([{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }])] }, 'messages[1].content[0]');
    refuses(
      { messages: [user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } }] }])] },
      'messages[0].content[0].content[0]',
    );
    refuses({ messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role');
  });

  test('tools become function tools; tool_choice and disable_parallel_tool_use map to their OpenAI forms', () => {
    const tools = [{ name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }];
    const base = { messages: [user('Weather?')], tools };
    assert.deepEqual(translate(base).tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: tools[0]?.input_schema } }]);
    const cases: [unknown, unknown][] = [
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [{ type: 'tool', name: 'get_weather' }, { type: 'function', function: { name: 'get_weather' } }],
      [{ type: 'none' }, 'none'],
    ];
    for (const [choice, expected] of cases) assert.deepEqual(translate({ ...base, tool_choice: choice }).tool_choice, expected);
    assert.equal(translate({ ...base, tool_choice: { type: 'auto' } }).parallel_tool_calls, undefined);
    assert.equal(translate({ ...base, tool_choice: { type: 'any', disable_parallel_tool_use: true } }).parallel_tool_calls, false);
    refuses({ ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type');
    refuses({ messages: [user('Hi')], tool_choice: { type: 'any' } }, 'tool_choice');
    assert.equal(translate({ messages: [user('Hi')], tool_choice: { type: 'auto' } }).tool_choice, undefined, 'OpenAI refuses tool_choice without tools');
  });

  test('sampling, stop sequences, user and streaming fields map; top_k and fields OpenAI does not know are not sent', () => {
    const sent = translate({
      messages: [user('Hi')],
      max_tokens: 300,
      stop_sequences: ['\n\nHuman:', 'END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-7' },
      thinking: { type: 'enabled', budget_tokens: 2000 },
      service_tier: 'auto',
      stream: true,
    });
    assert.deepEqual(sent, {
      model: CTX.model,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\nHuman:', 'END'],
      user: 'user-7',
      stream: true,
      stream_options: { include_usage: true },
    });
    refuses({ messages: [user('Hi')], temperature: 'hot' }, 'temperature');
  });

  test("Anthropic's own server features are refused, not dropped", () => {
    refuses({ messages: [user('Hi')], mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] }, 'mcp_servers');
    refuses({ messages: [user('Hi')], container: 'container_1' }, 'container');
    refuses({ messages: [user('Hi')], output_format: { type: 'json_schema', schema: { type: 'object' } } }, 'output_format');
  });
});

describe('Anthropic -> OpenAI: JSON answers', () => {
  const completion = (message: Record<string, unknown>, finish: string, usage: Record<string, unknown> = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }): Record<string, unknown> => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finish }],
    usage,
  });

  test('text and tool calls become a text block and tool_use blocks with parsed input', () => {
    const body = openAiCompletion({ kind: 'tool_calls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }], promptTokens: 3, completionTokens: 4 });
    const message = body.choices[0]?.message;
    if (message !== undefined) message.content = 'Checking.';
    const got = answer(body);
    assert.deepEqual(got.content, [
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_lQnnsesjFMWMQ5IeWPHzR4t0', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    assert.equal(got.id, `msg_${CTX.id}`);
    assert.equal(got.model, 'gpt-4o-2024-08-06', "the provider's model");
    assert.equal(got.stop_reason, 'tool_use');
  });

  test('finish reasons map to stop reasons; a tool call answered with "stop" (older Ollama) is tool_use', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['stop', { content: 'Hi' }, 'end_turn'],
      ['length', { content: 'Hi' }, 'max_tokens'],
      ['content_filter', { content: null }, 'refusal'],
      ['stop', { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ping', arguments: '' } }] }, 'tool_use'],
    ];
    for (const [finish, message, stop] of cases) assert.equal(answer(completion(message, finish)).stop_reason, stop, finish);
    assert.deepEqual(answer(completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ping', arguments: '' } }] }, 'tool_calls')).content, [
      { type: 'tool_use', id: 'call_1', name: 'ping', input: {} },
    ]);
  });

  test('cached prompt tokens are reported apart, as Anthropic does; metrics keep the OpenAI counts', () => {
    const usage = { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 128 } };
    const translated = chat.response(completion({ content: 'Hi' }, 'stop', usage), CTX);
    assert.deepEqual((translated.body as MessagesResponse).usage, { input_tokens: 86, output_tokens: 300, cache_read_input_tokens: 1920, cache_creation_input_tokens: 0 });
    assert.deepEqual(translated.usage, { promptTokens: 2006, completionTokens: 300, totalTokens: 2306, cachedTokens: 1920, reasoningTokens: 128 });
    assert.equal(translated.model, 'gpt-4o-2024-08-06');
  });

  test('tool calls without an id (some servers send none) get distinct ones, which come back as tool_use_id', () => {
    const calls = ['a', 'b'].map((city) => ({ type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } }));
    const ids = answer(completion({ content: null, tool_calls: calls }, 'tool_calls')).content.map((b) => (b as { id?: string }).id);
    assert.deepEqual(ids, [`toolu_${CTX.id}_0`, `toolu_${CTX.id}_1`]);
  });

  test('without a reported model the answer names the requested one', () => {
    const body = completion({ content: 'Hi' }, 'stop');
    delete body.model;
    assert.equal(answer(body).model, CTX.model);
    assert.equal(chat.response(body, CTX).model, undefined);
  });

  test('tool arguments that are not a JSON object fail the answer rather than reach the client altered', () => {
    for (const args of ['{"city": "Par', '["Paris"]']) {
      assert.throws(
        () => answer(completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }] }, 'tool_calls')),
        (err: unknown) => err instanceof GatewayError && err.message.includes('get_weather'),
      );
    }
    assert.throws(() => answer({ object: 'chat.completion', choices: [] }), GatewayError);
  });
});

describe('Anthropic -> OpenAI: errors', () => {
  const mapped = (status: number, body: string): { status: number; body: unknown } => anthropicToOpenAi.error(status, Buffer.from(body), {});

  test("statuses keep their meaning for Anthropic clients; a 503 becomes the 529 they retry as overloaded", () => {
    const cases: [number, number, string][] = [
      [400, 400, 'invalid_request_error'],
      [401, 401, 'authentication_error'],
      [403, 403, 'permission_error'],
      [404, 404, 'not_found_error'],
      [413, 413, 'request_too_large'],
      [429, 429, 'rate_limit_error'],
      [500, 500, 'api_error'],
      [502, 502, 'api_error'],
      [503, 529, 'overloaded_error'],
      [529, 529, 'overloaded_error'],
    ];
    for (const [status, sent, type] of cases) {
      const got = mapped(status, JSON.stringify({ error: { message: 'm', type: 'x', param: null, code: null } }));
      assert.deepEqual(got, { status: sent, body: { type: 'error', error: { type, message: 'm' } } }, String(status));
    }
  });

  test("the provider's message is kept, from OpenAI's shape, older vLLM's, or a body that is not JSON", () => {
    const message = (status: number, body: string): unknown => (mapped(status, body).body as { error: { message: string } }).error.message;
    assert.equal(message(404, '{"error":{"message":"The model `gpt-5o` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}'), 'The model `gpt-5o` does not exist');
    assert.equal(message(400, '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}'), 'max_tokens is too large');
    assert.equal(message(502, '<html><body>Bad Gateway</body></html>'), '<html><body>Bad Gateway</body></html>');
    assert.match(String(message(500, '')), /status 500/);
  });
});
