import { isPlainObject } from '../../core/json.js';
import { isAnswerTool } from '../common/answer-tool.js';
import { guardedStep } from '../common/errors.js';
import { OpenAiChunkWriter } from '../common/openai-chunks.js';
import { lookup, nonEmptyString } from '../common/values.js';
import { openAiError } from '../openai-error.js';
import type { StreamFailure, StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { clientStatus, errorMessage } from './errors.js';
import { type EventStreamMessage, EventStreamFramer } from './event-stream.js';
import { finishReason, usageCount } from './mapping.js';

/** What a content block the stream announced becomes: a client tool call, or the `response_format` answer. */
type Block = { kind: 'call'; index: number } | { kind: 'answer' } | { kind: 'ignored' };

/** The HTTP status each in-band exception stands for (the stream itself was already 200). */
const EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  throttlingException: 429,
  validationException: 400,
  serviceUnavailableException: 503,
  internalServerException: 500,
  modelStreamErrorException: 424,
};

/**
 * A ConverseStream answer as OpenAI chat completion chunks. The finish chunk goes out at
 * `messageStop`; usage arrives after it, in `metadata`, so the usage chunk and `[DONE]` follow
 * that (or the end of the stream, if Bedrock never sends it).
 */
export class BedrockChatStream implements StreamTranslator {
  private readonly framer = new EventStreamFramer();
  private readonly writer: OpenAiChunkWriter;
  private readonly blocks = new Map<number, Block>();
  /** A JSON answer has begun: it is the whole content, so the model's text no longer goes out. */
  private answering = false;
  private stopped = false;
  private done = false;
  private reported: UsageCount | undefined;
  private hasFailed = false;

  constructor(private readonly ctx: TranslateContext) {
    this.writer = new OpenAiChunkWriter(ctx);
  }

  get usage(): UsageCount | undefined {
    return this.reported;
  }

  /** Bedrock does not say which model answered. */
  get model(): string | undefined {
    return undefined;
  }

  get failed(): boolean {
    return this.hasFailed;
  }

  get answered(): boolean {
    return this.writer.answered;
  }

  get failure(): StreamFailure | undefined {
    return this.writer.failure;
  }

  push(chunk: Buffer): string {
    if (this.hasFailed || this.done) return '';
    return guardedStep(() => {
      const { messages, corrupt } = this.framer.push(chunk);
      let out = '';
      for (const message of messages) {
        out += this.message(message);
        if (this.hasFailed || this.done) return out;
      }
      if (corrupt !== undefined) out += this.fail(502, `the Bedrock event stream is corrupt: ${corrupt}`, null);
      return out;
    }, () => this.fail(502, 'the Bedrock stream could not be read', null));
  }

  end(): string {
    if (this.hasFailed || this.done) return '';
    if (!this.stopped) return this.fail(502, 'the Bedrock stream ended before the answer finished', null);
    // Finished, but the usage event never came: close without inventing one.
    this.done = true;
    return this.writer.close(undefined);
  }

  private message(message: EventStreamMessage): string {
    const kind = message.headers[':message-type'];
    if (kind === 'exception') {
      const type = message.headers[':exception-type'] ?? 'exception';
      const name = type.charAt(0).toUpperCase() + type.slice(1);
      const status = clientStatus(name, lookup(EXCEPTION_STATUS, type) ?? 500);
      return this.fail(status, errorMessage(name, parse(message.body) ?? {}) ?? `Bedrock sent ${name}`, name);
    }
    if (kind === 'error') {
      const code = message.headers[':error-code'] ?? 'error';
      return this.fail(500, message.headers[':error-message'] || `Bedrock sent ${code}`, code);
    }
    if (kind !== 'event') return '';
    const payload = parse(message.body);
    if (payload === undefined) return this.fail(502, 'the Bedrock stream sent an event that is not a JSON object', null);
    return this.event(message.headers[':event-type'], payload);
  }

  private event(type: string | undefined, payload: Record<string, unknown>): string {
    switch (type) {
      case 'messageStart':
        return this.writer.role();
      case 'contentBlockStart':
        return this.blockStart(payload);
      case 'contentBlockDelta':
        return this.blockDelta(payload);
      case 'contentBlockStop':
        return this.blockStop(payload);
      case 'messageStop':
        return this.stop(payload);
      case 'metadata':
        if (isPlainObject(payload.usage)) this.reported = usageCount(payload.usage);
        return this.close();
      default:
        // Events added later: nothing for the client.
        return '';
    }
  }

  /** Only tool-use blocks are announced; the first delta of each call carries its id and name. */
  private blockStart(payload: Record<string, unknown>): string {
    const start = isPlainObject(payload.start) ? payload.start : {};
    const toolUse = isPlainObject(start.toolUse) ? start.toolUse : undefined;
    if (toolUse === undefined) return '';
    if (!Number.isInteger(payload.contentBlockIndex)) return this.fail(502, 'Bedrock started a tool call without its block index', null);
    const at = payload.contentBlockIndex as number;
    if (isAnswerTool(toolUse.name)) {
      // Only the first answer is the content: a second would make it unreadable as JSON.
      this.blocks.set(at, this.answering ? { kind: 'ignored' } : { kind: 'answer' });
      this.answering = true;
      return this.writer.role();
    }
    if (typeof toolUse.name !== 'string') return this.fail(502, 'Bedrock sent a tool call without a name', null);
    const id = nonEmptyString(toolUse.toolUseId) ?? `call_${this.ctx.id}_${this.writer.toolCalls()}`;
    const { index, sse } = this.writer.openToolCall({ id, name: toolUse.name });
    this.blocks.set(at, { kind: 'call', index });
    return sse;
  }

  private blockDelta(payload: Record<string, unknown>): string {
    const delta = isPlainObject(payload.delta) ? payload.delta : {};
    // Text blocks are not announced: their deltas come straight away. Once a JSON answer has begun, the answer alone is the content.
    if (typeof delta.text === 'string') return this.answering ? '' : this.writer.content(delta.text);
    const input = isPlainObject(delta.toolUse) ? delta.toolUse.input : undefined;
    if (typeof input !== 'string') return ''; // reasoningContent deltas are thinking, not the answer
    const block = typeof payload.contentBlockIndex === 'number' ? this.blocks.get(payload.contentBlockIndex) : undefined;
    if (block === undefined) return this.fail(502, 'Bedrock sent tool input for a block it had not started', null);
    if (block.kind === 'answer') return this.writer.content(input);
    if (block.kind === 'call') return this.writer.toolArguments(block.index, input);
    return '';
  }

  /** A call without parameters streams no input: its arguments are still the JSON text `{}`, as in the JSON answer. */
  private blockStop(payload: Record<string, unknown>): string {
    const block = typeof payload.contentBlockIndex === 'number' ? this.blocks.get(payload.contentBlockIndex) : undefined;
    return block?.kind === 'call' ? this.writer.closeToolCall(block.index) : '';
  }

  private stop(payload: Record<string, unknown>): string {
    if (this.stopped) return '';
    this.stopped = true;
    return this.writer.finish(finishReason(payload.stopReason, this.writer.toolCalls() > 0)) + this.close();
  }

  /** After both the finish and the usage: the usage chunk when asked for, then `[DONE]`. */
  private close(): string {
    if (!this.stopped || this.reported === undefined || this.done) return '';
    this.done = true;
    return this.writer.close(this.reported);
  }

  private fail(status: number, message: string, code: string | null): string {
    this.hasFailed = true;
    return this.writer.error(openAiError(status, message, code));
  }
}

function parse(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
