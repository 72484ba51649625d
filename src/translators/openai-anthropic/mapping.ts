import type { FinishReason } from '../../apischema/openai.js';
import { usageCount as countOf } from '../common/usage.js';
import { sumCounts, tokenCount } from '../common/values.js';
import type { UsageCount } from '../translator.js';

/**
 * Anthropic's stop reason in OpenAI's terms. `tool_use` is `tool_calls` only when the client
 * got tool calls: a `response_format` answer arrives as a tool call but reaches the client as
 * content, so it ends with `stop`.
 */
export function finishReason(stop: unknown, clientToolCalls: boolean): FinishReason {
  // Anthropic adds stop reasons over time (model_context_window_exceeded came later than the rest).
  switch (stop) {
    case 'tool_use':
      return clientToolCalls ? 'tool_calls' : 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn (the turn is over for this request).
      return 'stop';
  }
}

/** The usage fields of Anthropic's answers and stream events. */
export const USAGE_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/**
 * OpenAI counts cached prompt tokens inside `prompt_tokens`; Anthropic reports them beside
 * `input_tokens`, split into cache reads and cache writes. Both kinds are prompt tokens; the
 * reads are OpenAI's `cached_tokens`.
 */
export function usageCount(usage: Readonly<Record<string, unknown>>): UsageCount {
  const promptTokens = sumCounts(usage.input_tokens, usage.cache_read_input_tokens, usage.cache_creation_input_tokens);
  return countOf(promptTokens, sumCounts(usage.output_tokens), { cachedTokens: tokenCount(usage.cache_read_input_tokens) });
}
