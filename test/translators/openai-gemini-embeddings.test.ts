import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { openAiToGemini, openAiToVertex } from '../../src/translators/openai-gemini/index.js';
import type { OperationTranslator, TranslateContext } from '../../src/translators/translator.js';
import { CTX } from './chat-suite.js';

// OpenAI embeddings and model listing in front of Gemini (`:batchEmbedContents`, `models`) and
// Vertex AI (`:predict`).

function throwsUnsupported(fn: () => unknown, param: string): void {
  assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param && err.message.length > 0);
}

describe('openai -> gemini / vertex: embeddings and models', () => {
  const ctx: TranslateContext = { ...CTX, model: 'gemini-embedding-001' };
  const gemini = openAiToGemini.operations.embeddings as OperationTranslator;
  const vertex = openAiToVertex.operations.embeddings as OperationTranslator;

  test('Gemini: texts as batchEmbedContents requests; vectors back in order, with no invented token counts', () => {
    assert.deepEqual(gemini.request({ model: 'm', input: ['a', 'b'], dimensions: 768, user: 'u' }, ctx), {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 768 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 768 },
      ],
    });
    assert.deepEqual((gemini.request({ input: 'a' }, { ...ctx, model: 'tunedModels/mine' }).requests as { model: string }[])[0]?.model, 'tunedModels/mine');
    const got = gemini.response({ embeddings: [{ values: [0.1, -0.2] }, { values: [0.3, 0.4] }] }, ctx);
    assert.deepEqual(got.body, {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, -0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    assert.equal(got.usage, undefined);
    throwsUnsupported(() => gemini.request({ input: [[1, 2, 3]] }, ctx), 'input');
    throwsUnsupported(() => gemini.request({ input: 'a', encoding_format: 'base64' }, ctx), 'encoding_format');
  });

  test('Vertex: texts as predict instances; usage from the token counts', () => {
    assert.deepEqual(vertex.request({ input: ['a', 'b'], dimensions: 256 }, ctx), { instances: [{ content: 'a' }, { content: 'b' }], parameters: { outputDimensionality: 256 } });
    assert.deepEqual(vertex.request({ input: 'a' }, ctx), { instances: [{ content: 'a' }] });
    const prediction = (values: number[], tokens: number): unknown => ({ embeddings: { values, statistics: { token_count: tokens, truncated: false } } });
    const got = vertex.response({ predictions: [prediction([1, 2], 4), prediction([3, 4], 6)], metadata: { billableCharacterCount: 20 } }, ctx);
    assert.deepEqual((got.body as { data: unknown; usage: unknown }).data, [
      { object: 'embedding', index: 0, embedding: [1, 2] },
      { object: 'embedding', index: 1, embedding: [3, 4] },
    ]);
    assert.deepEqual((got.body as { usage: unknown }).usage, { prompt_tokens: 10, total_tokens: 10 });
    assert.deepEqual(got.usage, { promptTokens: 10, completionTokens: 0, totalTokens: 10 });
    throwsUnsupported(() => vertex.request({ input: [[1]] }, ctx), 'input');
  });

  test('Gemini models list as OpenAI models; Vertex has no listing', () => {
    const models = openAiToGemini.operations.models as OperationTranslator;
    const got = models.response({ models: [{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', supportedGenerationMethods: ['generateContent'] }, { name: 'models/gemini-embedding-001' }], nextPageToken: 'x' }, CTX);
    assert.deepEqual(got.body, {
      object: 'list',
      data: [
        { id: 'gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' },
        { id: 'gemini-embedding-001', object: 'model', created: 0, owned_by: 'google' },
      ],
    });
    assert.equal(openAiToVertex.operations.models, undefined);
    assert.equal(openAiToVertex.operations.chat, openAiToGemini.operations.chat);
  });

  test('vectors that are not lists of numbers are not embeddings: the answer fails as the provider\'s', () => {
    const ctx: TranslateContext = { ...CTX, model: 'gemini-embedding-001' };
    const malformed = (err: unknown): boolean => err instanceof GatewayError && err.code === 'upstream_invalid_response';
    assert.throws(() => (openAiToGemini.operations.embeddings as OperationTranslator).response({ embeddings: [{ values: [0.1, '0.2'] }] }, ctx), malformed);
    assert.throws(() => (openAiToGemini.operations.embeddings as OperationTranslator).response({ embeddings: [null] }, ctx), malformed);
    assert.throws(() => (openAiToVertex.operations.embeddings as OperationTranslator).response({ predictions: [null] }, ctx), malformed);
    const uncounted = (openAiToVertex.operations.embeddings as OperationTranslator).response({ predictions: [{ embeddings: { values: [1], statistics: { token_count: '4' } } }] }, ctx);
    assert.equal(uncounted.usage, undefined, 'a count given as text is no count');
  });
});
