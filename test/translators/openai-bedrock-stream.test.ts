import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import yaml from 'js-yaml';
import type { ChatCompletionChunk, ErrorBody } from '../../src/apischema/openai.js';
import { openAiToBedrock } from '../../src/translators/openai-bedrock/index.js';
import type { OperationTranslator, TranslateContext } from '../../src/translators/translator.js';
import { eventFrame, exceptionFrame } from '../fixtures/bedrock/bedrock-stand-in.js';
import { CTX, dataLines } from './chat-suite.js';

// OpenAI clients reading Bedrock's ConverseStream (AWS event-stream frames): recorded captures,
// and the cases the shared suite does not reach.

const chat = openAiToBedrock.operations.chat as Required<OperationTranslator>;
const STREAM_CTX: TranslateContext = { ...CTX, stream: true, includeUsage: true };
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/bedrock/${name}`, import.meta.url), 'utf8');

interface Cassette {
  interactions: { response: { body?: { string: Uint8Array } } }[];
}
const cassette = (name: string): Cassette => yaml.load(fixture(name)) as Cassette;
/** A vercel/ai fixture: the file as recorded, inside its attribution. */
const recordedJson = (name: string): unknown => (JSON.parse(fixture(name)) as { recorded: unknown }).recorded;

function run(bytes: Buffer, pieceSize = bytes.length, ctx: TranslateContext = STREAM_CTX): { sse: string; failed: boolean; usage: unknown } {
  const stream = chat.stream(ctx);
  let sse = '';
  for (let i = 0; i < bytes.length; i += pieceSize) sse += stream.push(bytes.subarray(i, i + pieceSize));
  sse += stream.end();
  return { sse, failed: stream.failed, usage: stream.usage };
}

const chunks = (sse: string): (ChatCompletionChunk & Partial<ErrorBody>)[] =>
  dataLines(sse)
    .filter((l) => l !== '[DONE]')
    .map((l) => JSON.parse(l) as ChatCompletionChunk & Partial<ErrorBody>);
const streamedText = (sse: string): string => chunks(sse).map((c) => c.choices?.[0]?.delta.content ?? '').join('');
const toolDeltas = (sse: string): unknown[] => chunks(sse).flatMap((c) => c.choices?.[0]?.delta.tool_calls ?? []);

describe('openai → bedrock: the stream', () => {
  const live = recordedJson('issue-18994-live-converse-stream.json') as { response: { bodyBase64: string } };
  const liveBytes = Buffer.from(live.response.bodyBase64, 'base64');

  test('a live ConverseStream capture (vercel/ai) becomes OpenAI chunks, usage and [DONE], however it is split', () => {
    const whole = run(liveBytes);
    assert.equal(streamedText(whole.sse), 'OK.');
    const all = chunks(whole.sse);
    assert.equal(all[0]?.choices[0]?.delta.role, 'assistant');
    assert.deepEqual(all.at(-2)?.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(all.at(-1), { id: 'chatcmpl-req-0001', object: 'chat.completion.chunk', created: CTX.created, model: CTX.model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } });
    assert.equal(dataLines(whole.sse).at(-1), '[DONE]');
    for (const size of [1, 3, 64]) assert.equal(run(liveBytes, size).sse, whole.sse);
  });

  test('the finish chunk goes out at messageStop; usage and [DONE] wait for metadata, which comes after it', () => {
    const stream = chat.stream(STREAM_CTX);
    stream.push(Buffer.concat([eventFrame('messageStart', { role: 'assistant' }), eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } })]));
    const atStop = stream.push(eventFrame('messageStop', { stopReason: 'end_turn' }));
    assert.equal(chunks(atStop)[0]?.choices[0]?.finish_reason, 'stop');
    assert.ok(!atStop.includes('[DONE]'));
    const atMetadata = stream.push(eventFrame('metadata', { usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } }));
    assert.deepEqual(chunks(atMetadata)[0]?.usage, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
    assert.ok(atMetadata.endsWith('data: [DONE]\n\n'));
    assert.equal(stream.end(), '');
  });

  test('a recorded text-then-tool stream (pydantic-ai) gives tool call 0 with its id, name and arguments', () => {
    const bytes = Buffer.from(cassette('test_bedrock_model_iter_stream.yaml').interactions[0]?.response.body?.string ?? []);
    const { sse, usage } = run(bytes, 17);
    const calls = chunks(sse).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(calls[0], { index: 0, id: 'tooluse_lAG_zP8QRHmSYOwZzzaCqA', type: 'function', function: { name: 'get_temperature', arguments: '' } });
    assert.deepEqual(calls.slice(1), [{ index: 0, function: { arguments: '{"city":"Paris"}' } }]);
    assert.ok(streamedText(sse).startsWith('<thinking> To find the temperature'));
    assert.deepEqual(chunks(sse).flatMap((c) => c.choices[0]?.finish_reason ?? []), ['tool_calls']);
    assert.deepEqual(usage, { promptTokens: 471, completionTokens: 91, totalTokens: 562 });
  });

  test('recorded reasoning deltas (pydantic-ai, Claude thinking) stay out of the content', () => {
    const bytes = Buffer.from(cassette('test_bedrock_model_thinking_part_stream.yaml').interactions[0]?.response.body?.string ?? []);
    assert.equal(streamedText(run(bytes, 50).sse), "Hello! It's nice to meet you. How can I help you today?");
  });

  test('a response_format answer tool streams as content and finishes with stop', () => {
    const bytes = Buffer.concat([
      eventFrame('messageStart', { role: 'assistant' }),
      eventFrame('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { name: 'response_format__reply', toolUseId: 'tooluse_a' } } }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{"answer":' } } }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '"yes"}' } } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('messageStop', { stopReason: 'tool_use' }),
      eventFrame('metadata', { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }),
    ]);
    const { sse } = run(bytes);
    assert.equal(streamedText(sse), '{"answer":"yes"}');
    assert.ok(chunks(sse).every((c) => c.choices[0]?.delta.tool_calls === undefined));
    assert.deepEqual(chunks(sse).flatMap((c) => c.choices[0]?.finish_reason ?? []), ['stop']);
  });

  test('a stream cut before messageStop ends with an error event and no [DONE]', () => {
    const cut = liveBytes.subarray(0, liveBytes.length - 300);
    const { sse, failed } = run(cut);
    assert.equal(streamedText(sse), 'OK.');
    assert.match(chunks(sse).at(-1)?.error?.message ?? '', /ended before the answer finished/);
    assert.ok(!sse.includes('[DONE]'));
    assert.ok(failed);
  });

  test('a stream that finished but lost its metadata still ends with [DONE], without inventing usage', () => {
    const withoutMetadata = liveBytes.subarray(0, liveBytes.length - 257);
    const { sse, failed } = run(withoutMetadata);
    assert.ok(sse.endsWith('data: [DONE]\n\n'));
    assert.ok(chunks(sse).every((c) => c.usage === null));
    assert.ok(!failed);
  });

  test('a frame with a bad CRC is an error event; the frames before it still reach the client', () => {
    const corrupt = Buffer.from(liveBytes);
    const second = corrupt.readUInt32BE(0);
    corrupt[second + 100] = (corrupt[second + 100] ?? 0) ^ 0xff; // inside the first text delta's payload
    for (const size of [corrupt.length, 1]) {
      const { sse, failed } = run(corrupt, size);
      const last = chunks(sse).at(-1);
      assert.match(last?.error?.message ?? '', /corrupt/);
      assert.equal(last?.error?.type, 'server_error');
      assert.equal(chunks(sse).length, 2, 'the role chunk, then the error');
      assert.ok(!sse.includes('[DONE]') && failed);
    }
  });

  test('a corrupted length is caught by the prelude CRC at once, not waited for', () => {
    const corrupt = Buffer.from(liveBytes.subarray(0, 40));
    corrupt[2] = 0x7f;
    const stream = chat.stream(STREAM_CTX);
    assert.match(chunks(stream.push(corrupt)).at(-1)?.error?.message ?? '', /prelude/);
    assert.ok(stream.failed);
    assert.equal(stream.push(liveBytes), '');
    assert.equal(stream.end(), '');
  });

  test('a recorded modelStreamErrorException frame (vercel/ai) becomes a server error event', () => {
    const frame = Buffer.from(recordedJson('model-stream-error-exception.json') as string, 'base64');
    const { sse, failed } = run(Buffer.concat([eventFrame('messageStart', { role: 'assistant' }), frame]), 9);
    assert.deepEqual(chunks(sse).at(-1), { error: { message: 'Model Stream Error: The model stream failed.', type: 'server_error', param: null, code: 'ModelStreamErrorException' } });
    assert.ok(failed);
  });

  test('an in-band throttlingException is a rate limit error event; nothing follows it', () => {
    const bytes = Buffer.concat([eventFrame('messageStart', { role: 'assistant' }), exceptionFrame('throttlingException', { message: 'Too many tokens, please wait before trying again.' }), eventFrame('messageStop', { stopReason: 'end_turn' })]);
    const { sse } = run(bytes);
    assert.deepEqual(chunks(sse).at(-1)?.error, { message: 'Too many tokens, please wait before trying again.', type: 'rate_limit_error', param: null, code: 'ThrottlingException' });
    assert.ok(!sse.includes('finish_reason":"stop'));
  });

  test('a tool call without arguments streams "{}" at its block\'s end, as the JSON answer gives', () => {
    const bytes = Buffer.concat([
      eventFrame('messageStart', { role: 'assistant' }),
      eventFrame('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { name: 'now', toolUseId: 'tooluse_n' } } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { name: 'get_weather', toolUseId: 'tooluse_w' } } }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":"Paris"}' } } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 1 }),
      eventFrame('messageStop', { stopReason: 'tool_use' }),
      eventFrame('metadata', { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }),
    ]);
    assert.deepEqual(toolDeltas(run(bytes).sse), [
      { index: 0, id: 'tooluse_n', type: 'function', function: { name: 'now', arguments: '' } },
      { index: 0, function: { arguments: '{}' } },
      { index: 1, id: 'tooluse_w', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, function: { arguments: '{"city":"Paris"}' } },
    ]);
  });

  test('once a response_format answer has begun, the model\'s text is left out: the content is the JSON alone', () => {
    const bytes = Buffer.concat([
      eventFrame('messageStart', { role: 'assistant' }),
      eventFrame('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { name: 'response_format__reply', toolUseId: 'tooluse_a' } } }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{"answer":"yes"}' } } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Let me know if you need more.' } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 1 }),
      eventFrame('messageStop', { stopReason: 'tool_use' }),
      eventFrame('metadata', { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }),
    ]);
    const { sse } = run(bytes);
    assert.equal(streamedText(sse), '{"answer":"yes"}');
    assert.deepEqual(chunks(sse).flatMap((c) => c.choices?.[0]?.finish_reason ?? []), ['stop']);
  });

  test('tool input for a block that was never started ends the stream with an error event', () => {
    const bytes = Buffer.concat([eventFrame('messageStart', { role: 'assistant' }), eventFrame('contentBlockDelta', { contentBlockIndex: 4, delta: { toolUse: { input: '{}' } } })]);
    const { sse, failed } = run(bytes);
    assert.equal(chunks(sse).at(-1)?.error?.type, 'server_error');
    assert.ok(failed);
  });
});
