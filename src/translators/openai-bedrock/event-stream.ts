import { crc32 } from 'node:zlib';
import { EventStreamCodec } from '@smithy/eventstream-codec';

// The AWS event-stream framing (`application/vnd.amazon.eventstream`) that ConverseStream
// answers in. Each message is: total length (uint32 BE, counting the whole message), headers
// length (uint32 BE), a CRC-32 of those 8 bytes, the headers, the payload, and a CRC-32 of
// everything before it. The codec decodes one whole message and checks both CRCs; this file
// cuts the byte stream into whole messages, whatever the chunk boundaries.

/** One decoded message. Bedrock's headers are all strings; headers of other types are left out. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface FramedMessages {
  messages: EventStreamMessage[];
  /** Why the stream can no longer be read, when a message failed its checks. */
  corrupt: string | undefined;
}

const PRELUDE_BYTES = 12;
/** Prelude, its CRC and the message CRC: a message with no headers and no payload. */
const MIN_MESSAGE_BYTES = 16;
/** Event-stream messages carry at most 16 MiB of payload and 128 KiB of headers; anything longer is a broken length. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE_BYTES;

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** The codec, with the UTF-8 conversions it needs for header names and string values. */
export function createEventStreamCodec(): EventStreamCodec {
  return new EventStreamCodec(
    (bytes: Uint8Array) => utf8Decoder.decode(bytes),
    (text: string) => utf8Encoder.encode(text),
  );
}

/**
 * Cuts an event stream into messages as its bytes arrive: a message may be split across
 * chunks, and one chunk may hold several. The prelude's CRC is checked as soon as it is here,
 * so a corrupted length is reported at once instead of being waited for.
 */
export class EventStreamFramer {
  private readonly codec = createEventStreamCodec();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;

  push(chunk: Buffer): FramedMessages {
    const messages: EventStreamMessage[] = [];
    if (this.broken) return { messages, corrupt: undefined };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= PRELUDE_BYTES) {
      const prelude = this.peek(PRELUDE_BYTES);
      const total = prelude.readUInt32BE(0);
      if (crc32(prelude.subarray(0, 8)) !== prelude.readUInt32BE(8)) return this.fail(messages, 'a message prelude failed its CRC check');
      if (total < MIN_MESSAGE_BYTES || total > MAX_MESSAGE_BYTES) return this.fail(messages, `a message claims an impossible length (${total} bytes)`);
      if (this.buffered < total) break;
      try {
        const decoded = this.codec.decode(this.take(total));
        messages.push({ headers: stringHeaders(decoded.headers), body: decoded.body });
      } catch (err) {
        return this.fail(messages, err instanceof Error ? err.message : 'a message could not be decoded');
      }
    }
    return { messages, corrupt: undefined };
  }

  private fail(messages: EventStreamMessage[], reason: string): FramedMessages {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    return { messages, corrupt: reason };
  }

  /** The first `n` buffered bytes, joining chunks only when the first is too short. */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return joined.subarray(0, n);
  }
}

function stringHeaders(headers: Record<string, { type: string; value: unknown }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(headers)) {
    if (header.type === 'string' && typeof header.value === 'string') out[name] = header.value;
  }
  return out;
}
