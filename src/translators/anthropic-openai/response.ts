import type { ContentBlock, MessagesResponse, StopReason, Usage } from '../../apischema/anthropic.js';
import { GatewayError } from '../../core/errors.js';
import type { TranslateContext, TranslatedAnswer, UsageCount } from '../translator.js';
import { isRecord } from './fields.js';

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
  if (!isRecord(value)) return undefined;
  const prompt = count(value.prompt_tokens);
  if (prompt === undefined) return undefined;
  const completion = count(value.completion_tokens) ?? 0;
  const usage: UsageCount = { promptTokens: prompt, completionTokens: completion, totalTokens: count(value.total_tokens) ?? prompt + completion };
  const cached = isRecord(value.prompt_tokens_details) ? count(value.prompt_tokens_details.cached_tokens) : undefined;
  if (cached !== undefined) usage.cachedTokens = cached;
  const reasoning = isRecord(value.completion_tokens_details) ? count(value.completion_tokens_details.reasoning_tokens) : undefined;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
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
export function toolInput(args: string, name: string): Record<string, unknown> | Error {
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) return parsed;
  const shown = args.length > 200 ? `${args.slice(0, 200)}…` : args;
  return new GatewayError('upstream_invalid_response', `the provider's call of tool ${name} has arguments that are not a JSON object, which an Anthropic client cannot receive: ${shown}`);
}

/** The Anthropic id of the answer's message. */
export const messageId = (ctx: TranslateContext): string => `msg_${ctx.id}`;

/** The provider's own tool call id when it sends one (it comes back as `tool_use_id`), else one of ours. */
export const toolUseId = (providerId: unknown, ctx: TranslateContext, n: number): string =>
  typeof providerId === 'string' && providerId !== '' ? providerId : `toolu_${ctx.id}_${n}`;

export function toMessagesResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const choice = isRecord(body) && Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  if (!isRecord(body) || !isRecord(choice)) throw new GatewayError('upstream_invalid_response', "the provider's answer is not a chat completion with a choice");
  const message = isRecord(choice.message) ? choice.message : {};

  const content: ContentBlock[] = [];
  const text = messageText(message.content);
  if (text !== '') content.push({ type: 'text', text });
  // A refusal (OpenAI's structured outputs) is what the model said instead of an answer.
  const refusal = typeof message.refusal === 'string' ? message.refusal : '';
  if (refusal !== '') content.push({ type: 'text', text: refusal });

  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  calls.forEach((call, n) => {
    const fn = isRecord(call.function) ? call.function : {};
    const name = typeof fn.name === 'string' ? fn.name : '';
    const input = toolInput(typeof fn.arguments === 'string' ? fn.arguments : '', name);
    if (input instanceof Error) throw input;
    content.push({ type: 'tool_use', id: toolUseId(call.id, ctx, n), name, input });
  });

  const reported = typeof body.model === 'string' && body.model !== '' ? body.model : undefined;
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
  return content.map((part: unknown) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
