import type { Provider, Target, TargetRequest } from './provider.js';

const PATHS: Partial<Record<TargetRequest['operation'], string>> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  responses: '/v1/responses',
  models: '/v1/models',
};

/** OpenAI, and every OpenAI-compatible server (vLLM, Ollama, DeepSeek, Mistral…) behind host/path overrides. */
export const openAi: Provider = {
  id: 'openai',
  metricLabel: 'openai',
  schema: 'openai',
  defaultHost: () => 'api.openai.com',
  target(request): Target {
    if (request.operation === 'object' && request.path !== undefined) return { path: `/v1/${request.path}` };
    const path = PATHS[request.operation];
    return path === undefined ? { unsupported: `openai has no ${request.operation} endpoint` } : { path };
  },
  credential: { header: 'authorization', prefix: 'Bearer ' },
};
