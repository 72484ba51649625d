import type { CompiledLlm } from '../config/runtime-config.js';
import { GatewayError } from '../core/errors.js';
import type { ClientCall, UpstreamOperation } from '../providers/provider.js';
import { translatorFor } from '../translators/registry.js';
import type { ApiSchema, OperationTranslator, SchemaTranslator, TranslatedOperation } from '../translators/translator.js';

/** How one client request is served by an AI Backend, decided from its path before the body is read. */
export interface AiPlan {
  /** The schema the client speaks. */
  client: ApiSchema;
  operation: UpstreamOperation;
  /** The one method the operation takes; any other is refused before anything is sent. */
  method: 'GET' | 'POST';
  /** Between the client's schema and the provider's; undefined when the bytes pass as they are. */
  translation: { translator: SchemaTranslator; operation: OperationTranslator } | undefined;
  /** The provider path, when the client's path decides it (the provider's own API, OpenAI object paths). */
  path: string | undefined;
  /** The body's `model`: replaced by the Backend's (generation), kept, or there is none. */
  bodyModel: 'backend' | 'client' | 'none';
  /** The model a Google-style path names, for the access log. */
  pathModel: string | undefined;
  /** A Google body on the route's plain path asked for a stream (`?alt=sse`). */
  googleStream?: boolean;
}

/** OpenAI API paths, longest first so `/chat/completions` wins over `/completions`. */
const OPENAI_OPERATIONS: readonly { suffix: string; operation: UpstreamOperation }[] = [
  { suffix: '/chat/completions', operation: 'chat' },
  { suffix: '/completions', operation: 'completions' },
  { suffix: '/embeddings', operation: 'embeddings' },
  { suffix: '/responses', operation: 'responses' },
  { suffix: '/models', operation: 'models' },
];

/** `/models/{id}` and `/responses/{id}[/...]` address one object; the SDK's retrieve calls use them. */
const OBJECT_PATH = /\/(models\/[^/]+|responses\/[^/]+(?:\/cancel|\/input_items)?)$/;

/** The Anthropic Messages API, as a client of it calls it under any base URL. */
const ANTHROPIC_MESSAGES = /\/(v1\/)?messages$/;

const GENERATION = new Set<UpstreamOperation>(['chat', 'completions', 'responses']);

/**
 * What the client asked for and how to serve it: a call in the provider's own API passes
 * through; an Anthropic Messages call reaches an OpenAI-compatible provider translated; an
 * OpenAI call passes through to OpenAI-compatible providers and is translated for the others.
 * Any other path of an OpenAI client (the seed's `/openai`) is chat completions.
 */
export function planAiRequest(llm: CompiledLlm, call: ClientCall): AiPlan {
  const plan = planOperation(llm, call);
  if (call.method !== plan.method) {
    throw new GatewayError('method_not_allowed', `${call.method} is not allowed here: ${call.path} takes ${plan.method}`, { headers: { allow: plan.method } });
  }
  return plan;
}

function planOperation(llm: CompiledLlm, call: ClientCall): AiPlan {
  const { provider } = llm;
  const native = provider.nativeCall?.(call, llm.settings);
  if (native !== undefined) {
    return { client: provider.schema, operation: native.operation, method: native.method ?? 'POST', translation: undefined, path: native.path, bodyModel: native.bodyModel, pathModel: native.pathModel };
  }
  if (ANTHROPIC_MESSAGES.test(call.path)) return translated(llm, 'anthropic', 'chat');
  const object = OBJECT_PATH.exec(call.path);
  const operation = OPENAI_OPERATIONS.find((o) => call.path.endsWith(o.suffix))?.operation ?? (object === null ? 'chat' : 'object');
  if (provider.schema === 'openai') {
    return { client: 'openai', operation, method: methodOf(operation, call.path), translation: undefined, path: operation === 'object' ? object?.[1] : undefined, bodyModel: GENERATION.has(operation) ? 'backend' : operation === 'embeddings' ? 'client' : 'none', pathModel: undefined };
  }
  if (operation === 'chat' || operation === 'embeddings' || operation === 'models') return translated(llm, 'openai', operation);
  throw notSupported(llm, 'openai', operation);
}

/**
 * kgateway's Gemini guide sends Gemini's own `generateContent` body (`contents`, no
 * `messages`) to the route's plain path, and kgateway sent it on as generateContent: so a
 * Google body on a Gemini or Vertex AI route passes through to the model's generation method
 * (streamed when the client's query asks for `alt=sse`).
 */
export function planForBody(plan: AiPlan, llm: CompiledLlm, json: Record<string, unknown> | undefined, query: string): AiPlan {
  const google = llm.provider.schema === 'gemini' || llm.provider.schema === 'vertex';
  if (!google || plan.client !== 'openai' || plan.operation !== 'chat' || json === undefined || !('contents' in json) || 'messages' in json) return plan;
  return { client: llm.provider.schema, operation: 'chat', method: 'POST', translation: undefined, path: undefined, bodyModel: 'none', pathModel: llm.settings.model, googleStream: new URLSearchParams(query).get('alt') === 'sse' };
}

/** Listing and reading objects are GETs; cancelling a response and everything else, POSTs. */
function methodOf(operation: UpstreamOperation, path: string): 'GET' | 'POST' {
  if (operation === 'models') return 'GET';
  return operation === 'object' && !path.endsWith('/cancel') ? 'GET' : 'POST';
}

function translated(llm: CompiledLlm, client: ApiSchema, operation: TranslatedOperation): AiPlan {
  const translator = translatorFor(client, llm.provider.schema);
  const op = translator?.operations[operation];
  if (translator === undefined || op === undefined) throw notSupported(llm, client, operation);
  return { client, operation, method: operation === 'models' ? 'GET' : 'POST', translation: { translator, operation: op }, path: undefined, bodyModel: operation === 'chat' ? 'backend' : operation === 'embeddings' ? 'client' : 'none', pathModel: undefined };
}

function notSupported(llm: CompiledLlm, client: ApiSchema, operation: UpstreamOperation): GatewayError {
  const what = client === 'anthropic' ? 'the Anthropic Messages API' : `the OpenAI ${operation} API`;
  return new GatewayError('operation_not_supported', `${llm.name} (${llm.provider.id}) does not serve ${what}`);
}
