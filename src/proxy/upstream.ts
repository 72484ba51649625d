import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { UpstreamTls } from '../config/runtime-config.js';

/** Like curl's --connect-to: connect to another address while keeping the SNI and Host of the original. */
export interface ConnectTo {
  host: string;
  port: number;
  targetHost: string;
  targetPort: number;
}

export function parseConnectTo(spec: string): ConnectTo {
  const m = /^([^:]+):(\d+):([^:]+|\[[^\]]+\]):(\d+)$/.exec(spec);
  if (m === null) throw new Error(`--connect-to must be HOST:PORT:TARGET_HOST:TARGET_PORT, got "${spec}"`);
  return { host: m[1] as string, port: Number(m[2]), targetHost: (m[3] as string).replace(/^\[|\]$/g, ''), targetPort: Number(m[4]) };
}

export interface UpstreamOptions {
  connectTo?: readonly ConnectTo[];
  /** Extra trusted CAs in addition to the system store (tests; operators use NODE_EXTRA_CA_CERTS). */
  ca?: readonly string[];
  connectTimeoutMs?: number;
}

/**
 * The one outbound HTTP client: an undici Agent with a keep-alive pool per origin. TLS verifies
 * certificates against the system CAs (plus NODE_EXTRA_CA_CERTS) and sends SNI for the origin
 * host; under a BackendTLSPolicy (`tls`) the SNI is the policy's hostname and only its CAs (or
 * the system's) are trusted.
 */
export function createUpstreamAgent(options: UpstreamOptions = {}, tls?: UpstreamTls): Dispatcher {
  const timeout = options.connectTimeoutMs ?? 10_000;
  // Passing `ca` replaces Node's default store, so the bundled roots are added back.
  const system = options.ca === undefined ? {} : { ca: [...options.ca, ...rootCertificates] };
  const trust = tls === undefined || tls.ca === 'system' ? system : { ca: [...tls.ca] };
  const connector = buildConnector({ ...trust, timeout });
  const routes = new Map((options.connectTo ?? []).map((c) => [`${c.host}:${c.port}`, c]));
  const connect: buildConnector.connector =
    routes.size === 0 && tls === undefined
      ? connector
      : (opts, callback) => {
          const port = Number(opts.port !== '' ? opts.port : opts.protocol === 'https:' ? 443 : 80);
          const route = routes.get(`${opts.hostname}:${port}`);
          const target = route === undefined ? {} : { hostname: route.targetHost, host: `${route.targetHost}:${route.targetPort}`, port: String(route.targetPort) };
          return connector({ ...opts, ...target, servername: tls?.servername ?? opts.servername ?? opts.hostname }, callback);
        };
  return new Agent({ connect, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
}

/**
 * Upstream clients by TLS settings: the default one, and one per BackendTLSPolicy setting (its
 * SNI name and CAs), so two Backends on one host:port with different policies never share a
 * connection.
 */
export class UpstreamDispatchers {
  readonly default: Dispatcher;
  private readonly byTls = new Map<string, Dispatcher>();

  constructor(private readonly options: UpstreamOptions = {}) {
    this.default = createUpstreamAgent(options);
  }

  for(tls: UpstreamTls | undefined): Dispatcher {
    if (tls === undefined) return this.default;
    const key = `${tls.servername}\n${tls.ca === 'system' ? 'system' : tls.ca.join('\n')}`;
    let dispatcher = this.byTls.get(key);
    if (dispatcher === undefined) {
      dispatcher = createUpstreamAgent(this.options, tls);
      this.byTls.set(key, dispatcher);
    }
    return dispatcher;
  }
}
