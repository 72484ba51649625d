import type { StopReason, Usage as AnthropicUsage } from '../../apischema/anthropic.js';
import type { FinishReason, Usage as OpenAiUsage } from '../../apischema/openai.js';
import type { UsageCount } from '../translator.js';

/**
 * Anthropic has no JSON mode, so a `response_format` becomes a forced tool whose input is the
 * answer. The answer comes back without the request, so the tool's name carries this reserved
 * prefix: it is how the response and stream translators tell the answer tool from the client's
 * own tools (client tools with this prefix are refused for the same reason).
 */
export const ANSWER_TOOL_PREFIX = 'response_format__';

/** The longest tool name every Anthropic model accepts. */
const MAX_TOOL_NAME = 64;

export function answerToolName(schemaName: string): string {
  return `${ANSWER_TOOL_PREFIX}${schemaName}`.slice(0, MAX_TOOL_NAME);
}

export function isAnswerTool(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith(ANSWER_TOOL_PREFIX);
}

/**
 * Anthropic's stop reason in OpenAI's terms. `tool_use` is `tool_calls` only when the client
 * got tool calls: a `response_format` answer arrives as a tool call but reaches the client as
 * content, so it ends with `stop`.
 */
export function finishReason(stop: StopReason | null, clientToolCalls: boolean): FinishReason {
  // Anthropic adds stop reasons over time (model_context_window_exceeded came later than the rest).
  const reason: string | null = stop;
  switch (reason) {
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

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * OpenAI counts cached prompt tokens inside `prompt_tokens`; Anthropic reports them beside
 * `input_tokens`, split into cache reads and cache writes. Both kinds are prompt tokens.
 */
export function usageCount(usage: Partial<Record<keyof AnthropicUsage, unknown>>): UsageCount {
  const promptTokens = count(usage.input_tokens) + count(usage.cache_read_input_tokens) + count(usage.cache_creation_input_tokens);
  const completionTokens = count(usage.output_tokens);
  const out: UsageCount = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  if (typeof usage.cache_read_input_tokens === 'number') out.cachedTokens = usage.cache_read_input_tokens;
  return out;
}

export function openAiUsage(usage: UsageCount): OpenAiUsage {
  const out: OpenAiUsage = { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
  if (usage.cachedTokens !== undefined) out.prompt_tokens_details = { cached_tokens: usage.cachedTokens };
  if (usage.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
