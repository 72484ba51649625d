import { anthropic } from './anthropic.js';
import { azureOpenAi } from './azure-openai.js';
import { bedrock } from './bedrock.js';
import { gemini } from './gemini.js';
import type { LlmProviderName } from './ids.js';
import { openAi } from './openai.js';
import type { Provider } from './provider.js';
import { vertexAi } from './vertex-ai.js';

/** Every provider a Backend can name: the type makes the list and the registry agree. */
export const PROVIDERS: Readonly<Record<LlmProviderName, Provider>> = {
  openai: openAi,
  azureopenai: azureOpenAi,
  anthropic,
  gemini,
  vertexai: vertexAi,
  bedrock,
};
