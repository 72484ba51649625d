import type { Dispatcher } from 'undici';
import type { RouteFilter } from '../config/resources/http-route.js';
import type { PathMatch } from '../routing/route-types.js';
import type { CompiledHttpPool, CompiledMirror } from '../config/runtime-config.js';
import { GatewayError } from '../core/errors.js';
import { rewritePath } from '../routing/url-rewrite.js';
import { readBody } from '../core/http.js';
import { applyRequestHeaderFilters } from './filters.js';
import { forward } from './forward.js';
import { forwardableHeaders } from './headers.js';
import { sendMirrors } from './mirror.js';
import type { RequestContext } from './request-context.js';

/** How long an endpoint that refused a connection is skipped. */
const FAILED_ENDPOINT_HOLD_MS = 5_000;
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET']);

/**
 * A plain HTTP backend (Service endpoints or a Static Backend's hosts): the route's URLRewrite
 * and header filters apply, the body streams through, endpoints take turns and one that fails
 * to connect is skipped for a while (the request moves to the next when it can be replayed).
 */
export async function proxyToPool(ctx: RequestContext, pool: CompiledHttpPool, filters: readonly RouteFilter[], pathMatch: PathMatch, mirrors: readonly CompiledMirror[]): Promise<void> {
  const { req, view } = ctx;
  let path = view.path;
  let host = req.headers.host;
  for (const filter of filters) {
    if (filter.type !== 'URLRewrite') continue;
    if (filter.path !== undefined) path = rewritePath(path, filter.path, pathMatch.type === 'PathPrefix' ? pathMatch.value : undefined);
    if (filter.hostname !== undefined) host = filter.hostname;
  }
  const headers = forwardableHeaders(req.headers);
  if (host !== undefined) headers.host = host;
  const peer = req.socket.remoteAddress;
  const priorFor = req.headers['x-forwarded-for'];
  if (peer !== undefined) headers['x-forwarded-for'] = priorFor === undefined ? peer : `${String(priorFor)}, ${peer}`;
  headers['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  headers['x-request-id'] ??= ctx.id;
  applyRequestHeaderFilters(headers, filters);

  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // A body is buffered only when it must be sent twice (mirrors); otherwise it streams.
  const buffered = hasBody && mirrors.length > 0 ? await readBody(req, ctx.deps.options.maxBodyBytes) : undefined;
  if (buffered !== undefined) headers['content-length'] = String(buffered.length);
  else if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
  const fullPath = path + (view.query === '' ? '' : `?${view.query}`);
  const method = req.method as Dispatcher.HttpMethod;
  if (mirrors.length > 0) sendMirrors(ctx, mirrors, { method, path: fullPath, headers, body: buffered ?? null });

  const replayable = !hasBody || buffered !== undefined;
  for (let attempt = 0; ; attempt++) {
    const origin = pickOrigin(pool, ctx.deps.clock.monotonic());
    if (origin === undefined) throw new GatewayError('no_healthy_endpoints', `no ready endpoints for ${pool.ref}`);
    try {
      await forward(ctx, { origin, path: fullPath, method, headers, body: buffered ?? (hasBody ? req : null), tls: pool.tls });
      return;
    } catch (err) {
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      if (!(err instanceof GatewayError) || err.code !== 'upstream_unreachable' || typeof code !== 'string' || !CONNECT_FAILURES.has(code)) throw err;
      pool.state.failedUntil.set(origin, ctx.deps.clock.monotonic() + FAILED_ENDPOINT_HOLD_MS);
      if (!replayable || attempt + 1 >= pool.origins.length || ctx.res.headersSent) throw err;
    }
  }
}

/** Round-robin over the endpoints, skipping those that recently failed (all failed: try anyway). */
function pickOrigin(pool: CompiledHttpPool, now: number): string | undefined {
  const { origins, state } = pool;
  if (origins.length === 0) return undefined;
  for (let i = 0; i < origins.length; i++) {
    const origin = origins[state.next++ % origins.length] as string;
    if ((state.failedUntil.get(origin) ?? 0) <= now) return origin;
  }
  return origins[state.next++ % origins.length];
}
