/** Runs wrk and turns its text report into numbers. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface WrkOptions {
  url: string;
  script: string;
  connections: number;
  threads: number;
  durationS: number;
  /** Called with the child as soon as it is spawned, so the caller can kill it on error. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers; any makes the run suspect (errors are often faster than real answers). */
  non2xx: number;
  socketErrors: number;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.durationS}s`, '--latency', '-s', o.script, o.url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    o.onSpawn?.(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code, sig) => {
      if (code !== 0) return reject(new Error(`wrk ${sig === null ? `exited ${code}` : `killed by ${sig}`}: ${err.trim() || out.trim()}`));
      try {
        resolve(parseWrk(out));
      } catch (e) {
        reject(new Error(`${e instanceof Error ? e.message : String(e)}\n--- wrk output ---\n${out}`));
      }
    });
  });
}

/** `1.23ms`, `850.00us`, `1.02s`, `2.00m` to milliseconds. */
export function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value);
  if (m === null) throw new Error(`unreadable wrk latency "${value}"`);
  const scale = { us: 0.001, ms: 1, s: 1_000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * scale;
}

export function parseWrk(text: string): WrkResult {
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+(?:us|ms|s|m))\\s*$`, 'm').exec(text);
    if (m?.[1] === undefined) throw new Error(`wrk output has no ${p}% latency (was --latency passed?)`);
    return toMs(m[1]);
  };
  const rps = num(/^Requests\/sec:\s+([\d.]+)/m);
  const requests = num(/^\s*(\d+) requests in /m);
  if (rps === undefined || requests === undefined) throw new Error('wrk output has no Requests/sec line');
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = sock === null ? 0 : sock.slice(1).reduce((a, s) => a + Number(s), 0);
  return { requests, rps, p50Ms: pct('50'), p99Ms: pct('99'), non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0, socketErrors };
}
