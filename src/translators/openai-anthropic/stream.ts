import { isPlainObject } from '../../core/json.js';
import { isAnswerTool } from '../common/answer-tool.js';
import { guardedStep } from '../common/errors.js';
import { OpenAiChunkWriter } from '../common/openai-chunks.js';
import { argumentsText } from '../common/tool-arguments.js';
import { nonEmptyString, tokenCount } from '../common/values.js';
import { openAiError } from '../openai-error.js';
import { SseParser, type SseEvent } from '../sse.js';
import type { StreamFailure, StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { streamError } from './errors.js';
import { textDelta } from './text-delta.js';
import { finishReason, USAGE_FIELDS, usageCount } from './mapping.js';

/** What one Anthropic content block becomes for the client. */
type Block =
  | { kind: 'text' }
  /** A client tool call, numbered 0, 1, 2… in the order the calls start. */
  | { kind: 'tool'; call: number; startInput: unknown }
  /** The `response_format` answer tool: its input is the client's content. */
  | { kind: 'answer'; sent: boolean; startInput: unknown }
  /** Thinking, a second answer tool, and anything else that is not part of the answer. */
  | { kind: 'ignored' };

/**
 * Anthropic's Messages stream (`event:` + `data:` SSE) as OpenAI chat completion chunks.
 * Every provider event is translated as soon as it is complete, so nothing is held back.
 */
export class AnthropicStreamToOpenAi implements StreamTranslator {
  private readonly parser = new SseParser();
  private readonly writer: OpenAiChunkWriter;
  private readonly blocks = new Map<number, Block>();
  /** A JSON answer has begun: it is the whole content, so the model's text no longer goes out. */
  private answering = false;
  private done = false;
  private broken = false;
  private providerModel: string | undefined;
  private providerUsage: Partial<Record<(typeof USAGE_FIELDS)[number], number>> | undefined;

  constructor(private readonly ctx: TranslateContext) {
    this.writer = new OpenAiChunkWriter(ctx);
  }

  get usage(): UsageCount | undefined {
    return this.providerUsage === undefined ? undefined : usageCount(this.providerUsage);
  }

  get model(): string | undefined {
    return this.providerModel;
  }

  get failed(): boolean {
    return this.broken;
  }

  get answered(): boolean {
    return this.writer.answered;
  }

  get failure(): StreamFailure | undefined {
    return this.writer.failure;
  }

  push(chunk: Buffer): string {
    if (this.done || this.broken) return '';
    return guardedStep(() => this.translate(this.parser.push(chunk)), () => this.unreadable());
  }

  end(): string {
    if (this.done || this.broken) return '';
    return guardedStep(() => {
      const out = this.translate(this.parser.end());
      if (this.done || this.broken) return out;
      // No message_stop: the answer was cut off, and the client must not take it for a whole one.
      return out + this.failWith(502, 'The Anthropic stream ended before the answer was complete');
    }, () => this.unreadable());
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
    if (raw.data === '') return '';
    const token = textDelta(raw.data);
    if (token !== undefined && this.blocks.get(token.index)?.kind === 'text') return this.answering ? '' : this.writer.contentLiteral(token.literal);
    let event: unknown;
    try {
      event = JSON.parse(raw.data);
    } catch {
      return this.failWith(502, 'Anthropic sent a stream event that is not JSON');
    }
    if (!isPlainObject(event)) return this.failWith(502, 'Anthropic sent a stream event that is not a JSON object');
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
        return this.writer.finish(finishReason(isPlainObject(event.delta) ? event.delta.stop_reason : undefined, this.writer.toolCalls() > 0));
      case 'message_stop':
        return this.stop();
      case 'error':
        this.broken = true;
        return this.writer.error(streamError(event));
      default:
        // ping, and event types Anthropic may add later: nothing for the client.
        return '';
    }
  }

  private messageStart(message: unknown): string {
    if (isPlainObject(message)) {
      this.providerModel ??= nonEmptyString(message.model);
      this.writer.nameModel(this.providerModel);
      this.recordUsage(message.usage);
    }
    return this.writer.role();
  }

  private blockStart(index: unknown, block: unknown): string {
    if (!Number.isInteger(index) || !isPlainObject(block)) return this.failWith(502, 'Anthropic started a content block without its index or content');
    const at = index as number;
    if (block.type === 'text') {
      this.blocks.set(at, { kind: 'text' });
      return this.text(typeof block.text === 'string' ? block.text : '');
    }
    if (block.type === 'tool_use' && isAnswerTool(block.name)) {
      // Only the first answer is the content: a second would make it unreadable as JSON.
      this.blocks.set(at, this.answering ? { kind: 'ignored' } : { kind: 'answer', sent: false, startInput: block.input });
      this.answering = true;
      return this.writer.role();
    }
    if (block.type === 'tool_use') {
      if (typeof block.name !== 'string') return this.failWith(502, 'Anthropic sent a tool call without a name');
      const id = nonEmptyString(block.id) ?? `call_${this.ctx.id}_${this.writer.toolCalls()}`;
      const { index: call, sse } = this.writer.openToolCall({ id, name: block.name });
      this.blocks.set(at, { kind: 'tool', call, startInput: block.input });
      return sse;
    }
    this.blocks.set(at, { kind: 'ignored' });
    return this.writer.role();
  }

  private blockDelta(index: unknown, delta: unknown): string {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    if (block === undefined) return this.failWith(502, 'Anthropic sent a delta for a content block it had not started');
    if (!isPlainObject(delta)) return '';
    if (block.kind === 'text' && delta.type === 'text_delta' && typeof delta.text === 'string') return this.text(delta.text);
    if (delta.type !== 'input_json_delta' || typeof delta.partial_json !== 'string') return '';
    if (block.kind === 'tool') return this.writer.toolArguments(block.call, delta.partial_json);
    if (block.kind === 'answer' && delta.partial_json !== '') {
      block.sent = true;
      return this.writer.content(delta.partial_json);
    }
    return '';
  }

  /** A tool call whose input came whole in its start (or empty) still gives the client its JSON text. */
  private blockStop(index: unknown): string {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    if (block?.kind === 'tool') return this.writer.closeToolCall(block.call, argumentsText(isPlainObject(block.startInput) ? block.startInput : {}));
    if (block?.kind === 'answer' && !block.sent) {
      block.sent = true;
      return this.writer.content(argumentsText(isPlainObject(block.startInput) ? block.startInput : {}));
    }
    return '';
  }

  /** The model's text, unless a JSON answer has begun: then the answer alone is the content. */
  private text(text: string): string {
    return this.answering ? '' : this.writer.content(text);
  }

  /** message_stop. Without a message_delta before it, the finish reason is what the stream showed. */
  private stop(): string {
    const out = this.writer.finish(this.writer.toolCalls() > 0 ? 'tool_calls' : 'stop') + this.writer.close(this.usage);
    this.done = true;
    return out;
  }

  private failWith(status: number, message: string): string {
    this.broken = true;
    return this.writer.error(openAiError(status, message));
  }

  private unreadable(): string {
    return this.failWith(502, 'The Anthropic stream could not be read');
  }

  /** message_start has the input side; message_delta the output so far (and, lately, the input again). */
  private recordUsage(usage: unknown): void {
    if (!isPlainObject(usage)) return;
    const counts = { ...this.providerUsage };
    for (const key of USAGE_FIELDS) {
      const value = tokenCount(usage[key]);
      if (value !== undefined) counts[key] = value;
    }
    this.providerUsage = counts;
  }
}
