import type { ProviderAdapter, ProviderOperation } from '../provider.js';

/** OpenAI API paths, longest first so `/chat/completions` wins over `/completions`. */
const OPERATIONS: readonly { suffix: string; name: string; bodyHasModel: boolean }[] = [
  { suffix: '/chat/completions', name: 'chat', bodyHasModel: true },
  { suffix: '/completions', name: 'completions', bodyHasModel: true },
  { suffix: '/embeddings', name: 'embeddings', bodyHasModel: true },
  { suffix: '/responses', name: 'responses', bodyHasModel: true },
  { suffix: '/models', name: 'models', bodyHasModel: false },
];

/** `/models/{id}` and `/responses/{id}[/...]` address one object; the SDK's retrieve calls use them. */
const OBJECT_PATH = /\/(models\/[^/]+|responses\/[^/]+(?:\/cancel|\/input_items)?)$/;

const CHAT: ProviderOperation = { name: 'chat', upstreamPath: '/v1/chat/completions', bodyHasModel: true };

/**
 * The client's path picks the OpenAI endpoint: a path ending in an API suffix goes to
 * `/v1/<suffix>`, anything else (the seed's `/openai`) to chat completions. This lets one
 * route serve the SDK's chat, embeddings and model calls alike.
 */
export function resolveOpenAiOperation(clientPath: string): ProviderOperation {
  for (const op of OPERATIONS) {
    if (clientPath.endsWith(op.suffix)) return { name: op.name, upstreamPath: `/v1${op.suffix}`, bodyHasModel: op.bodyHasModel };
  }
  const object = OBJECT_PATH.exec(clientPath);
  if (object !== null) {
    const tail = object[1] as string;
    return { name: tail.slice(0, tail.indexOf('/')), upstreamPath: `/v1/${tail}`, bodyHasModel: false };
  }
  return CHAT;
}

export const openAiProvider = {
  id: 'openai',
  defaultHost: 'api.openai.com',
  defaultPort: 443,
  authHeaderName: 'authorization',
  authPrefix: 'Bearer ',
  resolveOperation: resolveOpenAiOperation,
} as const satisfies ProviderAdapter;
