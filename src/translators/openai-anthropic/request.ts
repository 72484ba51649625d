import { unsupported } from '../common/errors.js';
import type { TranslateContext } from '../translator.js';
import { conversation } from './messages.js';
import { toolFields } from './tools.js';

/**
 * Anthropic requires `max_tokens`; OpenAI lets the model decide. 4096 is what every Claude
 * model can produce, so a client that sets no limit still gets a whole ordinary answer.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's `temperature` goes from 0 to 1; OpenAI's goes to 2. */
const MAX_TEMPERATURE = 1;

const present = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * An OpenAI chat completions body as an Anthropic Messages body. It is built from the fields
 * Anthropic knows, so anything else the client sent (seed, penalties, logit_bias…) is left
 * out; what would change the answer the client sees in a way it would notice is refused.
 */
export function chatRequest(body: Record<string, unknown>, ctx: TranslateContext): Record<string, unknown> {
  refuseWhatAnthropicCannotDo(body);
  const { system, messages } = conversation(body.messages);
  const out: Record<string, unknown> = { model: ctx.model, messages, max_tokens: maxTokens(body) };
  if (system.length > 0) out.system = system;

  if (present(body.temperature)) {
    if (typeof body.temperature === 'number' && body.temperature > MAX_TEMPERATURE) {
      throw unsupported('temperature', `temperature ${body.temperature} is above Anthropic's maximum of ${MAX_TEMPERATURE}`);
    }
    out.temperature = body.temperature;
  }
  if (present(body.top_p)) out.top_p = body.top_p;
  if (present(body.stop)) out.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  // `safety_identifier` is the newer name OpenAI gives `user`.
  const user = body.safety_identifier ?? body.user;
  if (present(user)) out.metadata = { user_id: user };
  if (body.stream === true) out.stream = true;
  Object.assign(out, toolFields(body));
  return out;
}

function maxTokens(body: Record<string, unknown>): unknown {
  if (present(body.max_completion_tokens)) return body.max_completion_tokens;
  if (present(body.max_tokens)) return body.max_tokens;
  return DEFAULT_MAX_TOKENS;
}

/** Requests whose answer would visibly lack something the client asked for. */
function refuseWhatAnthropicCannotDo(body: Record<string, unknown>): void {
  if (typeof body.n === 'number' && body.n > 1) throw unsupported('n', 'n > 1: Anthropic returns one answer per request');
  if (body.logprobs === true) throw unsupported('logprobs', 'logprobs: Anthropic does not return token log probabilities');
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0) throw unsupported('top_logprobs', 'top_logprobs: Anthropic does not return token log probabilities');
  if (present(body.audio)) throw unsupported('audio', 'audio: Anthropic answers in text only');
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')) throw unsupported('modalities', 'modalities: Anthropic answers in text only');
  if (present(body.web_search_options)) throw unsupported('web_search_options', 'web_search_options: web search is not available through this translation');
  if (Array.isArray(body.functions) && body.functions.length > 0) throw unsupported('functions', 'functions is not supported; use tools');
  if (present(body.function_call)) throw unsupported('function_call', 'function_call is not supported; use tool_choice');
}
