import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { MessagesResponse, StreamEvent } from '../../src/apischema/anthropic.js';
import type { ChatCompletionRequest } from '../../src/apischema/openai.js';
import { GatewayError } from '../../src/core/errors.js';
import { anthropicToOpenAi } from '../../src/translators/anthropic-openai/index.js';
import type { OperationTranslator, StreamTranslator } from '../../src/translators/translator.js';
import { assertOpenAiRequest, openAiChunks, openAiCompletion, openAiSse, openAiStandIn } from '../fixtures/openai/stand-in.js';
import { anthropicClientView } from './anthropic-client-view.js';
import { CTX, chatTranslatorSuite, sseEvents } from './chat-suite.js';

chatTranslatorSuite({
  name: 'Anthropic -> OpenAI',
  translator: anthropicToOpenAi,
  client: anthropicClientView,
  standIn: openAiStandIn,
  supportsChoices: false,
  errorStatus: { rate_limit: 429, overloaded: 529, bad_request: 400, auth: 401 },
});

const chatOperation = anthropicToOpenAi.operations.chat;
assert.ok(chatOperation?.stream !== undefined);
const chat: OperationTranslator = chatOperation;
const STREAM_CTX = { ...CTX, stream: true, includeUsage: true };

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
const events = (sse: string): StreamEvent[] => sseEvents(sse).map((e) => JSON.parse(e.data) as StreamEvent);

function run(bytes: Buffer, pieceSize = bytes.length): { sse: string; stream: StreamTranslator } {
  const stream = chat.stream?.(STREAM_CTX);
  assert.ok(stream !== undefined);
  let sse = '';
  for (let i = 0; i < bytes.length; i += pieceSize) sse += stream.push(bytes.subarray(i, i + pieceSize));
  return { sse: sse + stream.end(), stream };
}

/** The event types of a stream, with runs of deltas counted once, to compare orders at a glance. */
function outline(sse: string): string[] {
  const out: string[] = [];
  for (const e of events(sse)) {
    const name = e.type === 'content_block_delta' ? `delta ${e.index} ${e.delta.type}` : 'index' in e ? `${e.type} ${e.index}` : e.type;
    if (out.at(-1) !== name) out.push(name);
  }
  return out;
}

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/openai/${name}`, import.meta.url));

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

describe('Anthropic -> OpenAI: streams', () => {
  test("OpenAI's recorded parallel tool calls become two tool_use blocks in Anthropic's order, whatever the split", async () => {
    const bytes = fixture('parallel-tool-calls.sse');
    const { sse, stream } = run(bytes);
    assert.deepEqual(outline(sse), [
      'message_start',
      'content_block_start 0',
      'delta 0 input_json_delta',
      'content_block_stop 0',
      'content_block_start 1',
      'delta 1 input_json_delta',
      'content_block_stop 1',
      'message_delta',
      'message_stop',
    ]);
    const all = events(sse);
    assert.deepEqual(
      all.flatMap((e) => (e.type === 'content_block_start' ? [e.content_block] : [])),
      [
        { type: 'tool_use', id: 'call_lQnnsesjFMWMQ5IeWPHzR4th', name: 'GetWeatherArgs', input: {} },
        { type: 'tool_use', id: 'call_2xjOUgaCdiwAcl9ZBL9LyMUU', name: 'get_stock_price', input: {} },
      ],
    );
    const start = all[0];
    assert.equal(start?.type === 'message_start' ? start.message.model : undefined, 'gpt-4o-2024-08-06');
    assert.deepEqual(all.at(-2), { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 149, output_tokens: 60, cache_read_input_tokens: 0 } });
    assert.deepEqual(stream.usage, { promptTokens: 149, completionTokens: 60, totalTokens: 209 });
    assert.equal(stream.model, 'gpt-4o-2024-08-06');
    assert.equal(run(bytes, 1).sse, sse);

    const sdk = await anthropicClientView.sdkReassemble(sse);
    assert.deepEqual(sdk.calls, [
      { name: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'UK', units: 'c' } },
      { name: 'get_stock_price', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
    ]);
    assert.deepEqual(sdk.usage, { prompt: 149, completion: 60 });
  });

  test("OpenAI's recorded text and max_tokens streams end with the right stop reason and usage", async () => {
    const text = await anthropicClientView.sdkReassemble(run(fixture('text.sse'), 13).sse);
    assert.equal(
      text.text,
      "I'm unable to provide real-time updates, including current weather information. For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as the Weather Channel, BBC Weather, or a local San Francisco news station.",
    );
    assert.deepEqual([text.finishes, text.usage], [['end_turn'], { prompt: 14, completion: 47 }]);
    const cut = anthropicClientView.readStream(run(fixture('length.sse')).sse, STREAM_CTX);
    assert.deepEqual([cut.text, cut.finishes, cut.usage, cut.terminated], ['{"', ['max_tokens'], { prompt: 17, completion: 1 }, true]);
  });

  test('each event goes out as soon as its chunk arrives; message_delta waits only for the usage chunk', () => {
    const chunks = openAiChunks({ stream: true, stream_options: { include_usage: true } }, { kind: 'text', text: 'Hi there', promptTokens: 5, completionTokens: 2 });
    const stream = chat.stream?.(STREAM_CTX);
    assert.ok(stream !== undefined);
    const seen = chunks.map((c) => outline(stream.push(openAiSse([c], false))));
    assert.deepEqual(seen[0], ['message_start']);
    assert.deepEqual(seen[1], ['content_block_start 0', 'delta 0 text_delta']);
    assert.deepEqual(seen.at(-2), ['content_block_stop 0'], 'the finish reason closes the block at once');
    assert.deepEqual(seen.at(-1), ['message_delta', 'message_stop'], 'the usage chunk ends the message');
    assert.equal(stream.push(Buffer.from('data: [DONE]\n\n')) + stream.end(), '');
  });

  test('text before a tool call is block 0 and the call block 1, whatever index the provider gave the call', () => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'qwen3' };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    const { sse } = run(
      openAiSse([
        chunk({ role: 'assistant', content: 'Let me check.' }),
        // Some servers send a whole call in one delta.
        chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }),
        chunk({}, 'tool_calls'),
        { ...base, choices: [], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 20 } } },
      ]),
    );
    const got = anthropicClientView.readStream(sse, STREAM_CTX);
    assert.deepEqual([got.text, got.calls, got.finishes, got.usage], ['Let me check.', [{ name: 'get_weather', args: { city: 'Paris' } }], ['tool_use'], { prompt: 30, completion: 12 }]);
    const delta = events(sse).find((e) => e.type === 'message_delta');
    assert.deepEqual(delta?.type === 'message_delta' ? delta.usage : undefined, { input_tokens: 10, output_tokens: 12, cache_read_input_tokens: 20 });
  });

  test('a server that ignores include_usage still ends the message, at [DONE] or at the end of the stream', () => {
    const chunks = openAiChunks({ stream: true }, { kind: 'text', text: 'Hi', promptTokens: 1, completionTokens: 1 });
    for (const done of [true, false]) {
      const { sse, stream } = run(openAiSse(chunks, done));
      const got = anthropicClientView.readStream(sse, STREAM_CTX);
      assert.deepEqual([got.text, got.finishes, got.terminated, stream.failed], ['Hi', ['end_turn'], true, false]);
      assert.equal(stream.usage, undefined);
    }
  });

  test('a stream cut before the finish reason ends with an error event, at [DONE] or at the end of the stream', () => {
    const chunks = openAiChunks({ stream: true }, { kind: 'text', text: 'Hello there', promptTokens: 1, completionTokens: 1 }).slice(0, 3);
    for (const done of [true, false]) {
      const { sse, stream } = run(openAiSse(chunks, done));
      assert.ok(anthropicClientView.endsWithError(sse), sse);
      assert.ok(!anthropicClientView.readStream(sse, STREAM_CTX).terminated);
      assert.ok(stream.failed);
    }
  });

  test('an in-band error keeps its kind: a rate limit is rate_limit_error, a vLLM error is typed by its code', () => {
    const errors: [Record<string, unknown>, string, string][] = [
      [{ error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 'rate_limit_error', 'Rate limit reached for requests'],
      [{ error: { message: 'prompt too long', type: 'BadRequestError', param: null, code: 400 } }, 'invalid_request_error', 'prompt too long'],
      [{ object: 'error', message: 'engine dead', type: 'InternalServerError', param: null, code: 500 }, 'api_error', 'engine dead'],
    ];
    for (const [payload, type, message] of errors) {
      const { sse, stream } = run(openAiSse([payload, ...openAiChunks({ stream: true }, { kind: 'text', text: 'late', promptTokens: 1, completionTokens: 1 })]));
      assert.deepEqual(events(sse), [{ type: 'error', error: { type, message } }], 'nothing follows the error');
      assert.ok(stream.failed);
    }
  });

  test('tool arguments that are not a JSON object end the stream with an error instead of the block', () => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const { sse, stream } = run(
      openAiSse([
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": Paris' } }] }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      ]),
    );
    assert.deepEqual(outline(sse), ['message_start', 'content_block_start 0', 'delta 0 input_json_delta', 'error']);
    assert.ok(stream.failed);
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
