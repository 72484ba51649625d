import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { GenerateContentResponse } from '../../src/apischema/gemini.js';
import type { ChatCompletion } from '../../src/apischema/openai.js';
import { GatewayError } from '../../src/core/errors.js';
import { openAiToGemini, openAiToVertex } from '../../src/translators/openai-gemini/index.js';
import type { OperationTranslator, TranslateContext } from '../../src/translators/translator.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { chatTranslatorSuite, CTX, type ProviderStandIn, translateWhole } from './chat-suite.js';
import { openAiClientView } from './openai-client-view.js';

// OpenAI clients in front of Gemini and Vertex AI: the shared suite against a stand-in that
// answers the way Google does, then the mapping rules one by one, then recorded real answers
// (test/fixtures/gemini/README.md says where they come from).

const chat = openAiToGemini.operations.chat as OperationTranslator;
const STREAM_CTX: TranslateContext = { ...CTX, stream: true, includeUsage: true };

/** A recorded JSON answer: its HTTP status and body. */
function fixture(name: string): { status: number; body: unknown } {
  return JSON.parse(readFileSync(new URL(`../fixtures/gemini/${name}`, import.meta.url), 'utf8')) as { status: number; body: unknown };
}
const recorded = (name: string): unknown => fixture(name).body;
const recordedStream = (name: string): Buffer => readFileSync(new URL(`../fixtures/gemini/${name}`, import.meta.url));


const runStream = (bytes: Buffer, ctx: TranslateContext = STREAM_CTX): ReturnType<typeof translateWhole> => translateWhole(chat, bytes, ctx);

function throwsUnsupported(fn: () => unknown, param: string): void {
  assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param && err.message.length > 0);
}

/** The Gemini stand-in, with the suite's own request checked too. */
function standIn(provider: 'gemini' | 'vertex'): ProviderStandIn {
  return geminiStandIn(provider, (request, s) => {
    assert.deepEqual(request.systemInstruction, { parts: [{ text: 'You are terse.' }] });
    assert.deepEqual(request.contents, [{ role: 'user', parts: [{ text: 'What is recursion? And the weather in Paris?' }] }]);
    if (s.kind === 'length') assert.deepEqual(request.generationConfig, { maxOutputTokens: 5 });
  });
}

const ERROR_STATUS = { rate_limit: 429, overloaded: 503, bad_request: 400, auth: 401 };
chatTranslatorSuite({ name: 'openai -> gemini', translator: openAiToGemini, client: openAiClientView, standIn: standIn('gemini'), supportsChoices: true, errorStatus: ERROR_STATUS, modelIn: 'path' });
chatTranslatorSuite({ name: 'openai -> vertex', translator: openAiToVertex, client: openAiClientView, standIn: standIn('vertex'), supportsChoices: true, errorStatus: ERROR_STATUS, modelIn: 'path' });

const request = (body: Record<string, unknown>): Record<string, unknown> => chat.request({ model: 'client-model', ...body }, CTX);
const user = (content: unknown): Record<string, unknown> => ({ messages: [{ role: 'user', content }] });

describe('openai -> gemini: chat requests', () => {
  test('system and developer messages become the system instruction; the assistant is the model; same-role turns merge', () => {
    const sent = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'How are you?' }] },
        { role: 'assistant', content: 'Bien.' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Merci' },
      ],
    });
    assert.deepEqual(sent, {
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }, { text: 'How are you?' }] },
        { role: 'model', parts: [{ text: 'Bien.' }] },
        { role: 'user', parts: [{ text: 'Merci' }] },
      ],
    });
  });

  test('images: data URLs go inline, web URLs by reference with the type their extension names', () => {
    const sent = request(
      user([
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cats/tabby.JPG?size=large', detail: 'high' } },
        { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
      ]),
    );
    assert.deepEqual(sent.contents, [
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cats/tabby.JPG?size=large' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
        ],
      },
    ]);
    throwsUnsupported(() => request(user([{ type: 'image_url', image_url: { url: 'https://example.com/render?id=7' } }])), 'messages[0].content[0].image_url.url');
    throwsUnsupported(() => request(user([{ type: 'file', file: { file_id: 'file-abc' } }])), 'messages[0].content[0].file');
    throwsUnsupported(() => request(user([{ type: 'video_url', video_url: { url: 'https://example.com/v.mp4' } }])), 'messages[0].content[0].type');
  });

  test('tool calls and results: function calls with object args and their signature, results named after their call, in one turn', () => {
    const sent = request({
      messages: [
        { role: 'user', content: 'Weather and time in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'c2lnbmF0dXJl' } } },
            { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '14:05' },
        { role: 'tool', tool_call_id: 'call_0', content: [{ type: 'text', text: '{"temp":21,"sky":"clear"}' }] },
        { role: 'user', content: 'Thanks!' },
      ],
    });
    assert.deepEqual(sent.contents, [
      { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnbmF0dXJl' }, { functionCall: { name: 'get_time', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { content: '14:05' } } },
          { functionResponse: { name: 'get_weather', response: { content: { temp: 21, sky: 'clear' } } } },
          { text: 'Thanks!' },
        ],
      },
    ]);
  });

  test('a tool result for no known call, or arguments that are not a JSON object, are refused', () => {
    throwsUnsupported(() => request({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_9', content: 'r' }] }), 'messages[1].tool_call_id');
    const call = (args: string): Record<string, unknown> => ({ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: args } }] }] });
    throwsUnsupported(() => request(call('[1,2]')), 'messages[0].tool_calls[0].function.arguments');
    throwsUnsupported(() => request(call('{"unclosed"')), 'messages[0].tool_calls[0].function.arguments');
    throwsUnsupported(() => request({ messages: [{ role: 'function', name: 'f', content: 'r' }] }), 'messages[0].role');
  });

  test('tools keep their JSON Schema whole, and tool_choice becomes the function calling mode', () => {
    const parameters = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { ids: { type: 'array', items: { type: 'integer' }, uniqueItems: true } }, additionalProperties: false };
    const tools = [
      { type: 'function', function: { name: 'lookup', description: 'Find records', parameters, strict: true } },
      { type: 'function', function: { name: 'ping' } },
    ];
    const withChoice = (tool_choice: unknown): unknown => request({ ...user('x'), tools, tool_choice });
    const sent = request({ ...user('x'), tools }) as { tools: unknown };
    assert.deepEqual(sent.tools, [{ functionDeclarations: [{ name: 'lookup', description: 'Find records', parametersJsonSchema: parameters }, { name: 'ping' }] }]);
    assert.deepEqual((withChoice('auto') as { toolConfig: unknown }).toolConfig, { functionCallingConfig: { mode: 'AUTO' } });
    assert.deepEqual((withChoice('none') as { toolConfig: unknown }).toolConfig, { functionCallingConfig: { mode: 'NONE' } });
    assert.deepEqual((withChoice('required') as { toolConfig: unknown }).toolConfig, { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual((withChoice({ type: 'function', function: { name: 'ping' } }) as { toolConfig: unknown }).toolConfig, {
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['ping'] },
    });
    throwsUnsupported(() => request({ ...user('x'), tools: [{ type: 'custom', custom: { name: 'grep' } }] }), 'tools[0].type');
  });

  test('sampling settings, several answers, JSON output and thinking go in generationConfig; stream does not', () => {
    const sent = request({
      ...user('x'),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      n: 3,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      parallel_tool_calls: false,
      user: 'u-1',
    });
    assert.deepEqual(sent, {
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      generationConfig: {
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['END'],
        candidateCount: 3,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
        thinkingConfig: { thinkingBudget: 1024 },
      },
    });
    assert.deepEqual(request({ ...user('x'), n: 1, response_format: { type: 'json_object' } }).generationConfig, { responseMimeType: 'application/json' });
    assert.deepEqual(request({ ...user('x'), reasoning_effort: 'none' }).generationConfig, { thinkingConfig: { thinkingBudget: 0 } });
  });

  test('what Gemini cannot give is refused, naming the field', () => {
    throwsUnsupported(() => request({ ...user('x'), logprobs: true }), 'logprobs');
    throwsUnsupported(() => request({ ...user('x'), functions: [{ name: 'f' }] }), 'functions');
    throwsUnsupported(() => request({ ...user('x'), modalities: ['text', 'audio'] }), 'modalities');
    throwsUnsupported(() => request({ ...user('x'), reasoning_effort: 'minimal' }), 'reasoning_effort');
    throwsUnsupported(() => request({ ...user('x'), response_format: { type: 'grammar' } }), 'response_format.type');
    throwsUnsupported(() => request({ ...user('x'), temperature: 'hot' }), 'temperature');
    assert.doesNotThrow(() => request({ ...user('x'), logprobs: false, modalities: ['text'] }));
  });
});

const answer = (body: unknown, ctx: TranslateContext = CTX): ChatCompletion => chat.response(body, ctx).body as ChatCompletion;

describe('openai -> gemini: chat answers', () => {
  test('each candidate is a choice: text without thoughts, calls with ids unique in the answer', () => {
    const got = answer({
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }, { functionCall: { name: 'g' } }] }, finishReason: 'STOP', index: 1 },
        { content: { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'Hel' }, { text: 'lo' }, { functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' },
      ],
      modelVersion: 'gemini-2.5-pro',
    });
    assert.equal(got.model, 'gemini-2.5-pro');
    assert.deepEqual(
      got.choices.map((c) => [c.index, c.message.content, c.finish_reason, c.message.tool_calls?.map((t) => [t.id, t.function.name, t.function.arguments])]),
      [
        [0, 'Hello', 'tool_calls', [['call_req-0001_0', 'f', '{}']]],
        [1, null, 'tool_calls', [['call_req-0001_1', 'f', '{"a":1}'], ['call_req-0001_2', 'g', '{}']]],
      ],
    );
    assert.ok(got.choices.every((c) => c.logprobs === null && c.message.refusal === null));
  });

  test('tool call ids are unique across the conversation, not only within one answer', () => {
    const call = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'now' } }] }, finishReason: 'STOP' }] };
    const ids = ['req-a', 'req-b'].map((id) => answer(call, { ...CTX, id }).choices[0]?.message.tool_calls?.[0]?.id);
    assert.deepEqual(ids, ['call_req-a_0', 'call_req-b_0']);
  });

  test('usage that is null, or counts that are not numbers, are no counts: nothing is concatenated or invented', () => {
    const text = { candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] };
    const none = chat.response({ ...text, usageMetadata: null }, CTX);
    assert.equal(none.usage, undefined);
    assert.equal((none.body as ChatCompletion).usage, undefined);
    const strings = chat.response({ ...text, usageMetadata: { promptTokenCount: 5, candidatesTokenCount: '7', thoughtsTokenCount: '2', toolUsePromptTokenCount: '1' } }, CTX);
    assert.deepEqual(strings.usage, { promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  });

  test('an answer without candidates that does not say the prompt was blocked is not an answer', () => {
    assert.throws(() => chat.response({ usageMetadata: { promptTokenCount: 8 } }, CTX), (err: unknown) => err instanceof GatewayError && err.code === 'upstream_invalid_response');
  });

  test("finish reasons: MAX_TOKENS is length, Google's filters are content_filter, the rest stop", () => {
    const finish = (reason: string): string => answer({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }] }).choices[0]?.finish_reason ?? '';
    assert.equal(finish('MAX_TOKENS'), 'length');
    for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) assert.equal(finish(reason), 'content_filter', reason);
    for (const reason of ['STOP', 'OTHER', 'LANGUAGE']) assert.equal(finish(reason), 'stop', reason);
  });

  test('a blocked prompt is one empty choice stopped by the content filter', () => {
    const got = chat.response({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } }, CTX);
    const body = got.body as ChatCompletion;
    assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'content_filter' }]);
    assert.equal(body.model, CTX.model, "without Google's model version, the one asked for");
    assert.deepEqual(got.usage, { promptTokens: 8, completionTokens: 0, totalTokens: 8 });
    assert.throws(() => chat.response('not json', CTX), GatewayError);
  });
});

describe('openai -> gemini: recorded Google answers', () => {
  test('a streamed reply with \\r\\n framing and usage in the last piece', () => {
    const got = runStream(recordedStream('stream-basic-reply-short.sse'));
    const read = openAiClientView.readStream(got.text, STREAM_CTX);
    assert.equal(read.text, 'The capital of Wyoming is **Cheyenne**.\n');
    assert.deepEqual([read.finishes, read.usage, read.terminated], [['stop'], { prompt: 7, completion: 10, cached: 0 }, true]);
    assert.equal(got.chunks[0]?.model, 'gemini-2.0-flash');
  });

  test("a thinking model's function call: no thought text, the call with its signature, thinking counted as reasoning", () => {
    const got = runStream(recordedStream('stream-thinking-function-call.sse'));
    const read = openAiClientView.readStream(got.text, STREAM_CTX);
    assert.deepEqual([read.text, read.calls, read.finishes], ['', [{ name: 'now', args: '{}' }], ['tool_calls']]);
    assert.deepEqual(got.usage, { promptTokens: 38, completionTokens: 174, totalTokens: 212, reasoningTokens: 168 });
    assert.match(got.text, /"extra_content":\{"google":\{"thought_signature":"CiIBVKhc7vB\+vaaq6rA/);

    const json = chat.response(recorded('json-thinking-function-call.json'), CTX);
    const message = (json.body as ChatCompletion).choices[0]?.message;
    assert.deepEqual([message?.content, message?.tool_calls?.[0]?.function], [null, { name: 'now', arguments: '{}' }]);
    assert.equal((json.body as ChatCompletion).usage?.completion_tokens_details?.reasoning_tokens, 501);
    // Sent back as the client got it, the call keeps its signature (Gemini 3 requires it).
    const signature = (recorded('json-thinking-function-call.json') as GenerateContentResponse).candidates?.[0]?.content?.parts?.[1]?.thoughtSignature;
    const next = request({ messages: [{ role: 'user', content: 'Days to New Year?' }, message, { role: 'tool', tool_call_id: message?.tool_calls?.[0]?.id, content: '2025-07-28' }] });
    assert.deepEqual((next.contents as { parts: unknown[] }[])[1]?.parts, [{ functionCall: { name: 'now', args: {} }, thoughtSignature: signature }]);
  });

  test('parallel calls, cached and thinking usage, and a blocked prompt stream', () => {
    const calls = answer(recorded('json-parallel-function-calls.json')).choices[0]?.message.tool_calls;
    assert.deepEqual(
      calls?.map((c) => [c.id, c.function.arguments]),
      [
        ['call_req-0001_0', '{"y":1,"x":2}'],
        ['call_req-0001_1', '{"y":3,"x":4}'],
        ['call_req-0001_2', '{"y":5,"x":6}'],
      ],
    );
    assert.deepEqual(answer(recorded('json-implicit-caching.json')).usage, {
      prompt_tokens: 12013,
      completion_tokens: 88,
      total_tokens: 12101,
      prompt_tokens_details: { cached_tokens: 11243 },
      completion_tokens_details: { reasoning_tokens: 73 },
    });
    const blocked = openAiClientView.readStream(runStream(recordedStream('stream-prompt-blocked.sse')).text, STREAM_CTX);
    assert.deepEqual([blocked.text, blocked.finishes, blocked.terminated], ['', ['content_filter'], true]);
  });

  test('errors: a bad API key is 401, exhausted quota stays 429, bodies that are not JSON keep their text', () => {
    const asError = (name: string): unknown => {
      const f = fixture(name);
      return openAiToGemini.error(f.status, Buffer.from(JSON.stringify(f.body)), {});
    };
    assert.deepEqual(asError('error-api-key.json'), {
      status: 401,
      body: { error: { message: 'API key not valid. Please pass a valid API key.', type: 'authentication_error', param: null, code: 'invalid_api_key' } },
    });
    const quota = asError('error-quota-exceeded.json') as { status: number; body: { error: { type: string; code: string } } };
    assert.deepEqual([quota.status, quota.body.error.type, quota.body.error.code], [429, 'rate_limit_error', 'resource_exhausted']);
    assert.deepEqual(openAiToVertex.error(502, Buffer.from('<html>Bad Gateway</html>'), {}).body, { error: { message: '<html>Bad Gateway</html>', type: 'server_error', param: null, code: null } });
    const wrapped = openAiToGemini.error(503, Buffer.from('[{"error":{"code":503,"message":"Overloaded","status":"UNAVAILABLE"}}]'), {});
    assert.deepEqual(wrapped, { status: 503, body: { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'unavailable' } } });
  });
});
