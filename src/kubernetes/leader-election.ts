import { isPlainObject } from '../core/json.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { KubeApiClient } from './api-client.js';

export interface LeaderElectionOptions {
  client: KubeApiClient;
  logger: Logger;
  clock: Clock;
  namespace: string;
  name: string;
  /** This replica's name in `holderIdentity` (the pod name in a cluster). */
  identity: string;
  /** How long a lease that is not renewed keeps others out. */
  leaseDurationMs?: number;
  /** How often the leader renews. */
  renewEveryMs?: number;
  /** How often a follower checks whether the lease is free. */
  retryEveryMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  metadata: { resourceVersion?: string };
  spec: LeaseSpec;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, so that one replica at a time writes
 * status while every replica serves traffic. Expiry is judged by this replica's own clock from
 * when it last saw the lease change, never by comparing timestamps written by another host, so
 * clock skew between nodes cannot make two leaders. Updates carry the resourceVersion read, so
 * two replicas racing for a free lease cannot both win.
 */
export class LeaderElection {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: { version: string; at: number } | undefined;
  private lastRenewal = 0;
  private readonly durationMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.durationMs = options.leaseDurationMs ?? 15_000;
    this.renewMs = options.renewEveryMs ?? 5_000;
    this.retryMs = options.retryEveryMs ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops electing; a leader hands the lease back so another replica need not wait for expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const current = await this.read();
      if (current?.spec.holderIdentity !== this.options.identity) return;
      await this.options.client.request('PUT', this.path(this.options.name), this.lease(current, { holderIdentity: '', leaseDurationSeconds: 1 }));
    } catch {
      // The lease expires on its own.
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const held = await this.tryAcquireOrRenew();
      if (held) this.lastRenewal = this.options.clock.monotonic();
      this.setLeading(held);
    } catch (err) {
      this.options.logger.warn({ err: err instanceof Error ? err.message : String(err), lease: this.leaseName }, 'leader election: lease request failed');
      // A leader that cannot renew steps down before its lease could have expired for the others.
      if (this.leading && this.options.clock.monotonic() - this.lastRenewal > this.durationMs - this.renewMs) this.setLeading(false);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.leading ? this.renewMs : this.retryMs);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity } = this.options;
    const now = microTime(new Date(this.options.clock.now()));
    const current = await this.read();
    if (current === undefined) {
      const created = await client.request('POST', this.path(), {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.options.name, namespace: this.options.namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: this.durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
      });
      return this.accepted(created.status, 'create');
    }
    const version = current.metadata.resourceVersion ?? '';
    if (this.observed?.version !== version) this.observed = { version, at: this.options.clock.monotonic() };
    const holder = current.spec.holderIdentity ?? '';
    const ours = holder === identity;
    const durationMs = (current.spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
    if (!ours && holder !== '' && this.options.clock.monotonic() < this.observed.at + durationMs) return false;
    const updated = await client.request(
      'PUT',
      this.path(this.options.name),
      this.lease(current, {
        holderIdentity: identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: ours ? (current.spec.acquireTime ?? now) : now,
        renewTime: now,
        leaseTransitions: (current.spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
      }),
    );
    return this.accepted(updated.status, 'update');
  }

  /** 409 means another replica wrote the lease first: not an error, just not ours this round. */
  private accepted(status: number, what: string): boolean {
    if (status === 200 || status === 201) return true;
    if (status === 409) return false;
    throw new Error(`${what} lease ${this.leaseName} answered ${status}`);
  }

  private async read(): Promise<Lease | undefined> {
    const answer = await this.options.client.request('GET', this.path(this.options.name));
    if (answer.status === 404) return undefined;
    if (answer.status !== 200 || !isPlainObject(answer.body)) throw new Error(`get lease ${this.leaseName} answered ${answer.status}`);
    const body = answer.body as { metadata?: Lease['metadata']; spec?: LeaseSpec };
    return { metadata: body.metadata ?? {}, spec: body.spec ?? {} };
  }

  private lease(current: Lease, spec: LeaseSpec): unknown {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion: current.metadata.resourceVersion },
      spec: { ...current.spec, ...spec },
    };
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.options.logger.info({ lease: this.leaseName, identity: this.options.identity }, leading ? 'leader election: leading; writing status' : 'leader election: not leading');
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private get durationSeconds(): number {
    return Math.max(1, Math.round(this.durationMs / 1000));
  }

  private get leaseName(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  private path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
