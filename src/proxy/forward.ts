import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/errors.js';
import type { UpstreamTls } from '../config/runtime-config.js';
import type { OutgoingHeaders } from './headers.js';
import { AttemptFailed } from './attempt-failure.js';
import { isStaleConnection } from './stale-connections.js';
import { pipeAnswer, type UpstreamAnswer } from './relay.js';
import type { RequestContext } from './request-context.js';

export interface UpstreamRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: OutgoingHeaders;
  body: Buffer | Readable | null;
  /** A BackendTLSPolicy's TLS settings for this upstream. */
  tls?: UpstreamTls | undefined;
  /** Give up unless the response headers arrive within this many ms of sending. */
  firstByteTimeoutMs?: number | undefined;
  /** Give up when the response body sends nothing for this many ms (the client holding it back does not count). */
  idleTimeoutMs?: number | undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One exchange with an upstream: sends the request and hands the answer to `relay`, all within
 * `timeoutMs` (the request's upstream time limit, or what is left of it). The exchange has its
 * own abort signal (an EventEmitter, which undici accepts and which costs far less than an
 * AbortController), fired by its timer or by the client going away; it ends with the relay, so
 * nothing outlives it. An error the relay throws as a GatewayError reaches the caller as it is.
 */
export async function exchange<T>(ctx: RequestContext, upstream: UpstreamRequest, relay: (answer: UpstreamAnswer) => Promise<T>, timeoutMs = ctx.timeoutMs): Promise<T> {
  const signal = new EventEmitter();
  let aborted = false;
  signal.once('abort', () => (aborted = true));
  const onClientGone = (): void => void signal.emit('abort');
  ctx.abort.once('abort', onClientGone);
  const timer = setTimeout(() => {
    ctx.timedOut = true;
    signal.emit('abort');
  }, timeoutMs);
  try {
    const send = (): Promise<Dispatcher.ResponseData> =>
      ctx.deps.dispatcherFor(upstream.tls).request({
        origin: upstream.origin,
        path: upstream.path,
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body,
        signal,
        headersTimeout: upstream.firstByteTimeoutMs ?? null,
        bodyTimeout: upstream.idleTimeoutMs ?? null,
      });
    let response: Dispatcher.ResponseData;
    try {
      response = await send().catch((err: unknown) => {
        // A reused connection the upstream was closing: it never read the request. Once, on a new
        // connection (undici already waits out an upstream's `keep-alive: timeout=` hint).
        if (aborted || !isStaleConnection(err) || !replayable(upstream.body)) throw err;
        ctx.deps.logger.debug({ reqId: ctx.id, origin: upstream.origin, err: (err as { code?: unknown }).code }, 'pooled connection closed by the upstream; sending again');
        return send();
      });
    } catch (err) {
      throw mapUpstreamError(ctx, err, upstream);
    }
    try {
      return await relay({ statusCode: response.statusCode, headers: response.headers, body: response.body });
    } catch (err) {
      if (err instanceof AttemptFailed) throw err;
      throw mapUpstreamError(ctx, err, upstream);
    }
  } finally {
    clearTimeout(timer);
    ctx.abort.off('abort', onClientGone);
  }
}

/** A body in memory can be sent again; a client's body streamed through cannot. */
function replayable(body: UpstreamRequest['body']): boolean {
  return body === null || Buffer.isBuffer(body);
}

/** A plain HTTP request, its answer passed through as it is. */
export function forward(ctx: RequestContext, upstream: UpstreamRequest): Promise<void> {
  return exchange(ctx, upstream, (answer) => pipeAnswer(ctx, answer));
}

/** undici and socket failures to coded errors; the original stays as `cause` for the log. */
export function mapUpstreamError(ctx: RequestContext, err: unknown, upstream?: UpstreamRequest): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: unknown }).code;
  if (!ctx.timedOut && code === 'UND_ERR_HEADERS_TIMEOUT' && upstream?.firstByteTimeoutMs !== undefined) {
    return new GatewayError('upstream_timeout', `upstream sent no response headers within ${upstream.firstByteTimeoutMs} ms`, { cause: err });
  }
  if (!ctx.timedOut && code === 'UND_ERR_BODY_TIMEOUT' && upstream?.idleTimeoutMs !== undefined) {
    return new GatewayError('upstream_timeout', `upstream sent nothing for ${upstream.idleTimeoutMs} ms`, { cause: err });
  }
  if (ctx.timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new GatewayError('upstream_timeout', `upstream did not answer within ${ctx.timeoutMs} ms`, { cause: err });
  }
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
  return new GatewayError('upstream_unreachable', `upstream connection failed (${detail})`, { cause: err });
}
