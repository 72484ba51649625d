import type { Candidate, GenerateContentResponse } from '../../apischema/gemini.js';
import type { ErrorBody } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { guardedStep } from '../common/errors.js';
import { OpenAiChunkWriter } from '../common/openai-chunks.js';
import { nonEmptyString } from '../common/values.js';
import { openAiError } from '../openai-error.js';
import { SseParser, type SseEvent } from '../sse.js';
import type { StreamFailure, StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { readErrorStatus, streamError } from './errors.js';
import { answerText, blockReason, finishReason, hasFunctionCall, indexedCandidates, partsOf, ToolCallIds, toolCall, usageCount } from './response.js';

// A Gemini `:streamGenerateContent?alt=sse` stream as OpenAI chat completion chunks. Each
// `data:` line is a whole GenerateContentResponse holding the next piece of each candidate;
// function calls arrive whole, usage grows piece by piece and is complete in the last.

interface ChoiceState {
  /** The candidate's last finish reason (older Vertex streams repeat it on every piece). */
  finishReason: string | undefined;
  /** The prompt was blocked: no candidate will come. */
  promptBlocked: boolean;
}

export class GeminiChatStream implements StreamTranslator {
  private readonly parser = new SseParser();
  private readonly writer: OpenAiChunkWriter;
  private readonly choices = new Map<number, ChoiceState>();
  private readonly ids: ToolCallIds;
  private reported: UsageCount | undefined;
  private providerModel: string | undefined;
  private isFailed = false;
  private ended = false;

  constructor(ctx: TranslateContext) {
    this.writer = new OpenAiChunkWriter(ctx);
    this.ids = new ToolCallIds(ctx.id);
  }

  get usage(): UsageCount | undefined {
    return this.reported;
  }

  get model(): string | undefined {
    return this.providerModel;
  }

  get failed(): boolean {
    return this.isFailed;
  }

  get answered(): boolean {
    return this.writer.answered;
  }

  get failure(): StreamFailure | undefined {
    return this.writer.failure;
  }

  push(chunk: Buffer): string {
    if (this.isFailed || this.ended) return '';
    return guardedStep(() => this.translate(this.parser.push(chunk)), () => this.unreadable());
  }

  /**
   * Finish reasons wait for the end: only then is it sure no later piece changes them, and
   * OpenAI clients take the finish chunk as the last word on a choice.
   */
  end(): string {
    if (this.isFailed || this.ended) return '';
    this.ended = true;
    return guardedStep(() => {
      let out = this.translate(this.parser.end());
      if (this.isFailed) return out;
      const states = [...this.choices.entries()].sort(([a], [b]) => a - b);
      if (states.length === 0 || states.some(([, s]) => s.finishReason === undefined && !s.promptBlocked)) {
        return out + this.fail(openAiError(502, "the provider's stream ended before the answer finished"));
      }
      for (const [index, state] of states) out += this.writer.finish(state.promptBlocked ? 'content_filter' : finishReason(state.finishReason, this.writer.toolCalls(index) > 0), index);
      return out + this.writer.close(this.reported);
    }, () => this.unreadable());
  }

  private translate(events: SseEvent[]): string {
    let out = '';
    for (const event of events) {
      if (this.isFailed) break;
      out += this.piece(event.data);
    }
    return out;
  }

  private piece(data: string): string {
    if (data.trim() === '') return '';
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return this.fail(openAiError(502, "the provider's stream sent an event that is not JSON"));
    }
    const error = readErrorStatus(value);
    if (error !== undefined) return this.fail(streamError(error));
    if (!isPlainObject(value)) return this.fail(openAiError(502, "the provider's stream sent an event that is not a GenerateContentResponse"));
    const answer = value as GenerateContentResponse;
    this.providerModel ??= nonEmptyString(answer.modelVersion);
    this.writer.nameModel(this.providerModel);
    this.reported = usageCount(answer.usageMetadata) ?? this.reported;
    const candidates = indexedCandidates(answer);
    if (candidates.length === 0 && blockReason(answer) !== undefined) this.state(0).promptBlocked = true;
    return candidates.map(({ index, candidate }) => this.candidate(index, candidate)).join('');
  }

  /** A candidate's piece: its text as content deltas, each function call as a tool call's two deltas. */
  private candidate(index: number, candidate: Candidate): string {
    const state = this.state(index);
    let out = this.writer.role(index);
    for (const part of partsOf(candidate)) {
      if (hasFunctionCall(part)) {
        const call = toolCall(part, this.ids.take());
        const opened = this.writer.openToolCall({ id: call.id, name: call.function.name, ...(call.extra_content !== undefined ? { extra: { extra_content: call.extra_content } } : {}) }, index);
        out += opened.sse + this.writer.toolArguments(opened.index, call.function.arguments, index);
      } else {
        out += this.writer.content(answerText(part), index);
      }
    }
    if (typeof candidate.finishReason === 'string') state.finishReason = candidate.finishReason;
    return out;
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { finishReason: undefined, promptBlocked: false };
      this.choices.set(index, state);
    }
    return state;
  }

  private fail(failure: { status: number; body: ErrorBody }): string {
    this.isFailed = true;
    return this.writer.error(failure);
  }

  private unreadable(): string {
    return this.fail(openAiError(502, "the provider's stream could not be read"));
  }
}
