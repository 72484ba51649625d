/**
 * `npm run bench -- --instructions`: the proxy process's user-space instructions per request,
 * counted by valgrind's callgrind. Unlike req/s, which swings by 20-30% between runs on this VM,
 * the count barely moves: no kernel time, no waiting, no other process is in it.
 * Per target: the upstream runs natively, the proxy under callgrind; warm-up requests, zero the
 * counters, exactly N requests, dump, read the dump's total. BENCH_IR_REQUESTS / BENCH_IR_WARMUP
 * change N (1000) and the warm-up (300).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { findBin, listeningPort, removeDir, stop, tempDir, track } from './procs.js';
import { round } from './report.js';
import type { Launch, Target } from './targets.js';
import { BENCH, BODY, gateway, probe, referenceHop, tsxScript } from './targets.js';

export const INSTRUCTIONS_HINT = 'apt-get install -y valgrind';
const CFG = {
  requests: Number(process.env.BENCH_IR_REQUESTS ?? 1000),
  warmup: Number(process.env.BENCH_IR_WARMUP ?? 300),
  concurrency: 4,
  // Node under valgrind takes 20-60 s to start; with 5,000 HTTPRoutes to compile it took 156 s.
  readyMs: 300_000,
};
const FLAGS = ['--tool=callgrind', '--smc-check=all-non-file'];
const RATIOS: [string, string][] = [
  ['gateway', 'reference-hop'],
  ['gateway+accesslog', 'gateway'],
  ['gateway-5000-routes', 'gateway'],
];

export interface Valgrind {
  valgrind: string;
  control: string;
}

export function valgrindTools(): Valgrind | undefined {
  const [valgrind, control] = [findBin('valgrind'), findBin('callgrind_control')];
  return valgrind === undefined || control === undefined ? undefined : { valgrind, control };
}

interface IrOutcome {
  name: string;
  status: 'ok' | 'failed';
  irPerRequest?: number;
  irTotal?: number;
  /** Wall time of the whole scenario under valgrind (start, warm-up, count), for planning only. */
  wallS?: number;
  note?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `n` POSTs (post.lua's), `concurrency` at a time over the pool's keep-alive connections; a non-200 fails the count. */
async function send(pool: Pool, path: string, n: number): Promise<void> {
  let left = n;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      const r = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`answered ${r.statusCode}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: CFG.concurrency }, worker));
}

/** callgrind_control (through vgdb) on the target; it prints "OK." once the command ran. */
function control(tools: Valgrind, vgdbPrefix: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(tools.control, [`--vgdb-prefix=${vgdbPrefix}`, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err === null && /\bOK\b/.test(stdout)) resolve();
      else reject(new Error(`callgrind_control ${args.join(' ')} failed: ${err?.message ?? ''}\n${stdout}${stderr}`));
    });
    track(child);
  });
}

/**
 * Total Ir of the pid's newest dump part: its `totals:` line, the sum of every cost in the file and
 * its last line (so its presence also says the dump is complete). Not `summary:`: after a zero it
 * can come out below the totals (callgrind misaccounts it; iai-callgrind reads totals for the same reason).
 */
async function readDump(dir: string, pid: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const name = new RegExp(`^cg\\.out\\.${pid}\\.(\\d+)$`);
  for (;;) {
    const part = Math.max(0, ...readdirSync(dir).map((f) => Number(name.exec(f)?.[1] ?? 0)));
    const totals = part > 0 ? /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, `cg.out.${pid}.${part}`), 'utf8'))?.[1] : undefined;
    if (totals !== undefined) return Number(totals);
    if (Date.now() > deadline) throw new Error(`no complete callgrind dump for pid ${pid} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function count(name: string, setup: () => Promise<Target>, tools: Valgrind, dir: string): Promise<IrOutcome> {
  process.stdout.write(`  ${name.padEnd(20)} `);
  const started = performance.now();
  const secs = (): number => round((performance.now() - started) / 1000, 0);
  const vgdbPrefix = join(dir, 'vgdb-pipe');
  let target: Target | undefined;
  let pool: Pool | undefined;
  try {
    target = await setup();
    const pid = target.pid;
    if (pid === undefined) throw new Error('no pid for the target');
    process.stdout.write(`ready in ${secs()} s, `);
    await probe(target);
    const url = new URL(target.url);
    pool = new Pool(url.origin, { connections: CFG.concurrency, keepAliveTimeout: 60_000 });
    await send(pool, url.pathname, CFG.warmup); // JIT, pools and caches warm; not counted
    await control(tools, vgdbPrefix, ['-z', String(pid)]);
    await send(pool, url.pathname, CFG.requests);
    await control(tools, vgdbPrefix, ['-d', String(pid)]);
    const irTotal = await readDump(dir, pid);
    const irPerRequest = Math.round(irTotal / CFG.requests);
    process.stdout.write(`done in ${secs()} s: ${irPerRequest.toLocaleString('en-US')} instructions/request\n`);
    return { name, status: 'ok', irPerRequest, irTotal, wallS: secs() };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stdout.write(`FAILED\n${msg}\n`);
    return { name, status: 'failed', note: msg.split('\n')[0] ?? msg };
  } finally {
    await pool?.destroy();
    await target?.stop();
  }
}

export async function runInstructions(tools: Valgrind, isInterrupted: () => boolean): Promise<void> {
  const version = spawnSync(tools.valgrind, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`${version} callgrind: ${CFG.warmup} warm-up + ${CFG.requests} counted requests per target, ${CFG.concurrency} at a time; node ${process.version}`);
  console.log('each target takes a few minutes under valgrind');
  const dir = tempDir('aigw-callgrind-');
  // vgdb's pipes go in the temp dir too, so a killed valgrind leaves nothing in /tmp.
  const wrap = [tools.valgrind, ...FLAGS, `--callgrind-out-file=${join(dir, 'cg.out.%p')}`, `--vgdb-prefix=${join(dir, 'vgdb-pipe')}`];
  const launch: Launch = { wrap, readyMs: CFG.readyMs };

  const up = tsxScript('fixed-upstream.ts', ['0']); // natively: only the proxy is counted
  const upstreamPort = await listeningPort(up);
  const scenarios: [string, () => Promise<Target>][] = [
    ['reference-hop', () => referenceHop(upstreamPort, launch)],
    ['gateway', () => gateway(upstreamPort, 'warn', { launch })],
    ['gateway+accesslog', () => gateway(upstreamPort, 'info', { launch })],
    ['gateway-5000-routes', () => gateway(upstreamPort, 'warn', { routes: 5000, launch })],
  ];
  const results: IrOutcome[] = [];
  for (const [name, setup] of scenarios) {
    if (isInterrupted()) break;
    results.push(await count(name, setup, tools, dir));
  }
  await stop(up.child);
  removeDir(dir);
  if (isInterrupted()) return;

  console.log(`\n${'target'.padEnd(20)} ${'instructions/request'.padStart(20)}  note`);
  for (const r of results) {
    console.log(`${r.name.padEnd(20)} ${(r.irPerRequest?.toLocaleString('en-US') ?? '-').padStart(20)}  ${r.status === 'ok' ? '' : `${r.status}: ${r.note ?? ''}`}`);
  }
  const ratios: Record<string, number | null> = {};
  console.log('\nratios (instructions/request: lower is better)');
  for (const [a, b] of RATIOS) {
    const x = results.find((r) => r.name === a)?.irPerRequest;
    const y = results.find((r) => r.name === b)?.irPerRequest;
    const v = x === undefined || y === undefined || y === 0 ? null : round(x / y, 3);
    ratios[`${a}/${b}`] = v;
    console.log(`  ${`${a}/${b}`.padEnd(32)} ${v === null ? 'n/a' : v.toFixed(3)}`);
  }

  const outDir = join(BENCH, 'results');
  mkdirSync(outDir, { recursive: true });
  const meta = { date: new Date().toISOString(), machine: { cores: cpus().length, node: process.version, valgrind: version }, config: { ...CFG, valgrind: FLAGS } };
  writeFileSync(join(outDir, 'instructions.json'), `${JSON.stringify({ ...meta, scenarios: results, ratios }, null, 2)}\n`);
  console.log('\nwritten: bench/results/instructions.json');
}
