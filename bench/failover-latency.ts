/**
 * What failing over costs one request: sequential requests (one connection, nothing queued)
 * through a one-provider gateway and through one whose first provider refuses every connection,
 * interleaved in blocks so both see the same machine; and the refused connect alone. The added
 * time is the difference of the medians minus the refused connect's median.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { freePort } from './procs.js';
import { BODY, besideFailover } from './targets.js';

export interface FailoverLatency {
  /** Median of a request through the one-provider gateway, ms. */
  plainMs: number;
  /** Median of a request that fails over after a refused connect, ms. */
  failoverMs: number;
  /** Median of a refused connect on this machine, ms. */
  refusedConnectMs: number;
  /** What failing over adds beyond the refused connect, ms. */
  addedMs: number;
}

const BLOCKS = 10;
const PER_BLOCK = 100;
const WARMUP = 300;

export function failoverLatency(upstreamPort: number): Promise<FailoverLatency | undefined> {
  return besideFailover('failover latency', upstreamPort, 'connect-error', async (plain, failing) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const t of [plain, failing]) for (let i = 0; i < WARMUP; i++) await timed(t.url, agent);
    const times: { plain: number[]; failover: number[] } = { plain: [], failover: [] };
    for (let b = 0; b < BLOCKS; b++) {
      for (let i = 0; i < PER_BLOCK; i++) times.plain.push(await timed(plain.url, agent));
      for (let i = 0; i < PER_BLOCK; i++) times.failover.push(await timed(failing.url, agent));
    }
    agent.destroy();
    const refused = await refusedConnects();
    const medians = { plainMs: median(times.plain), failoverMs: median(times.failover), refusedConnectMs: median(refused) };
    const result = { ...medians, addedMs: medians.failoverMs - medians.plainMs - medians.refusedConnectMs };
    return { result, line: `${result.addedMs.toFixed(3)} ms added` };
  });
}

function timed(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

/** Connects to a port nothing listens on, as the gateway's first attempt does. */
async function refusedConnects(): Promise<number[]> {
  const port = await freePort();
  const out: number[] = [];
  for (let i = 0; i < PER_BLOCK * 3; i++) {
    out.push(
      await new Promise<number>((resolve) => {
        const started = performance.now();
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => resolve(performance.now() - started));
        socket.on('connect', () => {
          socket.destroy();
          resolve(Number.NaN);
        });
      }),
    );
  }
  return out.filter((v) => !Number.isNaN(v));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}
