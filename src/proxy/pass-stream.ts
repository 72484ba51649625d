import { ANTHROPIC_ERROR_STATUS } from '../apischema/anthropic.js';
import { isPlainObject } from '../core/json.js';
import { SseParser, streamErrorEvent, type SseEvent } from '../translators/sse.js';
import type { ApiSchema, StreamFailure, UsageCount } from '../translators/translator.js';
import type { Interruption, StreamProcessor } from './stream-relay.js';
import { SseUsageTap, type UsageReading } from './usage.js';

/** The longest line followed; the SSE reader's event limit, in bytes of UTF-8 at most 3 per character. */
const MAX_LINE_BYTES = 24 * 1024 * 1024;
const LINE_END = Buffer.from('\n');
const EVENT_END = Buffer.from('\n\n');
const EMPTY = Buffer.alloc(0);

function bytesToText(bytes: Buffer | string): string {
  return typeof bytes === 'string' ? bytes : bytes.toString('utf8');
}

/** Events that open a stream without any of the answer yet (Anthropic's, OpenAI Responses'). */
const PREAMBLE_TYPES = new Set(['message_start', 'ping', 'response.created', 'response.in_progress', 'response.queued']);

/**
 * A provider's SSE stream passed through to a client of the same schema (OpenAI chat,
 * completions and Responses; Anthropic Messages; Gemini), bytes untouched. Until the answer
 * begins, events are read to find where it does, and whether the provider sent an error or a
 * broken event instead (then nothing has reached the client, and another provider may answer);
 * after that only lines are scanned, for usage and for how the stream ends, so that a stream
 * that breaks off ends with an error event, and one that finished without its last marker
 * (`[DONE]`, `message_stop`) gets it.
 */
export class PassStream implements StreamProcessor {
  private readonly watch: StreamWatch;
  /** Reads events until the answer begins. */
  private parser: SseParser | undefined = new SseParser();
  private answerSeen = false;
  private failedWith: StreamFailure | undefined;
  /** The start of a line whose end has not come yet, as it came. */
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly schema: ApiSchema) {
    this.watch = new StreamWatch(schema);
  }

  get answered(): boolean {
    return this.answerSeen;
  }

  get failure(): StreamFailure | undefined {
    return this.failedWith;
  }

  get usage(): UsageCount | undefined {
    return this.watch.reading.usage;
  }

  get model(): string | undefined {
    return this.watch.reading.model;
  }

  /**
   * Forwards whole lines only (a line split across reads waits for its end, which the next
   * read nearly always brings), so that a broken line is caught before the client gets it.
   */
  push(chunk: Buffer): Buffer | string {
    const end = chunk.lastIndexOf(0x0a) + 1;
    if (end === 0) {
      // No line ends here: keep the pieces, joined once their line ends.
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes <= MAX_LINE_BYTES) return '';
      this.held = [];
      return this.broken(EMPTY, 'the provider sent a stream line too long to follow');
    }
    const whole = end === chunk.length ? chunk : chunk.subarray(0, end);
    const lines = this.held.length === 0 ? whole : Buffer.concat([...this.held, whole]);
    this.held = end === chunk.length ? [] : [chunk.subarray(end)];
    this.heldBytes = chunk.length - end;
    return this.take(lines);
  }

  end(interruption?: Interruption): string {
    let out = '';
    const rest = this.held;
    this.held = [];
    // A last line without its line end: the end of the stream ends it.
    if (rest.length > 0 && this.failedWith === undefined) out = bytesToText(this.take(Buffer.concat([...rest, LINE_END])));
    this.watch.finish();
    if (this.parser !== undefined && this.failedWith === undefined) this.classify(this.parser.end());
    const { done, finished, errored } = this.watch;
    if (this.failedWith !== undefined || errored || done || (finished && this.schema !== 'openai' && this.schema !== 'anthropic')) return out;
    if (finished) return out + (this.schema === 'anthropic' ? 'event: message_stop\ndata: {"type":"message_stop"}\n\n' : 'data: [DONE]\n\n');
    const message = interruption?.message ?? "the provider's stream ended before the answer was complete";
    const code = interruption?.code ?? 'upstream_invalid_response';
    this.failedWith = { status: code === 'upstream_timeout' ? 504 : 502, body: this.errorBody(message, code) };
    return out + streamErrorEvent(this.schema, message, code);
  }

  /** Whole lines: read, and passed on unless one is broken. */
  private take(lines: Buffer): Buffer | string {
    this.watch.push(lines);
    if (this.parser !== undefined) this.parse(lines);
    const bad = this.watch.malformed;
    if (bad === undefined || this.failedWith !== undefined) return lines;
    const at = lines.indexOf(bad);
    return this.broken(lines.subarray(0, Math.max(0, at)), 'the provider sent a stream event that is not JSON');
  }

  /**
   * Events are read only until the answer begins, one at a time: a read that brought the whole
   * stream (a provider that writes it at once) is not parsed past its first content.
   */
  private parse(lines: Buffer): void {
    for (let at = 0; this.parser !== undefined && this.failedWith === undefined && at < lines.length; ) {
      const blank = lines.indexOf(EVENT_END, at);
      const end = blank === -1 ? lines.length : blank + EVENT_END.length;
      try {
        this.classify(this.parser.push(lines.subarray(at, end)));
      } catch {
        this.fail(502, 'the provider sent a stream event too large to follow');
      }
      at = end;
    }
  }

  /** What the client gets of a stream that broke: the lines before the break, then the error event (once the answer began). */
  private broken(before: Buffer, message: string): string {
    this.fail(502, message);
    if (!this.answerSeen) return '';
    return bytesToText(before) + streamErrorEvent(this.schema, message);
  }

  private classify(events: SseEvent[]): void {
    for (const event of events) {
      if (this.failedWith !== undefined) return;
      const kind = classifyEvent(event);
      if (kind === 'preamble') continue;
      if (kind === 'malformed') return this.fail(502, 'the provider sent a stream event that is not JSON');
      if (typeof kind === 'object') {
        this.failedWith = { status: inBandStatus(kind, this.schema), body: kind };
        return;
      }
      // The answer began (or the stream finished without one): nothing more to look for.
      this.answerSeen = kind === 'answer';
      this.parser = undefined;
      return;
    }
  }

  private fail(status: number, message: string): void {
    this.failedWith = { status, body: this.errorBody(message) };
  }

  private errorBody(message: string, code = 'upstream_invalid_response'): unknown {
    if (this.schema === 'anthropic') return { type: 'error', error: { type: 'api_error', message } };
    return { error: { message, type: 'server_error', param: null, code } };
  }
}

/**
 * What one event says about the answer: not begun yet, begun, the stream's end, a broken event,
 * or the provider's error (the event's JSON).
 */
function classifyEvent(event: SseEvent): 'preamble' | 'answer' | 'done' | 'malformed' | Record<string, unknown> {
  const data = event.data.trim();
  if (data === '') return event.event === 'error' ? { error: { message: 'the provider sent an empty error event' } } : 'preamble';
  if (data === '[DONE]') return 'done';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return 'malformed';
  }
  if (!isPlainObject(value)) return 'malformed';
  const type = value.type;
  if (event.event === 'error' || type === 'error' || type === 'response.failed' || value.object === 'error' || (value.error !== undefined && value.error !== null)) return value;
  if (typeof type === 'string' && PREAMBLE_TYPES.has(type)) return 'preamble';
  if (type === 'content_block_start') return isPlainObject(value.content_block) && emptyBlock(value.content_block) ? 'preamble' : 'answer';
  if (Array.isArray(value.choices)) return value.choices.some(answersChoice) ? 'answer' : 'preamble';
  return 'answer';
}

/** An Anthropic content block opened with nothing in it yet. */
function emptyBlock(block: Record<string, unknown>): boolean {
  return (block.type === 'text' && (block.text ?? '') === '') || (block.type === 'thinking' && (block.thinking ?? '') === '');
}

/** An OpenAI choice that carries part of the answer: text, a tool call, a refusal, reasoning, or its finish. */
function answersChoice(choice: unknown): boolean {
  if (!isPlainObject(choice)) return false;
  if (choice.finish_reason !== undefined && choice.finish_reason !== null) return true;
  if (typeof choice.text === 'string' && choice.text !== '') return true;
  const delta = choice.delta;
  if (!isPlainObject(delta)) return false;
  for (const key in delta) {
    if (key === 'role') continue;
    const v = delta[key];
    if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) return true;
  }
  return false;
}

/** The HTTP status an error inside a stream stands for, from whatever the provider put in it. */
function inBandStatus(value: Record<string, unknown>, schema: ApiSchema): number {
  const response = isPlainObject(value.response) ? value.response : undefined;
  const error = isPlainObject(value.error) ? value.error : isPlainObject(response?.error) ? response.error : value;
  if (typeof error.code === 'number' && error.code >= 400 && error.code <= 599) return error.code;
  if (typeof error.type === 'string' && schema === 'anthropic') {
    const status = ANTHROPIC_ERROR_STATUS[error.type];
    if (status !== undefined) return status;
  }
  const words = [error.type, error.code, error.status].map((w) => (typeof w === 'string' ? w.toLowerCase() : '')).join(' ');
  if (words.includes('rate_limit') || words.includes('resource_exhausted')) return 429;
  if (words.includes('overloaded')) return schema === 'anthropic' ? 529 : 503;
  if (words.includes('unavailable')) return 503;
  if (words.includes('context_length') || words.includes('content_filter') || words.includes('invalid')) return 400;
  if (words.includes('authentication') || words.includes('unauthenticated')) return 401;
  if (words.includes('permission')) return 403;
  return 500;
}

/**
 * Lines of a passed-through stream: usage, and the marks of its end. `finished` is the answer's
 * last word (a finish reason, a stop reason); `done` the stream's own end marker; `errored` an
 * error event the client has already received. Each schema's marks are looked for on the lines
 * that carry them (Anthropic's and OpenAI Responses' on their short `event:` lines), so a
 * token's line costs a scan or two.
 */
class StreamWatch extends SseUsageTap {
  finished = false;
  done = false;
  errored = false;
  /** The first `data:` line that cannot be an event's JSON (cut short, or not JSON at all). */
  malformed: string | undefined;

  constructor(private readonly schema: ApiSchema) {
    super();
  }

  get reading(): UsageReading {
    return this.current;
  }

  protected override line(line: string): void {
    super.line(line);
    if (line.startsWith('event:')) return this.event(line.slice(6).trim());
    if (!line.startsWith('data:')) return;
    if (this.malformed === undefined && !wellFormed(line)) this.malformed = line;
    if (this.schema === 'anthropic') return;
    if (line.length < 16 && line.slice(5).trim() === '[DONE]') this.done = true;
    else if (line.startsWith('data: {"error"') || line.startsWith('data:{"error"')) this.errored = true;
    else if (this.schema === 'openai' ? line.includes('"finish_reason":"') : line.includes('"finishReason":"')) this.finished = true;
  }

  private event(name: string): void {
    if (name === 'error' || name === 'response.failed') this.errored = true;
    else if (name === 'message_delta') this.finished = true;
    else if (name === 'message_stop' || name === 'response.completed' || name === 'response.incomplete') this.done = true;
  }
}

/**
 * Whether a `data:` line can be a whole JSON event: `[DONE]`, empty, or an object from its
 * first character to its last. A line cut short, or text that is not JSON, is not; checked
 * without parsing, on every line.
 */
function wellFormed(line: string): boolean {
  const start = line.charCodeAt(5) === 0x20 ? 6 : 5;
  // A CRLF stream's lines keep their CR here.
  const end = line.charCodeAt(line.length - 1) === 0x0d ? line.length - 1 : line.length;
  if (start >= end) return true;
  if (line.charCodeAt(start) === 0x7b) return line.charCodeAt(end - 1) === 0x7d;
  return end - start === 6 && line.startsWith('[DONE]', start);
}
