import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openAiToGemini } from '../../src/translators/openai-gemini/index.js';
import type { OperationTranslator, TranslateContext } from '../../src/translators/translator.js';
import { geminiSse as sse } from '../fixtures/gemini/stand-in.js';
import { CTX, translateWhole } from './chat-suite.js';

// OpenAI clients reading Gemini's `:streamGenerateContent?alt=sse`: several candidates, cut
// streams, and the cases the shared suite does not reach.

const chat = openAiToGemini.operations.chat as OperationTranslator;
const STREAM_CTX: TranslateContext = { ...CTX, stream: true, includeUsage: true };

const runStream = (bytes: Buffer, ctx: TranslateContext = STREAM_CTX): ReturnType<typeof translateWhole> => translateWhole(chat, bytes, ctx);

describe('openai -> gemini: streams', () => {
  test('several candidates stream as several choices, each with its role, tool indexes and one finish at the end', () => {
    const piece = (index: number, parts: unknown[], finishReason?: string): unknown => ({ candidates: [{ content: { role: 'model', parts }, index, ...(finishReason ? { finishReason } : {}) }] });
    const { chunks, text } = runStream(
      sse([
        piece(0, [{ text: 'A' }]),
        piece(1, [{ functionCall: { name: 'f', args: { q: 1 } }, thoughtSignature: 'c2ln' }]),
        piece(0, [{ text: 'B' }], 'MAX_TOKENS'),
        piece(1, [{ functionCall: { name: 'g', args: {} } }], 'STOP'),
        { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, thoughtsTokenCount: 2, cachedContentTokenCount: 3, totalTokenCount: 14 } },
      ]),
    );
    const choices = chunks.flatMap((c) => (c.choices as Record<string, unknown>[]).map((ch) => ch));
    assert.deepEqual(choices.filter((c) => c.index === 0).map((c) => [c.delta, c.finish_reason]), [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'A' }, null],
      [{ content: 'B' }, null],
      [{}, 'length'],
    ]);
    assert.deepEqual(choices.filter((c) => c.index === 1).map((c) => [c.delta, c.finish_reason]), [
      [{ role: 'assistant', content: '' }, null],
      [{ tool_calls: [{ extra_content: { google: { thought_signature: 'c2ln' } }, index: 0, id: 'call_req-0001_0', type: 'function', function: { name: 'f', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"q":1}' } }] }, null],
      [{ tool_calls: [{ index: 1, id: 'call_req-0001_1', type: 'function', function: { name: 'g', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, null],
      [{}, 'tool_calls'],
    ]);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } });
    assert.ok(text.endsWith('data: [DONE]\n\n'));
  });

  test('a stream cut off before its finish reason ends with an error event, not [DONE]', () => {
    const got = runStream(sse([{ candidates: [{ content: { parts: [{ text: 'Half an ans' }] }, index: 0 }] }]));
    assert.ok(got.failed);
    assert.ok(!got.text.includes('[DONE]'));
    assert.deepEqual(got.chunks.at(-1), { error: { message: "the provider's stream ended before the answer finished", type: 'server_error', param: null, code: null } });
    assert.ok(runStream(Buffer.from('')).failed, 'an empty stream did not answer');
    assert.match(runStream(Buffer.from('data: {"candidates": [\r\n\r\n')).text, /not JSON/);
  });

  test('a finish reason repeated on every piece (older Vertex streams) still ends each choice once', () => {
    const piece = (text: string): unknown => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }] });
    const { chunks } = runStream(sse([piece('秋风'), piece('瑟瑟')]), { ...CTX, stream: true });
    assert.deepEqual(
      chunks.map((c) => (c.choices as { delta: unknown; finish_reason: unknown }[]).map((ch) => [ch.delta, ch.finish_reason])),
      [[[{ role: 'assistant', content: '' }, null]], [[{ content: '秋风' }, null]], [[{ content: '瑟瑟' }, null]], [[{}, 'stop']]],
    );
  });

  test('a piece whose usageMetadata is null keeps the usage counted so far, and the stream goes on', () => {
    const piece = (text: string, usageMetadata: unknown, finishReason?: string): unknown => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) }], usageMetadata });
    const got = runStream(sse([piece('Hel', { promptTokenCount: 4, candidatesTokenCount: 1, totalTokenCount: 5 }), piece('lo', null, 'STOP')]));
    assert.ok(!got.failed && got.text.endsWith('data: [DONE]\n\n'));
    assert.deepEqual(got.usage, { promptTokens: 4, completionTokens: 1, totalTokens: 5 });
  });

  test('tool call ids come from the answer id, so two answers never share one', () => {
    const call = sse([{ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'now', args: {} } }] }, finishReason: 'STOP', index: 0 }] }]);
    const ids = ['req-a', 'req-b'].map((id) => {
      const deltas = runStream(call, { ...STREAM_CTX, id }).chunks.flatMap((c) => (c.choices as { delta: { tool_calls?: { id?: string }[] } }[]).flatMap((ch) => ch.delta.tool_calls ?? []));
      return deltas[0]?.id;
    });
    assert.deepEqual(ids, ['call_req-a_0', 'call_req-b_0']);
  });

  test('an event that is JSON but not a GenerateContentResponse ends the stream with an error event', () => {
    const got = runStream(Buffer.from('data: [1,2]\r\n\r\n'));
    assert.ok(got.failed);
    assert.equal((got.chunks.at(-1)?.error as { type?: string } | undefined)?.type, 'server_error');
  });
});
