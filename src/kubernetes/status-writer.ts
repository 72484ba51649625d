import { isPlainObject } from '../core/json.js';
import type { ResourceView, RuntimeConfig } from '../config/runtime-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';

import type { KubeApiClient } from './api-client.js';
import { statusPatch, type StatusPatch } from './status-patch.js';

const PATCHES_IN_FLIGHT = 8;

export interface GatewayAddress {
  type: 'IPAddress' | 'Hostname';
  value: string;
}

function withAddresses(view: ResourceView, addresses: readonly GatewayAddress[] | undefined): ResourceView {
  if (!isPlainObject(view.status) || Object.keys(view.status).length === 0) return view;
  const rest = Object.fromEntries(Object.entries(view.status).filter(([field]) => field !== 'addresses'));
  return { ...view, status: addresses === undefined ? rest : { ...rest, addresses } };
}

const keyOf = (view: ResourceView): string => `${view.kind}/${view.namespace}/${view.name}`;

function versionOf(object: Record<string, unknown> | undefined): unknown {
  return isPlainObject(object?.metadata) ? object.metadata.resourceVersion : undefined;
}

export interface StatusWriterOptions {
  client: KubeApiClient;
  logger: Logger;
  clock: Clock;
  controllerName: string;
  /** The object as last seen from the API server (with its status), or undefined. */
  current: (kind: string, namespace: string, name: string) => Record<string, unknown> | undefined;
  /**
   * The addresses to report on every Gateway (from the Service that fronts the pods), or
   * undefined to leave them out: the sockets' bind addresses mean nothing to a cluster user.
   */
  addresses?: () => readonly GatewayAddress[] | undefined;
  /** First wait after a failed round; doubles up to 30 s. */
  retryMs?: number;
}

/**
 * Writes the computed status conditions of the resources read from the API server back to it,
 * while this replica leads. Rounds are serialized: a config that arrives during a round is
 * written by the next one. Only what differs from the server's copy is patched, so the watch
 * event a patch causes leads to no further write; a status someone else changed is put back.
 */
export class StatusWriter {
  private config: RuntimeConfig | undefined;
  private leading = false;
  private running = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /**
   * What the server answered to our last patch of each resource, until the watch catches up:
   * under load the watch lags behind our own writes, and comparing against its older copy
   * would write the same status again.
   */
  private readonly written = new Map<string, { basedOn: unknown; object: Record<string, unknown> }>();
  /** Patches sent, for /metrics: accepted, and failed (a conflict or deletion is neither). */
  readonly writes = { ok: 0, failed: 0 };

  constructor(private readonly options: StatusWriterOptions) {}

  configChanged(config: RuntimeConfig): void {
    this.config = config;
    this.schedule();
  }

  /** A status changed on the server (someone else's write, or an edit): put ours back if it differs. */
  recheck(): void {
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
    const now = new Date(this.options.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const pending: { view: ResourceView; patch: StatusPatch; basedOn: unknown }[] = [];
    const addresses = this.options.addresses?.();
    const resources = (this.config?.resources ?? []).filter((r) => r.origin.source === 'kubernetes');
    // Our answers for resources since deleted are not needed again.
    const present = new Set(resources.map(keyOf));
    for (const key of this.written.keys()) if (!present.has(key)) this.written.delete(key);
    for (const compiled of resources) {
      const view = compiled.kind === 'Gateway' ? withAddresses(compiled, addresses) : compiled;
      const current = this.freshest(view);
      const patch = statusPatch(view, current, this.options.controllerName, now);
      if (patch !== undefined) pending.push({ view, patch, basedOn: versionOf(current) });
    }
    let retry = false;
    // A few patches in flight: thousands of routes are written in seconds, without flooding the API server.
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next !== undefined && this.leading; next = pending.shift()) {
        if (!(await this.write(next.view, next.patch, next.basedOn))) retry = true;
      }
    };
    await Promise.all(Array.from({ length: PATCHES_IN_FLIGHT }, worker));
    this.running = false;
    this.failures = retry ? this.failures + 1 : 0;
    if (this.again) this.schedule();
    else if (retry && this.retryTimer === undefined) {
      const wait = Math.min((this.options.retryMs ?? 500) * 2 ** (this.failures - 1), 30_000);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.schedule();
      }, wait);
    }
  }

  /** The newer of the watch's copy and our last patch's answer (the watch has not moved since). */
  private freshest(view: ResourceView): Record<string, unknown> | undefined {
    const current = this.options.current(view.kind, view.namespace, view.name);
    const key = keyOf(view);
    const ours = this.written.get(key);
    if (ours === undefined) return current;
    if (versionOf(current) === ours.basedOn) return ours.object;
    this.written.delete(key);
    return current;
  }

  /** One patch; false when it must be tried again (a failure, or a conflict with another writer). */
  private async write(view: ResourceView, patch: StatusPatch, basedOn: unknown): Promise<boolean> {
    try {
      const answer = await this.options.client.request('PATCH', patch.path, patch.body, 'application/merge-patch+json');
      if (answer.status === 200) {
        this.writes.ok++;
        if (isPlainObject(answer.body)) this.written.set(keyOf(view), { basedOn, object: answer.body });
        return true;
      }
      // Deleted meanwhile: nothing to write. A conflict: retried against the copy the watch brings.
      if (answer.status === 404) return true;
      if (answer.status === 409) return false;
      throw new Error(`answered ${answer.status}`);
    } catch (err) {
      this.writes.failed++;
      this.options.logger.warn({ kind: view.kind, resource: `${view.namespace}/${view.name}`, err: err instanceof Error ? err.message : String(err) }, 'status write failed');
      return false;
    }
  }
}
