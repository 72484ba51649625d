/**
 * What a Backend with failover levels costs when its first provider is healthy, against a
 * one-provider Backend: both gateways up at once, wrk alternating between them in short
 * blocks, so both see the same machine (run one after the other, the pair picked up whatever
 * the machine did in between). Summed req/s and CPU per request of each.
 */
import { besideFailover, POST, type Target } from './targets.js';
import { watchCpu } from './cpu.js';
import { runWrk } from './wrk.js';

export interface FailoverOverhead {
  /** gateway-failover / gateway, over all blocks. */
  rpsRatio: number;
  cpuRatio: number;
  /** Each block's gateway-failover / gateway req/s. */
  blocks: number[];
}

const BLOCKS = 4;
const BLOCK_S = 4;

export function failoverOverhead(upstreamPort: number): Promise<FailoverOverhead | undefined> {
  return besideFailover('failover A/B', upstreamPort, 'healthy', async (plain, failing) => {
    const run = async (t: Target, durationS: number): Promise<{ requests: number; rps: number; cpuMs: number }> => {
      const cpu = watchCpu(t.pid);
      const r = await runWrk({ url: t.url, script: POST.script, connections: 32, threads: 2, durationS });
      return { requests: r.requests, rps: r.rps, cpuMs: cpu.stop().targetMs ?? Number.NaN };
    };
    await run(plain, 2);
    await run(failing, 2);
    const sum = { plain: { requests: 0, rps: 0, cpuMs: 0 }, failover: { requests: 0, rps: 0, cpuMs: 0 } };
    const blocks: number[] = [];
    for (let i = 0; i < BLOCKS; i++) {
      // Alternate which goes first, so neither always follows the other.
      const first = await run(i % 2 === 0 ? plain : failing, BLOCK_S);
      const second = await run(i % 2 === 0 ? failing : plain, BLOCK_S);
      const [p, f] = i % 2 === 0 ? [first, second] : [second, first];
      for (const [into, r] of [
        [sum.plain, p],
        [sum.failover, f],
      ] as const) {
        into.requests += r.requests;
        into.rps += r.rps;
        into.cpuMs += r.cpuMs;
      }
      blocks.push(f.rps / p.rps);
    }
    const result = {
      rpsRatio: sum.failover.rps / sum.plain.rps,
      cpuRatio: sum.failover.cpuMs / sum.failover.requests / (sum.plain.cpuMs / sum.plain.requests),
      blocks: blocks.map((b) => Math.round(b * 1000) / 1000),
    };
    return { result, line: `${result.rpsRatio.toFixed(3)} req/s, ${result.cpuRatio.toFixed(3)} CPU/req` };
  });
}
