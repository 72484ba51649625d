import type { Usage } from '../../apischema/openai.js';
import type { UsageCount } from '../translator.js';

/** The parts of a usage count a provider may or may not report. */
export interface UsageDetails {
  /** Prompt tokens read from a cache (already counted in the prompt tokens). */
  cachedTokens?: number | undefined;
  /** Completion tokens spent thinking (already counted in the completion tokens). */
  reasoningTokens?: number | undefined;
}

/**
 * A usage count from its prompt and completion tokens; details only when the provider reported
 * them. A detail larger than the count it is part of cannot be right, and is left out rather
 * than handed to a client that subtracts it.
 */
export function usageCount(promptTokens: number, completionTokens: number, details: UsageDetails = {}): UsageCount {
  const usage: UsageCount = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  if (details.cachedTokens !== undefined && details.cachedTokens <= promptTokens) usage.cachedTokens = details.cachedTokens;
  if (details.reasoningTokens !== undefined && details.reasoningTokens <= completionTokens) usage.reasoningTokens = details.reasoningTokens;
  return usage;
}

/**
 * A usage count as OpenAI reports it. The details objects appear only for what the provider
 * reported: a 0 there would claim it said "nothing cached" when it said nothing.
 */
export function openAiUsage(usage: UsageCount): Usage {
  const out: Usage = { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
  if (usage.cachedTokens !== undefined) out.prompt_tokens_details = { cached_tokens: usage.cachedTokens };
  if (usage.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return out;
}
