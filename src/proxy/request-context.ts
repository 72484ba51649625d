import type { InFlight } from './in-flight.js';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Clock } from '../core/clock.js';
import type { ProviderHealth } from './provider-health.js';
import type { Random } from '../core/random.js';
import type { AccessLog, Logger } from '../observability/logger.js';
import type { HeaderModifier } from '../routing/route-types.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RuntimeConfig, UpstreamTls } from '../config/runtime-config.js';
import type { RequestView } from '../routing/request-view.js';
import type { UsageCount } from '../translators/translator.js';

export interface ProxyOptions {
  /** Request bodies over this size get 413. */
  maxBodyBytes: number;
  /** The whole upstream exchange, first byte to last, must finish within this (all of a request's attempts together). */
  upstreamTimeoutMs: number;
  /** A streamed request's provider must send its response headers within this, or the next provider is tried. */
  firstByteTimeoutMs: number;
  /** A provider's answer that sends nothing for this long is given up (the client holding it back does not count). */
  streamIdleTimeoutMs: number;
  /** The most providers one request is sent to. */
  maxAttempts: number;
}

/** What the data plane needs, passed in by the composition root. */
export interface ProxyDeps {
  currentConfig: () => RuntimeConfig;
  /** The default upstream client. */
  dispatcher: Dispatcher;
  /** The upstream client for a BackendTLSPolicy's settings (the default one without). */
  dispatcherFor: (tls: UpstreamTls | undefined) => Dispatcher;
  logger: Logger;
  accessLog: AccessLog;
  metrics: GatewayMetrics;
  clock: Clock;
  random: Random;
  options: ProxyOptions;
  /** AI providers' health in this process, kept across config reloads. */
  health: ProviderHealth;
  /** Requests not yet logged; stopping waits for them. */
  inFlight: InFlight;
}

/** The access-log record, filled in as the request moves through the pipeline. */
export interface AccessRecord {
  route: string | undefined;
  backend: string | undefined;
  /** Provider id for the token metrics' `llm` label. */
  llm: string | undefined;
  operation: string | undefined;
  model: string | undefined;
  providerModel: string | undefined;
  stream: boolean;
  usage: UsageCount | undefined;
  upstreamStatus: number | undefined;
  error: string | undefined;
  /** An AI request's attempts, one per provider tried. */
  attempts: AttemptRecord[] | undefined;
}

/** One provider tried for a request: who, what came back, and how long it took. */
export interface AttemptRecord {
  /** The provider entry's name (`namespace/backend/entry`). */
  provider: string;
  /** The upstream status, when there was one. */
  status: number | undefined;
  /** Why it failed (absent when it answered). */
  reason: string | undefined;
  durationMs: number;
}

export interface RequestContext {
  id: string;
  req: IncomingMessage;
  res: ServerResponse;
  view: RequestView;
  /** The config snapshot the request started with; a reload never changes it mid-request. */
  config: RuntimeConfig;
  deps: ProxyDeps;
  record: AccessRecord;
  /**
   * Emits 'abort' when the client goes away or the upstream timeout fires. An EventEmitter,
   * which undici accepts as a signal, because an AbortController per request costs measurably more.
   */
  abort: EventEmitter;
  timedOut: boolean;
  /** The upstream time limit: the gateway's, or the matched rule's when shorter. */
  timeoutMs: number;
  /** ResponseHeaderModifiers of the matched rule and backendRef. */
  responseModifiers: readonly HeaderModifier[];
}
