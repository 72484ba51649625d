import type { Candidate, GenerateContentResponse, Part } from '../../apischema/gemini.js';
import type { ChatCompletion, FinishReason } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { malformedAnswer } from '../common/errors.js';
import { argumentsText } from '../common/tool-arguments.js';
import { openAiUsage, usageCount as countOf } from '../common/usage.js';
import { nonEmptyString, sumCounts, tokenCount } from '../common/values.js';
import type { TranslatedAnswer, TranslateContext, UsageCount } from '../translator.js';
import type { SignedToolCall } from './messages.js';

// A Gemini GenerateContentResponse as an OpenAI chat completion: one choice per candidate.

/** Finish reasons that mean Google's filters stopped the answer. */
const FILTERED = new Set<unknown>(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

/**
 * OpenAI's finish reason for a candidate's. Reasons OpenAI has no word for (LANGUAGE, OTHER,
 * MALFORMED_FUNCTION_CALL…) read as a plain stop: the answer is what the candidate holds.
 */
export function finishReason(reason: unknown, calledFunctions: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledFunctions ? 'tool_calls' : 'stop';
}

/**
 * Gemini's usage in OpenAI's terms. Thinking is billed as output, so it counts as completion
 * tokens (and reasoning tokens); results of Google-run tools were read as input. Cached
 * tokens are already part of `promptTokenCount`.
 */
export function usageCount(meta: unknown): UsageCount | undefined {
  if (!isPlainObject(meta) || (tokenCount(meta.promptTokenCount) === undefined && tokenCount(meta.candidatesTokenCount) === undefined)) return undefined;
  return countOf(sumCounts(meta.promptTokenCount, meta.toolUsePromptTokenCount), sumCounts(meta.candidatesTokenCount, meta.thoughtsTokenCount), {
    cachedTokens: tokenCount(meta.cachedContentTokenCount),
    reasoningTokens: tokenCount(meta.thoughtsTokenCount),
  });
}

/** The answer's text: thought parts are the model's thinking, not what it says. */
export function answerText(part: Part): string {
  return typeof part.text === 'string' && part.thought !== true ? part.text : '';
}

/**
 * Ids for the function calls of one answer. Gemini names none the client could use, so they
 * are numbered after the answer's own id: unique within the answer (across its choices) and
 * across the conversation, since tool results are matched back to their call by id (see
 * messages.ts), and every answer has its own.
 */
export class ToolCallIds {
  private next = 0;
  constructor(private readonly answerId: string) {}
  take(): string {
    return `call_${this.answerId}_${this.next++}`;
  }
}

type FunctionCallPart = Part & { functionCall: { name: string; args?: unknown } };

/** A function call part as an OpenAI tool call, carrying its thought signature the way Google's OpenAI endpoint does. */
export function toolCall(part: FunctionCallPart, id: string): SignedToolCall {
  return {
    id,
    type: 'function',
    function: { name: part.functionCall.name, arguments: argumentsText(part.functionCall.args) },
    ...(typeof part.thoughtSignature === 'string' ? { extra_content: { google: { thought_signature: part.thoughtSignature } } } : {}),
  };
}

export function hasFunctionCall(part: Part): part is FunctionCallPart {
  return isPlainObject(part.functionCall) && typeof part.functionCall.name === 'string';
}

/** A candidate's own index: proto3 JSON leaves out an index of 0, and anything but a count is no index. */
function ownIndex(candidate: Candidate): number {
  const index: unknown = candidate.index;
  if (index === undefined) return 0;
  return Number.isInteger(index) && (index as number) >= 0 ? (index as number) : -1;
}

/**
 * Candidates in index order, each with the choice index it becomes. Should indexes clash or
 * be no indexes at all, the candidates' order decides.
 */
export function indexedCandidates(answer: GenerateContentResponse): { index: number; candidate: Candidate }[] {
  const candidates = (Array.isArray(answer.candidates) ? (answer.candidates as unknown[]) : []).filter((c): c is Candidate => isPlainObject(c));
  const indexes = candidates.map(ownIndex);
  const usable = new Set(indexes).size === indexes.length && indexes.every((i) => i >= 0);
  return candidates.map((candidate, position) => ({ index: usable ? (indexes[position] ?? position) : position, candidate })).sort((a, b) => a.index - b.index);
}

export function readAnswer(body: unknown): GenerateContentResponse {
  if (!isPlainObject(body) || (body.candidates !== undefined && !Array.isArray(body.candidates))) throw malformedAnswer("Gemini's answer is not a GenerateContentResponse");
  return body;
}

/** Google's reason for blocking the prompt, when it blocked it. */
export function blockReason(answer: GenerateContentResponse): string | undefined {
  const feedback: unknown = answer.promptFeedback;
  return isPlainObject(feedback) ? nonEmptyString(feedback.blockReason) : undefined;
}

/** A candidate's parts, without the ones that are not objects (never sent, but not trusted either). */
export function partsOf(candidate: Candidate): Part[] {
  const content: unknown = candidate.content;
  const parts = isPlainObject(content) ? content.parts : undefined;
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
  const ids = new ToolCallIds(ctx.id);
  const candidates = indexedCandidates(answer);
  if (candidates.length === 0 && blockReason(answer) === undefined) throw malformedAnswer("Gemini's answer has no candidates, and does not say the prompt was blocked");
  // Choices are numbered from 0 in the candidates' order, as the client asked for n of them.
  const choices = candidates.length > 0 ? candidates.map(({ candidate }, position) => choiceOf(position, candidate, ids)) : [blockedChoice()];
  const usage = usageCount(answer.usageMetadata);
  const model = nonEmptyString(answer.modelVersion);
  const completion: ChatCompletion = {
    id: `chatcmpl-${ctx.id}`,
    object: 'chat.completion',
    created: ctx.created,
    model: model ?? ctx.model,
    choices,
    ...(usage !== undefined ? { usage: openAiUsage(usage) } : {}),
  };
  return { body: completion, usage, model };
}
