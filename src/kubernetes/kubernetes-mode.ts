import { isPlainObject } from '../core/json.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubernetesSource } from './kubernetes-source.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { KubeApiClient } from './api-client.js';
import { LeaderElection } from './leader-election.js';
import { StatusWriter, type GatewayAddress } from './status-writer.js';

export interface KubernetesModeOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  clock: Clock;
  controllerName: string;
  /** The Lease that elects the one replica writing status, and this replica's name in it. */
  lease: { namespace: string; name: string; identity: string; durationMs?: number; renewEveryMs?: number; retryEveryMs?: number };
  /** The Service in front of the pods: its load-balancer (or cluster) addresses are each Gateway's. */
  publishService?: { namespace: string; name: string };
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
    const published = options.publishService;
    this.status = new StatusWriter({
      client,
      logger,
      clock: options.clock,
      controllerName: options.controllerName,
      current: (kind, ns, name) => this.source.get(kind, ns, name),
      ...(published === undefined ? {} : { addresses: () => serviceAddresses(this.source.get('Service', published.namespace, published.name)) }),
    });
    this.election = new LeaderElection({
      client,
      logger,
      clock: options.clock,
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

/**
 * Where clients reach a Service: its load balancer's IPs and hostnames once assigned, else its
 * cluster IPs; undefined while it does not exist, so no address is claimed.
 */
export function serviceAddresses(service: Record<string, unknown> | undefined): GatewayAddress[] | undefined {
  if (service === undefined) return undefined;
  const status = isPlainObject(service.status) ? service.status : {};
  const balancer = isPlainObject(status.loadBalancer) ? status.loadBalancer : {};
  const ingress = Array.isArray(balancer.ingress) ? balancer.ingress.filter(isPlainObject) : [];
  const external = ingress.flatMap((i): GatewayAddress[] =>
    typeof i.ip === 'string' ? [{ type: 'IPAddress', value: i.ip }] : typeof i.hostname === 'string' ? [{ type: 'Hostname', value: i.hostname }] : [],
  );
  if (external.length > 0) return external;
  const spec = isPlainObject(service.spec) ? service.spec : {};
  const clusterIps = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP];
  return clusterIps.filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None').map((value) => ({ type: 'IPAddress', value }));
}
