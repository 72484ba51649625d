import type { Dispatcher } from 'undici';
import type { CompiledRule, CompiledStaticBackend } from '../config/runtime-config.js';
import { rewritePath } from '../routing/url-rewrite.js';
import type { PathMatch } from '../config/resources/http-route.js';
import { forward } from './forward.js';
import { forwardableHeaders } from './headers.js';
import type { RequestContext } from './request-context.js';

/** A plain HTTP backend: the route's URLRewrite applies, the body streams through untouched. */
export async function proxyToStaticBackend(ctx: RequestContext, backend: CompiledStaticBackend, rule: CompiledRule, pathMatch: PathMatch): Promise<void> {
  const origin = backend.origins[backend.cursor.next++ % backend.origins.length] as string;
  let path = ctx.view.path;
  let host = ctx.req.headers.host;
  for (const filter of rule.filters) {
    if (filter.type !== 'URLRewrite') continue;
    if (filter.path !== undefined) path = rewritePath(path, filter.path, pathMatch.type === 'PathPrefix' ? pathMatch.value : undefined);
    if (filter.hostname !== undefined) host = filter.hostname;
  }
  const headers = forwardableHeaders(ctx.req.headers);
  if (host !== undefined) headers.host = host;
  const peer = ctx.req.socket.remoteAddress;
  if (peer !== undefined) headers['x-forwarded-for'] = ctx.req.headers['x-forwarded-for'] === undefined ? peer : `${String(ctx.req.headers['x-forwarded-for'])}, ${peer}`;
  headers['x-forwarded-proto'] = 'http';
  headers['x-request-id'] ??= ctx.id;
  const framed = ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined;
  if (ctx.req.headers['content-length'] !== undefined) headers['content-length'] = ctx.req.headers['content-length'];
  await forward(ctx, {
    origin,
    path: path + (ctx.view.query === '' ? '' : `?${ctx.view.query}`),
    method: ctx.req.method as Dispatcher.HttpMethod,
    headers,
    body: framed ? ctx.req : null,
    readUsage: false,
  });
}
