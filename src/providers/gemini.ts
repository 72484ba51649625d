import { queryWithoutKey } from '../auth/backend-credential.js';
import { modelMethod, type ClientCall, type NativeCall, type Provider, type ProviderSettings, type Target } from './provider.js';

/** `…/models/{model}:{method}`: how Google's SDKs call a model, under any base path. */
export const MODEL_METHOD = /\/models\/([^/:]+):([A-Za-z]+)$/;

/** Methods that generate: the Backend's model replaces the client's. */
export const GENERATING = new Set(['generateContent', 'streamGenerateContent', 'countTokens']);


function version(settings: ProviderSettings): string {
  return encodeURIComponent(settings.apiVersion ?? 'v1beta');
}

/** A call in Gemini's own API, with the Backend's model for generation. */
export function googleNativeCall(call: ClientCall, settings: ProviderSettings, base: (model: string) => string): NativeCall | undefined {
  const match = MODEL_METHOD.exec(call.path);
  if (match === null) return undefined;
  const method = match[2] ?? '';
  const clientModel = decodeURIComponent(match[1] ?? '');
  const model = GENERATING.has(method) ? (settings.model ?? clientModel) : clientModel;
  const operation = method === 'generateContent' || method === 'streamGenerateContent' ? 'chat' : method.toLowerCase().includes('embed') ? 'embeddings' : 'native';
  return { operation, path: `${base(model)}:${method}${queryWithoutKey(call.query)}`, bodyModel: 'none', pathModel: model };
}

/**
 * Gemini (the Gemini API): `generateContent`, or `streamGenerateContent?alt=sse` when the client
 * asked for a stream, on `/{apiVersion}/models/{model}`, authenticated with `x-goog-api-key`.
 */
export const gemini: Provider = {
  id: 'gemini',
  metricLabel: 'gemini',
  schema: 'gemini',
  defaultHost: () => 'generativelanguage.googleapis.com',
  target({ operation, model, stream, settings }): Target {
    const base = `/${version(settings)}`;
    if (operation === 'chat') return { path: `${base}/${modelMethod(model ?? '', stream ? 'streamGenerateContent' : 'generateContent')}${stream ? '?alt=sse' : ''}` };
    if (operation === 'embeddings') return { path: `${base}/${modelMethod(model ?? '', 'batchEmbedContents')}` };
    // One page of up to 1000: the default page is 50, and an OpenAI client expects the whole list.
    if (operation === 'models') return { path: `${base}/models?pageSize=1000` };
    return { unsupported: `gemini has no ${operation} API` };
  },
  credential: { header: 'x-goog-api-key', prefix: '' },
  nativeCall: (call, settings) => googleNativeCall(call, settings, (model) => `/${version(settings)}/models/${encodeURIComponent(model)}`),
};
