import type { TitanEmbeddingRequest } from '../../apischema/bedrock.js';
import type { EmbeddingsResponse } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { malformedAnswer, unsupported } from '../common/errors.js';
import { finiteNumbers, tokenCount } from '../common/values.js';
import type { OperationTranslator, TranslateContext, TranslatedAnswer } from '../translator.js';

/** The one text of an OpenAI embeddings input: a string, or an array holding exactly one. */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.length === 1 && typeof input[0] === 'string') return input[0];
  if (Array.isArray(input) && input.length > 1 && input.every((item) => typeof item === 'string')) {
    throw unsupported('input', `Titan embeds one text per request; send the ${input.length} inputs as separate requests`);
  }
  throw unsupported('input', 'Titan embeds text: input must be a string (token arrays are not accepted)');
}

/** Titan's vector: `embedding`, or the float one of `embeddingsByType`; numbers only. */
function vectorOf(answer: Record<string, unknown>): number[] {
  const byType = isPlainObject(answer.embeddingsByType) ? answer.embeddingsByType : {};
  const vector = finiteNumbers(Array.isArray(answer.embedding) ? answer.embedding : byType.float);
  if (vector === undefined) throw malformedAnswer("Titan's answer has no embedding of numbers");
  return vector;
}

/**
 * OpenAI embeddings to Titan text embeddings (InvokeModel on `amazon.titan-embed-text-*`).
 * `dimensions` passes through (Titan v2 takes 256, 512 or 1024). Titan returns floats only,
 * and the answer does not say how the client wanted them, so base64 is refused.
 */
export const embeddings: OperationTranslator = {
  request(body: Record<string, unknown>): Record<string, unknown> {
    if (body.encoding_format !== undefined && body.encoding_format !== null && body.encoding_format !== 'float') {
      throw unsupported('encoding_format', 'only encoding_format "float" is supported for Titan embeddings');
    }
    const out: TitanEmbeddingRequest = { inputText: inputText(body.input) };
    if (typeof body.dimensions === 'number') out.dimensions = body.dimensions;
    return { ...out };
  },

  response(body: unknown, ctx: TranslateContext): TranslatedAnswer {
    if (!isPlainObject(body)) throw malformedAnswer("Titan's answer is not a JSON object");
    const tokens = tokenCount(body.inputTextTokenCount);
    const list: EmbeddingsResponse = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: vectorOf(body) }],
      model: ctx.model,
      usage: { prompt_tokens: tokens ?? 0, total_tokens: tokens ?? 0 },
    };
    return { body: list, usage: tokens === undefined ? undefined : { promptTokens: tokens, completionTokens: 0, totalTokens: tokens }, model: undefined };
  },
};
