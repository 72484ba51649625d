import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../../src/apischema/anthropic.js';
import { anthropicToOpenAi } from '../../src/translators/anthropic-openai/index.js';
import type { StreamTranslator } from '../../src/translators/translator.js';
import { openAiChunks, openAiSse } from '../fixtures/openai/stand-in.js';
import { anthropicClientView } from './anthropic-client-view.js';
import { CTX, sseEvents } from './chat-suite.js';

// Anthropic clients reading an OpenAI chat completions stream: recorded OpenAI streams, and the
// cases the shared suite does not reach.

const chat = anthropicToOpenAi.operations.chat;
assert.ok(chat?.stream !== undefined);
const STREAM_CTX = { ...CTX, stream: true, includeUsage: true };

const events = (sse: string): StreamEvent[] => sseEvents(sse).map((e) => JSON.parse(e.data) as StreamEvent);

function run(bytes: Buffer, pieceSize = bytes.length): { sse: string; stream: StreamTranslator } {
  const stream = chat?.stream?.(STREAM_CTX);
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
    assert.deepEqual(sdk.usage, { prompt: 149, completion: 60, cached: 0 });
  });

  test("OpenAI's recorded text and max_tokens streams end with the right stop reason and usage", async () => {
    const text = await anthropicClientView.sdkReassemble(run(fixture('text.sse'), 13).sse);
    assert.equal(
      text.text,
      "I'm unable to provide real-time updates, including current weather information. For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as the Weather Channel, BBC Weather, or a local San Francisco news station.",
    );
    assert.deepEqual([text.finishes, text.usage], [['end_turn'], { prompt: 14, completion: 47, cached: 0 }]);
    const cut = anthropicClientView.readStream(run(fixture('length.sse')).sse, STREAM_CTX);
    assert.deepEqual([cut.text, cut.finishes, cut.usage, cut.terminated], ['{"', ['max_tokens'], { prompt: 17, completion: 1, cached: 0 }, true]);
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
    assert.deepEqual([got.text, got.calls, got.finishes, got.usage], ['Let me check.', [{ name: 'get_weather', args: { city: 'Paris' } }], ['tool_use'], { prompt: 30, completion: 12, cached: 20 }]);
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

  test('a late delta with empty arguments for an earlier call, after a later call started, changes nothing', () => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    const { sse, stream } = run(
      openAiSse([
        chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '' } }] }),
        chunk({}, 'tool_calls'),
      ]),
    );
    const got = anthropicClientView.readStream(sse, STREAM_CTX);
    assert.ok(!stream.failed, sse);
    assert.deepEqual([got.calls, got.finishes, got.terminated], [[{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_time', args: { tz: 'CET' } }], ['tool_use'], true]);
  });
});

