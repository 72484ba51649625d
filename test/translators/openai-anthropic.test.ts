import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ChatCompletion } from '../../src/apischema/openai.js';
import { GatewayError } from '../../src/core/errors.js';
import { openAiToAnthropic } from '../../src/translators/openai-anthropic/index.js';
import { anthropicStandIn, assertAnthropicRequest } from '../fixtures/anthropic/stand-in.js';
import { CTX, chatTranslatorSuite } from './chat-suite.js';
import { openAiClientView } from './openai-client-view.js';

chatTranslatorSuite({
  name: 'OpenAI -> Anthropic',
  translator: openAiToAnthropic,
  client: openAiClientView,
  standIn: anthropicStandIn,
  supportsChoices: false,
  errorStatus: { rate_limit: 429, overloaded: 503, bad_request: 400, auth: 401 },
  modelIn: 'body',
});

const chat = openAiToAnthropic.operations.chat;
assert.ok(chat !== undefined);

const translate = (body: Record<string, unknown>): Record<string, unknown> => chat.request({ model: 'client-model', ...body }, CTX);
const ask = (text: string): Record<string, unknown> => ({ role: 'user', content: text });

function refuses(body: Record<string, unknown>, param: string): void {
  assert.throws(
    () => translate(body),
    (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param,
  );
}

const answer = (body: unknown): ChatCompletion => chat.response(body, CTX).body as ChatCompletion;

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/anthropic/${name}`, import.meta.url));

describe('OpenAI -> Anthropic: requests', () => {
  test('system and developer messages become system blocks in order, wherever they are', () => {
    const sent = translate({ messages: [{ role: 'system', content: 'Be terse.' }, ask('Hi'), { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] }, ask('Again')] });
    assert.deepEqual(sent.system, [
      { type: 'text', text: 'Be terse.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    assert.deepEqual(sent.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'Again' }] }]);
  });

  test('images travel inline from data: URLs and by reference from https URLs; other parts are refused by name', () => {
    const parts = [
      { type: 'text', text: 'Compare' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
    ];
    assert.deepEqual(translate({ messages: [{ role: 'user', content: parts }] }).messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    refuses({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hear' }, { type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }] }, 'messages[0].content[1]');
    refuses({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://example.com/cat.jpg' } }] }] }, 'messages[0].content[0].image_url.url');
  });

  const call = (id: string, name: string, args: string): Record<string, unknown> => ({ id, type: 'function', function: { name, arguments: args } });

  test('tool calls become tool_use blocks and tool answers tool_result blocks of one user turn, before its text', () => {
    const sent = translate({
      messages: [
        ask('Weather and time in Paris?'),
        { role: 'assistant', content: '', tool_calls: [call('call_1', 'get_weather', '{"city":"Paris"}'), call('call_2', 'get_time', '{"tz":"Europe/Paris"}')] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        ask('Thanks. Anything else?'),
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
      ],
    });
    assertAnthropicRequest(sent, { stream: false });
    assert.deepEqual(sent.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: { tz: 'Europe/Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '14:00' },
          { type: 'text', text: 'Thanks. Anything else?' },
        ],
      },
    ]);
  });

  test('empty texts and turns that say nothing are left out, since Anthropic answers 400 to them', () => {
    const sent = translate({
      messages: [
        { role: 'system', content: '' },
        ask('Weather in Paris?'),
        { role: 'assistant', content: '' },
        { role: 'user', content: '' },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Please.' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }], tool_calls: [call('call_1', 'get_weather', '')] },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
      ],
    });
    assertAnthropicRequest(sent);
    assert.equal(sent.system, undefined);
    assert.deepEqual(sent.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'text', text: 'Please.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1' }] },
    ]);
  });

  test('tool call arguments that are not a JSON object are refused, naming the field', () => {
    for (const args of ['{"city":', '[1,2]', '"Paris"']) {
      refuses({ messages: [ask('Hi'), { role: 'assistant', content: null, tool_calls: [call('call_1', 'get_weather', args)] }] }, 'messages[1].tool_calls[0].function.arguments');
    }
  });

  test('tools and every tool_choice form', () => {
    const tools = [{ type: 'function', function: { name: 'now', description: 'The time' } }];
    const sent = translate({ messages: [ask('Hi')], tools });
    assert.deepEqual(sent.tools, [{ name: 'now', description: 'The time', input_schema: { type: 'object', properties: {} } }]);
    const forms: [unknown, unknown][] = [
      ['auto', { type: 'auto' }],
      ['required', { type: 'any' }],
      ['none', { type: 'none' }],
      [{ type: 'function', function: { name: 'now' } }, { type: 'tool', name: 'now' }],
    ];
    for (const [choice, expected] of forms) assert.deepEqual(translate({ messages: [ask('Hi')], tools, tool_choice: choice }).tool_choice, expected);
    assert.deepEqual(translate({ messages: [ask('Hi')], tools, tool_choice: 'required', parallel_tool_calls: false }).tool_choice, { type: 'any', disable_parallel_tool_use: true });
    assert.deepEqual(translate({ messages: [ask('Hi')], tools, parallel_tool_calls: false }).tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    refuses({ messages: [ask('Hi')], tools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, 'tool_choice');
    refuses({ messages: [ask('Hi')], tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type');
  });

  test('sampling fields, limits, stop sequences, user and stream; unknown fields stay behind', () => {
    const sent = translate({ messages: [ask('Hi')], temperature: 0.2, top_p: 0.9, stop: 'END', user: 'u-42', stream: true, max_tokens: 99, seed: 7, presence_penalty: 1 });
    assert.deepEqual(sent, { model: 'provider-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_tokens: 99, temperature: 0.2, top_p: 0.9, stop_sequences: ['END'], metadata: { user_id: 'u-42' }, stream: true });
    assert.deepEqual(translate({ messages: [ask('Hi')], stop: ['a', 'b'] }).stop_sequences, ['a', 'b']);
    assert.equal(translate({ messages: [ask('Hi')] }).max_tokens, 4096, 'Anthropic requires max_tokens');
    assert.equal(translate({ messages: [ask('Hi')], max_tokens: 10, max_completion_tokens: 20 }).max_tokens, 20);
    refuses({ messages: [ask('Hi')], temperature: 1.5 }, 'temperature');
    refuses({ messages: [ask('Hi')], logprobs: true }, 'logprobs');
  });

  test('response_format json_schema is a forced tool named after the schema; json_object likewise; text is nothing', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const sent = translate({ messages: [ask('Hi')], response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } });
    assertAnthropicRequest(sent, { stream: false });
    assert.equal((sent.tools as { name: string }[])[0]?.name, 'response_format__place');
    assert.deepEqual((sent.tools as { input_schema: unknown }[])[0]?.input_schema, schema);
    assert.deepEqual(sent.tool_choice, { type: 'tool', name: 'response_format__place' });
    const object = translate({ messages: [ask('Hi')], response_format: { type: 'json_object' } });
    assert.deepEqual((object.tools as { input_schema: unknown }[])[0]?.input_schema, { type: 'object' });
    assert.equal(translate({ messages: [ask('Hi')], response_format: { type: 'text' } }).tools, undefined);
    const tools = [{ type: 'function', function: { name: 'now' } }];
    refuses({ messages: [ask('Hi')], tools, response_format: { type: 'json_object' } }, 'response_format');
    refuses({ messages: [ask('Hi')], tools: [{ type: 'function', function: { name: 'response_format__x' } }] }, 'tools[0].function.name');
  });
});

describe('OpenAI -> Anthropic: answers', () => {
  const message = (content: unknown[], stop: string, usage: Record<string, number> = { input_tokens: 5, output_tokens: 3 }): Record<string, unknown> => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage,
  });

  test('cached prompt tokens count in prompt_tokens and show as cached_tokens', () => {
    const translated = chat.response(message([{ type: 'text', text: 'Hi' }], 'end_turn', { input_tokens: 100, cache_read_input_tokens: 300, cache_creation_input_tokens: 50, output_tokens: 20 }), CTX);
    assert.deepEqual((translated.body as ChatCompletion).usage, { prompt_tokens: 450, completion_tokens: 20, total_tokens: 470, prompt_tokens_details: { cached_tokens: 300 } });
    assert.deepEqual(translated.usage, { promptTokens: 450, completionTokens: 20, totalTokens: 470, cachedTokens: 300 });
    assert.equal(translated.model, 'claude-sonnet-4-5');
    assert.equal((translated.body as ChatCompletion).model, 'claude-sonnet-4-5');
  });

  test('every stop reason has its finish reason', () => {
    const reasons = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', refusal: 'content_filter', pause_turn: 'stop' };
    for (const [stop, finish] of Object.entries(reasons)) assert.equal(answer(message([{ type: 'text', text: 'x' }], stop)).choices[0]?.finish_reason, finish, stop);
  });

  test('thinking is not content', () => {
    const got = answer(message([{ type: 'thinking', thinking: 'Let me think', signature: 'sig' }, { type: 'text', text: 'Four.' }], 'end_turn'));
    assert.equal(got.choices[0]?.message.content, 'Four.');
  });

  test('a response_format answer is the whole content, as JSON text, and ends with stop', () => {
    const got = answer(message([{ type: 'tool_use', id: 'toolu_1', name: 'response_format__place', input: { city: 'Paris' } }], 'tool_use'));
    assert.equal(got.choices[0]?.message.content, '{"city":"Paris"}');
    assert.equal(got.choices[0]?.message.tool_calls, undefined);
    assert.equal(got.choices[0]?.finish_reason, 'stop');
    // Text beside the answer would make the content unreadable as JSON.
    const chatty = answer(message([{ type: 'text', text: 'Here it is:' }, { type: 'tool_use', id: 'toolu_1', name: 'response_format__place', input: { city: 'Paris' } }, { type: 'text', text: 'Done.' }], 'tool_use'));
    assert.equal(chatty.choices[0]?.message.content, '{"city":"Paris"}');
  });

  test('a recorded answer with text and a tool call without arguments', () => {
    const recorded = JSON.parse(fixture('tool-no-args.json').toString()) as { body: unknown };
    const got = answer(recorded.body);
    assert.match(got.choices[0]?.message.content ?? '', /^<thinking>[\s\S]*Okay, I will update the current issue list:$/);
    assert.deepEqual(got.choices[0]?.message.tool_calls, [{ id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } }]);
    assert.equal(got.choices[0]?.finish_reason, 'tool_calls');
    assert.deepEqual(got.usage, { prompt_tokens: 602, completion_tokens: 93, total_tokens: 695, prompt_tokens_details: { cached_tokens: 0 } });
  });
});

describe('OpenAI -> Anthropic: models and errors', () => {
  test('the model list in OpenAI shape', () => {
    const models = openAiToAnthropic.operations.models;
    assert.ok(models !== undefined);
    assert.deepEqual(models.request({}, CTX), {});
    const list = { data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }], has_more: false, first_id: 'claude-sonnet-4-5-20250929', last_id: 'claude-sonnet-4-5-20250929' };
    assert.deepEqual(models.response(list, CTX).body, { object: 'list', data: [{ id: 'claude-sonnet-4-5-20250929', object: 'model', created: 1_759_104_000, owned_by: 'anthropic' }] });
  });

  test("errors keep Anthropic's message and type; 529 becomes 503; a body that is not JSON still explains itself", () => {
    const recorded = JSON.parse(fixture('invalid-request-error.json').toString()) as { status: number; body: unknown };
    const bad = openAiToAnthropic.error(recorded.status, Buffer.from(JSON.stringify(recorded.body)), {});
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: { message: (recorded.body as { error: { message: string } }).error.message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } });
    const overloaded = openAiToAnthropic.error(529, Buffer.from('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'), {});
    assert.deepEqual(overloaded, { status: 503, body: { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } } });
    const html = openAiToAnthropic.error(502, Buffer.from('<html>Bad gateway</html>'), {});
    assert.deepEqual(html, { status: 502, body: { error: { message: '<html>Bad gateway</html>', type: 'server_error', param: null, code: null } } });
  });
});
