/** The gateway under soak: dist/ built from the current src/, run as a process of its own. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pollUntil, start, stop, type Started } from '../bench/procs.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than a source file: the soak must run the code as it is now. */
export function ensureBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(join(ROOT, 'src'))) return;
  process.stdout.write('dist/ is missing or older than src/: npm run build\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/**
 * Lets the soak ask for a full garbage collection (SIGUSR2), so the heap it compares is what is
 * still reachable, not whatever garbage happened to be waiting. Nothing else in the gateway changes.
 */
const GC_ON_SIGNAL = 'data:text/javascript,process.on("SIGUSR2",()=>globalThis.gc())';

export interface LogCounts {
  /** Pino levels: 40 warn, 50 error, 60 fatal; lines that are not JSON count as `other`. */
  byLevel: Record<string, number>;
  /** The last few lines at error level or above, or not JSON (a stack trace). */
  lastErrors: string[];
}

export interface RunningGateway {
  pid: number;
  /** Why the process is gone, if it is. */
  exited: () => string | undefined;
  logs: LogCounts;
  tail: () => string;
  /** Two full collections, a moment apart (the second frees what finalizers of the first let go). */
  collectGarbage: () => Promise<void>;
  stop: () => Promise<void>;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function countLogs(s: Started): LogCounts {
  const logs: LogCounts = { byLevel: {}, lastErrors: [] };
  let partial = '';
  const onData = (c: Buffer): void => {
    const lines = (partial + c.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      let level = 'other';
      try {
        const parsed = JSON.parse(line) as { level?: unknown };
        level = typeof parsed.level === 'number' ? (LEVEL_NAMES[parsed.level] ?? String(parsed.level)) : 'other';
      } catch {
        // not a log line: a crash's stack trace, say
      }
      logs.byLevel[level] = (logs.byLevel[level] ?? 0) + 1;
      if (level === 'error' || level === 'fatal' || level === 'other') logs.lastErrors = [...logs.lastErrors, line.slice(0, 500)].slice(-5);
    }
  };
  s.child.stdout?.on('data', onData);
  s.child.stderr?.on('data', onData);
  return logs;
}

/** Serves the manifests in `dir`; applied resources are kept in `stateDir`. Access logs are off (warn): they would only cost CPU. */
export async function startGateway(dir: string, stateDir: string, adminPort: number): Promise<RunningGateway> {
  const args = ['--expose-gc', '--import', GC_ON_SIGNAL, MAIN, 'serve', '-f', dir, '--admin-address', `127.0.0.1:${adminPort}`, '--state-dir', stateDir, '--log-level', 'warn'];
  const s = start(process.execPath, args, { cwd: dir });
  const logs = countLogs(s);
  let exit: string | undefined;
  s.child.once('exit', (code, signal) => (exit = `exited with ${signal ?? `code ${code}`}`));
  const pid = s.child.pid;
  if (pid === undefined) throw new Error(`the gateway did not start\n${s.tail()}`);
  const stopIt = (): Promise<void> => stop(s.child, 5_000);
  try {
    await pollUntil('gateway /readyz', s, async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status === 200);
  } catch (err) {
    await stopIt();
    throw err;
  }
  return {
    pid,
    exited: () => exit,
    logs,
    tail: s.tail,
    collectGarbage: async () => {
      for (let i = 0; i < 2; i++) {
        process.kill(pid, 'SIGUSR2');
        await sleep(300);
      }
    },
    stop: stopIt,
  };
}
