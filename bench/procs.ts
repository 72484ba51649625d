/** Child process bookkeeping for the bench: start, wait until ready, and always stop. */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createServer } from 'node:net';

/** Every child ever started, so cleanup can reach them whatever failed. */
const children = new Set<ChildProcess>();
/** Children started as group leaders: signals go to the whole group (nginx's master and worker). */
const groups = new WeakSet<ChildProcess>();

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (groups.has(child) && child.pid !== undefined) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // already gone
  }
}

export interface Started {
  child: ChildProcess;
  /** Last few KB of stderr (and stdout when piped), for error messages. */
  tail: () => string;
}

export interface StartOptions extends SpawnOptions {
  stdoutToNull?: boolean;
  /** Own process group, so a SIGKILL of the group also takes the forked workers with it. */
  group?: boolean;
}

export function start(cmd: string, args: readonly string[], opts: StartOptions = {}): Started {
  const { stdoutToNull, group, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { ...spawnOpts, detached: group === true, stdio: ['ignore', stdoutToNull === true ? 'ignore' : 'pipe', 'pipe'] });
  if (group === true) groups.add(child);
  track(child);
  let tail = '';
  // Always consume the pipes: an unread pipe fills up and stalls the child.
  const keep = (c: Buffer): void => {
    tail = (tail + c.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)));
  return { child, tail: () => tail };
}

export function track(child: ChildProcess): void {
  children.add(child);
  child.on('exit', () => children.delete(child));
}

/** SIGTERM, then SIGKILL whatever is still alive after a grace period. */
export async function stop(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stop(c)));
}

/** Temp dirs made for this run; removed at exit whatever happened. */
const dirs = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Last resort on process exit (sync context): nothing may outlive the bench. */
export function cleanupSync(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) signal(c, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves with the port a child prints as "LISTENING <port>". */
export function listeningPort(s: Started, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no LISTENING line within ${timeoutMs} ms\n${s.tail()}`)), timeoutMs);
    s.child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /LISTENING (\d+)/.exec(buf);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    s.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening\n${s.tail()}`));
    });
  });
}

/** Polls until the check passes; the child dying first fails at once. */
export async function pollUntil(what: string, s: Started, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null || s.child.signalCode !== null) throw new Error(`${what}: process exited (${s.child.exitCode ?? s.child.signalCode})\n${s.tail()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready within ${timeoutMs} ms\n${s.tail()}`);
}

/** Peak VmRSS of a pid, sampled every 500 ms until stopped. */
export function sampleRss(pid: number): { stop: () => number } {
  let peakKb = 0;
  const read = (): void => {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m?.[1] !== undefined) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process is gone; keep the peak seen so far
    }
  };
  read();
  const timer = setInterval(read, 500);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peakKb / 1024;
    },
  };
}

/** Full path of an executable on PATH, or undefined. */
export function findBin(name: string): string | undefined {
  // nginx lives in /usr/sbin, which a non-root PATH may lack.
  for (const d of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not in this dir
    }
  }
  return undefined;
}
