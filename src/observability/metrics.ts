import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { LabeledCounter, LabeledHistogram } from './request-metrics.js';

/** Prometheus metrics. Token counters keep kgateway's names and labels (`llm`, `model`). */
export class GatewayMetrics {
  /** Process and config metrics, through prom-client. */
  readonly registry = new Registry();
  readonly requests = new LabeledCounter('ai_gateway_requests_total', 'Requests handled, by route, backend and HTTP status', ['route', 'backend', 'status']);
  readonly duration = new LabeledHistogram('ai_gateway_request_duration_seconds', 'Time from request start to the last response byte', ['route', 'backend']);
  readonly promptTokens = new LabeledCounter('ai_prompt_tokens_total', 'Prompt tokens reported by the provider', ['llm', 'model']);
  readonly completionTokens = new LabeledCounter('ai_completion_tokens_total', 'Completion tokens reported by the provider', ['llm', 'model']);
  /** Every AI provider attempt, by provider entry (`namespace/backend/entry`) and outcome: `answered` or why it failed. */
  readonly attempts = new LabeledCounter('ai_gateway_provider_attempts_total', 'Attempts at AI providers, by provider and outcome (answered, or the failure reason)', ['provider', 'outcome']);
  readonly attemptDuration = new LabeledHistogram('ai_gateway_provider_attempt_duration_seconds', 'Time from sending an attempt to its end (answered, or failed)', ['provider']);
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

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Kubernetes mode: whether this replica leads (writes status), and how its status writes went. */
  trackKubernetes(k: { readonly isLeader: boolean; readonly statusWrites: { readonly ok: number; readonly failed: number } }): void {
    new Gauge({
      name: 'ai_gateway_leader',
      help: '1 while this replica holds the leader-election Lease and writes status',
      registers: [this.registry],
      collect() {
        this.set(k.isLeader ? 1 : 0);
      },
    });
    new Counter({
      name: 'ai_gateway_status_writes_total',
      help: 'Status patches sent to the Kubernetes API server, by result',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        this.labels('ok').inc(k.statusWrites.ok);
        this.labels('failed').inc(k.statusWrites.failed);
      },
    });
  }

  /** Everything, in the Prometheus text format. */
  async render(): Promise<string> {
    const base = await this.registry.metrics();
    const hot = [this.requests, this.duration, this.promptTokens, this.completionTokens, this.attempts, this.attemptDuration].map((m) => m.render()).join('\n');
    return `${base}${base.endsWith('\n') ? '' : '\n'}\n${hot}`;
  }
}
