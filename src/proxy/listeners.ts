import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ListenerTls, PortBinding, RuntimeConfig } from '../config/runtime-config.js';
import type { Logger } from '../observability/logger.js';
import { hostnameMatches } from '../routing/hostnames.js';

export interface ListenerManagerOptions {
  logger: Logger;
  handlerFor: (bindingKey: string) => RequestListener;
  /** Maps a Gateway listener port to the port to bind (tests bind 0 for an ephemeral port). */
  mapPort?: (port: number) => number;
  /** Open client connections per server; more are closed as they arrive (default 10,000). */
  maxConnections?: number;
  /** How long a closing listener waits for requests in flight (default 10 s). */
  drainMs?: number;
}

interface ServerEntry {
  server: HttpServer | HttpsServer;
  gatewayPort: number;
  protocol: PortBinding['protocol'];
  /** HTTPS: the PEM behind the server's default context (clients without SNI), to notice changes. */
  defaultPem: string;
}

/** Idle keep-alive 65 s; request headers must arrive within 60 s and the whole request (body included) within 300 s. */
const SERVER_OPTIONS = { keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 300_000 };

/**
 * Keeps one server per (address, port) the config asks for: binds new ones, closes removed ones
 * gracefully (requests in flight finish), leaves the rest untouched. HTTPS bindings terminate TLS
 * with the certificate of the listener the SNI name selects, read from the current config at each
 * handshake: a reload that changes certificates takes effect without rebinding. A binding whose
 * protocol changes (HTTP <-> HTTPS) is closed and bound again.
 */
export class ListenerManager {
  private readonly servers = new Map<string, ServerEntry>();
  private config: RuntimeConfig | undefined;

  constructor(private readonly options: ListenerManagerOptions) {}

  async reconcile(config: RuntimeConfig): Promise<void> {
    this.config = config;
    for (const [key, entry] of this.servers) {
      const binding = config.bindings.get(key);
      if (binding === undefined || binding.protocol !== entry.protocol) {
        this.servers.delete(key);
        void closeGracefully(entry.server, this.options.drainMs ?? DEFAULT_DRAIN_MS);
        this.options.logger.info({ listener: key, protocol: entry.protocol }, binding === undefined ? 'listener closed' : 'listener closed to rebind with another protocol');
      }
    }
    const binds: Promise<void>[] = [];
    for (const [key, binding] of config.bindings) {
      const existing = this.servers.get(key);
      if (existing !== undefined) {
        updateDefaultContext(existing, binding);
        continue;
      }
      const entry = this.createServer(key, binding);
      this.servers.set(key, entry);
      const { server } = entry;
      binds.push(
        new Promise<void>((resolve, reject) => {
          server.once('error', (err) => {
            this.servers.delete(key);
            reject(new Error(`cannot listen on ${key}: ${err.message}`));
          });
          server.listen(this.options.mapPort?.(binding.port) ?? binding.port, binding.address, () => {
            this.options.logger.info({ listener: key, protocol: binding.protocol, port: (server.address() as AddressInfo).port }, 'listening');
            resolve();
          });
        }),
      );
    }
    const results = await Promise.allSettled(binds);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private createServer(key: string, binding: PortBinding): ServerEntry {
    const entry = this.newServer(key, binding);
    // Past the cap, Node closes each new connection as it is accepted.
    entry.server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    return entry;
  }

  private newServer(key: string, binding: PortBinding): ServerEntry {
    const handler = this.options.handlerFor(key);
    if (binding.protocol === 'HTTP') return { server: createHttpServer(SERVER_OPTIONS, handler), gatewayPort: binding.port, protocol: 'HTTP', defaultPem: '' };
    const server = createHttpsServer(
      {
        ...SERVER_OPTIONS,
        // The binding is looked up at each handshake, so a reload's certificates apply at once.
        SNICallback: (servername, cb) => {
          const current = this.config?.bindings.get(key);
          cb(null, current === undefined ? undefined : certificateFor(current, servername));
        },
      },
      handler,
    );
    server.on('tlsClientError', (err, socket) => {
      this.options.logger.debug({ listener: key, err: err.message, peer: socket.remoteAddress }, 'TLS handshake failed');
    });
    const entry: ServerEntry = { server, gatewayPort: binding.port, protocol: 'HTTPS', defaultPem: '' };
    updateDefaultContext(entry, binding);
    return entry;
  }

  /** The port actually bound for a Gateway listener port (differs when mapPort binds 0). */
  boundPort(gatewayPort: number, address = '0.0.0.0'): number | undefined {
    for (const [, entry] of this.servers) {
      const info = entry.server.address() as AddressInfo | null;
      if (entry.gatewayPort === gatewayPort && info !== null && (info.address === address || address === '0.0.0.0')) return info.port;
    }
    return undefined;
  }

  /** Stops accepting, lets requests in flight finish for up to `drainMs`, then cuts what is left. */
  async stop(drainMs = this.options.drainMs ?? DEFAULT_DRAIN_MS): Promise<void> {
    await Promise.all([...this.servers.values()].map((e) => closeGracefully(e.server, drainMs)));
    this.servers.clear();
  }
}

/**
 * The certificate for an SNI name: the most specific listener whose hostname matches (the
 * binding's listeners are sorted exact, then longest wildcard, then no hostname). Undefined
 * leaves the server's default context, which serves only a listener without hostname.
 */
export function certificateFor(binding: PortBinding, servername: string): SecureContext | undefined {
  const name = normalizeServername(servername);
  for (const l of binding.listeners) if (l.hostname === undefined || hostnameMatches(l.hostname, name)) return l.tls?.context;
  return undefined;
}

function normalizeServername(servername: string): string {
  const lower = servername.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Clients that send no SNI get the server's default context: the certificate of the listener
 * without hostname, if there is one (else the handshake fails). Node takes PEM here, not a
 * SecureContext, so it is rebuilt only when that PEM changes.
 */
function updateDefaultContext(entry: ServerEntry, binding: PortBinding): void {
  if (entry.protocol !== 'HTTPS') return;
  const tls: ListenerTls | undefined = binding.listeners.find((l) => l.hostname === undefined)?.tls;
  const pem = tls === undefined ? '' : [...tls.certs, ...tls.keys].join('\n');
  if (pem === entry.defaultPem) return;
  entry.defaultPem = pem;
  (entry.server as HttpsServer).setSecureContext(tls === undefined ? {} : { cert: [...tls.certs], key: [...tls.keys] });
}

const DEFAULT_DRAIN_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 10_000;

function closeGracefully(server: HttpServer | HttpsServer, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
