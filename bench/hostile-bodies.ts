/**
 * What bodies built to be expensive to read do to everyone else: a normal request's latency,
 * sequential on one connection, while 8 clients keep sending 8.5 MB bodies of a million short
 * keys (`{"model":"m","0":1,"1":1,...}`), once to the AI route (the gateway reads the body:
 * refused at the first limit it crosses) and once to a Static route (streamed through unread).
 */
import { Agent, request } from 'node:http';
import { BODY, gateway, type Target } from './targets.js';

export interface PhaseLatency {
  /** Normal requests timed in the phase. */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Hostile bodies answered in the phase, by status. */
  hostile: Record<string, number>;
}

export interface HostileBodies {
  idle: PhaseLatency;
  refused: PhaseLatency;
  forwarded: PhaseLatency;
}

const PHASE_MS = 4000;
const SENDERS = 8;

/** About 8.5 MB: under the 10 MiB body limit. */
function hostileBody(): Buffer {
  const parts = ['{"model":"m"'];
  for (let i = 0; i < 800_000; i++) parts.push(`,"${i}":1`);
  parts.push('}');
  return Buffer.from(parts.join(''));
}

export async function hostileBodies(upstreamPort: number): Promise<HostileBodies | undefined> {
  process.stdout.write('  hostile bodies            ');
  let target: Target | undefined;
  try {
    target = await gateway(upstreamPort, 'warn', { staticRoute: true });
    const ai = target.url;
    const base = new URL(ai).origin;
    const body = hostileBody();
    const idle = await phase(ai, undefined, body);
    const refused = await phase(ai, ai, body);
    const forwarded = await phase(ai, `${base}/static/v1/chat/completions`, body);
    process.stdout.write(`max ${Math.max(refused.maxMs, forwarded.maxMs).toFixed(1)} ms for a normal request\n`);
    return { idle, refused, forwarded };
  } catch (e) {
    process.stdout.write(`FAILED\n${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  } finally {
    await target?.stop();
  }
}

async function phase(normalUrl: string, hostileUrl: string | undefined, body: Buffer): Promise<PhaseLatency> {
  const hostile: Record<string, number> = {};
  let running = true;
  const senders =
    hostileUrl === undefined
      ? []
      : Array.from({ length: SENDERS }, async () => {
          const agent = new Agent({ keepAlive: true, maxSockets: 1 });
          while (running) {
            const status = await post(hostileUrl, body, agent).catch(() => 'error');
            hostile[status] = (hostile[status] ?? 0) + 1;
          }
          agent.destroy();
        });
  // Let the senders get going before timing.
  await new Promise((r) => setTimeout(r, hostileUrl === undefined ? 0 : 500));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const end = performance.now() + PHASE_MS;
  while (performance.now() < end) {
    const started = performance.now();
    const status = await post(normalUrl, Buffer.from(BODY), agent);
    if (status !== '200') throw new Error(`a normal request got ${status}`);
    times.push(performance.now() - started);
  }
  running = false;
  agent.destroy();
  await Promise.all(senders);
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { count: times.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: times[times.length - 1] ?? Number.NaN, hostile };
}

function post(url: string, body: Buffer, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', reject);
    req.end(body);
  });
}
