import type { KubeConfig } from '@kubernetes/client-node';
import { KubernetesSource } from '../config/sources/kubernetes-source.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Logger } from '../observability/logger.js';
import { KubeApiClient } from './api-client.js';
import { LeaderElection } from './leader-election.js';
import { StatusWriter } from './status-writer.js';

export interface KubernetesModeOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  controllerName: string;
  /** The Lease that elects the one replica writing status, and this replica's name in it. */
  lease: { namespace: string; name: string; identity: string; durationMs?: number; renewEveryMs?: number; retryEveryMs?: number };
  /** List/watch backoff: first wait and cap. */
  backoffMs?: readonly [first: number, max: number];
}

/**
 * The gateway as a Kubernetes controller: every replica lists and watches the resources and
 * serves traffic; the replica holding the Lease also writes their status back.
 */
export class KubernetesMode {
  readonly source: KubernetesSource;
  readonly election: LeaderElection;
  readonly status: StatusWriter;

  constructor(options: KubernetesModeOptions) {
    const { kubeConfig, logger, lease } = options;
    this.source = new KubernetesSource({
      kubeConfig,
      logger,
      onStatusChange: () => this.status.recheck(),
      ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    });
    const client = new KubeApiClient(kubeConfig, `ai-gateway (${lease.identity})`);
    this.status = new StatusWriter({ client, logger, controllerName: options.controllerName, current: (kind, ns, name) => this.source.get(kind, ns, name) });
    this.election = new LeaderElection({
      client,
      logger,
      namespace: lease.namespace,
      name: lease.name,
      identity: lease.identity,
      ...(lease.durationMs === undefined ? {} : { leaseDurationMs: lease.durationMs }),
      ...(lease.renewEveryMs === undefined ? {} : { renewEveryMs: lease.renewEveryMs }),
      ...(lease.retryEveryMs === undefined ? {} : { retryEveryMs: lease.retryEveryMs }),
      onStartedLeading: () => this.status.setLeading(true),
      onStoppedLeading: () => this.status.setLeading(false),
    });
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  get statusWrites(): { readonly ok: number; readonly failed: number } {
    return this.status.writes;
  }

  get synced(): boolean {
    return this.source.synced;
  }

  /** Starts watching and electing; resolves after the first full sync. */
  async start(onChange: Parameters<KubernetesSource['start']>[0]): Promise<void> {
    this.election.start();
    await this.source.start(onChange);
  }

  /** Called with each config compiled from the source: the leader writes its status. */
  configChanged(config: RuntimeConfig): void {
    if (this.source.synced) this.status.configChanged(config);
  }

  async stop(): Promise<void> {
    this.source.stop();
    this.status.stop();
    await this.election.stop();
  }
}
