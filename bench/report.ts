/** The printed table and ratios, and the same as JSON. Ratios first: absolute numbers swing with the machine. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailoverLatency } from './failover-latency.js';
import type { FailoverOverhead } from './failover-overhead.js';
import type { HostileBodies } from './hostile-bodies.js';
import type { WrkResult } from './wrk.js';

export interface Outcome extends Partial<WrkResult> {
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  peakRssMb?: number;
  /** Share of the machine's CPU used by processes outside the bench during the measured run. */
  otherCpu?: number;
  /** CPU time the proxy process (tree) spent per request, in microseconds. */
  cpuUsPerReq?: number;
  /** Time to put a rewritten config in force (file watch, parse, compile), in ms. */
  reloadMs?: number;
}

/** Above this share of the machine used by others, a scenario's numbers are flagged as noisy. */
export const NOISY = 0.1;
export const RPS_TARGET = 0.8;
export const RSS_TARGET_MB = 120;
/** Translating to Anthropic and back may cost at most 25% more CPU per request than passing through. */
export const TRANSLATION_CPU_TARGET = 1.25;
/** A Backend with failover levels and a healthy first provider costs what a one-provider Backend does, within this run-to-run noise. */
export const FAILOVER_CPU_TARGET = 1.05;
/** What failing over after a refused connect may add to a request, beyond the refused connect itself. */
export const FAILOVER_ADDED_MS_TARGET = 5;
/** The slowest normal request while 8 clients send bodies built to be expensive to read. */
export const HOSTILE_MAX_MS_TARGET = 250;

type Metric = 'rps' | 'p50Ms' | 'p99Ms' | 'cpuUsPerReq';
/** Each ratio line: numerator scenario, denominator scenario, metric. */
const RATIOS: Record<string, [string, string, Metric]> = {
  'gateway/reference-hop req/s': ['gateway', 'reference-hop', 'rps'],
  'gateway/direct req/s': ['gateway', 'direct', 'rps'],
  'gateway/nginx req/s': ['gateway', 'nginx', 'rps'],
  'nginx/direct req/s': ['nginx', 'direct', 'rps'],
  'gateway+accesslog/gateway req/s': ['gateway+accesslog', 'gateway', 'rps'],
  'gateway/reference-hop p50': ['gateway', 'reference-hop', 'p50Ms'],
  'gateway/reference-hop p99': ['gateway', 'reference-hop', 'p99Ms'],
  'gateway/reference-hop CPU/req': ['gateway', 'reference-hop', 'cpuUsPerReq'],
  'gateway-5000-routes/gateway req/s': ['gateway-5000-routes', 'gateway', 'rps'],
  'gateway-5000-routes/gateway CPU/req': ['gateway-5000-routes', 'gateway', 'cpuUsPerReq'],
  'gateway-anthropic/gateway CPU/req': ['gateway-anthropic', 'gateway', 'cpuUsPerReq'],
  'gateway-anthropic/gateway req/s': ['gateway-anthropic', 'gateway', 'rps'],
  'gateway-anthropic-stream/gateway-stream CPU/req': ['gateway-anthropic-stream', 'gateway-stream', 'cpuUsPerReq'],
  'gateway-anthropic-stream/gateway-stream req/s': ['gateway-anthropic-stream', 'gateway-stream', 'rps'],
  'gateway-stream/gateway CPU/req': ['gateway-stream', 'gateway', 'cpuUsPerReq'],
  'gateway-failover/gateway req/s': ['gateway-failover', 'gateway', 'rps'],
  'gateway-failover/gateway CPU/req': ['gateway-failover', 'gateway', 'cpuUsPerReq'],
  'gateway-failover-connect/gateway CPU/req': ['gateway-failover-connect', 'gateway', 'cpuUsPerReq'],
};

/** The ratio lines with a target: a floor (req/s) or a ceiling (CPU/req). */
const TARGETS: Record<string, { atLeast: number } | { atMost: number }> = {
  'gateway/reference-hop req/s': { atLeast: RPS_TARGET },
  'gateway-anthropic/gateway CPU/req': { atMost: TRANSLATION_CPU_TARGET },
  'gateway-anthropic-stream/gateway-stream CPU/req': { atMost: TRANSLATION_CPU_TARGET },
  'gateway-failover/gateway CPU/req': { atMost: FAILOVER_CPU_TARGET },
};

function verdict(key: string, v: number | null): string {
  const t = TARGETS[key];
  if (t === undefined || v === null) return '';
  if ('atLeast' in t) return `   target >= ${t.atLeast.toFixed(2)}: ${v >= t.atLeast ? 'OK' : 'BELOW TARGET'}`;
  return `   target <= ${t.atMost.toFixed(2)}: ${v <= t.atMost ? 'OK' : 'ABOVE TARGET'}`;
}

/** Wide enough for the longest scenario name and ratio label, so the columns line up. */
const NAME_WIDTH = 24;
const LABEL_WIDTH = Math.max(32, ...Object.keys(RATIOS).map((k) => k.length));

export const pct = (x: number): string => `${Math.round(x * 100)}%`;
export const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;
export const fmt = (n: number | undefined, d: number): string => (n === undefined ? '-' : n.toFixed(d));

const NUMERIC = ['rps', 'p50Ms', 'p99Ms', 'cpuUsPerReq', 'peakRssMb', 'otherCpu', 'requests', 'reloadMs'] as const;

/** Per scenario, the median of each figure over the rounds it ran in (peak RSS: the highest). */
export function medianOutcomes(rounds: Outcome[][]): Outcome[] {
  const names = [...new Set(rounds.flat().map((o) => o.name))];
  return names.map((name) => {
    const runs = rounds.flatMap((r) => r.filter((o) => o.name === name));
    const ok = runs.filter((o) => o.status === 'ok');
    const first = ok[0] ?? runs[0] ?? { name, status: 'skipped' as const };
    if (ok.length === 0) return first;
    const notes = [...new Set(ok.map((o) => o.note).filter((n) => n !== undefined))].join('; ');
    const merged: Outcome = { ...first };
    delete merged.note;
    if (notes !== '') merged.note = notes;
    for (const key of NUMERIC) {
      const values = ok.map((o) => o[key]).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
      if (values.length === 0) continue;
      merged[key] = key === 'peakRssMb' ? (values.at(-1) as number) : (values[Math.floor(values.length / 2)] as number);
    }
    return merged;
  });
}

export function report(results: Outcome[], meta: Record<string, unknown>, outDir: string, extra: { failover?: FailoverLatency | undefined; overhead?: FailoverOverhead | undefined; hostile?: HostileBodies | undefined } = {}): void {
  const latency = extra.failover;
  const overhead = extra.overhead;
  const hostile = extra.hostile;
  const by = (n: string): Outcome | undefined => results.find((r) => r.name === n && r.status === 'ok');
  const noisy = (n: string): boolean => (by(n)?.otherCpu ?? 0) > NOISY;

  const cols = `${'scenario'.padEnd(NAME_WIDTH)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'proxy CPU us/req'.padStart(16)} ${'other CPU'.padStart(9)}  note`;
  console.log(`\n${cols}`);
  for (const r of results) {
    const note = r.status === 'ok' ? (r.note ?? '') : `${r.status}: ${r.note ?? ''}`;
    const other = r.otherCpu === undefined ? '-' : pct(r.otherCpu);
    console.log(
      `${r.name.padEnd(NAME_WIDTH)} ${fmt(r.rps, 0).padStart(9)} ${fmt(r.p50Ms, 2).padStart(8)} ${fmt(r.p99Ms, 2).padStart(8)} ${fmt(r.cpuUsPerReq, 0).padStart(16)} ${other.padStart(9)}  ${note}`,
    );
  }

  const ratios: Record<string, number | null> = {};
  console.log('\nratios (req/s: higher is better; p50, p99, CPU/req: lower is better)');
  for (const [key, [a, b, m]] of Object.entries(RATIOS)) {
    const x = by(a)?.[m];
    const y = by(b)?.[m];
    const v = x === undefined || y === undefined || y === 0 ? null : round(x / y, 3);
    ratios[key] = v;
    const warn = v !== null && (noisy(a) || noisy(b)) ? '   (noisy: other processes were busy)' : '';
    console.log(`  ${key.padEnd(LABEL_WIDTH)} ${v === null ? 'n/a' : v.toFixed(3)}${verdict(key, v)}${warn}`);
  }
  const peak = by('gateway')?.peakRssMb ?? null;
  const peakLog = by('gateway+accesslog')?.peakRssMb ?? null;
  const rssVerdict = peak === null ? '' : `   target < ${RSS_TARGET_MB}: ${peak < RSS_TARGET_MB ? 'OK' : 'ABOVE TARGET'}`;
  console.log(`  ${'gateway peak RSS MB'.padEnd(LABEL_WIDTH)} ${peak ?? 'n/a'}${rssVerdict}`);
  console.log(`  ${'gateway+accesslog peak RSS MB'.padEnd(LABEL_WIDTH)} ${peakLog ?? 'n/a'}`);
  const reload = by('gateway-5000-routes')?.reloadMs;
  console.log(`  ${'reload of 5,000 HTTPRoutes ms'.padEnd(LABEL_WIDTH)} ${reload === undefined ? 'n/a' : `${Math.round(reload)}   target < 1000: ${reload < 1000 ? 'OK' : 'ABOVE TARGET'}`}`);

  if (latency !== undefined) {
    const ok = latency.addedMs < FAILOVER_ADDED_MS_TARGET ? 'OK' : 'ABOVE TARGET';
    console.log(`  ${'failover after a refused connect ms'.padEnd(LABEL_WIDTH)} ${latency.addedMs.toFixed(3)}   target < ${FAILOVER_ADDED_MS_TARGET}: ${ok}`);
    console.log(`    (one connection, medians: ${latency.failoverMs.toFixed(3)} ms failing over, ${latency.plainMs.toFixed(3)} ms one provider, ${latency.refusedConnectMs.toFixed(3)} ms the refused connect)`);
  }

  if (overhead !== undefined) {
    const ok = overhead.cpuRatio <= FAILOVER_CPU_TARGET ? 'OK' : 'ABOVE TARGET';
    console.log(`  ${'gateway-failover/gateway A/B CPU/req'.padEnd(LABEL_WIDTH)} ${overhead.cpuRatio.toFixed(3)}   target <= ${FAILOVER_CPU_TARGET}: ${ok}`);
    console.log(`    (both up at once, wrk alternating; req/s ${overhead.rpsRatio.toFixed(3)}, per block ${overhead.blocks.join(', ')})`);
  }
  if (hostile !== undefined) {
    for (const name of ['refused', 'forwarded'] as const) {
      const p = hostile[name];
      const ok = p.maxMs < HOSTILE_MAX_MS_TARGET ? 'OK' : 'ABOVE TARGET';
      console.log(`  ${`normal request, 8 hostile bodies ${name} ms`.padEnd(LABEL_WIDTH)} ${p.maxMs.toFixed(1)}   target < ${HOSTILE_MAX_MS_TARGET}: ${ok}`);
      console.log(`    (max; p50 ${p.p50Ms.toFixed(2)}, p99 ${p.p99Ms.toFixed(2)} over ${p.count} requests; idle p50 ${hostile.idle.p50Ms.toFixed(2)}, max ${hostile.idle.maxMs.toFixed(1)}; hostile answers ${JSON.stringify(p.hostile)})`);
    }
  }

  mkdirSync(outDir, { recursive: true });
  const json = { ...meta, scenarios: results, ratios, peakRssMb: { gateway: peak, 'gateway+accesslog': peakLog }, failoverLatency: latency ?? null, failoverOverhead: overhead ?? null, hostileBodies: hostile ?? null };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log('\nwritten: bench/results/latest.json');
}
