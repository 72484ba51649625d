import { guardAnswers } from '../common/errors.js';
import type { SchemaTranslator } from '../translator.js';
import { providerError } from './errors.js';
import { listModels } from './models.js';
import { chatRequest } from './request.js';
import { chatResponse } from './response.js';
import { AnthropicStreamToOpenAi } from './stream.js';

/** OpenAI chat completions and model listing in front of Anthropic's Messages API. */
export const openAiToAnthropic: SchemaTranslator = {
  client: 'openai',
  provider: 'anthropic',
  operations: {
    chat: guardAnswers({ request: chatRequest, response: chatResponse, stream: (ctx) => new AnthropicStreamToOpenAi(ctx) }, 'Anthropic'),
    models: guardAnswers(listModels, 'Anthropic'),
  },
  error: (status, body) => providerError(status, body),
};
