import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from '../core/errors.js';
import { applyHeaderModifier } from '../routing/filters.js';
import { streamErrorEvent } from '../translators/sse.js';
import type { ClientSchema, OperationTranslator, SchemaTranslator, StreamTranslator, TranslateContext } from '../translators/translator.js';
import { responseHeaders, type OutgoingHeaders } from './headers.js';
import type { RequestContext } from './request-context.js';
import { createUsageTap } from './usage.js';

/** An upstream answer whose headers have arrived; its body streams. */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/**
 * What happens to an answer on its way back: passed through as it is (usage read on the way when
 * asked), or translated into the client's schema (JSON, stream, or an error).
 */
export type ResponseProcessor =
  | { kind: 'pass'; readUsage: boolean }
  | { kind: 'translate'; translator: SchemaTranslator; operation: OperationTranslator; context: TranslateContext };

/** Largest answer buffered for translation; embeddings of long batches are the big ones. */
const MAX_TRANSLATED_BYTES = 64 * 1024 * 1024;
/** Provider headers a translated answer keeps: what clients act on (back-off, request ids, rate limits). */
const KEPT_HEADERS = /^(retry-after|x-request-id|request-id|x-ratelimit-.*|anthropic-ratelimit-.*|x-amzn-requestid)$/;

export function relayResponse(ctx: RequestContext, answer: UpstreamAnswer, processor: ResponseProcessor): Promise<void> {
  ctx.record.upstreamStatus = answer.statusCode;
  if (processor.kind === 'pass') return passThrough(ctx, answer, processor.readUsage);
  if (answer.statusCode >= 400) return translateError(ctx, answer, processor.translator);
  if (processor.context.stream && processor.operation.stream !== undefined) return translateStream(ctx, answer, processor.operation.stream(processor.context), processor.translator.client);
  return translateJson(ctx, answer, processor.operation, processor.context);
}

/** Status, headers and bytes as the provider sent them, chunk by chunk, with backpressure both ways. */
function passThrough(ctx: RequestContext, answer: UpstreamAnswer, readUsage: boolean): Promise<void> {
  const tap = readUsage && answer.headers['content-encoding'] === undefined ? createUsageTap(header(answer.headers['content-type'])) : undefined;
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

async function translateError(ctx: RequestContext, answer: UpstreamAnswer, translator: SchemaTranslator): Promise<void> {
  const body = await readAll(answer.body, 1024 * 1024);
  const mapped = translator.error(answer.statusCode, body, answer.headers);
  sendJson(ctx, mapped.status, mapped.body, answer.headers);
}

async function translateJson(ctx: RequestContext, answer: UpstreamAnswer, operation: OperationTranslator, context: TranslateContext): Promise<void> {
  const bytes = await readAll(answer.body, MAX_TRANSLATED_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new GatewayError('upstream_invalid_response', `the provider's answer (status ${answer.statusCode}) is not JSON`);
  }
  let translated;
  try {
    translated = operation.response(parsed, context);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('upstream_invalid_response', `the provider's answer could not be translated (${err instanceof Error ? err.message : 'malformed'})`, { cause: err });
  }
  ctx.record.usage = translated.usage;
  ctx.record.providerModel = translated.model;
  sendJson(ctx, 200, translated.body, answer.headers);
}

/**
 * A provider stream, translated event by event as it arrives. Backpressure holds: while the
 * client cannot take more, the provider's body is paused. Whatever the provider sends, the
 * client's stream ends one way: finished, or with its error event (a provider that breaks off
 * mid-stream, or whose stream cannot be followed); never with an exception in the process.
 */
function translateStream(ctx: RequestContext, answer: UpstreamAnswer, translator: StreamTranslator, client: ClientSchema): Promise<void> {
  const { res } = ctx;
  writeHead(ctx, 200, { ...kept(answer.headers), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  return new Promise((resolve) => {
    const body = answer.body;
    let closed = false;
    const close = (tail: () => string): void => {
      if (closed) return;
      closed = true;
      ctx.record.usage = translator.usage;
      ctx.record.providerModel = translator.model;
      let text: string;
      try {
        text = tail();
      } catch (err) {
        text = streamErrorEvent(client, `the provider's stream could not be translated (${err instanceof Error ? err.message : 'malformed'})`);
      }
      res.end(text, resolve);
    };
    const onData = (chunk: Buffer): void => {
      let out: string;
      try {
        out = translator.push(chunk);
      } catch (err) {
        body.off('data', onData);
        body.destroy();
        close(() => streamErrorEvent(client, `the provider's stream could not be translated (${err instanceof Error ? err.message : 'malformed'})`));
        return;
      }
      if (out !== '' && !res.write(out)) {
        body.pause();
        res.once('drain', () => body.resume());
      }
    };
    body.on('data', onData);
    body.once('end', () => close(() => translator.end()));
    body.once('error', () => close(() => translator.end()));
    res.once('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
  });
}

function sendJson(ctx: RequestContext, status: number, value: unknown, upstream: IncomingHttpHeaders): void {
  const text = JSON.stringify(value);
  writeHead(ctx, status, { ...kept(upstream), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  ctx.res.end(text);
}

function writeHead(ctx: RequestContext, status: number, headers: OutgoingHeaders): void {
  for (const m of ctx.responseModifiers) applyHeaderModifier(headers, m);
  ctx.res.writeHead(status, headers);
}

function kept(headers: IncomingHttpHeaders): OutgoingHeaders {
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
        reject(new GatewayError('upstream_invalid_response', `the provider's answer is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks, size)));
    body.once('error', reject);
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
