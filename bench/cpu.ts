/**
 * CPU accounting from /proc during a run. The box is shared (tests, linters): a ratio measured
 * while another process ate a core is not a result, so the others' share is reported. The proxy's
 * own CPU per request is also kept: it is the figure that noise disturbs least.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Snapshot {
  /** Busy jiffies of all cores together, from /proc/stat. */
  busy: number;
  total: number;
  /** utime+stime jiffies of this process and all its descendants, by pid. */
  ours: Map<number, number>;
  /** The pids of the watched target's process tree (nginx's worker is a child of its master). */
  target: Set<number>;
}

function snapshot(root: number, targetPid: number | undefined): Snapshot | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = f.reduce((a, b) => a + b, 0);
    const busy = total - (f[3] ?? 0) - (f[4] ?? 0);
    const parent = new Map<number, number>();
    const cpu = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the ")" that closes the command name: state ppid ... utime(14) stime(15).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      cpu.set(Number(name), Number(rest[11]) + Number(rest[12]));
    }
    const ours = new Map<number, number>();
    const target = new Set<number>();
    for (const [pid, jiffies] of cpu) {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
        if (p === targetPid) target.add(pid);
        if (p === root) {
          ours.set(pid, jiffies);
          break;
        }
      }
    }
    return { busy, total, ours, target };
  } catch {
    return undefined; // no /proc: no noise figure
  }
}

export interface CpuReading {
  /** Other processes' share of the whole machine (0..1). */
  other?: number;
  /** CPU time used by the target's process tree, in ms. */
  targetMs?: number;
}

/** Samples every 500 ms until `stop`. */
export function watchCpu(targetPid?: number): { stop: () => CpuReading } {
  const hz = 100; // USER_HZ: /proc reports jiffies of 10 ms on Linux
  let prev = snapshot(process.pid, targetPid);
  let foreign = 0;
  let total = 0;
  let target = 0;
  const tick = (): void => {
    const cur = snapshot(process.pid, targetPid);
    if (prev === undefined || cur === undefined) return;
    let ours = 0;
    let complete = true;
    for (const [pid, now] of cur.ours) {
      // Born during the interval (wrk right after the start): all its CPU falls in it.
      const d = now - (prev.ours.get(pid) ?? 0);
      ours += d;
      if (cur.target.has(pid)) target += d;
    }
    // One of ours ended: its last CPU is unknowable, so the interval is dropped from the noise figure.
    for (const pid of prev.ours.keys()) if (!cur.ours.has(pid)) complete = false;
    if (complete) {
      foreign += Math.max(0, cur.busy - prev.busy - ours);
      total += cur.total - prev.total;
    }
    prev = cur;
  };
  const timer = setInterval(tick, 500);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      const r: CpuReading = {};
      if (total > 0) r.other = foreign / total;
      if (targetPid !== undefined) r.targetMs = (target * 1000) / hz;
      return r;
    },
  };
}
