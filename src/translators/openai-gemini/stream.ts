import type { Candidate, GenerateContentResponse } from '../../apischema/gemini.js';
import type { ChatCompletionChunk, ChunkToolCallDelta, ErrorBody, FinishReason } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { openAiError } from '../openai-error.js';
import { SSE_DONE, SseParser, sseData, type SseEvent } from '../sse.js';
import type { StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { readErrorStatus, streamErrorBody } from './errors.js';
import type { SignedToolCall } from './messages.js';
import { answerText, finishReason, hasFunctionCall, indexedCandidates, openAiUsage, partsOf, ToolCallIds, toolCall, usageCount } from './response.js';

// A Gemini `:streamGenerateContent?alt=sse` stream as OpenAI chat completion chunks. Each
// `data:` line is a whole GenerateContentResponse holding the next piece of each candidate;
// function calls arrive whole, usage grows piece by piece and is complete in the last.

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type SignedToolCallDelta = ChunkToolCallDelta & Pick<SignedToolCall, 'extra_content'>;

interface ChoiceState {
  roleSent: boolean;
  /** Tool calls of this choice so far: the next one's delta `index`. */
  toolCalls: number;
  /** The candidate's last finish reason (older Vertex streams repeat it on every piece). */
  finishReason: string | undefined;
  /** The prompt was blocked: no candidate will come. */
  promptBlocked: boolean;
}

export class GeminiChatStream implements StreamTranslator {
  private readonly parser = new SseParser();
  private readonly choices = new Map<number, ChoiceState>();
  private readonly ids = new ToolCallIds();
  private reported: UsageCount | undefined;
  private providerModel: string | undefined;
  /** Fixed by the first chunk sent, so every chunk names the same model. */
  private chunkModel: string | undefined;
  private isFailed = false;
  private ended = false;

  constructor(private readonly ctx: TranslateContext) {}

  get usage(): UsageCount | undefined {
    return this.reported;
  }

  get model(): string | undefined {
    return this.providerModel;
  }

  get failed(): boolean {
    return this.isFailed;
  }

  push(chunk: Buffer): string {
    if (this.isFailed || this.ended) return '';
    return this.translate(this.parser.push(chunk));
  }

  /**
   * Finish reasons wait for the end: only then is it sure no later piece changes them, and
   * OpenAI clients take the finish chunk as the last word on a choice.
   */
  end(): string {
    if (this.isFailed || this.ended) return '';
    this.ended = true;
    let out = this.translate(this.parser.end());
    if (this.isFailed) return out;
    const states = [...this.choices.entries()].sort(([a], [b]) => a - b);
    if (states.length === 0 || states.some(([, s]) => s.finishReason === undefined && !s.promptBlocked)) {
      return out + this.fail(openAiError(502, "the provider's stream ended before the answer finished").body);
    }
    for (const [index, state] of states) out += this.chunk(index, {}, state.promptBlocked ? 'content_filter' : finishReason(state.finishReason, state.toolCalls > 0));
    if (this.ctx.includeUsage && this.reported !== undefined) {
      out += sseData({ ...this.envelope(), choices: [], usage: openAiUsage(this.reported) } satisfies ChatCompletionChunk);
    }
    return out + SSE_DONE;
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
      return this.fail(openAiError(502, "the provider's stream sent an event that is not JSON").body);
    }
    const error = readErrorStatus(value);
    if (error !== undefined) return this.fail(streamErrorBody(error));
    if (!isPlainObject(value)) return '';
    const answer = value as GenerateContentResponse;
    if (typeof answer.modelVersion === 'string') this.providerModel ??= answer.modelVersion;
    this.reported = usageCount(answer.usageMetadata) ?? this.reported;
    const candidates = Array.isArray(answer.candidates) ? indexedCandidates(answer) : [];
    if (candidates.length === 0 && answer.promptFeedback?.blockReason !== undefined) this.state(0).promptBlocked = true;
    return candidates.map(({ index, candidate }) => this.candidate(index, candidate)).join('');
  }

  /** A candidate's piece: its text as content deltas, each function call as a tool call's two deltas. */
  private candidate(index: number, candidate: Candidate): string {
    const state = this.state(index);
    let out = '';
    for (const part of partsOf(candidate)) {
      if (hasFunctionCall(part)) {
        const call = toolCall(part, this.ids.take());
        const at = state.toolCalls++;
        const opening: SignedToolCallDelta = {
          index: at,
          id: call.id,
          type: 'function',
          function: { name: call.function.name, arguments: '' },
          ...(call.extra_content !== undefined ? { extra_content: call.extra_content } : {}),
        };
        out += this.chunk(index, { tool_calls: [opening] });
        out += this.chunk(index, { tool_calls: [{ index: at, function: { arguments: call.function.arguments } }] });
      } else {
        const text = answerText(part);
        if (text !== '') out += this.chunk(index, { content: text });
      }
    }
    if (typeof candidate.finishReason === 'string') state.finishReason = candidate.finishReason;
    return out;
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { roleSent: false, toolCalls: 0, finishReason: undefined, promptBlocked: false };
      this.choices.set(index, state);
    }
    return state;
  }

  private envelope(): Omit<ChatCompletionChunk, 'choices'> {
    this.chunkModel ??= this.providerModel ?? this.ctx.model;
    return { id: `chatcmpl-${this.ctx.id}`, object: 'chat.completion.chunk', created: this.ctx.created, model: this.chunkModel };
  }

  /** One choice's delta; the choice's first also says who speaks. */
  private chunk(index: number, delta: Delta, finish: FinishReason | null = null): string {
    const state = this.state(index);
    const first = !state.roleSent;
    state.roleSent = true;
    const chunk: ChatCompletionChunk = { ...this.envelope(), choices: [{ index, delta: first ? { role: 'assistant', ...delta } : delta, logprobs: null, finish_reason: finish }] };
    return sseData(chunk);
  }

  private fail(body: ErrorBody): string {
    this.isFailed = true;
    return sseData(body);
  }
}
