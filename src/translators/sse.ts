import { StringDecoder } from 'node:string_decoder';

/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by newlines. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Longest event held while waiting for its end; a provider that sends more is cut off, not buffered forever. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Splits a byte stream into server-sent events (the WHATWG rules: `\n`, `\r\n` or `\r` line
 * ends, a blank line ends an event, `:` lines are comments), across any chunk boundaries.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private event: string | undefined;
  private data: string[] = [];

  /** The events completed by this chunk. */
  push(chunk: Buffer): SseEvent[] {
    return this.lines(this.decoder.write(chunk), false);
  }

  /** The stream ended: an event left without its blank line still counts. */
  end(): SseEvent[] {
    const out = this.lines(this.decoder.end(), true);
    if (this.data.length > 0) out.push(this.take());
    return out;
  }

  private lines(text: string, final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let buf = this.buffer + text;
    let start = 0;
    for (;;) {
      let nl = -1;
      for (let i = start; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (c === 10 || c === 13) {
          nl = i;
          break;
        }
      }
      if (nl === -1) break;
      // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
      if (buf.charCodeAt(nl) === 13 && nl === buf.length - 1 && !final) break;
      const line = buf.slice(start, nl);
      start = nl + (buf.charCodeAt(nl) === 13 && buf.charCodeAt(nl + 1) === 10 ? 2 : 1);
      const done = this.line(line);
      if (done !== undefined) out.push(done);
    }
    buf = buf.slice(start);
    if (final && buf !== '') {
      const done = this.line(buf);
      if (done !== undefined) out.push(done);
      buf = '';
    }
    this.buffer = buf.length > MAX_EVENT_CHARS ? '' : buf;
    return out;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.data.length > 0 || this.event !== undefined ? this.take() : undefined;
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    return undefined;
  }

  private take(): SseEvent {
    const e = { event: this.event, data: this.data.join('\n') };
    this.event = undefined;
    this.data = [];
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
