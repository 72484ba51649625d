import type { ModelList as GeminiModelList } from '../../apischema/gemini.js';
import type { ModelList } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import type { OperationTranslator, TranslatedAnswer } from '../translator.js';
import { malformedAnswer } from '../common/errors.js';

// Gemini's `GET /{version}/models` as OpenAI's model list.

export const geminiModels: OperationTranslator = {
  /** A GET: there is no body to translate. */
  request(): Record<string, unknown> {
    return {};
  },

  response(body): TranslatedAnswer {
    if (!isPlainObject(body) || (body.models !== undefined && !Array.isArray(body.models))) throw malformedAnswer("Gemini's answer is not a model list");
    const { models = [] } = body as GeminiModelList;
    const list: ModelList = {
      object: 'list',
      data: models
        .filter((m) => isPlainObject(m) && typeof m.name === 'string')
        .map((m) => ({
          id: m.name.replace(/^models\//, ''),
          object: 'model',
          // Google publishes no creation time. OpenAI's SDK types make `created` a required
          // number, so it is 0: unknown, not the epoch.
          created: 0,
          owned_by: 'google',
        })),
    };
    return { body: list, usage: undefined, model: undefined };
  },
};
