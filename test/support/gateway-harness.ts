import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway, type GatewayOptions } from '../../src/main.js';
import { createLoggers } from '../../src/observability/logger.js';

export interface RunningGateway {
  gateway: Gateway;
  /** http://127.0.0.1:<port bound for listener port 8080> */
  url: string;
  admin: string;
  dir: string;
  /** Every log line written so far, raw JSON. */
  logs: string[];
  write(file: string, text: string): Promise<void>;
  urlFor(gatewayPort: number): string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** File name -> manifest text, written into a fresh directory the gateway watches. */
  files: Record<string, string>;
  /** Where api.openai.com:443 really connects (a fake HTTPS provider), and the CA that signed it. */
  openai?: { port: number; caCert: string };
  /** Where each of these hosts' port 443 really connects (a fake HTTPS provider), and the CA that signed it. */
  providers?: { port: number; caCert: string; hosts: readonly string[] };
  /** More `host:port` redirections (a plain-HTTP fake standing in for a named server). */
  connectTo?: readonly { host: string; port: number; targetHost: string; targetPort: number }[];
  proxy?: GatewayOptions['proxy'];
  stateDir?: string;
  adminToken?: string;
  adminAllowedHosts?: string[];
  random?: GatewayOptions['random'];
  clock?: GatewayOptions['clock'];
  maxConnections?: number;
  reloadSettleMs?: number;
  /** Reuse this config directory (a restart) instead of a fresh one. */
  dir?: string;
}

/** Starts the real gateway in-process: listeners and admin on ephemeral ports, logs captured. */
export async function startGateway(options: HarnessOptions): Promise<RunningGateway> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'aigw-config-')));
  for (const [name, text] of Object.entries(options.files)) await writeFile(join(dir, name), text);
  const logs: string[] = [];
  const { logger, accessLog } = createLoggers({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const connectTo = [
    ...(options.openai === undefined ? [] : [{ host: 'api.openai.com', port: 443, targetHost: '127.0.0.1', targetPort: options.openai.port }]),
    ...(options.providers?.hosts ?? []).map((host) => ({ host, port: 443, targetHost: '127.0.0.1', targetPort: options.providers?.port ?? 0 })),
    ...(options.connectTo ?? []),
  ];
  const ca = [options.openai?.caCert, options.providers?.caCert].filter((c): c is string => c !== undefined);
  const gateway = new Gateway({
    paths: [dir],
    admin: { host: '127.0.0.1', port: 0 },
    logger,
    accessLog,
    mapPort: () => 0,
    drainMs: 200,
    upstream: { connectTo, ...(ca.length === 0 ? {} : { ca }) },
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
    ...(options.adminAllowedHosts === undefined ? {} : { adminAllowedHosts: options.adminAllowedHosts }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.reloadSettleMs === undefined ? {} : { reloadSettleMs: options.reloadSettleMs }),
  });
  await gateway.start();
  const urlFor = (port: number): string => `http://127.0.0.1:${gateway.boundPort(port) ?? 'unbound'}`;
  return {
    gateway,
    url: urlFor(8080),
    admin: gateway.adminAddress ?? '',
    dir,
    logs,
    urlFor,
    write: (file, text) => writeFile(join(dir, file), text),
    stop: () => gateway.stop(),
  };
}

/** Polls until `check` passes or the time is up; for effects of file watching. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** A loopback port that was free a moment ago (for child processes that must be told a port). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
