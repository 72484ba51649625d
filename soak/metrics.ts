/** Reading the gateway's own /metrics (prom-client's process metrics and the gateway's counters). */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { get } from 'node:http';

/** One reading of the gateway process. */
export interface Sample {
  /** Seconds since the soak started. */
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** What V8 holds for the heap, used or not (RSS moves with it). */
  heapTotalBytes: number;
  /**
   * RSS less the JS heap V8 holds: native memory (buffers, sockets, code, the allocator). RSS
   * itself swings by tens of MiB as V8 grows and shrinks its young generation; this does not.
   */
  nativeBytes: number;
  externalBytes: number;
  /** Handles keeping the event loop alive: servers, sockets, watchers. */
  handles: number;
  /**
   * Open TCP connections of the process, from /proc: to clients, to the admin API (the scrape's
   * own) and to providers. Not prom-client's socket handles: those leave out unref'd sockets,
   * and an HTTP client's idle pooled connections are unref'd. Off Linux, the socket handles.
   */
  sockets: number;
  /** The same connections by peer (`upstream stalling`, `client`) and state when not established. */
  connections: Record<string, number>;
  /** Every async resource, timers included. */
  resources: number;
  openFds: number;
  /** The process's open descriptors by what they are (`socket`, `pipe`, `anon_inode:[eventfd]`, a file's directory), from /proc. */
  fdKinds: Record<string, number>;
  /** ai_gateway_requests_total by status. */
  requestsByStatus: Record<string, number>;
  /** ai_gateway_provider_attempts_total by provider and outcome (`provider outcome`). */
  attempts: Record<string, number>;
  /** ai_gateway_config_reloads_total by result. */
  reloads: Record<string, number>;
}

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as far as this needs: `name{a="x",b="y"} value` lines. */
export function parseMetrics(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

function sum(series: readonly Series[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return series.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);
}

function by(series: readonly Series[], name: string, key: (labels: Record<string, string>) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of series) if (s.name === name) out[key(s.labels)] = (out[key(s.labels)] ?? 0) + s.value;
  return out;
}

/** GET on a connection of its own, closed after the answer: a scrape leaves no socket behind to be counted by the next. */
function getOnce(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 10 s`)));
    req.on('error', reject);
  });
}

/** What the process's descriptors point to; empty where there is no /proc (not Linux), or the process is gone. */
function fdTargets(pid: number): string[] {
  const out: string[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        out.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // closed while listing
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

function fdKinds(targets: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const target of targets) {
    // socket:[123] and pipe:[456] by kind; files by their directory, so one file reopened over and over shows.
    const kind = /^(socket|pipe):/.exec(target)?.[1] ?? (target.startsWith('/') ? target.replace(/\/[^/]*$/, '/') : target);
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

/** /proc/net/tcp states worth naming; the rest show as their hex code. */
const TCP_STATES: Record<string, string> = { '01': 'established', '02': 'syn-sent', '04': 'fin-wait-1', '05': 'fin-wait-2', '06': 'time-wait', '08': 'close-wait', '09': 'last-ack', '0A': 'listen' };

/**
 * The process's TCP connections (its socket descriptors, matched to /proc/net/tcp by inode), by
 * who is at the other end: `names` maps a port (a provider's, the gateway's listener) to a name.
 */
function connectionsOf(pid: number, targets: readonly string[], names: ReadonlyMap<number, string>): Record<string, number> {
  const inodes = new Set(targets.map((t) => /^socket:\[(\d+)\]$/.exec(t)?.[1]).filter((i) => i !== undefined));
  const out: Record<string, number> = {};
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [f[1], f[2], f[3] ?? '', f[9] ?? ''];
      if (local === undefined || remote === undefined || !inodes.has(inode) || state === '0A') continue;
      const port = (address: string): number => parseInt(address.split(':').at(-1) ?? '0', 16);
      const peer = names.get(port(remote)) ?? names.get(port(local)) ?? `port ${port(remote)}`;
      const key = state === '01' ? peer : `${peer} (${TCP_STATES[state] ?? state})`;
      out[key] = (out[key] ?? 0) + 1;
    }
  }
  return out;
}

/** The gateway process to read: its pid, and names for the ports at the other end of its connections. */
export interface Target {
  adminUrl: string;
  pid: number;
  peers: ReadonlyMap<number, string>;
}

export async function scrape(t: Target, startedAt: number): Promise<Sample> {
  const res = await getOnce(`${t.adminUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const s = parseMetrics(res.text);
  const targets = fdTargets(t.pid);
  const connections = connectionsOf(t.pid, targets, t.peers);
  const rssBytes = sum(s, 'process_resident_memory_bytes');
  const heapTotalBytes = sum(s, 'nodejs_heap_size_total_bytes');
  return {
    at: Math.round((Date.now() - startedAt) / 1000),
    rssBytes,
    heapUsedBytes: sum(s, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes,
    nativeBytes: rssBytes - heapTotalBytes,
    externalBytes: sum(s, 'nodejs_external_memory_bytes'),
    handles: sum(s, 'nodejs_active_handles_total'),
    sockets: targets.length > 0 ? Object.values(connections).reduce((a, b) => a + b, 0) : sum(s, 'nodejs_active_handles', (l) => l.type === 'Socket'),
    connections,
    resources: sum(s, 'nodejs_active_resources_total'),
    openFds: sum(s, 'process_open_fds'),
    fdKinds: fdKinds(targets),
    requestsByStatus: by(s, 'ai_gateway_requests_total', (l) => l.status ?? ''),
    attempts: by(s, 'ai_gateway_provider_attempts_total', (l) => `${l.provider ?? ''} ${l.outcome ?? ''}`),
    reloads: by(s, 'ai_gateway_config_reloads_total', (l) => l.result ?? ''),
  };
}

/** What a counter map gained between two samples (keys new in `end` count from 0). */
export function delta(start: Record<string, number>, end: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(end)) {
    const d = v - (start[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
