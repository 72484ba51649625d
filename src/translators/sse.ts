import { StringDecoder } from 'node:string_decoder';
import type { ApiSchema } from './translator.js';

/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by newlines. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Largest event held while waiting for its end: a provider that sends more has broken the stream. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/** Data lines gathered before they are joined into one string (see `SseParser.groups`). */
const DATA_GROUP_LINES = 1024;

/** Thrown when one event grows past the limit: the stream cannot be followed any further. */
export class SseEventTooLarge extends Error {
  constructor() {
    super(`a server-sent event longer than ${MAX_EVENT_CHARS} characters`);
    this.name = 'SseEventTooLarge';
  }
}

/**
 * Splits a byte stream into server-sent events (the WHATWG rules: `\n`, `\r\n` or `\r` line
 * ends, a blank line ends an event, `:` lines are comments), across any chunk boundaries. Each
 * byte is looked at once, however the stream is cut; an event that outgrows the limit throws.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  /** The unfinished line. */
  private line = '';
  /** A `\r` ended the last line: a `\n` first in the next chunk belongs to it. */
  private afterCr = false;
  private event: string | undefined;
  /**
   * The event's data lines: groups of them already joined, then the lines of the group being
   * gathered. Joining every `DATA_GROUP_LINES` lines keeps a run of short or empty lines at about
   * the memory of its text, not an array slot and a string per line.
   */
  private groups: string[] = [];
  private lines: string[] = [];
  /** Characters the event's data will hold, the newlines joining its lines included. */
  private size = 0;

  /** The events completed by this chunk. */
  push(chunk: Buffer): SseEvent[] {
    return this.scan(this.decoder.write(chunk));
  }

  /** The stream ended: an event left without its blank line still counts. */
  end(): SseEvent[] {
    const out = this.scan(this.decoder.end());
    if (this.line !== '') this.field(this.line);
    this.line = '';
    if (this.hasData()) out.push(this.take());
    return out;
  }

  private scan(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    // Nothing decoded (an empty chunk, or part of a UTF-8 character): a `\r` just read must
    // still meet the `\n` that may come next.
    if (text === '') return out;
    let start = 0;
    if (this.afterCr && text.charCodeAt(0) === 10) start = 1;
    this.afterCr = false;
    // Nearly every stream ends its lines with \n alone: those are found natively.
    start = text.indexOf('\r', start) === -1 ? this.lfLines(text, start, out) : this.anyLines(text, start, out);
    this.line += text.slice(start);
    if (this.size + this.line.length > MAX_EVENT_CHARS) throw new SseEventTooLarge();
    return out;
  }

  /** The lines of text ended by \n; returns where the unfinished one starts. */
  private lfLines(text: string, from: number, out: SseEvent[]): number {
    let start = from;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.lineEnded(this.line + text.slice(start, nl), out);
      start = nl + 1;
    }
    return start;
  }

  /** The lines of text ended by \n, \r\n or \r; returns where the unfinished one starts. */
  private anyLines(text: string, from: number, out: SseEvent[]): number {
    let start = from;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.line + text.slice(start, i);
      if (c === 13) {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      this.lineEnded(line, out);
    }
    return start;
  }

  private lineEnded(line: string, out: SseEvent[]): void {
    this.line = '';
    if (line !== '') this.field(line);
    else if (this.hasData() || this.event !== undefined) out.push(this.take());
  }

  private field(line: string): void {
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') {
      // Every line after the first also adds the newline joining it, so that the limit bounds
      // what is held even when the lines are empty.
      this.size += (this.hasData() ? 1 : 0) + value.length;
      if (this.size > MAX_EVENT_CHARS) throw new SseEventTooLarge();
      this.lines.push(value);
      if (this.lines.length === DATA_GROUP_LINES) {
        this.groups.push(this.lines.join('\n'));
        this.lines = [];
      }
    } else if (name === 'event') this.event = value;
  }

  private hasData(): boolean {
    return this.lines.length > 0 || this.groups.length > 0;
  }

  private take(): SseEvent {
    const e = { event: this.event, data: this.groups.concat(this.lines).join('\n') };
    this.event = undefined;
    this.groups = [];
    this.lines = [];
    this.size = 0;
    return e;
  }
}

/** `data: <json>` and a blank line. */
export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** `event: <name>`, `data: <json>` and a blank line (the Anthropic Messages stream's framing). */
export function sseEvent(name: string, value: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * The error event that ends a stream the gateway cannot follow any further (a provider stream
 * that breaks its own format, or breaks off): Anthropic's `error` event, else OpenAI's error
 * chunk (whose `{"error":{…}}` is also how Google's API reports errors).
 */
export function streamErrorEvent(schema: ApiSchema, message: string, code = 'upstream_invalid_response'): string {
  if (schema === 'anthropic') return sseEvent('error', { type: 'error', error: { type: 'api_error', message } });
  return sseData({ error: { message, type: 'server_error', param: null, code } });
}
