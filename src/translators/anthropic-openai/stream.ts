import { ANTHROPIC_ERROR_STATUS, type StreamEvent } from '../../apischema/anthropic.js';
import { isPlainObject } from '../../core/json.js';
import { guardedStep } from '../common/errors.js';
import { nonEmptyString } from '../common/values.js';
import { SseParser, sseEvent, type SseEvent } from '../sse.js';
import type { StreamFailure, StreamTranslator, TranslateContext, UsageCount } from '../translator.js';
import { anthropicTypeOfInBandError, openAiErrorMessage } from './errors.js';
import { anthropicUsage, messageId, readOpenAiUsage, stopReason, toolInput, toolUseId } from './response.js';

// An OpenAI chat completions stream as Anthropic's Messages stream:
//   message_start, then per text run or tool call content_block_start / _delta… / _stop with
//   block indexes 0, 1, 2…, then message_delta (stop reason and usage) and message_stop.
// OpenAI reports usage in a chunk after the finish reason, so message_delta waits for that
// chunk (or for `[DONE]`, or the end of the stream, when the server sends no usage).

/** A tool call being streamed: its block opens once its name is known. */
interface StreamedCall {
  id: string | undefined;
  name: string | undefined;
  args: string;
  block: number | undefined;
}

type OpenBlock = { kind: 'text' } | { kind: 'tool'; call: StreamedCall };

export class OpenAiToAnthropicStream implements StreamTranslator {
  private readonly parser = new SseParser();
  private started = false;
  private over = false;
  private failedWith: StreamFailure | undefined;
  private answerSent = false;
  private providerModel: string | undefined;
  private usageCount: UsageCount | undefined;
  private nextBlock = 0;
  private open: OpenBlock | undefined;
  /** Tool calls by the provider's index, in the order they started. */
  private readonly calls = new Map<number | string, StreamedCall>();
  private lastCallKey: number | string | undefined;
  private finishReason: string | undefined;
  private refused = false;

  constructor(private readonly ctx: TranslateContext) {}

  get usage(): UsageCount | undefined {
    return this.usageCount;
  }

  get model(): string | undefined {
    return this.providerModel;
  }

  get failed(): boolean {
    return this.failedWith !== undefined;
  }

  get answered(): boolean {
    return this.answerSent;
  }

  get failure(): StreamFailure | undefined {
    return this.failedWith;
  }

  push(chunk: Buffer): string {
    if (this.over) return '';
    return guardedStep(() => this.events(this.parser.push(chunk)), () => this.unreadable());
  }

  end(): string {
    if (this.over) return '';
    return guardedStep(() => {
      let out = this.events(this.parser.end());
      if (this.over) return out;
      if (this.finishReason !== undefined) out += this.finish();
      else out += this.fail('api_error', "the provider's stream ended before the answer was complete");
      return out;
    }, () => this.unreadable());
  }

  private events(events: SseEvent[]): string {
    let out = '';
    for (const event of events) {
      if (this.over) break;
      out += this.event(event);
    }
    return out;
  }

  private event(event: SseEvent): string {
    const data = event.data.trim();
    if (data === '') return '';
    if (data === '[DONE]') {
      return this.finishReason !== undefined ? this.finish() : this.fail('api_error', "the provider's stream ended before the answer was complete");
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return this.fail('api_error', 'the provider sent a stream event that is not JSON');
    }
    if (!isPlainObject(value)) return this.fail('api_error', 'the provider sent a stream event that is not a JSON object');
    if ((value.error !== undefined && value.error !== null) || value.object === 'error') return this.inBandError(value);
    return this.chunk(value);
  }

  private inBandError(value: Record<string, unknown>): string {
    const error = isPlainObject(value.error) ? value.error : value;
    const type = anthropicTypeOfInBandError(error);
    return this.fail(type, openAiErrorMessage(value) ?? 'the provider reported an error in its stream', ANTHROPIC_ERROR_STATUS[type] ?? 500);
  }

  private chunk(chunk: Record<string, unknown>): string {
    let out = '';
    this.providerModel ??= nonEmptyString(chunk.model);
    if (!this.started) out += this.start();
    const usage = readOpenAiUsage(chunk.usage);
    if (usage !== undefined) this.usageCount = usage;

    const choices = Array.isArray(chunk.choices) ? chunk.choices.filter(isPlainObject) : [];
    // The request never asks for several choices; should a server send them, the first is the answer.
    const choice = choices.find((c) => c.index === 0 || c.index === undefined);
    if (choice !== undefined && this.finishReason === undefined) {
      out += this.delta(isPlainObject(choice.delta) ? choice.delta : {});
      if (this.over) return out;
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
        this.finishReason = choice.finish_reason;
        out += this.closeCalls();
      }
    }
    // Usage after (or with) the finish reason is the end of the answer.
    if (!this.over && this.finishReason !== undefined && usage !== undefined) out += this.finish();
    return out;
  }

  private delta(delta: Record<string, unknown>): string {
    let out = '';
    if (typeof delta.content === 'string' && delta.content !== '') out += this.text(delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.refused = true;
      out += this.text(delta.refusal);
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        if (this.over) break;
        if (isPlainObject(call)) out += this.toolCall(call);
      }
    }
    return out;
  }

  private text(text: string): string {
    let out = '';
    if (this.open?.kind !== 'text') {
      out += this.closeOpen();
      if (this.over) return out;
      out += this.send({ type: 'content_block_start', index: this.nextBlock, content_block: { type: 'text', text: '' } });
      this.open = { kind: 'text' };
      this.nextBlock++;
    }
    return out + this.send({ type: 'content_block_delta', index: this.nextBlock - 1, delta: { type: 'text_delta', text } });
  }

  private toolCall(delta: Record<string, unknown>): string {
    const key = this.callKey(delta);
    let call = this.calls.get(key);
    if (call === undefined) {
      call = { id: undefined, name: undefined, args: '', block: undefined };
      this.calls.set(key, call);
    }
    this.lastCallKey = key;
    const fn = isPlainObject(delta.function) ? delta.function : {};
    if (call.id === undefined && typeof delta.id === 'string' && delta.id !== '') call.id = delta.id;
    if (call.name === undefined && typeof fn.name === 'string' && fn.name !== '') call.name = fn.name;
    const args = typeof fn.arguments === 'string' ? fn.arguments : '';
    call.args += args;

    if (call.block === undefined) return call.name === undefined ? '' : this.startTool(call);
    // A delta that adds nothing (servers repeat a call's id or send empty arguments late) needs no open block.
    if (args === '') return '';
    if (this.open?.kind !== 'tool' || this.open.call !== call) {
      // Anthropic blocks cannot be reopened; no known server interleaves calls like this.
      return this.fail('api_error', `the provider sent more arguments for tool call ${call.name ?? ''} after another part of the answer had started`);
    }
    return this.send({ type: 'content_block_delta', index: call.block, delta: { type: 'input_json_delta', partial_json: args } });
  }

  /** OpenAI numbers its calls with `index`; a server that does not is read call by call. */
  private callKey(delta: Record<string, unknown>): number | string {
    if (typeof delta.index === 'number') return delta.index;
    if (typeof delta.id === 'string' && delta.id !== '') return `id:${delta.id}`;
    return this.lastCallKey ?? 0;
  }

  private startTool(call: StreamedCall): string {
    let out = this.closeOpen();
    if (this.over) return out;
    call.block = this.nextBlock++;
    const id = toolUseId(call.id, this.ctx, [...this.calls.values()].indexOf(call));
    out += this.send({ type: 'content_block_start', index: call.block, content_block: { type: 'tool_use', id, name: call.name ?? '', input: {} } });
    this.open = { kind: 'tool', call };
    // Arguments that came before the name go out now, in one piece.
    if (call.args !== '') out += this.send({ type: 'content_block_delta', index: call.block, delta: { type: 'input_json_delta', partial_json: call.args } });
    return out;
  }

  /** Ends the open block. A tool call's arguments are complete here, and must be a JSON object. */
  private closeOpen(): string {
    const open = this.open;
    if (open === undefined) return '';
    this.open = undefined;
    if (open.kind === 'tool') {
      const input = toolInput(open.call.args, open.call.name ?? '');
      if (input instanceof Error) return this.fail('api_error', input.message);
    }
    return this.send({ type: 'content_block_stop', index: this.nextBlock - 1 });
  }

  /** At the finish reason: every call must have had a name, and the last block ends. */
  private closeCalls(): string {
    if ([...this.calls.values()].some((c) => c.block === undefined)) return this.fail('api_error', 'the provider sent a tool call without a name');
    return this.closeOpen();
  }

  private start(): string {
    this.started = true;
    const usage = anthropicUsage(undefined);
    return this.send({
      type: 'message_start',
      message: { id: messageId(this.ctx), type: 'message', role: 'assistant', model: this.providerModel ?? this.ctx.model, content: [], stop_reason: null, stop_sequence: null, usage },
    });
  }

  private finish(): string {
    let out = this.closeOpen();
    if (this.over) return out;
    this.over = true;
    const stop = this.refused && this.finishReason === 'stop' ? 'refusal' : stopReason(this.finishReason, this.calls.size > 0);
    const { input_tokens, output_tokens, cache_read_input_tokens } = anthropicUsage(this.usageCount);
    out += this.send({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { input_tokens, output_tokens, cache_read_input_tokens } });
    return out + this.send({ type: 'message_stop' });
  }

  private unreadable(): string {
    return this.fail('api_error', "the provider's stream could not be read");
  }

  /** An error event ends the stream: the client's SDK raises it, and nothing follows. */
  /** `status` is what the client gets instead of the stream when this comes before the answer: 502 for a stream the gateway cannot follow. */
  private fail(type: string, message: string, status = 502): string {
    this.over = true;
    const event = { type: 'error' as const, error: { type, message } };
    this.failedWith = { status, body: event };
    return this.send(event);
  }

  private send(event: StreamEvent): string {
    if (event.type !== 'message_start' && event.type !== 'error') this.answerSent = true;
    return sseEvent(event.type, event);
  }
}
