/** The LLM providers a kgateway AI Backend can name, in the order its docs list them. */
export const LLM_PROVIDERS = ['openai', 'azureopenai', 'anthropic', 'gemini', 'vertexai', 'bedrock'] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];
