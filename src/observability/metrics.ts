import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';

/** Prometheus metrics. Token counters keep kgateway's names and labels (`llm`, `model`). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ai_gateway_requests_total',
    help: 'Requests handled, by route, backend and HTTP status',
    labelNames: ['route', 'backend', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'ai_gateway_request_duration_seconds',
    help: 'Time from request start to the last response byte',
    labelNames: ['route', 'backend'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly promptTokens = new Counter({
    name: 'ai_prompt_tokens_total',
    help: 'Prompt tokens reported by the provider',
    labelNames: ['llm', 'model'] as const,
    registers: [this.registry],
  });
  readonly completionTokens = new Counter({
    name: 'ai_completion_tokens_total',
    help: 'Completion tokens reported by the provider',
    labelNames: ['llm', 'model'] as const,
    registers: [this.registry],
  });
  readonly configReloads = new Counter({
    name: 'ai_gateway_config_reloads_total',
    help: 'Config reloads, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly configErrors = new Gauge({
    name: 'ai_gateway_config_errors',
    help: 'Resources rejected in the config in force',
    registers: [this.registry],
  });

  /** Labelled children by label values: prom-client hashes labels on every `labels()` call. */
  private readonly requestChildren = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  recordRequest(route: string, backend: string, status: number, seconds: number): void {
    const key = `${route}\u0000${backend}\u0000${status}`;
    let child = this.requestChildren.get(key);
    if (child === undefined) {
      child = { count: this.requests.labels(route, backend, String(status)), duration: this.duration.labels(route, backend) };
      this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }
}
