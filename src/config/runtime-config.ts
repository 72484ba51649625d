import type { SecureContext } from 'node:tls';
import type { BackendCredential } from '../auth/backend-credential.js';
import type { GatewayError } from '../core/errors.js';
import type { CredentialPlacement, Provider, ProviderSettings } from '../providers/provider.js';
import type { RouteFilter } from './resources/http-route.js';
import type { Origin } from './resources/kube-object.js';
import type { ConfigIssue } from './resources/parse.js';
import type { RouteTable } from '../routing/route-table.js';

/** An AI Backend: its providers by priority level, highest first. */
export interface CompiledAiBackend {
  kind: 'ai';
  /** `namespace/name` of the Backend. */
  ref: string;
  levels: readonly (readonly CompiledLlm[])[];
}

/** One provider of an AI Backend, ready for the data plane. */
export interface CompiledLlm {
  /** `namespace/backend/` and the entry's name (or its level.position, or the provider alone): for logs and metrics. */
  name: string;
  /** What the gateway keeps this provider's health by (upstream, path, model, credential; hashed). */
  healthKey: string;
  provider: Provider;
  settings: ProviderSettings;
  /** `https://host` on port 443, else `http://host:port` (kgateway's rule). */
  origin: string;
  /** The Host header the provider expects. */
  hostHeader: string;
  /** `path.full` / `pathOverride.fullPath`: replaces the provider's generation path. */
  fullPath: string | undefined;
  /** The provider's credential header, or the Backend's `authHeader` override of it. */
  placement: CredentialPlacement;
  credential: BackendCredential;
  /** A BackendTLSPolicy's TLS settings for the upstream. */
  tls?: UpstreamTls;
  /** Client headers never sent upstream: every credential header, the provider's own, cookies, Accept-Encoding. */
  dropHeaders: ReadonlySet<string>;
  /** Headers the provider needs besides the credential (`anthropic-version`), unless the client sent them. */
  providerHeaders: Readonly<Record<string, string>>;
}

/** Plain HTTP endpoints: a Static Backend's hosts, or a Service port's ready endpoints. */
export interface CompiledHttpPool {
  kind: 'pool';
  ref: string;
  origins: readonly string[];
  /** Round-robin position and endpoints that recently failed to connect; per config version. */
  state: { next: number; failedUntil: Map<string, number> };
  /** A BackendTLSPolicy's TLS settings for the endpoints. */
  tls?: UpstreamTls;
}

/** Where a share of a rule's traffic goes; an unresolved ref answers its share with an error. */
export type BackendTarget = CompiledAiBackend | CompiledHttpPool | { kind: 'unresolved'; ref: string; error: GatewayError };

export interface WeightedTarget {
  weight: number;
  target: BackendTarget;
  /** backendRef-level filters, applied after the rule's. */
  filters: readonly RouteFilter[];
}

export interface CompiledMirror {
  target: CompiledHttpPool;
  /** Share of requests mirrored, 0..1. */
  fraction: number;
}

export interface CompiledRule {
  /** `namespace/name` of the HTTPRoute, for logs and metrics. */
  routeRef: string;
  ruleIndex: number;
  ruleName: string | undefined;
  filters: readonly RouteFilter[];
  mirrors: readonly CompiledMirror[];
  targets: readonly WeightedTarget[];
  totalWeight: number;
  /** Upstream time limit from the rule's timeouts (the smaller of request and backendRequest), if any. */
  timeoutMs: number | undefined;
}

export interface CompiledListener {
  gateway: string;
  name: string;
  hostname: string | undefined;
  routes: RouteTable<CompiledRule>;
  /** HTTPS: the certificate this listener serves, built once per config version. */
  tls: ListenerTls | undefined;
}

/** A listener's certificates (one or more pairs, e.g. RSA and ECDSA) from its certificateRefs. */
export interface ListenerTls {
  /** What the SNI callback hands out; never rebuilt per connection. */
  context: SecureContext;
  /** The PEM the context was built from: the server's default (no-SNI) context needs options, not a context. */
  certs: readonly string[];
  keys: readonly string[];
}

/**
 * One socket to bind: every listener on that address and port, most specific hostname first.
 * All of them share one protocol (a listener that would mix HTTP and HTTPS is Conflicted).
 */
export interface PortBinding {
  address: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  listeners: readonly CompiledListener[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
}

/** A loaded resource as `/config` shows it: redacted, with its origin and status. */
export interface ResourceView {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  origin: Origin;
  /** The manifest with every secret value replaced by `[redacted]`. */
  manifest: unknown;
  status: unknown;
}

/** How to reach one upstream over TLS (a BackendTLSPolicy): the name to send and check, and whom to trust. */
export interface UpstreamTls {
  servername: string;
  /** The platform's CAs, or only these PEM certificates. */
  ca: 'system' | readonly string[];
}

export interface RuntimeConfig {
  version: number;
  bindings: ReadonlyMap<string, PortBinding>;
  resources: readonly ResourceView[];
  issues: readonly ConfigIssue[];
}

export function bindingKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
