import { networkInterfaces } from 'node:os';
import { AdminServer } from './admin/admin-server.js';
import { compileConfig } from './config/compile.js';
import { formatIssue } from './config/resources/parse.js';
import type { RuntimeConfig, UpstreamTls } from './config/runtime-config.js';
import { FileSource } from './config/sources/file-source.js';
import { ResourceStore } from './config/store.js';
import type { SourcedObject } from './config/resources/kube-object.js';
import { AppliedResources } from './config/applied-resources.js';
import { StateFile } from './config/sources/state-file.js';
import type { KubernetesMode } from './kubernetes/kubernetes-mode.js';
import { systemClock, type Clock } from './core/clock.js';
import { systemRandom, type Random } from './core/random.js';
import { AccessLog, createLoggers, type Logger } from './observability/logger.js';
import { GatewayMetrics } from './observability/metrics.js';
import { createRequestHandler } from './proxy/handle-request.js';
import { InFlight } from './proxy/in-flight.js';
import { ListenerManager } from './proxy/listeners.js';
import { DEFAULT_HEALTH, ProviderHealth, type HealthOptions } from './proxy/provider-health.js';
import type { ProxyOptions } from './proxy/request-context.js';
import { UpstreamDispatchers, type ConnectTo, type UpstreamOptions } from './proxy/upstream.js';

export interface GatewayOptions {
  /** Manifest files or directories (-f). */
  paths: readonly string[];
  gatewayClassName?: string;
  /** The controllerName this gateway answers to in GatewayClasses and status. */
  controllerName?: string;
  /** Admin API address; omit to run without one. Port 0 binds an ephemeral port. */
  admin?: { host: string; port: number };
  watch?: boolean;
  proxy?: Partial<ProxyOptions>;
  /** When AI providers that keep failing are taken out, and for how long. */
  failover?: Partial<HealthOptions>;
  logger?: Logger;
  /** Where the per-request lines go; with `logger` given and this not, none are written. */
  accessLog?: AccessLog;
  clock?: Clock;
  /** Randomness for weighted picks, mirror sampling and request ids. */
  random?: Random;
  /** Where upstream connections go and which extra CAs they trust (tests: fake providers). */
  upstream?: UpstreamOptions;
  connectTo?: readonly ConnectTo[];
  /** Maps a Gateway listener port to the port to bind (tests bind 0). */
  mapPort?: (port: number) => number;
  /** Open client connections per listener; more are closed as they arrive. */
  maxConnections?: number;
  /** How long a file edit that looks broken (emptied, or every Gateway or route gone) must stay before it applies. */
  reloadSettleMs?: number;
  /** How long stopping (or removing) a listener waits for requests in flight. */
  drainMs?: number;
  /** Where applied resources are kept across restarts; without it they live in memory only. */
  stateDir?: string;
  /** Required as `Authorization: Bearer …` on the admin API's config endpoints when set. */
  adminToken?: string;
  /** Names clients may reach the admin API by, besides its address and `localhost` (behind a proxy, say). */
  adminAllowedHosts?: readonly string[];
  /** Read resources from the Kubernetes API server instead of files, and write their status back. */
  kubernetes?: KubernetesMode;
}

export const DEFAULT_PROXY_OPTIONS: ProxyOptions = {
  maxBodyBytes: 10 * 1024 * 1024,
  upstreamTimeoutMs: 600_000,
  firstByteTimeoutMs: 30_000,
  streamIdleTimeoutMs: 60_000,
  maxAttempts: 5,
};

/**
 * The composition root: wires the resource store, config compiler, listeners, admin API and
 * file watcher. Each config change compiles a new immutable RuntimeConfig and swaps it in.
 */
export class Gateway {
  readonly logger: Logger;
  readonly metrics = new GatewayMetrics();
  private readonly clock: Clock;
  private readonly store: ResourceStore;
  private readonly listeners: ListenerManager;
  private readonly inFlight = new InFlight();
  private readonly files: FileSource;
  private readonly admin: AdminServer;
  private readonly applied: AppliedResources;
  private config: RuntimeConfig;
  private started = false;
  private listenersUp = false;
  private adminPort: number | undefined;

  constructor(private readonly options: GatewayOptions) {
    const loggers = options.logger === undefined ? createLoggers() : { logger: options.logger, accessLog: new AccessLog({ write: () => true }, false) };
    this.logger = loggers.logger;
    const accessLog = options.accessLog ?? loggers.accessLog;
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom;
    const upstream = new UpstreamDispatchers({ connectTo: options.connectTo ?? [], ...options.upstream });
    this.store = new ResourceStore(this.clock);
    if (options.kubernetes !== undefined) this.metrics.trackKubernetes(options.kubernetes);
    this.config = compileConfig([], { ...this.compileOptions, version: 0 });
    const deps = {
      currentConfig: () => this.config,
      dispatcher: upstream.default,
      dispatcherFor: (tls: UpstreamTls | undefined) => upstream.for(tls),
      logger: this.logger,
      accessLog,
      metrics: this.metrics,
      clock: this.clock,
      random,
      options: { ...DEFAULT_PROXY_OPTIONS, ...options.proxy },
      health: new ProviderHealth(this.clock, { ...DEFAULT_HEALTH, ...options.failover }),
      inFlight: this.inFlight,
    };
    this.listeners = new ListenerManager({
      logger: this.logger,
      handlerFor: (key) => createRequestHandler(deps, key),
      ...(options.mapPort === undefined ? {} : { mapPort: options.mapPort }),
      ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    });
    const state = options.stateDir === undefined ? undefined : new StateFile(options.stateDir, { logger: this.logger, clock: this.clock, random });
    this.applied = new AppliedResources(this.store, state, { clock: this.clock, logger: this.logger, onChange: () => void this.recompile() });
    this.files = new FileSource({
      paths: options.paths,
      logger: this.logger,
      clock: this.clock,
      ...(options.reloadSettleMs === undefined ? {} : { settleMs: options.reloadSettleMs }),
      onChange: (objects) => this.onSourceChanged(objects),
    });
    const adminSecurity = { token: options.adminToken, allowedHosts: options.adminAllowedHosts ?? [], localAddresses };
    this.admin = new AdminServer(adminSecurity, {
      ready: () => this.started && this.listenersUp && (this.options.kubernetes?.synced ?? true),
      configDump: () => this.configDump(),
      configVersion: () => this.config.version,
      metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.render() }),
      apply: (text) => this.applied.applyText(text),
      delete: (target) => this.applied.delete(target),
      resources: (kind, namespace, name) => this.resources(kind, namespace, name),
    });
  }

  private get className(): string {
    return this.options.gatewayClassName ?? 'kgateway';
  }

  private get compileOptions(): { gatewayClassName: string; controllerName?: string } {
    const { controllerName } = this.options;
    return { gatewayClassName: this.className, ...(controllerName === undefined ? {} : { controllerName }) };
  }

  /** Loads the files (a YAML error here is fatal), binds listeners, starts the admin API and the watcher. */
  async start(): Promise<void> {
    // The admin API comes first, so /readyz can say "not ready" while a source is still syncing.
    if (this.options.admin !== undefined) this.adminPort = (await this.admin.start(this.options.admin.host, this.options.admin.port)).port;
    const kubernetes = this.options.kubernetes;
    const restored = await this.applied.restore();
    if (restored > 0) this.logger.info({ resources: restored, stateDir: this.options.stateDir }, 'applied resources restored');
    if (kubernetes === undefined) {
      this.store.setSourceObjects(await this.files.load());
      await this.sourceChanged();
    }
    await this.recompile();
    if (kubernetes !== undefined) {
      void kubernetes.start((objects) => this.onSourceChanged(objects)).then(() => {
        this.logger.info({ resources: kubernetes.source.snapshot().length }, 'Kubernetes resources synced');
        this.onSourceChanged(kubernetes.source.snapshot());
      });
    } else if (this.options.watch ?? true) await this.files.start();
    this.started = true;
  }

  async stop(): Promise<void> {
    this.files.stop();
    await this.options.kubernetes?.stop();
    await this.admin.stop();
    await this.listeners.stop();
    // The requests the drain cut off finish their bookkeeping (and access lines) in a few ticks.
    await this.inFlight.idle(1_000);
  }

  currentConfig(): RuntimeConfig {
    return this.config;
  }

  /** The port bound for a Gateway listener port (they differ when `mapPort` binds ephemeral ports). */
  boundPort(gatewayPort: number, address?: string): number | undefined {
    return this.listeners.boundPort(gatewayPort, address);
  }

  get adminAddress(): string | undefined {
    return this.adminPort === undefined || this.options.admin === undefined ? undefined : `http://${this.options.admin.host}:${this.adminPort}`;
  }

  /** The loaded resources of a kind (optionally one namespace or name), with origin and status, secrets redacted. */
  resources(kind: string, namespace?: string, name?: string): unknown[] {
    return this.config.resources.filter(
      (r) => r.kind === kind && (namespace === undefined || r.namespace === namespace) && (name === undefined || r.name === name),
    );
  }

  private onSourceChanged(objects: SourcedObject[]): void {
    this.store.setSourceObjects(objects);
    void this.recompile();
    void this.sourceChanged();
  }

  /** Applied copies that a newer source version replaced are dropped from the state (the snapshot already leaves them out). */
  private async sourceChanged(): Promise<void> {
    try {
      await this.applied.sourceChanged();
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err), stateDir: this.options.stateDir }, 'could not update the state file');
    }
  }

  /** Compiles the store's snapshot and swaps it in at once; requests in flight keep their old snapshot. */
  private async recompile(): Promise<void> {
    const previous = new Set(this.config.issues.map(formatIssue));
    const config = compileConfig(this.store.snapshot(), { ...this.compileOptions, version: this.config.version + 1 });
    this.config = config;
    this.options.kubernetes?.configChanged(config);
    this.metrics.configReloads.labels('ok').inc();
    const errors = config.issues.filter((i) => i.severity === 'error');
    this.metrics.configErrors.set(errors.length);
    // Each problem is logged when it appears, not again on every later reload.
    for (const issue of config.issues) {
      const text = formatIssue(issue);
      if (!previous.has(text)) this.logger[issue.severity === 'error' ? 'error' : 'warn']({ version: config.version }, text);
    }
    this.logger.info({ version: config.version, resources: config.resources.length, rejected: errors.length }, 'config loaded');
    try {
      await this.listeners.reconcile(config);
      this.listenersUp = true;
    } catch (err) {
      this.listenersUp = false;
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'listener failed to bind');
    }
  }

  private configDump(): unknown {
    const c = this.config;
    return {
      version: c.version,
      gatewayClassName: this.className,
      listeners: [...c.bindings.values()].map((b) => ({
        address: b.address,
        port: b.port,
        protocol: b.protocol,
        listeners: b.listeners.map((l) => ({ gateway: l.gateway, name: l.name, hostname: l.hostname ?? null })),
      })),
      issues: c.issues.map(formatIssue),
      resources: c.resources,
    };
  }
}

/** This machine's addresses: what a wildcard-bound admin API is reached by. */
function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}
