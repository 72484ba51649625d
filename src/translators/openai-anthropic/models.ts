import type { ModelList } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { malformedAnswer } from '../common/errors.js';
import type { OperationTranslator } from '../translator.js';

/** Seconds since the epoch of an RFC 3339 time; 0 when Anthropic gives none. */
function epochSeconds(time: unknown): number {
  const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** `GET /v1/models`: Anthropic's model list as OpenAI's. The request has no body to translate. */
export const listModels: OperationTranslator = {
  request: () => ({}),
  response(body) {
    if (!isPlainObject(body) || !Array.isArray(body.data)) throw malformedAnswer("Anthropic's answer is not a model list");
    const list: ModelList = {
      object: 'list',
      data: body.data.filter(isPlainObject).flatMap((m) => (typeof m.id === 'string' ? [{ id: m.id, object: 'model' as const, created: epochSeconds(m.created_at), owned_by: 'anthropic' }] : [])),
    };
    return { body: list, usage: undefined, model: undefined };
  },
};
