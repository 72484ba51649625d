import type { RequestContext } from './request-context.js';

/** One JSON line per request, plus the request and token metrics; no header or body content. */
export function logAccess(ctx: RequestContext, durationMs: number): void {
  const { record, res, deps } = ctx;
  const status = res.writableFinished ? res.statusCode : 499;
  const route = record.route ?? '';
  const backend = record.backend ?? '';
  deps.metrics.recordRequest(route, backend, status, durationMs / 1000);
  const usage = record.usage;
  if (usage !== undefined && record.llm !== undefined) {
    const model = record.model ?? record.providerModel ?? '';
    deps.metrics.promptTokens.labels(record.llm, model).inc(usage.promptTokens);
    deps.metrics.completionTokens.labels(record.llm, model).inc(usage.completionTokens);
  }
  if (!deps.logger.isLevelEnabled('info')) return;
  deps.logger.info(
    {
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
    },
    'request',
  );
}
