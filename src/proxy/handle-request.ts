import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledListener, CompiledRule, PortBinding, WeightedTarget } from '../config/runtime-config.js';
import { asGatewayError, GatewayError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import { hostnameMatches } from '../routing/hostnames.js';
import { hostWithoutPort, type RequestView } from '../routing/request-view.js';
import { normalizePath } from '../routing/normalize-path.js';
import { proxyToAiBackend } from './ai-proxy.js';
import { logAccess } from './access-log.js';
import type { ProxyDeps, RequestContext } from './request-context.js';
import { sendError } from '../core/http.js';
import { proxyToPool } from './pool-proxy.js';
import { responseModifiers } from './filters.js';
import { redirectLocation } from '../routing/filters.js';
import type { RouteFilter } from '../config/resources/http-route.js';
import type { HeaderModifier, PathMatch } from '../routing/route-types.js';

/**
 * The data plane entry point for one socket (address:port). Takes the config snapshot once,
 * picks the listener by host, the rule by Gateway API precedence and a backend by weight.
 */
export function createRequestHandler(deps: ProxyDeps, bindingKey: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = deps.clock.monotonic();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    // Rules match, and the upstream receives, the normalized path: an upstream that resolved
    // `..` itself would otherwise serve a path no rule matched. A refused path is logged as sent.
    const path = normalizePath(rawPath);
    const view: RequestView = {
      method: req.method ?? 'GET',
      path: typeof path === 'string' ? path : rawPath,
      query: q === -1 ? '' : url.slice(q + 1),
      host: hostWithoutPort(req.headers.host),
      headers: req.headers,
    };
    const ctx: RequestContext = {
      id: deps.random.id(),
      req,
      res,
      view,
      config: deps.currentConfig(),
      deps,
      record: {
        route: undefined,
        backend: undefined,
        llm: undefined,
        operation: undefined,
        model: undefined,
        providerModel: undefined,
        stream: false,
        usage: undefined,
        upstreamStatus: undefined,
        error: undefined,
        attempts: undefined,
      },
      abort: new EventEmitter(),
      timedOut: false,
      timeoutMs: deps.options.upstreamTimeoutMs,
      responseModifiers: NO_MODIFIERS,
    };
    // The access line is written once the response is over and the handler has finished its
    // bookkeeping (an answer's last attempt is recorded after its last byte went out).
    let durationMs = -1;
    let handled = false;
    deps.inFlight.enter();
    const done = (): void => {
      logAccess(ctx, durationMs);
      deps.inFlight.leave();
    };
    res.once('close', () => {
      if (!res.writableFinished) ctx.abort.emit('abort');
      durationMs = deps.clock.monotonic() - started;
      if (handled) done();
    });
    const settled = (): void => {
      handled = true;
      if (durationMs >= 0) done();
    };
    (typeof path === 'string' ? handle(ctx) : Promise.reject(path)).then(settled, (err: unknown) => {
      // The client went away while sending its request (its body cut short): a 499 line, no more.
      if (err !== undefined && err === req.errored) return settled();
      const error = asGatewayError(err);
      ctx.record.error = error.code;
      if (error.code === 'internal_error') deps.logger.error({ reqId: ctx.id, err: error.cause }, 'unexpected error');
      if (!res.destroyed) sendError(res, error);
      settled();
    });
  };

  async function handle(ctx: RequestContext): Promise<void> {
    const binding = ctx.config.bindings.get(bindingKey);
    const listener = binding === undefined ? undefined : selectListener(binding, ctx.view.host);
    const matched = listener?.routes.match(ctx.view);
    if (binding === undefined || matched === undefined) throw new GatewayError('route_not_found', `no route for ${ctx.view.method} ${ctx.view.path}`);
    const rule = matched.rule;
    ctx.record.route = rule.routeRef;
    const ruleRedirect = rule.filters.find((f) => f.type === 'RequestRedirect');
    if (ruleRedirect !== undefined) return redirect(ctx, ruleRedirect, binding.port, matched.pathMatch);
    const target = pickTarget(rule, deps.random);
    ctx.record.backend = target.target.ref;
    // A backendRef may redirect too (Gateway API backendRef filters); then its target is never called.
    const refRedirect = target.filters.find((f) => f.type === 'RequestRedirect');
    if (refRedirect !== undefined) return redirect(ctx, refRedirect, binding.port, matched.pathMatch);
    if (rule.timeoutMs !== undefined && rule.timeoutMs < ctx.timeoutMs) ctx.timeoutMs = rule.timeoutMs;
    const filters = target.filters.length === 0 ? rule.filters : [...rule.filters, ...target.filters];
    if (filters.length > 0) ctx.responseModifiers = responseModifiers(filters);
    switch (target.target.kind) {
      case 'ai':
        return proxyToAiBackend(ctx, target.target, filters);
      case 'pool':
        return proxyToPool(ctx, target.target, filters, matched.pathMatch, rule.mirrors);
      case 'unresolved':
        throw target.target.error;
    }
  }
}

function redirect(ctx: RequestContext, filter: RedirectFilter, listenerPort: number, pathMatch: PathMatch): void {
  const scheme = 'encrypted' in ctx.req.socket ? 'https' : 'http';
  const prefix = pathMatch.type === 'PathPrefix' ? pathMatch.value : undefined;
  ctx.res.writeHead(filter.statusCode, { location: redirectLocation(ctx.view, filter, { port: listenerPort, scheme }, prefix), 'content-length': '0' });
  ctx.res.end();
}

type RedirectFilter = Extract<RouteFilter, { type: 'RequestRedirect' }>;

const NO_MODIFIERS: readonly HeaderModifier[] = [];

/** Listener isolation: the most specific listener whose hostname covers the request's host serves it. */
function selectListener(binding: PortBinding, host: string): CompiledListener | undefined {
  for (const l of binding.listeners) if (l.hostname === undefined || hostnameMatches(l.hostname, host)) return l;
  return undefined;
}

const NO_BACKENDS = new GatewayError('no_backends', 'the matched route rule has no usable backendRefs');

/** Weighted choice among backendRefs; weight 0 never gets traffic, and no weight at all is a 500. */
function pickTarget(rule: CompiledRule, random: Random): WeightedTarget & { target: { ref: string } } {
  const only = rule.targets.length === 1 ? rule.targets[0] : undefined;
  if (only !== undefined && only.weight > 0) return only;
  if (rule.totalWeight <= 0) throw NO_BACKENDS;
  let point = random.next() * rule.totalWeight;
  for (const t of rule.targets) {
    point -= t.weight;
    if (point < 0) return t;
  }
  return rule.targets[rule.targets.length - 1] as WeightedTarget;
}
