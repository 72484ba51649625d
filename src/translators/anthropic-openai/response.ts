import type { ContentBlock, MessagesResponse, StopReason, Usage } from '../../apischema/anthropic.js';
import type { GatewayError } from '../../core/errors.js';
import { isPlainObject } from '../../core/json.js';
import { malformedAnswer } from '../common/errors.js';
import { argumentsObject } from '../common/tool-arguments.js';
import { usageCount } from '../common/usage.js';
import { nonEmptyString, tokenCount } from '../common/values.js';
import type { TranslateContext, TranslatedAnswer, UsageCount } from '../translator.js';

// An OpenAI chat completion as an Anthropic message: the choice's text becomes a text block,
// each tool call a tool_use block, the finish reason a stop reason, and usage is split the way
// Anthropic counts it (cached prompt tokens apart from the others).

/**
 * Anthropic's stop reason for an OpenAI finish reason. OpenAI never says which stop sequence
 * matched, so a stop is always `end_turn` (with `stop_sequence: null`). Some servers (older
 * Ollama) answer tool calls with `stop`: an answer that calls tools stopped for them.
 */
export function stopReason(finishReason: unknown, calledTools: boolean): StopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return calledTools ? 'tool_use' : 'end_turn';
  }
}

/** OpenAI's usage for the access log and metrics; undefined when the provider sent none. */
export function readOpenAiUsage(value: unknown): UsageCount | undefined {
  if (!isPlainObject(value)) return undefined;
  const prompt = tokenCount(value.prompt_tokens);
  if (prompt === undefined) return undefined;
  const usage = usageCount(prompt, tokenCount(value.completion_tokens) ?? 0, {
    cachedTokens: isPlainObject(value.prompt_tokens_details) ? tokenCount(value.prompt_tokens_details.cached_tokens) : undefined,
    reasoningTokens: isPlainObject(value.completion_tokens_details) ? tokenCount(value.completion_tokens_details.reasoning_tokens) : undefined,
  });
  // A server's own total is kept: some count tokens the parts do not show.
  usage.totalTokens = tokenCount(value.total_tokens) ?? usage.totalTokens;
  return usage;
}

/**
 * Usage in Anthropic's terms: `input_tokens` excludes the tokens read from the cache, which
 * OpenAI counts inside `prompt_tokens`. OpenAI-compatible servers write their caches on their
 * own and charge nothing for it, so no tokens are ever reported as written to a cache.
 */
export function anthropicUsage(usage: UsageCount | undefined): Required<Pick<Usage, 'input_tokens' | 'output_tokens'>> & { cache_read_input_tokens: number; cache_creation_input_tokens: number } {
  const cached = usage?.cachedTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.promptTokens ?? 0) - cached),
    output_tokens: usage?.completionTokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

/**
 * A tool call's arguments as the `input` object Anthropic clients expect. Arguments that are
 * not a JSON object (a model may produce broken JSON) cannot be given to an Anthropic client,
 * whose `input` is always an object: the answer fails rather than hand over an input the model
 * did not write. Empty arguments (a tool without parameters, on some servers) are `{}`.
 */
export function toolInput(args: unknown, name: string): Record<string, unknown> | GatewayError {
  const input = argumentsObject(args);
  if (input !== undefined) return input;
  const text = typeof args === 'string' ? args : (JSON.stringify(args) ?? '');
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return malformedAnswer(`the provider's call of tool ${name} has arguments that are not a JSON object, which an Anthropic client cannot receive: ${shown}`);
}

/** The Anthropic id of the answer's message. */
export const messageId = (ctx: TranslateContext): string => `msg_${ctx.id}`;

/** The provider's own tool call id when it sends one (it comes back as `tool_use_id`), else one of ours. */
export const toolUseId = (providerId: unknown, ctx: TranslateContext, n: number): string =>
  typeof providerId === 'string' && providerId !== '' ? providerId : `toolu_${ctx.id}_${n}`;

export function toMessagesResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const choice = isPlainObject(body) && Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  if (!isPlainObject(body) || !isPlainObject(choice)) throw malformedAnswer("the provider's answer is not a chat completion with a choice");
  const message = isPlainObject(choice.message) ? choice.message : {};

  const content: ContentBlock[] = [];
  const text = messageText(message.content);
  if (text !== '') content.push({ type: 'text', text });
  // A refusal (OpenAI's structured outputs) is what the model said instead of an answer.
  const refusal = typeof message.refusal === 'string' ? message.refusal : '';
  if (refusal !== '') content.push({ type: 'text', text: refusal });

  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isPlainObject) : [];
  calls.forEach((call, n) => {
    const fn = isPlainObject(call.function) ? call.function : {};
    if (typeof fn.name !== 'string' || fn.name === '') throw malformedAnswer("the provider's answer calls a tool without a name");
    const name = fn.name;
    const input = toolInput(fn.arguments, name);
    if (input instanceof Error) throw input;
    content.push({ type: 'tool_use', id: toolUseId(call.id, ctx, n), name, input });
  });

  const reported = nonEmptyString(body.model);
  const usage = readOpenAiUsage(body.usage);
  const answer: MessagesResponse = {
    id: messageId(ctx),
    type: 'message',
    role: 'assistant',
    model: reported ?? ctx.model,
    content,
    stop_reason: refusal !== '' && choice.finish_reason === 'stop' ? 'refusal' : stopReason(choice.finish_reason, calls.length > 0),
    stop_sequence: null,
    usage: anthropicUsage(usage),
  };
  return { body: answer, usage, model: reported };
}

/** The text of an OpenAI message's content: a string, or text parts (some servers send those). */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}
