import { StringDecoder } from 'node:string_decoder';
import { firstStringValue, jsonKey, lastObjectValue } from './json-scan.js';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface UsageReading {
  usage: TokenUsage | undefined;
  /** The model the provider says answered. */
  model: string | undefined;
}

/** Reads token usage out of a response body as it streams past, without holding up the bytes. */
export interface UsageTap {
  push(chunk: Buffer): void;
  finish(): UsageReading;
}

const MAX_JSON_BYTES = 4 * 1024 * 1024;
const USAGE = jsonKey('usage');
const MODEL = jsonKey('model');

export function createUsageTap(contentType: string | undefined): UsageTap | undefined {
  if (contentType === undefined) return undefined;
  if (contentType.startsWith('text/event-stream')) return new SseUsageTap();
  if (contentType.includes('json')) return new JsonUsageTap();
  return undefined;
}

/** OpenAI `usage` object (chat, completions, embeddings, responses); undefined if absent. */
export function readUsage(value: unknown): TokenUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completion = num(u.completion_tokens) ?? num(u.output_tokens) ?? 0;
  if (prompt === undefined) return undefined;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: num(u.total_tokens) ?? prompt + completion };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function readBody(value: unknown): UsageReading {
  if (typeof value !== 'object' || value === null) return { usage: undefined, model: undefined };
  const o = value as Record<string, unknown>;
  // The Responses API nests both under `response` in its stream events.
  const inner = typeof o.response === 'object' && o.response !== null ? (o.response as Record<string, unknown>) : o;
  return { usage: readUsage(inner.usage), model: typeof inner.model === 'string' ? inner.model : undefined };
}

/**
 * Finds `usage` and `model` without parsing the whole answer: an embeddings reply can be
 * megabytes of numbers, and only two fields are wanted.
 */
class JsonUsageTap implements UsageTap {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size <= MAX_JSON_BYTES) this.chunks.push(chunk);
  }

  finish(): UsageReading {
    if (this.size > MAX_JSON_BYTES || this.size === 0) return { usage: undefined, model: undefined };
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    return { usage: readUsage(lastObjectValue(body, USAGE)), model: firstStringValue(body, MODEL) };
  }
}

/** Scans SSE `data:` lines; only lines that mention usage are parsed, so the cost stays per stream, not per token. */
class SseUsageTap implements UsageTap {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private reading: UsageReading = { usage: undefined, model: undefined };

  push(chunk: Buffer): void {
    const text = this.pending + this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.pending = text.slice(start);
    if (this.pending.length > MAX_JSON_BYTES) this.pending = '';
  }

  finish(): UsageReading {
    this.line(this.pending + this.decoder.end());
    return this.reading;
  }

  private line(line: string): void {
    if (!line.startsWith('data:') || !line.includes('"usage"')) return;
    try {
      const read = readBody(JSON.parse(line.slice(5)));
      if (read.usage !== undefined) this.reading = read;
    } catch {
      // A data line that is not JSON carries no usage; the bytes still reach the client untouched.
    }
  }
}
