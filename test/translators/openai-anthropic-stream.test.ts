import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { MessagesResponse, StreamEvent } from '../../src/apischema/anthropic.js';
import type { ChatCompletionChunk } from '../../src/apischema/openai.js';
import { openAiToAnthropic } from '../../src/translators/openai-anthropic/index.js';
import type { StreamTranslator } from '../../src/translators/translator.js';
import { anthropicEvents, anthropicSse, anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { CTX, dataLines } from './chat-suite.js';

// OpenAI clients reading Anthropic's Messages stream: recorded streams, and the cases the
// shared suite does not reach.

const chat = openAiToAnthropic.operations.chat;
assert.ok(chat?.stream !== undefined);
const STREAM_CTX = { ...CTX, stream: true, includeUsage: true };

/** Every chunk of a translated stream (not `[DONE]`), in order. */
function chunks(sse: string): (ChatCompletionChunk & { error?: { type: string; code: string | null } })[] {
  return dataLines(sse)
    .filter((l) => l !== '[DONE]')
    .map((l) => JSON.parse(l) as ChatCompletionChunk);
}

function run(bytes: Buffer, ctx = STREAM_CTX): { sse: string; stream: StreamTranslator } {
  const stream = chat?.stream?.(ctx);
  assert.ok(stream !== undefined);
  return { sse: stream.push(bytes) + stream.end(), stream };
}

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/anthropic/${name}`, import.meta.url));
const content = (sse: string): string => chunks(sse).map((c) => c.choices[0]?.delta.content ?? '').join('');
const finishes = (sse: string): string[] => chunks(sse).flatMap((c) => c.choices.flatMap((ch) => (ch.finish_reason === null ? [] : [ch.finish_reason])));

function message(blocks: MessagesResponse['content'], stop: MessagesResponse['stop_reason']): MessagesResponse {
  return { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: blocks, stop_reason: stop, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 3 } };
}

describe('OpenAI -> Anthropic: streams', () => {
  test('a recorded text stream: role first, the text, one finish, usage, [DONE]', () => {
    const { sse, stream } = run(fixture('text.sse'));
    const got = chunks(sse);
    assert.deepEqual(got[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
    assert.equal(got.map((c) => c.choices[0]?.delta.content ?? '').join(''), "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    assert.ok(got.every((c) => c.id === 'chatcmpl-req-0001' && c.model === 'claude-sonnet-4-5-20250929' && c.created === CTX.created));
    assert.deepEqual(got.at(-1)?.usage, { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, prompt_tokens_details: { cached_tokens: 0 } });
    assert.equal(got.at(-2)?.choices[0]?.finish_reason, 'stop');
    assert.ok(sse.endsWith('data: [DONE]\n\n'));
    assert.equal(stream.model, 'claude-sonnet-4-5-20250929');
  });

  test('recorded tool streams: calls numbered from 0 whatever the block index, arguments always JSON', () => {
    const noArgs = chunks(run(fixture('tool-no-args.sse')).sse).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(noArgs, [
      { index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', type: 'function', function: { name: 'updateIssueList', arguments: '' } },
      { index: 0, function: { arguments: '{}' } },
    ]);
    const forced = chunks(run(fixture('forced-tool.sse')).sse);
    const args = forced.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '');
    assert.deepEqual(JSON.parse(args.join('')), { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
    assert.equal(forced.at(-2)?.choices[0]?.finish_reason, 'tool_calls');
  });

  test('thinking deltas are not content', () => {
    const bytes = anthropicSse([
      { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 4, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Two and two' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Four.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]);
    const { sse, stream } = run(bytes);
    assert.equal(chunks(sse).map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Four.');
    assert.deepEqual(stream.usage, { promptTokens: 4, completionTokens: 9, totalTokens: 13 });
  });

  test('a stream cut off before message_stop ends with an error event, not [DONE]', () => {
    const events = anthropicEvents({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'Half an answ' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 4, output_tokens: 3 } });
    const { sse, stream } = run(anthropicSse(events.slice(0, -2)));
    assert.ok(!sse.includes('[DONE]'));
    assert.equal(chunks(sse).at(-1)?.error?.type, 'server_error');
    assert.ok(stream.failed);
  });

  test("Anthropic's overloaded_error in the stream is a server_error event, and nothing follows it", () => {
    const bytes = Buffer.concat([anthropicStandIn.streamWithError({ model: 'm' }), anthropicSse([{ type: 'message_stop' }])]);
    const got = chunks(run(bytes).sse);
    assert.deepEqual(got.at(-1), { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } });
  });

  test('a response_format answer streams as the whole content, and ends with stop', () => {
    const answer = { type: 'tool_use' as const, id: 'toolu_1', name: 'response_format__place', input: { city: 'Paris' } };
    const { sse } = run(anthropicSse(anthropicEvents(message([answer], 'tool_use'))));
    assert.equal(content(sse), '{"city":"Paris"}');
    assert.ok(chunks(sse).every((c) => c.choices[0]?.delta.tool_calls === undefined));
    assert.deepEqual(finishes(sse), ['stop']);
    // Once the answer has begun, the model's text would make the content unreadable as JSON.
    const chatty = run(anthropicSse(anthropicEvents(message([answer, { type: 'text', text: 'Hope this helps.' }], 'tool_use'))));
    assert.equal(content(chatty.sse), '{"city":"Paris"}');
    // A second answer would too: the first is the answer.
    const twice = run(anthropicSse(anthropicEvents(message([answer, { ...answer, id: 'toolu_2', input: { city: 'Lyon' } }], 'tool_use'))));
    assert.equal(content(twice.sse), '{"city":"Paris"}');
  });

  test('without message_delta, the finish reason is tool_calls when tool calls were streamed', () => {
    const events = anthropicEvents(message([{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }], 'tool_use'));
    const withoutDelta = events.filter((e: StreamEvent) => e.type !== 'message_delta');
    const { sse, stream } = run(anthropicSse(withoutDelta));
    assert.deepEqual(finishes(sse), ['tool_calls']);
    assert.ok(sse.endsWith('data: [DONE]\n\n') && !stream.failed);
    const text = run(anthropicSse(anthropicEvents(message([{ type: 'text', text: 'Hi' }], 'end_turn')).filter((e) => e.type !== 'message_delta')));
    assert.deepEqual(finishes(text.sse), ['stop']);
  });

  test('an event that is not JSON, or a delta for a block never started, ends the stream with an error event', () => {
    for (const bytes of [Buffer.from('event: message_start\ndata: {"type":"message_start",\n\n'), anthropicSse([{ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'x' } }])]) {
      const { sse, stream } = run(bytes);
      assert.equal(chunks(sse).at(-1)?.error?.type, 'server_error');
      assert.ok(stream.failed && !sse.includes('[DONE]'));
    }
  });
});
