import { anthropicToOpenAi } from './anthropic-openai/index.js';
import { openAiToAnthropic } from './openai-anthropic/index.js';
import { openAiToBedrock } from './openai-bedrock/index.js';
import { openAiToGemini, openAiToVertex } from './openai-gemini/index.js';
import type { ApiSchema, SchemaTranslator } from './translator.js';

/** Every translator, keyed by (client schema, provider schema); the same schema needs none. */
const TRANSLATORS: readonly SchemaTranslator[] = [openAiToAnthropic, openAiToGemini, openAiToVertex, openAiToBedrock, anthropicToOpenAi];

const BY_PAIR = new Map(TRANSLATORS.map((t) => [`${t.client}->${t.provider}`, t]));

export function translatorFor(client: ApiSchema, provider: ApiSchema): SchemaTranslator | undefined {
  return BY_PAIR.get(`${client}->${provider}`);
}
