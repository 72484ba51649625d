import type { LlmProviderName } from './ids.js';
import { openAiProvider } from './openai/index.js';
import type { ProviderAdapter } from './provider.js';

/** Providers with an adapter; the Backend reader rejects the others as not supported yet. */
export const PROVIDERS: Partial<Record<LlmProviderName, ProviderAdapter>> = {
  openai: openAiProvider,
};
