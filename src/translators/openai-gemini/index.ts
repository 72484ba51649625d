import { guardAnswers } from '../common/errors.js';
import type { OperationTranslator, SchemaTranslator } from '../translator.js';
import { geminiEmbeddings, vertexEmbeddings } from './embeddings.js';
import { geminiError } from './errors.js';
import { geminiModels } from './models.js';
import { chatRequest } from './request.js';
import { chatResponse } from './response.js';
import { GeminiChatStream } from './stream.js';

/** Chat is the same `generateContent` shape on the Gemini API and on Vertex AI. */
const chat: OperationTranslator = guardAnswers({ request: chatRequest, response: chatResponse, stream: (ctx) => new GeminiChatStream(ctx) }, 'Gemini');

/** OpenAI clients in front of the Gemini API (generativelanguage.googleapis.com). */
export const openAiToGemini: SchemaTranslator = {
  client: 'openai',
  provider: 'gemini',
  operations: { chat, embeddings: guardAnswers(geminiEmbeddings, 'Gemini'), models: guardAnswers(geminiModels, 'Gemini') },
  error: geminiError,
};

/**
 * OpenAI clients in front of Vertex AI's Gemini models: the same chat, embeddings through
 * `:predict`, and no model listing (Vertex lists publisher models elsewhere, in another shape).
 */
export const openAiToVertex: SchemaTranslator = {
  client: 'openai',
  provider: 'vertex',
  operations: { chat, embeddings: guardAnswers(vertexEmbeddings, 'Vertex AI') },
  error: geminiError,
};
