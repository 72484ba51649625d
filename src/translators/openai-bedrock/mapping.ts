import type { FinishReason } from '../../apischema/openai.js';
import { usageCount as countOf } from '../common/usage.js';
import { sumCounts, tokenCount } from '../common/values.js';
import type { UsageCount } from '../translator.js';

/**
 * Bedrock's stop reason (a StopReason, or one added later) in OpenAI's terms. `tool_use` is
 * `tool_calls` only when the client got tool calls: a `response_format` answer arrives as a
 * tool call but reaches the client as content, so it ends with `stop`.
 */
export function finishReason(stop: unknown, clientToolCalls: boolean): FinishReason {
  switch (stop) {
    case 'tool_use':
      return clientToolCalls ? 'tool_calls' : 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, and the malformed_* reasons: the turn is over with what was said.
      return 'stop';
  }
}

/**
 * OpenAI counts cached prompt tokens inside `prompt_tokens`; Bedrock reports them beside
 * `inputTokens`, split into cache reads and cache writes. Both kinds are prompt tokens; the
 * reads are OpenAI's `cached_tokens`.
 */
export function usageCount(usage: Readonly<Record<string, unknown>>): UsageCount {
  const promptTokens = sumCounts(usage.inputTokens, usage.cacheReadInputTokens, usage.cacheWriteInputTokens);
  return countOf(promptTokens, sumCounts(usage.outputTokens), { cachedTokens: tokenCount(usage.cacheReadInputTokens) });
}
