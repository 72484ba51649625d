import type { IncomingHttpHeaders } from 'node:http';
import type { ApiSchema } from '../translators/translator.js';
import type { LlmProviderName } from './ids.js';

/** A Backend's provider settings, as its manifest gives them (each provider reads its own). */
export interface ProviderSettings {
  /** The model the Backend pins for generation; the client's is used when unset. */
  model: string | undefined;
  /** anthropic: the `anthropic-version` header; gemini, vertexai: the path's version; azureopenai: `api-version`. */
  apiVersion: string | undefined;
  /** azureopenai: `<resource>.openai.azure.com`. */
  endpoint: string | undefined;
  /** azureopenai: the deployment generation goes to. */
  deploymentName: string | undefined;
  /** vertexai. */
  projectId: string | undefined;
  location: string | undefined;
  /** vertexai: `google` (kgateway's `GOOGLE`) or another publisher's models. */
  publisher: string | undefined;
  /** vertexai: the generation method in place of `generateContent` (kgateway's `modelPath`). */
  modelPath: string | undefined;
  /** bedrock. */
  region: string | undefined;
  /** bedrock: a guardrail applied to every Converse call. */
  guardrail: { identifier: string; version: string } | undefined;
}

/**
 * What the gateway sends upstream, by what it is for. `chat` is generation in the provider's own
 * shape (chat completions, messages, generateContent, converse); `native` passes a path of the
 * provider's own API through.
 */
export type UpstreamOperation = 'chat' | 'completions' | 'embeddings' | 'responses' | 'models' | 'object' | 'native';

export interface TargetRequest {
  operation: UpstreamOperation;
  /** The model in the request: the Backend's for generation, else the client's. */
  model: string | undefined;
  stream: boolean;
  settings: ProviderSettings;
  /** `native` and `object` (`models/{id}`, `responses/{id}`): the provider path (and query) to use. */
  path?: string;
}

/** The path (with query) to send to, or why the provider has no such operation. */
export type Target = { path: string } | { unsupported: string };

/** How the credential is put on the request. */
export type CredentialPlacement = { header: string; prefix: string } | { sigv4: { service: string } };

/**
 * A provider is data and a few small functions: where requests go, which schema it speaks and
 * how it is authenticated. It holds no state and does no I/O.
 */
export interface Provider {
  id: LlmProviderName;
  /** The `llm` label of the token metrics: kgateway's names. */
  metricLabel: string;
  /** The API shape it speaks for generation. */
  schema: ApiSchema;
  defaultHost(settings: ProviderSettings): string;
  target(request: TargetRequest): Target;
  credential: CredentialPlacement;
  /** Headers the provider needs besides the credential, unless the client sent them itself. */
  headers?(settings: ProviderSettings): Record<string, string>;
  /** Adds what the Backend's settings put in every translated body (a Bedrock guardrail). */
  decorateBody?(body: Record<string, unknown>, request: { operation: UpstreamOperation; settings: ProviderSettings }): void;
  /**
   * A request in the provider's own API (its SDK pointed at the gateway): what it is, or
   * undefined. The Backend's model and settings win over the client's.
   */
  nativeCall?(call: ClientCall, settings: ProviderSettings): NativeCall | undefined;
}

/** The client's request line and headers, before its body is read. */
export interface ClientCall {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
}

export interface NativeCall {
  operation: UpstreamOperation;
  /** The one method the call takes (POST when not given). */
  method?: 'GET' | 'POST';
  /** The provider path and query to send it to, the Backend's settings already applied. */
  path: string;
  /**
   * The body's `model`: replaced by the Backend's (generation), kept (embeddings), or there is
   * none (Google's APIs name the model in the path).
   */
  bodyModel: 'backend' | 'client' | 'none';
  /** The model the path names, for the access log. */
  pathModel?: string;
}

/** A Google-style `models/{model}:{method}` path segment, with the model escaped. */
export function modelMethod(model: string, method: string): string {
  return `models/${encodeURIComponent(model)}:${method}`;
}
