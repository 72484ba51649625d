import type { RequestContext } from './request-context.js';

/** One JSON line per request, plus the request and token metrics; no header or body content. */
export function logAccess(ctx: RequestContext, durationMs: number): void {
  const { record, res, deps } = ctx;
  const status = res.writableFinished ? res.statusCode : 499;
  const route = record.route ?? '';
  const backend = record.backend ?? '';
  deps.metrics.requests.inc([route, backend, String(status)]);
  deps.metrics.duration.observe([route, backend], durationMs / 1000);
  const usage = record.usage;
  if (usage !== undefined && record.llm !== undefined) {
    const model = record.model ?? record.providerModel ?? '';
    deps.metrics.promptTokens.inc([record.llm, model], usage.promptTokens);
    deps.metrics.completionTokens.inc([record.llm, model], usage.completionTokens);
  }
  if (!deps.accessLog.enabled) return;
  deps.accessLog.write(deps.clock.now(), {
    reqId: ctx.id,
    method: ctx.view.method,
    path: ctx.view.path,
    route: record.route,
    backend: record.backend,
    operation: record.operation,
    status,
    upstreamStatus: record.upstreamStatus,
    durationMs: Math.round(durationMs * 100) / 100,
    model: record.model,
    providerModel: record.providerModel,
    stream: record.stream,
    usage,
    error: record.error,
    attempts: record.attempts,
  });
}
