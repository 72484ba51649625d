import { StringDecoder } from 'node:string_decoder';
import { isPlainObject } from '../core/json.js';
import type { UsageCount } from '../translators/translator.js';
import { firstStringValue, jsonKey, lastObjectValue } from './json-scan.js';

export interface UsageReading {
  usage: UsageCount | undefined;
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
const USAGE_METADATA = jsonKey('usageMetadata');
const MODEL = jsonKey('model');
const MODEL_VERSION = jsonKey('modelVersion');

/** A tap for an answer passed through as it is (JSON or SSE), in whatever schema the provider speaks. */
export function createUsageTap(contentType: string | undefined): UsageTap | undefined {
  if (contentType === undefined) return undefined;
  if (contentType.startsWith('text/event-stream')) return new SseUsageTap();
  if (contentType.includes('json')) return new JsonUsageTap();
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Usage in OpenAI's terms from any provider's usage object: OpenAI's (`prompt_tokens`,
 * Responses' `input_tokens`), Anthropic's (`input_tokens` plus cache reads and writes, which
 * OpenAI counts as prompt tokens) or Gemini's `usageMetadata`. Partial readings (an Anthropic
 * stream reports input and output in different events) keep what `before` knew.
 */
export function readUsage(value: unknown, before?: UsageCount): UsageCount | undefined {
  if (!isPlainObject(value)) return before;
  const cacheRead = num(value.cache_read_input_tokens) ?? 0;
  const cacheWrite = num(value.cache_creation_input_tokens) ?? 0;
  const input = num(value.input_tokens);
  const prompt = num(value.prompt_tokens) ?? num(value.promptTokenCount) ?? (input === undefined ? undefined : input + cacheRead + cacheWrite) ?? before?.promptTokens;
  const thoughts = num(value.thoughtsTokenCount) ?? 0;
  const candidates = num(value.candidatesTokenCount);
  const completion = num(value.completion_tokens) ?? num(value.output_tokens) ?? (candidates === undefined ? undefined : candidates + thoughts) ?? before?.completionTokens;
  if (prompt === undefined) return before;
  const done = completion ?? 0;
  return { promptTokens: prompt, completionTokens: done, totalTokens: num(value.total_tokens) ?? num(value.totalTokenCount) ?? prompt + done };
}

/** Usage and model wherever a provider nests them: top level, `response` (OpenAI Responses events) or `message` (Anthropic's message_start). */
function readEvent(value: unknown, before: UsageReading): UsageReading {
  if (!isPlainObject(value)) return before;
  const inner = isPlainObject(value.response) ? value.response : isPlainObject(value.message) ? value.message : value;
  const usage = readUsage(inner.usage ?? inner.usageMetadata, before.usage);
  const model = typeof inner.model === 'string' ? inner.model : typeof inner.modelVersion === 'string' ? inner.modelVersion : before.model;
  return { usage, model };
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
    if (this.size > MAX_JSON_BYTES) return { usage: undefined, model: undefined };
    return jsonUsage(this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size));
  }
}

/** Usage and model of a whole JSON answer. */
export function jsonUsage(body: Buffer): UsageReading {
  if (body.length === 0 || body.length > MAX_JSON_BYTES) return { usage: undefined, model: undefined };
  return { usage: readUsage(lastObjectValue(body, USAGE) ?? lastObjectValue(body, USAGE_METADATA)), model: firstStringValue(body, MODEL) ?? firstStringValue(body, MODEL_VERSION) };
}

/**
 * Scans SSE `data:` lines; only lines that carry usage are parsed, so the cost stays per
 * stream, not per token (with `include_usage` OpenAI's chunks say `"usage":null`: skipped).
 */
export class SseUsageTap implements UsageTap {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not come yet, in pieces: only new text is searched. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The line being read outgrew the limit: the rest of it is skipped. */
  private skipping = false;
  protected current: UsageReading = { usage: undefined, model: undefined };

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (!this.skipping) this.line(this.pendingLength === 0 ? text.slice(start, nl) : this.pending.join('') + text.slice(start, nl));
      this.pending = [];
      this.pendingLength = 0;
      this.skipping = false;
      start = nl + 1;
    }
    if (start === text.length || this.skipping) return;
    this.pendingLength += text.length - start;
    if (this.pendingLength <= MAX_JSON_BYTES) this.pending.push(start === 0 ? text : text.slice(start));
    else {
      this.pending = [];
      this.pendingLength = 0;
      this.skipping = true;
    }
  }

  finish(): UsageReading {
    const rest = this.decoder.end();
    if (!this.skipping) this.line(this.pending.join('') + rest);
    return this.current;
  }

  /** One line of the stream (without its line end). */
  protected line(line: string): void {
    if (!line.startsWith('data:')) return;
    // One scan per line: `"usage"` and `"usageMetadata"` both start `"usage`, and a chunk's
    // `"usage":null` (OpenAI's, with include_usage) carries nothing.
    const at = line.indexOf('"usage');
    if (at === -1 || line.startsWith('"usage":null', at)) return;
    try {
      this.current = readEvent(JSON.parse(line.slice(5)), this.current);
    } catch {
      // A data line that is not JSON carries no usage; the bytes still reach the client untouched.
    }
  }
}
