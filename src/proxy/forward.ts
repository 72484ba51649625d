import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors.js';
import { applyHeaderModifier } from '../routing/filters.js';
import type { OutgoingHeaders } from './headers.js';
import { responseHeaders } from './headers.js';
import type { RequestContext } from './request-context.js';
import { createUsageTap, type UsageTap } from './usage.js';

export interface UpstreamRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: OutgoingHeaders;
  body: Buffer | Readable | null;
  /** Read token usage from the answer (AI backends). */
  readUsage: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Sends the request upstream and streams the answer back to the client chunk by chunk, with
 * backpressure both ways. Upstream statuses and bodies (errors included) pass through as they are.
 */
export async function forward(ctx: RequestContext, upstream: UpstreamRequest): Promise<void> {
  const timer = setTimeout(() => {
    ctx.timedOut = true;
    ctx.abort.emit('abort');
  }, ctx.timeoutMs);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await ctx.deps.dispatcher.request({
        origin: upstream.origin,
        path: upstream.path,
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body,
        signal: ctx.abort,
      });
    } catch (err) {
      throw mapUpstreamError(ctx, err);
    }
    ctx.record.upstreamStatus = response.statusCode;
    const tap = upstream.readUsage && !response.headers['content-encoding'] ? createUsageTap(header(response.headers['content-type'])) : undefined;
    const headers = responseHeaders(response.headers);
    for (const m of ctx.responseModifiers) applyHeaderModifier(headers, m);
    ctx.res.writeHead(response.statusCode, headers);
    try {
      await relay(response.body, ctx.res, tap === undefined ? undefined : () => recordUsage(ctx, tap), tap);
    } catch (err) {
      throw mapUpstreamError(ctx, err);
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Pipes the upstream body to the client. Plain `pipe()` rather than stream/promises
 * `pipeline()`, which on Node 20 builds an AbortController per call (visible in profiles).
 * Resolves when the answer is sent or the client left (the body is then destroyed, which
 * aborts the upstream request); rejects when the upstream body fails.
 */
function relay(body: Readable, res: ServerResponse, onEnd: (() => void) | undefined, tap: UsageTap | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (tap !== undefined) body.on('data', (chunk: Buffer) => tap.push(chunk));
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

function recordUsage(ctx: RequestContext, tap: UsageTap): void {
  const reading = tap.finish();
  ctx.record.usage = reading.usage;
  ctx.record.providerModel = reading.model;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** undici and socket failures to coded errors; the original stays as `cause` for the log. */
function mapUpstreamError(ctx: RequestContext, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: unknown }).code;
  if (ctx.timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new GatewayError('upstream_timeout', `upstream did not answer within ${ctx.timeoutMs} ms`, { cause: err });
  }
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
  return new GatewayError('upstream_unreachable', `upstream connection failed (${detail})`, { cause: err });
}
