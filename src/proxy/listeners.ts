import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Logger } from '../observability/logger.js';

export interface ListenerManagerOptions {
  logger: Logger;
  handlerFor: (bindingKey: string) => Parameters<typeof createServer>[1];
  /** Maps a Gateway listener port to the port to bind (tests bind 0 for an ephemeral port). */
  mapPort?: (port: number) => number;
  /** How long a closing listener waits for requests in flight (default 10 s). */
  drainMs?: number;
}

/**
 * Keeps one HTTP server per (address, port) the config asks for: binds new ones, closes
 * removed ones gracefully (requests in flight finish), leaves the rest untouched.
 */
export class ListenerManager {
  private readonly servers = new Map<string, { server: Server; gatewayPort: number }>();

  constructor(private readonly options: ListenerManagerOptions) {}

  async reconcile(config: RuntimeConfig): Promise<void> {
    for (const [key, entry] of this.servers) {
      if (!config.bindings.has(key)) {
        this.servers.delete(key);
        void closeGracefully(entry.server, this.options.drainMs ?? DEFAULT_DRAIN_MS);
        this.options.logger.info({ listener: key }, 'listener closed');
      }
    }
    const binds: Promise<void>[] = [];
    for (const [key, binding] of config.bindings) {
      if (this.servers.has(key)) continue;
      const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000 }, this.options.handlerFor(key));
      this.servers.set(key, { server, gatewayPort: binding.port });
      binds.push(
        new Promise<void>((resolve, reject) => {
          server.once('error', (err) => {
            this.servers.delete(key);
            reject(new Error(`cannot listen on ${key}: ${err.message}`));
          });
          server.listen(this.options.mapPort?.(binding.port) ?? binding.port, binding.address, () => {
            this.options.logger.info({ listener: key, port: (server.address() as AddressInfo).port }, 'listening');
            resolve();
          });
        }),
      );
    }
    const results = await Promise.allSettled(binds);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
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

const DEFAULT_DRAIN_MS = 10_000;

function closeGracefully(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
