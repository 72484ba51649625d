import type { ModelList } from '../../apischema/openai.js';
import type { OperationTranslator } from '../translator.js';
import { isRecord } from './mapping.js';

/** Seconds since the epoch of an RFC 3339 time; 0 when Anthropic gives none. */
function epochSeconds(time: unknown): number {
  const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** `GET /v1/models`: Anthropic's model list as OpenAI's. The request has no body to translate. */
export const listModels: OperationTranslator = {
  request: () => ({}),
  response(body) {
    const data = isRecord(body) && Array.isArray(body.data) ? (body.data as unknown[]) : [];
    const list: ModelList = {
      object: 'list',
      data: data.filter(isRecord).flatMap((m) => (typeof m.id === 'string' ? [{ id: m.id, object: 'model' as const, created: epochSeconds(m.created_at), owned_by: 'anthropic' }] : [])),
    };
    return { body: list, usage: undefined, model: undefined };
  },
};
