import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from '../core/errors.js';
import { applyHeaderModifier } from '../routing/filters.js';
import type { ApiSchema, OperationTranslator, SchemaTranslator, TranslateContext } from '../translators/translator.js';
import { AttemptFailed, retryableStatus } from './attempt-failure.js';
import { responseHeaders, type OutgoingHeaders } from './headers.js';
import { PassStream } from './pass-stream.js';
import { retryAfterMs } from './provider-health.js';
import type { RequestContext } from './request-context.js';
import { relayStream, translatedStream } from './stream-relay.js';
import { createUsageTap, jsonUsage } from './usage.js';

/** An upstream answer whose headers have arrived; its body streams. */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/**
 * What an AI answer goes through on its way back: passed through in the schema the client
 * speaks (checked, usage read on the way), or translated into it.
 */
export type AnswerProcessor =
  | { kind: 'pass'; schema: ApiSchema; stream: boolean }
  | { kind: 'translate'; translator: SchemaTranslator; operation: OperationTranslator; context: TranslateContext };

/** Largest whole answer held before it is sent; embeddings of long batches are the big ones. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** Largest error answer kept for the client. */
const MAX_ERROR_BYTES = 1024 * 1024;
/** Provider headers a translated answer keeps: what clients act on (back-off, request ids, rate limits). */
const KEPT_HEADERS = /^(retry-after|x-request-id|request-id|x-ratelimit-.*|anthropic-ratelimit-.*|x-amzn-requestid)$/;

/**
 * An AI provider's answer to the client. Resolves once it is delivered, with why it broke off
 * if it began and then failed (a stream's error event told the client); rejects with
 * AttemptFailed when it failed with nothing sent: an error status, an answer cut or unreadable
 * before its end, a stream that failed before its answer began. A non-streamed answer is sent
 * only once it is whole, so a cut one is never a truncated 200.
 */
export function relayAnswer(ctx: RequestContext, answer: UpstreamAnswer, processor: AnswerProcessor): Promise<string | undefined> {
  ctx.record.upstreamStatus = answer.statusCode;
  if (answer.statusCode >= 400) return failedAnswer(ctx, answer);
  const write = (headers: OutgoingHeaders): void => writeHead(ctx, answer.statusCode, headers);
  if (processor.kind === 'translate') {
    const { translator, operation, context } = processor;
    if (!context.stream || operation.stream === undefined) return translateWhole(ctx, answer, operation, context);
    const headers = { ...kept(answer.headers), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
    return relayStream(ctx, answer.body, translatedStream(operation.stream(context)), { headers, write, schema: translator.client });
  }
  const encoded = answer.headers['content-encoding'] !== undefined && answer.headers['content-encoding'] !== 'identity';
  if (!encoded && header(answer.headers['content-type'])?.startsWith('text/event-stream') === true) {
    return relayStream(ctx, answer.body, new PassStream(processor.schema), { headers: responseHeaders(answer.headers), write, schema: processor.schema });
  }
  // A stream in another framing (Google's streamed JSON array, AWS's event stream) goes out as it comes.
  if (processor.stream) return pipeAnswer(ctx, answer, !encoded).then(() => undefined);
  return passWhole(ctx, answer, !encoded);
}

/** Status, headers and bytes as the upstream sent them, chunk by chunk, with backpressure both ways. */
export function pipeAnswer(ctx: RequestContext, answer: UpstreamAnswer, readUsage = false): Promise<void> {
  ctx.record.upstreamStatus = answer.statusCode;
  const tap = readUsage ? createUsageTap(header(answer.headers['content-type'])) : undefined;
  writeHead(ctx, answer.statusCode, responseHeaders(answer.headers));
  const onEnd =
    tap === undefined
      ? undefined
      : (): void => {
          const reading = tap.finish();
          ctx.record.usage = reading.usage;
          ctx.record.providerModel = reading.model;
        };
  if (tap !== undefined) answer.body.on('data', (chunk: Buffer) => tap.push(chunk));
  return pipeBody(answer.body, ctx.res, onEnd);
}

/**
 * Pipes the upstream body to the client. Plain `pipe()` rather than stream/promises
 * `pipeline()`, which on Node 20 builds an AbortController per call (visible in profiles).
 * Resolves when the answer is sent or the client left (the body is then destroyed, which
 * aborts the upstream request); rejects when the upstream body fails.
 */
function pipeBody(body: Readable, res: ServerResponse, onEnd: (() => void) | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    // Before pipe's own 'end' listener, so usage is known before the response ends and the access log runs.
    if (onEnd !== undefined) body.once('end', onEnd);
    body.once('error', reject);
    res.once('finish', resolve);
    res.once('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

/** An error answer, read whole: the caller decides whether another provider tries, or the client gets it. */
async function failedAnswer(ctx: RequestContext, answer: UpstreamAnswer): Promise<never> {
  const body = await readAll(answer.body, MAX_ERROR_BYTES);
  const status = answer.statusCode;
  const wait = status === 429 || status === 503 ? retryAfterMs(answer.headers['retry-after'], ctx.deps.clock.now()) : undefined;
  throw new AttemptFailed('status', retryableStatus(status), { kind: 'answer', status, headers: answer.headers, body }, wait);
}

/** A non-streamed answer in the client's schema, sent once it is whole. */
async function passWhole(ctx: RequestContext, answer: UpstreamAnswer, readUsage: boolean): Promise<undefined> {
  const bytes = await readAll(answer.body, MAX_ANSWER_BYTES);
  if (readUsage && header(answer.headers['content-type'])?.includes('json') === true) {
    if (!framedAsJson(bytes)) throw new AttemptFailed('malformed', true, { kind: 'gateway', error: new GatewayError('upstream_invalid_response', `the provider's answer (status ${answer.statusCode}) is not JSON`) });
    const reading = jsonUsage(bytes);
    ctx.record.usage = reading.usage;
    ctx.record.providerModel = reading.model;
  }
  const headers = responseHeaders(answer.headers);
  headers['content-length'] = String(bytes.length);
  writeHead(ctx, answer.statusCode, headers);
  ctx.res.end(bytes);
  return undefined;
}

/** A non-streamed answer translated into the client's schema; one that cannot be read is the provider's failure. */
async function translateWhole(ctx: RequestContext, answer: UpstreamAnswer, operation: OperationTranslator, context: TranslateContext): Promise<undefined> {
  const bytes = await readAll(answer.body, MAX_ANSWER_BYTES);
  let translated;
  try {
    translated = operation.response(JSON.parse(bytes.toString('utf8')), context);
  } catch (err) {
    const error =
      err instanceof GatewayError
        ? err
        : new GatewayError('upstream_invalid_response', `the provider's answer (status ${answer.statusCode}) ${err instanceof SyntaxError ? 'is not JSON' : 'could not be translated'}`, { cause: err });
    throw new AttemptFailed('malformed', true, { kind: 'gateway', error });
  }
  ctx.record.usage = translated.usage;
  ctx.record.providerModel = translated.model;
  sendJson(ctx, 200, translated.body, kept(answer.headers));
  return undefined;
}

/** A JSON answer the gateway wrote, with the headers given (and the route's response modifiers). */
export function sendJson(ctx: RequestContext, status: number, value: unknown, headers: OutgoingHeaders): void {
  const text = JSON.stringify(value);
  writeHead(ctx, status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  ctx.res.end(text);
}

export function writeHead(ctx: RequestContext, status: number, headers: OutgoingHeaders): void {
  for (const m of ctx.responseModifiers) applyHeaderModifier(headers, m);
  ctx.res.writeHead(status, headers);
}

/** The provider headers a gateway-written answer keeps. */
export function kept(headers: IncomingHttpHeaders): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && KEPT_HEADERS.test(name)) out[name] = value;
  }
  return out;
}

function readAll(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        reject(new AttemptFailed('malformed', true, { kind: 'gateway', error: new GatewayError('upstream_invalid_response', `the provider's answer is larger than ${limit} bytes`) }));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    body.once('error', reject);
  });
}

/**
 * Whether a JSON answer is framed as one: an object or array from its first byte to its last.
 * Catches an HTML error page sent as 200 and an answer cut short, without parsing the whole
 * answer (which the gateway otherwise never needs to).
 */
function framedAsJson(bytes: Buffer): boolean {
  let start = 0;
  let end = bytes.length - 1;
  while (start <= end && isSpace(bytes[start] as number)) start++;
  while (end >= start && isSpace(bytes[end] as number)) end--;
  if (start > end) return false;
  const first = bytes[start];
  const last = bytes[end];
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
