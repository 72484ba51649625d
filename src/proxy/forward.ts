import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors.js';
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
    ctx.abort.abort();
  }, ctx.deps.options.upstreamTimeoutMs);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await ctx.deps.dispatcher.request({
        origin: upstream.origin,
        path: upstream.path,
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body,
        signal: ctx.abort.signal,
      });
    } catch (err) {
      throw mapUpstreamError(ctx, err);
    }
    ctx.record.upstreamStatus = response.statusCode;
    const tap = upstream.readUsage && !response.headers['content-encoding'] ? createUsageTap(header(response.headers['content-type'])) : undefined;
    ctx.res.writeHead(response.statusCode, responseHeaders(response.headers));
    if (tap !== undefined) {
      response.body.on('data', (chunk: Buffer) => tap.push(chunk));
      // Registered before pipeline's own listener, so usage is known before the response ends and the access log runs.
      response.body.once('end', () => recordUsage(ctx, tap));
    }
    try {
      await pipeline(response.body, ctx.res);
    } catch (err) {
      throw mapUpstreamError(ctx, err);
    }
  } finally {
    clearTimeout(timer);
  }
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
    return new GatewayError('upstream_timeout', `upstream did not answer within ${ctx.deps.options.upstreamTimeoutMs} ms`, { cause: err });
  }
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
  return new GatewayError('upstream_unreachable', `upstream connection failed (${detail})`, { cause: err });
}
