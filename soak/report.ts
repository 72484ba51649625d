/** The verdict, and the tables printed with it. */
import type { LogCounts } from './gateway.js';
import type { Sample } from './metrics.js';
import type { KindCounts } from './tally.js';

const MiB = 1024 * 1024;

/**
 * How much each figure may grow from the idle reading after the warm-up to the idle reading
 * after the traffic: the larger of `abs` and `ratio` of the start. Memory is read after a full
 * GC, so heap used is what is still reachable. RSS swings by up to ~30 MiB either way as V8
 * resizes its young generation, so it only catches gross growth; RSS outside the JS heap does
 * not swing, and catches native growth (buffers, sockets). Handles are counted with no traffic
 * and the client's connections closed, so they must come back to where they were.
 * Connections and descriptors get room for idle pooled connections to providers: the pool
 * keeps those it opened for requests whose client hung up before they went out, for up to 30 s,
 * more or fewer depending on the last seconds of traffic (of the order of the concurrency);
 * a leak grows with the number of requests, thousands.
 */
export function limits(concurrency: number): Record<Limited, { abs: number; ratio: number }> {
  return {
    rssBytes: { abs: 48 * MiB, ratio: 0.4 },
    nativeBytes: { abs: 16 * MiB, ratio: 0.2 },
    heapUsedBytes: { abs: 16 * MiB, ratio: 0.2 },
    handles: { abs: 2, ratio: 0 },
    sockets: { abs: Math.max(8, concurrency), ratio: 0 },
    openFds: { abs: Math.max(8, concurrency) + 4, ratio: 0 },
  };
}

type Limited = 'rssBytes' | 'nativeBytes' | 'heapUsedBytes' | 'handles' | 'sockets' | 'openFds';

export interface Figure {
  start: number;
  end: number;
  growth: number;
  limit: number;
  ok: boolean;
}

export interface SoakResult {
  verdict: 'pass' | 'fail';
  reasons: string[];
  settings: { durationS: number; warmupS: number; concurrency: number; node: string };
  figures: Record<Limited, Figure>;
  gateway: {
    start: Sample;
    end: Sample;
    /** Readings under traffic (no forced GC), for the trend. */
    samples: Sample[];
    /** Counter growth between the start and end readings. */
    requestsByStatus: Record<string, number>;
    attempts: Record<string, number>;
    reloads: Record<string, number>;
    logs: LogCounts;
    exited: string | undefined;
  };
  client: {
    requests: number;
    perSecond: number;
    unexpected: number;
    warmupUnexpected: number;
    kinds: Record<string, KindCounts>;
    examples: { kind: string; detail: string; why: string }[];
  };
  churn: { outages: number; reloads: number; applies: number };
}

export function figures(start: Sample, end: Sample, concurrency: number): Record<Limited, Figure> {
  const out = {} as Record<Limited, Figure>;
  const all = limits(concurrency);
  for (const key of Object.keys(all) as Limited[]) {
    const { abs, ratio } = all[key];
    const limit = Math.max(abs, ratio * start[key]);
    const growth = end[key] - start[key];
    out[key] = { start: start[key], end: end[key], growth, limit, ok: growth <= limit };
  }
  return out;
}

/** The gateway's failovers: failed attempts at the failover Backend's primary. */
export function failovers(attempts: Record<string, number>): number {
  return Object.entries(attempts)
    .filter(([key]) => key.includes('/failover/primary ') && !key.endsWith(' answered'))
    .reduce((total, [, n]) => total + n, 0);
}

export function reasons(r: Omit<SoakResult, 'verdict' | 'reasons'>, expectedKinds: readonly string[]): string[] {
  const out: string[] = [];
  if (r.gateway.exited !== undefined) out.push(`the gateway ${r.gateway.exited}`);
  const unexpected = r.client.unexpected + r.client.warmupUnexpected;
  if (unexpected > 0) out.push(`${unexpected} unexpected outcomes`);
  for (const [key, f] of Object.entries(r.figures)) if (!f.ok) out.push(`${key} grew by ${show(key, f.growth)}, more than ${show(key, f.limit)}`);
  // A kind that never ran proves nothing: the soak would pass without testing it.
  for (const kind of expectedKinds) if (r.client.kinds[kind] === undefined) out.push(`no "${kind}" ran after the warm-up`);
  if (failovers(r.gateway.attempts) === 0) out.push('the failover primary never failed: no failover was tested');
  return out;
}

const requests = (x: Sample): number => Object.values(x.requestsByStatus).reduce((a, b) => a + b, 0);

/** `socket 3 -> 5, pipe 4 -> 3`: the kinds whose count differs. */
function changes(start: Record<string, number>, end: Record<string, number>): string {
  return [...new Set([...Object.keys(start), ...Object.keys(end)])]
    .filter((k) => (start[k] ?? 0) !== (end[k] ?? 0))
    .map((k) => `${k} ${start[k] ?? 0} -> ${end[k] ?? 0}`)
    .join(', ');
}

const show = (key: string, n: number): string => (key.endsWith('Bytes') ? `${(n / MiB).toFixed(1)} MiB` : String(n));
const signed = (key: string, n: number): string => `${n >= 0 ? '+' : ''}${show(key, n)}`;
const pad = (cells: readonly string[], widths: readonly number[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();

const LABELS: Record<Limited, string> = {
  rssBytes: 'RSS',
  nativeBytes: 'RSS - JS heap',
  heapUsedBytes: 'heap used',
  handles: 'active handles',
  sockets: 'TCP connections',
  openFds: 'open fds',
};

export function render(r: SoakResult): string {
  const lines: string[] = [];
  const { settings: s, gateway: g, client: c } = r;
  lines.push(`soak: ${s.durationS} s of traffic (the first ${s.warmupS} s warm-up), ${s.concurrency} requests in flight, node ${s.node}`);
  lines.push('', 'gateway process, idle (traffic stopped, connections closed, after a full GC):');
  const w1 = [16, 12, 12, 12, 12, 4];
  lines.push(pad(['', 'start', 'end', 'growth', 'limit', ''], w1));
  for (const key of Object.keys(LABELS) as Limited[]) {
    const f = r.figures[key];
    lines.push(pad([LABELS[key], show(key, f.start), show(key, f.end), signed(key, f.growth), signed(key, f.limit), f.ok ? 'ok' : 'FAIL'], w1));
  }
  lines.push(pad(['heap total', show('heapTotalBytes', g.start.heapTotalBytes), show('heapTotalBytes', g.end.heapTotalBytes), signed('heapTotalBytes', g.end.heapTotalBytes - g.start.heapTotalBytes)], w1));
  lines.push(pad(['external memory', show('externalBytes', g.start.externalBytes), show('externalBytes', g.end.externalBytes), signed('externalBytes', g.end.externalBytes - g.start.externalBytes)], w1));
  const connectionChanges = changes(g.start.connections, g.end.connections);
  if (connectionChanges !== '') lines.push(`connections that changed, by peer: ${connectionChanges}`);
  const fdChanges = changes(g.start.fdKinds, g.end.fdKinds);
  if (fdChanges !== '') lines.push(`open fds that changed, by kind: ${fdChanges}`);
  lines.push(pad(['async resources', String(g.start.resources), String(g.end.resources), signed('', g.end.resources - g.start.resources)], w1));

  lines.push('', 'under traffic (no forced GC; first and last rows: the idle readings):');
  const w2 = [6, 11, 14, 10, 8, 8, 6, 8];
  lines.push(pad(['t s', 'RSS', 'RSS - JS heap', 'heap used', 'handles', 'TCP', 'fds', 'req/s'], w2));
  const rows = [g.start, ...g.samples, g.end];
  rows.forEach((x, i) => {
    const before = rows[i - 1];
    const rate = before === undefined || i === rows.length - 1 ? '' : ((requests(x) - requests(before)) / Math.max(1, x.at - before.at)).toFixed(0);
    lines.push(pad([String(x.at), show('rssBytes', x.rssBytes), show('nativeBytes', x.nativeBytes), show('heapUsedBytes', x.heapUsedBytes), String(x.handles), String(x.sockets), String(x.openFds), rate], w2));
  });

  lines.push('', `requests after the warm-up (client side): ${c.requests}, ${c.perSecond.toFixed(0)}/s; unexpected: ${c.unexpected} (warm-up: ${c.warmupUnexpected})`);
  const w3 = [30, 8, 10, 0];
  lines.push(pad(['kind', 'count', 'unexpected', 'outcomes'], w3));
  for (const [kind, k] of Object.entries(c.kinds)) {
    const outcomes = Object.entries(k.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([d, n]) => `${d}: ${n}`)
      .join(', ');
    lines.push(pad([kind, String(k.expected + k.unexpected), String(k.unexpected), outcomes], w3));
  }
  for (const e of c.examples) lines.push(`  unexpected ${e.kind}: ${e.detail}: ${e.why.replace(/\s+/g, ' ').slice(0, 200)}`);

  lines.push('', 'gateway counters over the same time:');
  lines.push(`  requests by status: ${JSON.stringify(g.requestsByStatus)}`);
  lines.push(`  failovers (failed attempts at the failover primary): ${failovers(g.attempts)}`);
  lines.push(`  config reloads: ${JSON.stringify(g.reloads)}; churn: ${r.churn.outages} outages of the failover primary, ${r.churn.reloads} file rewrites, ${r.churn.applies} apply+delete`);
  lines.push(`  log lines: ${JSON.stringify(g.logs.byLevel)}`);
  for (const e of g.logs.lastErrors) lines.push(`    ${e.slice(0, 300)}`);

  lines.push('', r.verdict === 'pass' ? 'verdict: PASS' : `verdict: FAIL\n${r.reasons.map((x) => `  - ${x}`).join('\n')}`);
  return lines.join('\n');
}

