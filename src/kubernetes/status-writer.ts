import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Logger } from '../observability/logger.js';
import type { KubeApiClient } from './api-client.js';
import { statusPatch } from './status-patch.js';

export interface StatusWriterOptions {
  client: KubeApiClient;
  logger: Logger;
  controllerName: string;
  /** The object as last seen from the API server (with its status), or undefined. */
  current: (kind: string, namespace: string, name: string) => Record<string, unknown> | undefined;
  /** First wait after a failed round; doubles up to 30 s. */
  retryMs?: number;
}

/**
 * Writes the computed status conditions of the resources read from the API server back to it,
 * while this replica leads. Rounds are serialized: a config that arrives during a round is
 * written by the next one. Only what differs from the server's copy is patched, so the watch
 * event a patch causes leads to no further write.
 */
export class StatusWriter {
  private config: RuntimeConfig | undefined;
  private leading = false;
  private running = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Patches sent, for /metrics: accepted, and failed (a conflict or deletion is neither). */
  readonly writes = { ok: 0, failed: 0 };

  constructor(private readonly options: StatusWriterOptions) {}

  configChanged(config: RuntimeConfig): void {
    this.config = config;
    this.schedule();
  }

  setLeading(leading: boolean): void {
    this.leading = leading;
    if (leading) this.schedule();
  }

  stop(): void {
    this.leading = false;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
  }

  private schedule(): void {
    if (!this.leading || this.config === undefined) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.round();
  }

  private async round(): Promise<void> {
    this.running = true;
    this.again = false;
    let failed = 0;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const view of this.config?.resources ?? []) {
      if (!this.leading) break;
      if (view.origin.source !== 'kubernetes') continue;
      const patch = statusPatch(view, this.options.current(view.kind, view.namespace, view.name), this.options.controllerName, now);
      if (patch === undefined) continue;
      try {
        const answer = await this.options.client.request('PATCH', patch.path, patch.body, 'application/merge-patch+json');
        if (answer.status === 200) this.writes.ok++;
        // 409: another controller wrote first; 404: deleted meanwhile. The watch event brings the next round.
        else if (answer.status !== 409 && answer.status !== 404) throw new Error(`answered ${answer.status}`);
      } catch (err) {
        failed++;
        this.writes.failed++;
        this.options.logger.warn({ kind: view.kind, resource: `${view.namespace}/${view.name}`, err: err instanceof Error ? err.message : String(err) }, 'status write failed');
      }
    }
    this.running = false;
    this.failures = failed > 0 ? this.failures + 1 : 0;
    if (this.again) this.schedule();
    else if (failed > 0 && this.retryTimer === undefined) {
      const wait = Math.min((this.options.retryMs ?? 500) * 2 ** (this.failures - 1), 30_000);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.schedule();
      }, wait);
    }
  }
}
