import type { SchemaTranslator } from '../translator.js';
import { toAnthropicError } from './errors.js';
import { toChatCompletionRequest } from './request.js';
import { toMessagesResponse } from './response.js';
import { OpenAiToAnthropicStream } from './stream.js';

/**
 * Anthropic Messages clients (`POST /v1/messages`: coding agents, the official SDKs) in front
 * of a provider that speaks OpenAI chat completions (OpenAI, vLLM, Ollama, DeepSeek…).
 */
export const anthropicToOpenAi: SchemaTranslator = {
  client: 'anthropic',
  provider: 'openai',
  operations: {
    chat: {
      request: toChatCompletionRequest,
      response: toMessagesResponse,
      stream: (ctx) => new OpenAiToAnthropicStream(ctx),
    },
  },
  error: toAnthropicError,
};
