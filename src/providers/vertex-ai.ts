import { googleNativeCall } from './gemini.js';
import type { Provider, ProviderSettings, Target } from './provider.js';

/** `<location>-aiplatform.googleapis.com`, or `aiplatform.googleapis.com` for the global endpoint. */
function host(settings: ProviderSettings): string {
  const location = settings.location ?? 'global';
  return location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
}

/** `/{apiVersion}/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}` */
function modelBase(settings: ProviderSettings, model: string): string {
  const e = encodeURIComponent;
  const publisher = (settings.publisher ?? 'GOOGLE').toLowerCase();
  return `/${e(settings.apiVersion ?? 'v1')}/projects/${e(settings.projectId ?? '')}/locations/${e(settings.location ?? 'global')}/publishers/${e(publisher)}/models/${e(model)}`;
}

/**
 * Vertex AI: Gemini's generation API on a project's regional endpoint (`modelPath` in place of
 * `generateContent` when the Backend sets it; `streamGenerateContent?alt=sse` for streams), its
 * own `:predict` for embeddings, authenticated with `Authorization: Bearer`.
 */
export const vertexAi: Provider = {
  id: 'vertexai',
  metricLabel: 'vertex-ai',
  schema: 'vertex',
  defaultHost: host,
  target({ operation, model, stream, settings }): Target {
    const base = modelBase(settings, model ?? '');
    if (operation === 'chat') return { path: stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:${settings.modelPath ?? 'generateContent'}` };
    if (operation === 'embeddings') return { path: `${base}:predict` };
    return { unsupported: `vertexai has no ${operation} API here` };
  },
  credential: { header: 'authorization', prefix: 'Bearer ' },
  nativeCall: (call, settings) => googleNativeCall(call, settings, (model) => modelBase(settings, model)),
};
