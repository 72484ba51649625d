import type { BatchEmbedContentsRequest, VertexEmbeddingsRequest } from '../../apischema/gemini.js';
import type { EmbeddingsResponse } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import type { OperationTranslator, TranslatedAnswer, TranslateContext } from '../translator.js';
import { malformedAnswer, unsupported } from '../common/errors.js';
import { finiteNumbers, tokenCount } from '../common/values.js';

// OpenAI embeddings requests as Gemini's `:batchEmbedContents` and Vertex AI's `:predict`.

/** The texts to embed. Google embeds text, so OpenAI's token-id inputs cannot be sent. */
function inputTexts(body: Record<string, unknown>): string[] {
  const input = body.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input;
  throw unsupported('input', 'Gemini embeds text: input must be a string or an array of strings, not token ids');
}

/**
 * Only float vectors: a base64 answer would have to be encoded from the provider's floats,
 * and the answer's translation does not see the request that asked for it.
 */
function checkEncoding(body: Record<string, unknown>): void {
  const format = body.encoding_format;
  if (format !== undefined && format !== null && format !== 'float') throw unsupported('encoding_format', 'only float embeddings are supported for Gemini; leave encoding_format unset or float');
}

function dimensions(body: Record<string, unknown>): number | undefined {
  const value = body.dimensions;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw unsupported('dimensions', 'dimensions must be an integer');
  return value;
}

/** Gemini names models `models/<id>`; a name that already has a collection (`models/`, `tunedModels/`) is kept. */
export function modelResource(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

/** An embedding's values, which must all be numbers: anything else is not an embedding to hand on. */
function vector(values: unknown, source: string): number[] {
  const numbers = finiteNumbers(values);
  if (numbers === undefined) throw malformedAnswer(`${source} holds an embedding that is not a list of numbers`);
  return numbers;
}

function embeddingList(vectors: number[][], ctx: TranslateContext, promptTokens: number): EmbeddingsResponse {
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: ctx.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export const geminiEmbeddings: OperationTranslator = {
  request(body, ctx): Record<string, unknown> {
    checkEncoding(body);
    const outputDimensionality = dimensions(body);
    const request: BatchEmbedContentsRequest = {
      requests: inputTexts(body).map((text) => ({
        model: modelResource(ctx.model),
        content: { parts: [{ text }] },
        ...(outputDimensionality !== undefined ? { outputDimensionality } : {}),
      })),
    };
    return request;
  },

  response(body, ctx): TranslatedAnswer {
    if (!isPlainObject(body) || !Array.isArray(body.embeddings)) throw malformedAnswer("Gemini's answer is not a BatchEmbedContentsResponse");
    const vectors = body.embeddings.map((e: unknown) => vector(isPlainObject(e) ? e.values : undefined, "Gemini's answer"));
    // Gemini counts no tokens for embeddings. OpenAI's shape requires `usage`, so it holds
    // zeros there, and no usage is reported to the gateway's metrics.
    return { body: embeddingList(vectors, ctx, 0), usage: undefined, model: undefined };
  },
};

export const vertexEmbeddings: OperationTranslator = {
  request(body): Record<string, unknown> {
    checkEncoding(body);
    const outputDimensionality = dimensions(body);
    const request: VertexEmbeddingsRequest = {
      instances: inputTexts(body).map((content) => ({ content })),
      ...(outputDimensionality !== undefined ? { parameters: { outputDimensionality } } : {}),
    };
    return request;
  },

  response(body, ctx): TranslatedAnswer {
    if (!isPlainObject(body) || !Array.isArray(body.predictions)) throw malformedAnswer("Vertex AI's answer is not an embeddings prediction");
    const embeddings = body.predictions.map((p: unknown) => (isPlainObject(p) && isPlainObject(p.embeddings) ? p.embeddings : {}));
    // Vertex counts each input's tokens; an embedding has no completion. Without every count, there is no total.
    const counts = embeddings.map((e) => tokenCount(isPlainObject(e.statistics) ? e.statistics.token_count : undefined));
    const promptTokens = counts.every((c) => c !== undefined) ? counts.reduce<number>((sum, c) => sum + (c ?? 0), 0) : undefined;
    return {
      body: embeddingList(
        embeddings.map((e) => vector(e.values, "Vertex AI's answer")),
        ctx,
        promptTokens ?? 0,
      ),
      usage: promptTokens === undefined ? undefined : { promptTokens, completionTokens: 0, totalTokens: promptTokens },
      model: undefined,
    };
  },
};
