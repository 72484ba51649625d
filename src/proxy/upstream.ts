import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';

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
 * certificates against the system CAs (plus NODE_EXTRA_CA_CERTS) and sends SNI for the origin host.
 */
export function createUpstreamAgent(options: UpstreamOptions = {}): Dispatcher {
  // Passing `ca` replaces Node's default store, so the bundled roots are added back.
  const tls = options.ca === undefined ? {} : { ca: [...options.ca, ...rootCertificates] };
  const connector = buildConnector({ ...tls, timeout: options.connectTimeoutMs ?? 10_000 });
  const routes = new Map((options.connectTo ?? []).map((c) => [`${c.host}:${c.port}`, c]));
  const connect: buildConnector.connector =
    routes.size === 0
      ? connector
      : (opts, callback) => {
          const port = Number(opts.port !== '' ? opts.port : opts.protocol === 'https:' ? 443 : 80);
          const route = routes.get(`${opts.hostname}:${port}`);
          if (route === undefined) return connector(opts, callback);
          return connector(
            { ...opts, hostname: route.targetHost, host: `${route.targetHost}:${route.targetPort}`, port: String(route.targetPort), servername: opts.servername ?? opts.hostname },
            callback,
          );
        };
  return new Agent({ connect, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
}
