/**
 * `npm run bench`: the seed's POST through each path on this machine (and, through the gateway,
 * to an Anthropic Backend and streamed), wrk at 32 connections, printed side by side. Absolute
 * numbers swing with the machine; the ratios are the result.
 * BENCH_DURATION / BENCH_WARMUP (seconds) shorten or lengthen each scenario; BENCH_ROUNDS
 * repeats them all (default 3) and the report takes medians.
 * `npm run bench -- --instructions`: instead, instructions per request under callgrind (instructions.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { watchCpu } from './cpu.js';
import { INSTRUCTIONS_HINT, runInstructions, valgrindTools } from './instructions.js';
import { cleanupSync, findBin, listeningPort, sampleRss, stop, stopAll, track } from './procs.js';
import type { Outcome } from './report.js';
import { fmt, medianOutcomes, NOISY, pct, report, round } from './report.js';
import type { Target, Workload } from './targets.js';
import { BENCH, direct, gateway, nginx, POST, POST_STREAM, probe, referenceHop, ROOT, tsxScript } from './targets.js';
import { runWrk } from './wrk.js';
import { failoverLatency } from './failover-latency.js';
import { failoverOverhead } from './failover-overhead.js';
import { hostileBodies } from './hostile-bodies.js';

const CFG = {
  connections: 32,
  threads: 2,
  durationS: Number(process.env.BENCH_DURATION ?? 6),
  warmupS: Number(process.env.BENCH_WARMUP ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
};
/** Set by Ctrl-C / SIGTERM: start nothing more and print no half-finished report. */
let interrupted = false;
const INSTALL_HINT = 'apt-get install -y wrk nginx-light';

async function measure(name: string, setup: () => Promise<Target>, work: Workload): Promise<Outcome> {
  process.stdout.write(`  ${name.padEnd(24)} `);
  let target: Target | undefined;
  try {
    target = await setup();
    await probe(target, work);
    const url = target.url;
    const wrk = (durationS: number) => runWrk({ url, script: work.script, connections: CFG.connections, threads: CFG.threads, durationS, onSpawn: track });
    await wrk(CFG.warmupS); // JIT, pools and caches warm; numbers discarded
    const rss = target.sampleRss === true && target.pid !== undefined ? sampleRss(target.pid) : undefined;
    const cpu = watchCpu(target.pid);
    const r = await wrk(CFG.durationS);
    const { other, targetMs } = cpu.stop();
    const peak = rss?.stop();
    const reloadMs = target.reload === undefined ? undefined : await target.reload();

    const out: Outcome = { name, status: 'ok', ...r };
    if (peak !== undefined) out.peakRssMb = round(peak, 1);
    if (reloadMs !== undefined) out.reloadMs = round(reloadMs, 0);
    if (other !== undefined) out.otherCpu = round(other, 2);
    if (targetMs !== undefined && r.requests > 0) out.cpuUsPerReq = Math.round((targetMs * 1000) / r.requests);
    const notes: string[] = [];
    if (r.non2xx + r.socketErrors > 0) notes.push(`${r.non2xx} non-2xx, ${r.socketErrors} socket errors: numbers suspect`);
    if (other !== undefined && other > NOISY) notes.push(`other processes used ${pct(other)} of the CPU`);
    if (notes.length > 0) out.note = notes.join('; ');
    process.stdout.write(`${fmt(r.rps, 0)} req/s${out.note === undefined ? '' : ` (${out.note})`}\n`);
    return out;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stdout.write(`FAILED\n${msg}\n`);
    return { name, status: 'failed', note: msg.split('\n')[0] ?? msg };
  } finally {
    await target?.stop();
  }
}

function ensureBuilt(): void {
  const main = join(ROOT, 'dist/cli/main.js');
  if (existsSync(main)) {
    // Only a missing build is rebuilt here; a stale one is measured but called out.
    // Tests are not built, so an edited test does not make dist/ stale.
    const built = readdirSync(join(ROOT, 'src'), { recursive: true }).map(String).filter((f) => !f.endsWith('.test.ts'));
    const newestSrc = Math.max(...built.map((f) => statSync(join(ROOT, 'src', f)).mtimeMs));
    if (newestSrc > statSync(main).mtimeMs) console.log('warning: src/ is newer than dist/: this measures the old build (run npm run build)');
    return;
  }
  console.log('dist/cli/main.js missing: running npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('--instructions')) {
    const tools = valgrindTools();
    if (tools === undefined) {
      console.log(`valgrind not found; install with: ${INSTRUCTIONS_HINT}`);
      return;
    }
    ensureBuilt();
    await runInstructions(tools, () => interrupted);
    return;
  }
  ensureBuilt();
  const wrkBin = findBin('wrk');
  const nginxBin = findBin('nginx');
  const missing = [wrkBin === undefined ? 'wrk' : '', nginxBin === undefined ? 'nginx' : ''].filter((s) => s !== '');
  if (missing.length > 0) console.log(`missing ${missing.join(' and ')}; install with: ${INSTALL_HINT}`);
  console.log(`wrk -t${CFG.threads} -c${CFG.connections}, ${CFG.warmupS}s warm-up + ${CFG.durationS}s measured per scenario; ${cpus().length} cores, node ${process.version}`);

  // Other work on the box (tests, lint) skews everything: say so rather than print clean-looking numbers.
  const idle = watchCpu();
  await new Promise((r) => setTimeout(r, 1_000));
  const busyBefore = idle.stop().other;
  if (busyBefore !== undefined && busyBefore > NOISY) console.log(`warning: other processes already use ${pct(busyBefore)} of the CPU; expect noisy numbers`);

  const up = tsxScript('fixed-upstream.ts', ['0']);
  const upstreamPort = await listeningPort(up);
  const skip = (name: string, what: string): Outcome => ({ name, status: 'skipped', note: `${what} not found: ${INSTALL_HINT}` });
  const run = async (name: string, setup: () => Promise<Target>, work: Workload = POST): Promise<Outcome> => {
    if (interrupted) return { name, status: 'skipped', note: 'interrupted' };
    return wrkBin === undefined ? skip(name, 'wrk') : await measure(name, setup, work);
  };

  // Rounds of every scenario, reference-hop and gateway back to back, so drift in the machine
  // hits both alike; the report takes each scenario's median over the rounds.
  const rounds: Outcome[][] = [];
  for (let round = 1; round <= CFG.rounds && !interrupted; round++) {
    console.log(`round ${round}/${CFG.rounds}`);
    const results: Outcome[] = [];
    results.push(await run('direct', () => Promise.resolve(direct(upstreamPort))));
    results.push(await run('reference-hop', () => referenceHop(upstreamPort)));
    results.push(await run('gateway', () => gateway(upstreamPort, 'warn')));
    // Right after the single-provider gateway it must match.
    results.push(await run('gateway-failover', () => gateway(upstreamPort, 'warn', { failover: 'healthy' })));
    // Right after the gateway it is compared with; the streamed pair comes last, also back to back.
    results.push(await run('gateway-anthropic', () => gateway(upstreamPort, 'warn', { provider: 'anthropic' })));
    results.push(await run('gateway+accesslog', () => gateway(upstreamPort, 'info')));
    results.push(await run('gateway-5000-routes', () => gateway(upstreamPort, 'warn', { routes: 5000 })));
    results.push(nginxBin === undefined ? skip('nginx', 'nginx') : await run('nginx', () => nginx(nginxBin, upstreamPort)));
    results.push(await run('gateway-stream', () => gateway(upstreamPort, 'warn'), POST_STREAM));
    results.push(await run('gateway-anthropic-stream', () => gateway(upstreamPort, 'warn', { provider: 'anthropic' }), POST_STREAM));
    results.push(await run('gateway-failover-connect', () => gateway(upstreamPort, 'warn', { failover: 'connect-error' })));
    rounds.push(results);
  }
  const latency = interrupted ? undefined : await failoverLatency(upstreamPort);
  const overhead = interrupted ? undefined : await failoverOverhead(upstreamPort);
  const hostile = interrupted ? undefined : await hostileBodies(upstreamPort);
  const results = medianOutcomes(rounds);
  const headline = rounds.map((r) => {
    const g = r.find((o) => o.name === 'gateway')?.rps;
    const h = r.find((o) => o.name === 'reference-hop')?.rps;
    return g === undefined || h === undefined ? 'n/a' : (g / h).toFixed(3);
  });
  console.log(`gateway/reference-hop req/s per round: ${headline.join(', ')}`);
  await stop(up.child);
  if (interrupted) return;

  const meta = { date: new Date().toISOString(), machine: { cores: cpus().length, node: process.version, otherCpuBefore: busyBefore ?? null }, config: CFG };
  report(results, meta, join(BENCH, 'results'), { failover: latency, overhead, hostile });
}

// Nothing started here may outlive the run: normal end, error, or Ctrl-C.
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupted = true;
    void stopAll().finally(() => process.exit(130));
  });
}
main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
