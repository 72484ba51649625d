import type { ChatCompletionChunk, ChunkToolCallDelta, ErrorBody, FinishReason } from '../../apischema/openai.js';
import { SSE_DONE, sseData } from '../sse.js';
import type { StreamFailure, TranslateContext, UsageCount } from '../translator.js';
import { openAiUsage } from './usage.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** The delta of a choice's opening chunk: who speaks, no answer yet. */
const ROLE_DELTA = JSON.stringify({ role: 'assistant', content: '' });

interface ChoiceState {
  roleSent: boolean;
  finished: boolean;
  /** For each tool call of the choice, by its index: whether any argument text went out. */
  argumentsSent: boolean[];
}

/**
 * Writes an OpenAI chat completion stream, in the shape of OpenAI's own: every chunk with the
 * same id, `created` and model; each choice opening with a chunk that only says who speaks
 * (`{role: 'assistant', content: ''}`); tool calls numbered 0, 1, 2… per choice, the first
 * delta of each carrying its id, type, name and empty arguments; a finish chunk per choice;
 * with `stream_options.include_usage`, `usage: null` on every chunk and a last chunk of usage
 * without choices; then `[DONE]`. The translators decide what to say; this says it alike.
 */
export class OpenAiChunkWriter {
  private readonly choices = new Map<number, ChoiceState>();
  private providerModel: string | undefined;
  private written = false;
  private answerSent = false;
  private failedWith: StreamFailure | undefined;
  /**
   * `data: {"id":…,"object":…,"created":…,"model":…,"choices":[{"index":`, built once: a stream's
   * chunks differ only in their choice, delta and finish reason, and a model's tokens come one
   * chunk each, so each chunk is that prefix and a few small pieces rather than a new object
   * serialized whole (the same bytes JSON.stringify would give).
   */
  private prefix: string | undefined;
  private readonly suffix: string;

  constructor(private readonly ctx: TranslateContext) {
    // OpenAI marks every chunk before the usage chunk with `usage: null` when usage was asked for.
    this.suffix = ctx.includeUsage ? '}],"usage":null}\n\n' : '}]}\n\n';
  }

  /**
   * The model the provider says answers. Every chunk must name the same model, so only a model
   * named before the first chunk is used; until then, and without one, it is the context's.
   */
  nameModel(model: string | undefined): void {
    if (!this.written && model !== undefined && model !== '') this.providerModel ??= model;
  }

  /** The choice's opening chunk, unless it had it. */
  role(choice = 0): string {
    const state = this.state(choice);
    if (state.roleSent) return '';
    state.roleSent = true;
    return this.raw(choice, ROLE_DELTA, null, false);
  }

  content(text: string, choice = 0): string {
    return text === '' ? '' : this.role(choice) + this.raw(choice, `{"content":${JSON.stringify(text)}}`, null);
  }

  /**
   * Content given as a JSON string literal already (copied from a provider's event after checking
   * it is one), so it is not parsed and serialized again: the common case of a streamed token.
   */
  contentLiteral(literal: string, choice = 0): string {
    return literal === '""' ? '' : this.role(choice) + this.raw(choice, `{"content":${literal}}`, null);
  }

  /** A tool call's first delta; the call's index is the number of calls the choice had before it. */
  openToolCall(call: { id: string; name: string; extra?: Readonly<Record<string, unknown>> }, choice = 0): { index: number; sse: string } {
    const state = this.state(choice);
    const index = state.argumentsSent.length;
    state.argumentsSent.push(false);
    const opening: ChunkToolCallDelta = { ...call.extra, index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    return { index, sse: this.role(choice) + this.chunk(choice, { tool_calls: [opening] }) };
  }

  toolArguments(index: number, text: string, choice = 0): string {
    const state = this.state(choice);
    if (text === '' || index >= state.argumentsSent.length) return '';
    state.argumentsSent[index] = true;
    return this.chunk(choice, { tool_calls: [{ index, function: { arguments: text } }] });
  }

  /**
   * A tool call is complete. When no argument text went out (a call without parameters, or
   * one whose input came whole in its start), `whole` does, so the client's arguments always
   * parse as the JSON the JSON answer would give: `{}` rather than "".
   */
  closeToolCall(index: number, whole = '{}', choice = 0): string {
    const state = this.state(choice);
    if (index >= state.argumentsSent.length || state.argumentsSent[index] === true) return '';
    return this.toolArguments(index, whole, choice);
  }

  /** How many tool calls the choice streamed. */
  toolCalls(choice = 0): number {
    return this.state(choice).argumentsSent.length;
  }

  /** The choice's finish chunk, once: OpenAI clients take it as the last word on the choice. */
  finish(reason: FinishReason, choice = 0): string {
    const state = this.state(choice);
    if (state.finished) return '';
    state.finished = true;
    return this.role(choice) + this.chunk(choice, {}, reason);
  }

  /** The end of a finished stream: the usage chunk when the client asked for it and the provider gave it, then `[DONE]`. */
  close(usage: UsageCount | undefined): string {
    if (!this.ctx.includeUsage || usage === undefined) return SSE_DONE;
    const last: ChatCompletionChunk = { ...this.envelope(), choices: [], usage: openAiUsage(usage) };
    return sseData(last) + SSE_DONE;
  }

  /** The error event that ends a stream that cannot finish: OpenAI's error object, and no `[DONE]`. */
  error(failure: { status: number; body: ErrorBody }): string {
    this.failedWith = failure;
    return sseData(failure.body);
  }

  /** Whether a chunk carrying the answer (not just the opening role) went out. */
  get answered(): boolean {
    return this.answerSent;
  }

  get failure(): StreamFailure | undefined {
    return this.failedWith;
  }

  private state(choice: number): ChoiceState {
    let state = this.choices.get(choice);
    if (state === undefined) {
      state = { roleSent: false, finished: false, argumentsSent: [] };
      this.choices.set(choice, state);
    }
    return state;
  }

  private envelope(): Omit<ChatCompletionChunk, 'choices'> {
    this.written = true;
    return { id: `chatcmpl-${this.ctx.id}`, object: 'chat.completion.chunk', created: this.ctx.created, model: this.providerModel ?? this.ctx.model };
  }

  private chunk(choice: number, delta: Delta, finish: FinishReason | null = null): string {
    return this.raw(choice, JSON.stringify(delta), finish);
  }

  /** One chunk from its delta's JSON: `{...envelope, choices: [{index, delta, logprobs: null, finish_reason}], usage?}`. */
  private raw(choice: number, delta: string, finish: FinishReason | null, answers = true): string {
    if (answers) this.answerSent = true;
    this.prefix ??= `data: ${JSON.stringify(this.envelope()).slice(0, -1)},"choices":[{"index":`;
    return `${this.prefix}${choice},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}${this.suffix}`;
  }
}
