import type { Candidate, GenerateContentResponse, Part, UsageMetadata } from '../../apischema/gemini.js';
import type { ChatCompletion, FinishReason, Usage } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import type { TranslatedAnswer, TranslateContext, UsageCount } from '../translator.js';
import { malformedAnswer } from './errors.js';
import type { SignedToolCall } from './messages.js';

// A Gemini GenerateContentResponse as an OpenAI chat completion: one choice per candidate.

/** Finish reasons that mean Google's filters stopped the answer. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

/**
 * OpenAI's finish reason for a candidate's. Reasons OpenAI has no word for (LANGUAGE, OTHER,
 * MALFORMED_FUNCTION_CALL…) read as a plain stop: the answer is what the candidate holds.
 */
export function finishReason(reason: string | undefined, calledFunctions: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return calledFunctions ? 'tool_calls' : 'stop';
}

/**
 * Gemini's usage in OpenAI's terms. Thinking is billed as output, so it counts as completion
 * tokens (and reasoning tokens); results of Google-run tools were read as input.
 */
export function usageCount(meta: UsageMetadata | undefined): UsageCount | undefined {
  if (meta === undefined || (meta.promptTokenCount === undefined && meta.candidatesTokenCount === undefined)) return undefined;
  const promptTokens = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const completionTokens = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    ...(meta.cachedContentTokenCount !== undefined ? { cachedTokens: meta.cachedContentTokenCount } : {}),
    ...(meta.thoughtsTokenCount !== undefined ? { reasoningTokens: meta.thoughtsTokenCount } : {}),
  };
}

export function openAiUsage(usage: UsageCount): Usage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    ...(usage.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedTokens } } : {}),
    ...(usage.reasoningTokens !== undefined ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
  };
}

/** The answer's text: thought parts are the model's thinking, not what it says. */
export function answerText(part: Part): string {
  return typeof part.text === 'string' && part.thought !== true ? part.text : '';
}

/**
 * Ids for the function calls of one answer. Gemini names none the client could use, so they
 * are numbered, unique within the answer (across its choices) — tool results are matched
 * back to the latest call with their id (see messages.ts).
 */
export class ToolCallIds {
  private next = 0;
  take(): string {
    return `call_${this.next++}`;
  }
}

/** A function call part as an OpenAI tool call, carrying its thought signature the way Google's OpenAI endpoint does. */
export function toolCall(part: Part & { functionCall: NonNullable<Part['functionCall']> }, id: string): SignedToolCall {
  return {
    id,
    type: 'function',
    function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
    ...(part.thoughtSignature !== undefined ? { extra_content: { google: { thought_signature: part.thoughtSignature } } } : {}),
  };
}

export function hasFunctionCall(part: Part): part is Part & { functionCall: NonNullable<Part['functionCall']> } {
  return isPlainObject(part.functionCall) && typeof part.functionCall.name === 'string';
}

/**
 * Candidates in index order, each with the choice index it becomes. Google's JSON leaves out
 * an index of 0 (the proto3 default); should indexes still clash, their order decides.
 */
export function indexedCandidates(answer: GenerateContentResponse): { index: number; candidate: Candidate }[] {
  const candidates = (answer.candidates ?? []).filter(isPlainObject);
  const indexes = candidates.map((c) => (typeof c.index === 'number' ? c.index : 0));
  const distinct = new Set(indexes).size === indexes.length;
  return candidates.map((candidate, position) => ({ index: distinct ? (indexes[position] ?? position) : position, candidate })).sort((a, b) => a.index - b.index);
}

export function readAnswer(body: unknown): GenerateContentResponse {
  if (!isPlainObject(body) || (body.candidates !== undefined && !Array.isArray(body.candidates))) throw malformedAnswer('Gemini GenerateContentResponse');
  return body;
}

/** A candidate's parts, without the ones that are not objects (never sent, but not trusted either). */
export function partsOf(candidate: Candidate): Part[] {
  const parts: unknown = candidate.content?.parts;
  return Array.isArray(parts) ? parts.filter((part): part is Part => isPlainObject(part)) : [];
}

type Choice = ChatCompletion['choices'][number];

function choiceOf(index: number, candidate: Candidate, ids: ToolCallIds): Choice {
  const parts = partsOf(candidate);
  const text = parts.map(answerText).join('');
  const calls = parts.filter(hasFunctionCall).map((part) => toolCall(part, ids.take()));
  return {
    index,
    message: { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
    logprobs: null,
    finish_reason: finishReason(candidate.finishReason, calls.length > 0),
  };
}

/** A prompt Google blocked gets no candidates: the client sees one empty, filtered choice. */
function blockedChoice(): Choice {
  return { index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'content_filter' };
}

export function chatResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const answer = readAnswer(body);
  const ids = new ToolCallIds();
  const candidates = indexedCandidates(answer);
  const choices = candidates.length > 0 ? candidates.map(({ index, candidate }) => choiceOf(index, candidate, ids)) : [blockedChoice()];
  const usage = usageCount(answer.usageMetadata);
  const completion: ChatCompletion = {
    id: `chatcmpl-${ctx.id}`,
    object: 'chat.completion',
    created: ctx.created,
    model: answer.modelVersion ?? ctx.model,
    choices,
    ...(usage !== undefined ? { usage: openAiUsage(usage) } : {}),
  };
  return { body: completion, usage, model: answer.modelVersion };
}
