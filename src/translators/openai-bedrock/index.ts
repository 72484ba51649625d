import { guardAnswers } from '../common/errors.js';
import type { SchemaTranslator } from '../translator.js';
import { embeddings } from './embeddings.js';
import { bedrockError } from './errors.js';
import { chatRequest } from './request.js';
import { chatResponse } from './response.js';
import { BedrockChatStream } from './stream.js';

/**
 * OpenAI's API in front of Amazon Bedrock Runtime: chat completions through the Converse API
 * (`/converse`, and `/converse-stream` answering in AWS event-stream frames), embeddings
 * through Titan on InvokeModel. Bedrock lists models on its control-plane API, so there is no
 * model listing here.
 */
export const openAiToBedrock: SchemaTranslator = {
  client: 'openai',
  provider: 'bedrock',
  operations: {
    chat: guardAnswers({ request: chatRequest, response: chatResponse, stream: (ctx) => new BedrockChatStream(ctx) }, 'Bedrock'),
    embeddings: guardAnswers(embeddings, 'Bedrock'),
  },
  error: bedrockError,
};
