import type { Usage as AnthropicUsage, StopReason } from '../../apischema/anthropic.js';
import type { ChatCompletionChunk, FinishReason } from '../../apischema/openai.js';
import { openAiErrorType } from '../openai-error.js';
import { SSE_DONE, SseParser, sseData, type SseEvent } from '../sse.js';
import type { StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { streamError } from './errors.js';
import { finishReason, isAnswerTool, isRecord, openAiUsage, usageCount } from './mapping.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

const USAGE_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/** What one Anthropic content block becomes for the client. */
type Block =
  | { kind: 'text' }
  /** A client tool call, numbered 0, 1, 2… in the order the calls start. */
  | { kind: 'tool'; call: number; argumentsSent: boolean; startInput: unknown }
  /** The `response_format` answer tool: its input is the client's content. */
  | { kind: 'answer'; sent: boolean; startInput: unknown }
  /** Thinking and anything else that is not part of the answer. */
  | { kind: 'ignored' };

/**
 * Anthropic's Messages stream (`event:` + `data:` SSE) as OpenAI chat completion chunks.
 * Every provider event is translated as soon as it is complete, so nothing is held back.
 */
export class AnthropicStreamToOpenAi implements StreamTranslator {
  private readonly parser = new SseParser();
  private readonly blocks = new Map<number, Block>();
  private calls = 0;
  private started = false;
  private finished = false;
  private done = false;
  private broken = false;
  private providerModel: string | undefined;
  private providerUsage: Partial<Record<keyof AnthropicUsage, number>> | undefined;

  constructor(private readonly ctx: TranslateContext) {}

  get usage(): UsageCount | undefined {
    return this.providerUsage === undefined ? undefined : usageCount(this.providerUsage);
  }

  get model(): string | undefined {
    return this.providerModel;
  }

  get failed(): boolean {
    return this.broken;
  }

  push(chunk: Buffer): string {
    return this.translate(this.parser.push(chunk));
  }

  end(): string {
    const out = this.translate(this.parser.end());
    if (this.done || this.broken) return out;
    // No message_stop: the answer was cut off, and the client must not take it for a whole one.
    this.broken = true;
    return out + sseData({ error: { message: 'The Anthropic stream ended before the answer was complete', type: openAiErrorType(502), param: null, code: null } });
  }

  private translate(events: SseEvent[]): string {
    let out = '';
    for (const event of events) {
      if (this.done || this.broken) break;
      out += this.event(event);
    }
    return out;
  }

  private event(raw: SseEvent): string {
    let event: unknown;
    try {
      event = JSON.parse(raw.data);
    } catch {
      event = undefined;
    }
    if (!isRecord(event)) return raw.data === '' ? '' : this.fail({ error: { type: 'api_error', message: 'Anthropic sent a stream event that is not JSON' } });
    switch (event.type ?? raw.event) {
      case 'message_start':
        return this.messageStart(event.message);
      case 'content_block_start':
        return this.blockStart(event.index, event.content_block);
      case 'content_block_delta':
        return this.blockDelta(event.index, event.delta);
      case 'content_block_stop':
        return this.blockStop(event.index);
      case 'message_delta':
        this.recordUsage(event.usage);
        return this.finish(finishReason(isRecord(event.delta) ? (event.delta.stop_reason as StopReason | null) : null, this.calls > 0));
      case 'message_stop':
        return this.stop();
      case 'error':
        return this.fail(event);
      default:
        // ping, and event types Anthropic may add later: nothing for the client.
        return '';
    }
  }

  private messageStart(message: unknown): string {
    if (isRecord(message)) {
      if (typeof message.model === 'string') this.providerModel ??= message.model;
      this.recordUsage(message.usage);
    }
    return this.start();
  }

  /** The first chunk carries the role, as OpenAI's does. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private blockStart(index: unknown, block: unknown): string {
    if (typeof index !== 'number' || !isRecord(block)) return '';
    let out = this.start();
    if (block.type === 'text') {
      this.blocks.set(index, { kind: 'text' });
      if (typeof block.text === 'string' && block.text !== '') out += this.chunk({ content: block.text });
    } else if (block.type === 'tool_use' && isAnswerTool(block.name)) {
      this.blocks.set(index, { kind: 'answer', sent: false, startInput: block.input });
    } else if (block.type === 'tool_use') {
      const call = this.calls++;
      this.blocks.set(index, { kind: 'tool', call, argumentsSent: false, startInput: block.input });
      const id = typeof block.id === 'string' ? block.id : `call_${this.ctx.id}_${call}`;
      const name = typeof block.name === 'string' ? block.name : '';
      out += this.chunk({ tool_calls: [{ index: call, id, type: 'function', function: { name, arguments: '' } }] });
    } else {
      this.blocks.set(index, { kind: 'ignored' });
    }
    return out;
  }

  private blockDelta(index: unknown, delta: unknown): string {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    if (block === undefined || !isRecord(delta)) return '';
    if (block.kind === 'text' && delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') return this.chunk({ content: delta.text });
    if (delta.type !== 'input_json_delta' || typeof delta.partial_json !== 'string' || delta.partial_json === '') return '';
    if (block.kind === 'tool') {
      block.argumentsSent = true;
      return this.chunk({ tool_calls: [{ index: block.call, function: { arguments: delta.partial_json } }] });
    }
    if (block.kind === 'answer') {
      block.sent = true;
      return this.chunk({ content: delta.partial_json });
    }
    return '';
  }

  /** A tool call whose input came whole in its start (or empty) still gives the client its JSON text. */
  private blockStop(index: unknown): string {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    if (block?.kind === 'tool' && !block.argumentsSent) return this.chunk({ tool_calls: [{ index: block.call, function: { arguments: inputText(block.startInput) } }] });
    if (block?.kind === 'answer' && !block.sent) return this.chunk({ content: inputText(block.startInput) });
    return '';
  }

  private finish(reason: FinishReason): string {
    if (this.finished) return '';
    this.finished = true;
    return this.start() + this.chunk({}, reason);
  }

  private stop(): string {
    let out = this.finish('stop');
    const usage = this.usage;
    if (this.ctx.includeUsage && usage !== undefined) out += sseData({ ...this.base(), choices: [], usage: openAiUsage(usage) });
    this.done = true;
    return out + SSE_DONE;
  }

  private fail(event: unknown): string {
    this.broken = true;
    return sseData(streamError(event));
  }

  /** message_start has the input side; message_delta the output so far (and, lately, the input again). */
  private recordUsage(usage: unknown): void {
    if (!isRecord(usage)) return;
    const counts = { ...this.providerUsage };
    for (const key of USAGE_FIELDS) {
      const value = usage[key];
      if (typeof value === 'number') counts[key] = value;
    }
    this.providerUsage = counts;
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return { id: `chatcmpl-${this.ctx.id}`, object: 'chat.completion.chunk', created: this.ctx.created, model: this.providerModel ?? this.ctx.model };
  }

  private chunk(delta: Delta, finish: FinishReason | null = null): string {
    const chunk: ChatCompletionChunk = { ...this.base(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
    // OpenAI marks every chunk but the last with `usage: null` when usage was asked for.
    if (this.ctx.includeUsage) chunk.usage = null;
    return sseData(chunk);
  }
}

function inputText(input: unknown): string {
  return JSON.stringify(isRecord(input) ? input : {});
}
