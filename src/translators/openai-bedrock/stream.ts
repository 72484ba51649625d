import type { StreamExceptionType } from '../../apischema/bedrock.js';
import type { ChatCompletionChunk, FinishReason } from '../../apischema/openai.js';
import { openAiErrorType } from '../openai-error.js';
import { SSE_DONE, sseData } from '../sse.js';
import type { StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { clientStatus, errorMessage } from './errors.js';
import { type EventStreamMessage, EventStreamFramer } from './event-stream.js';
import { finishReason, isAnswerTool, isRecord, openAiUsage, usageCount } from './mapping.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** What a content block the stream announced becomes: a client tool call, or the `response_format` answer. */
type Block = { kind: 'call'; index: number } | { kind: 'answer' };

/** The HTTP status each in-band exception stands for (the stream itself was already 200). */
const EXCEPTION_STATUS: Record<StreamExceptionType, number> = {
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
  private readonly blocks = new Map<number, Block>();
  private calls = 0;
  private roleSent = false;
  private stopped = false;
  private done = false;
  private usageCount: UsageCount | undefined;
  private hasFailed = false;

  constructor(private readonly ctx: TranslateContext) {}

  get usage(): UsageCount | undefined {
    return this.usageCount;
  }

  /** Bedrock does not say which model answered. */
  get model(): string | undefined {
    return undefined;
  }

  get failed(): boolean {
    return this.hasFailed;
  }

  push(chunk: Buffer): string {
    if (this.hasFailed || this.done) return '';
    const { messages, corrupt } = this.framer.push(chunk);
    let out = '';
    for (const message of messages) {
      out += this.message(message);
      if (this.hasFailed || this.done) return out;
    }
    if (corrupt !== undefined) out += this.fail(502, `the Bedrock event stream is corrupt: ${corrupt}`, null);
    return out;
  }

  end(): string {
    if (this.hasFailed || this.done) return '';
    if (!this.stopped) return this.fail(502, 'the Bedrock stream ended before the answer finished', null);
    // Finished, but the usage event never came: close without inventing one.
    this.done = true;
    return SSE_DONE;
  }

  private message(message: EventStreamMessage): string {
    const kind = message.headers[':message-type'];
    if (kind === 'exception') {
      const type = message.headers[':exception-type'] ?? 'exception';
      const payload = parse(message.body);
      const name = type.charAt(0).toUpperCase() + type.slice(1);
      const status = clientStatus(name, EXCEPTION_STATUS[type as StreamExceptionType] ?? 500);
      return this.fail(status, (payload && errorMessage(payload)) ?? `Bedrock sent ${name}`, name);
    }
    if (kind === 'error') {
      const code = message.headers[':error-code'] ?? 'error';
      return this.fail(500, message.headers[':error-message'] ?? `Bedrock sent ${code}`, code);
    }
    if (kind !== 'event') return '';
    const payload = parse(message.body);
    if (payload === undefined) return this.fail(502, 'the Bedrock stream sent an event that is not JSON', null);
    return this.event(message.headers[':event-type'], payload);
  }

  private event(type: string | undefined, payload: Record<string, unknown>): string {
    switch (type) {
      case 'messageStart':
        return this.roleSent ? '' : this.chunk({});
      case 'contentBlockStart':
        return this.blockStart(payload);
      case 'contentBlockDelta':
        return this.blockDelta(payload);
      case 'messageStop':
        return this.stop(payload);
      case 'metadata':
        if (isRecord(payload.usage)) this.usageCount = usageCount(payload.usage);
        return this.close();
      default:
        // contentBlockStop, and events added later: nothing for the client.
        return '';
    }
  }

  /** Only tool-use blocks are announced; the first delta of each call carries its id and name. */
  private blockStart(payload: Record<string, unknown>): string {
    const start = isRecord(payload.start) ? payload.start : {};
    const toolUse = isRecord(start.toolUse) ? start.toolUse : undefined;
    if (toolUse === undefined || typeof payload.contentBlockIndex !== 'number') return '';
    if (isAnswerTool(toolUse.name)) {
      this.blocks.set(payload.contentBlockIndex, { kind: 'answer' });
      return '';
    }
    const index = this.calls++;
    this.blocks.set(payload.contentBlockIndex, { kind: 'call', index });
    return this.chunk({ tool_calls: [{ index, id: String(toolUse.toolUseId), type: 'function', function: { name: String(toolUse.name), arguments: '' } }] });
  }

  private blockDelta(payload: Record<string, unknown>): string {
    const delta = isRecord(payload.delta) ? payload.delta : {};
    if (typeof delta.text === 'string') return delta.text === '' ? '' : this.chunk({ content: delta.text });
    const input = isRecord(delta.toolUse) ? delta.toolUse.input : undefined;
    if (typeof input !== 'string' || input === '') return ''; // reasoningContent deltas are thinking, not the answer
    const block = typeof payload.contentBlockIndex === 'number' ? this.blocks.get(payload.contentBlockIndex) : undefined;
    if (block === undefined) return '';
    if (block.kind === 'answer') return this.chunk({ content: input });
    return this.chunk({ tool_calls: [{ index: block.index, function: { arguments: input } }] });
  }

  private stop(payload: Record<string, unknown>): string {
    if (this.stopped) return '';
    this.stopped = true;
    const reason = typeof payload.stopReason === 'string' ? payload.stopReason : undefined;
    return this.chunk({}, finishReason(reason, this.calls > 0)) + this.close();
  }

  /** After both the finish and the usage: the usage chunk when asked for, then `[DONE]`. */
  private close(): string {
    if (!this.stopped || this.usageCount === undefined || this.done) return '';
    this.done = true;
    if (!this.ctx.includeUsage) return SSE_DONE;
    const usage: ChatCompletionChunk = { ...this.envelope(), choices: [], usage: openAiUsage(this.usageCount) };
    return sseData(usage) + SSE_DONE;
  }

  private chunk(delta: Delta, finish: FinishReason | null = null): string {
    const first = !this.roleSent;
    this.roleSent = true;
    const chunk: ChatCompletionChunk = {
      ...this.envelope(),
      choices: [{ index: 0, delta: first ? { role: 'assistant', content: '', ...delta } : delta, logprobs: null, finish_reason: finish }],
    };
    // OpenAI marks every chunk before the usage chunk with `usage: null` when usage was asked for.
    if (this.ctx.includeUsage) chunk.usage = null;
    return sseData(chunk);
  }

  private envelope(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: `chatcmpl-${this.ctx.id}`, object: 'chat.completion.chunk', created: this.ctx.created, model: this.ctx.model };
  }

  private fail(status: number, message: string, code: string | null): string {
    this.hasFailed = true;
    return sseData({ error: { message, type: openAiErrorType(status), param: null, code } });
  }
}

function parse(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
