/**
 * `npm run bench`: the same POST through five paths on this machine, wrk at 32 connections,
 * printed side by side. Absolute numbers swing with the machine; the ratios are the result.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConf } from './nginx.js';
import type { Started } from './procs.js';
import { freePort, killAllSync, listeningPort, machineBusy, pollUntil, sampleRss, start, stop, stopAll, track } from './procs.js';
import { runWrk } from './wrk.js';
import type { WrkResult } from './wrk.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, 'bench');
const TOKEN = 'bench-token';
const CFG = {
  connections: 32,
  threads: 2,
  durationS: Number(process.env.BENCH_DURATION ?? 8),
  warmupS: Number(process.env.BENCH_WARMUP ?? 2),
};
const INSTALL_HINT = 'apt-get install -y wrk nginx-light';
const BODY = readFileSync(join(BENCH, 'post.lua'), 'utf8').match(/wrk\.body = '(.*)'/)?.[1] ?? '';

interface Outcome extends Partial<WrkResult> {
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  peakRssMb?: number;
}

/** What one scenario puts in front of wrk; `stop` tears its own processes down. */
interface Target {
  url: string;
  /** pid to sample RSS from, if any. */
  rssPid?: number;
  expect: { authorization: string | null; model: string };
  stop: () => Promise<void>;
}

function findBin(name: string): string | undefined {
  // nginx lives in /usr/sbin, which a non-root PATH may lack.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

function tsxScript(file: string, args: string[]): Started {
  return start(process.execPath, ['--import', 'tsx', join(BENCH, file), ...args], { cwd: ROOT });
}

/** One POST with the echo flag: proves the hop injected the token and (gateway) rewrote the model. */
async function probe(t: Target): Promise<void> {
  const r = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bench-echo': '1' }, body: BODY });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`probe answered ${r.status}: ${text.slice(0, 300)}`);
  const seen = JSON.parse(text) as { authorization: string | null; model: string | null };
  if (seen.authorization !== t.expect.authorization || seen.model !== t.expect.model) {
    throw new Error(`probe: upstream saw ${JSON.stringify(seen)}, expected ${JSON.stringify(t.expect)}`);
  }
}

async function startGateway(upstreamPort: number, logLevel: 'warn' | 'info'): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-bench-'));
  const [port, admin] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'manifests.yaml'), gatewayManifests(port, upstreamPort));
  const main = join(ROOT, 'dist/cli/main.js');
  const args = [main, 'serve', '-f', dir, '--admin-address', `127.0.0.1:${admin}`, '--log-level', logLevel];
  // At info every request writes an access-log line to stdout; /dev/null keeps the terminal out of the measurement.
  const gw = start(process.execPath, args, { cwd: ROOT, stdoutToNull: logLevel === 'info' });
  const stopIt = async (): Promise<void> => {
    await stop(gw.child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil('gateway /readyz', gw, async () => (await fetch(`http://127.0.0.1:${admin}/readyz`)).status === 200);
  } catch (e) {
    await stopIt();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/openai`, ...(gw.child.pid === undefined ? {} : { rssPid: gw.child.pid }), expect: { authorization: `Bearer ${TOKEN}`, model: 'gpt-4o-mini' }, stop: stopIt };
}

function gatewayManifests(port: number, upstreamPort: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ai-gateway, namespace: kgateway-system }
spec:
  gatewayClassName: kgateway
  listeners:
  - { name: http, protocol: HTTP, port: ${port} }
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: { name: openai, namespace: kgateway-system }
spec:
  type: AI
  ai:
    llm:
      hostOverride: { host: 127.0.0.1, port: ${upstreamPort} }
      provider:
        openai:
          authToken: { kind: Inline, inline: "${TOKEN}" }
          model: "gpt-4o-mini"
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: openai, namespace: kgateway-system }
spec:
  parentRefs:
  - { name: ai-gateway, namespace: kgateway-system }
  rules:
  - matches:
    - path: { type: PathPrefix, value: /openai }
    backendRefs:
    - { name: openai, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }
`;
}

async function startNginx(bin: string, upstreamPort: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-bench-'));
  // Workers run as nobody when started by root; they must be able to enter the prefix dir.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf({ dir, listenPort: port, upstreamPort, token: TOKEN }));
  // -e: the error log before the conf is read would otherwise go to /var/log/nginx.
  const ng = start(bin, ['-c', conf, '-p', dir, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { cwd: dir });
  const stopIt = async (): Promise<void> => {
    await stop(ng.child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil('nginx', ng, async () => (await fetch(`http://127.0.0.1:${port}/nginx-ready`)).status > 0);
  } catch (e) {
    await stopIt();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/openai`, expect: { authorization: `Bearer ${TOKEN}`, model: 'gpt-3.5-turbo' }, stop: stopIt };
}

async function measure(name: string, wrkBin: string | undefined, setup: () => Promise<Target>): Promise<Outcome> {
  if (wrkBin === undefined) return { name, status: 'skipped', note: `wrk not found: ${INSTALL_HINT}` };
  process.stdout.write(`  ${name.padEnd(18)} `);
  let target: Target | undefined;
  try {
    target = await setup();
    await probe(target);
    const url = target.url;
    const wrk = (durationS: number): Promise<WrkResult> =>
      runWrk({ url, script: join(BENCH, 'post.lua'), connections: CFG.connections, threads: CFG.threads, durationS, onSpawn: track });
    await wrk(CFG.warmupS);
    const rss = target.rssPid === undefined ? undefined : sampleRss(target.rssPid);
    const r = await wrk(CFG.durationS);
    const peak = rss?.stop();
    const bad = r.non2xx + r.socketErrors;
    const out: Outcome = { name, status: 'ok', ...r, ...(peak === undefined ? {} : { peakRssMb: round(peak, 1) }) };
    if (bad > 0) out.note = `${r.non2xx} non-2xx, ${r.socketErrors} socket errors: numbers suspect`;
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

const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;
const fmt = (n: number | undefined, d: number): string => (n === undefined ? '-' : n.toFixed(d));

function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist/cli/main.js'))) return;
  console.log('dist/cli/main.js missing: running npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

async function main(): Promise<void> {
  ensureBuilt();
  const wrkBin = findBin('wrk');
  const nginxBin = findBin('nginx');
  if (wrkBin === undefined || nginxBin === undefined) console.log(`missing ${[wrkBin ? '' : 'wrk', nginxBin ? '' : 'nginx'].filter(Boolean).join(' and ')}; install with: ${INSTALL_HINT}`);
  console.log(`wrk -t${CFG.threads} -c${CFG.connections}, ${CFG.warmupS}s warm-up + ${CFG.durationS}s measured per scenario; ${cpus().length} cores, node ${process.version}`);

  // Other work on the box (tests, lint) skews everything; say so rather than print clean-looking numbers.
  const busy = await machineBusy();
  if (busy !== undefined && busy > 0.15) console.log(`warning: machine already ${Math.round(busy * 100)}% busy before the bench; expect noisy numbers`);
  const up = tsxScript('fixed-upstream.ts', ['0']);
  const upstreamPort = await listeningPort(up);
  const hopExpect = { authorization: `Bearer ${TOKEN}`, model: 'gpt-3.5-turbo' };
  const results: Outcome[] = [];

  results.push(
    await measure('direct', wrkBin, async () => ({
      url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`,
      expect: { authorization: null, model: 'gpt-3.5-turbo' },
      stop: async () => {},
    })),
  );
  results.push(
    await measure('reference-hop', wrkBin, async () => {
      const hop = tsxScript('reference-hop.ts', ['0', String(upstreamPort), TOKEN]);
      const port = await listeningPort(hop).catch(async (e: unknown) => {
        await stop(hop.child);
        throw e;
      });
      return { url: `http://127.0.0.1:${port}/openai`, expect: hopExpect, stop: () => stop(hop.child) };
    }),
  );
  results.push(await measure('gateway', wrkBin, () => startGateway(upstreamPort, 'warn')));
  results.push(await measure('gateway+accesslog', wrkBin, () => startGateway(upstreamPort, 'info')));
  results.push(
    nginxBin === undefined
      ? { name: 'nginx', status: 'skipped', note: `nginx not found: ${INSTALL_HINT}` }
      : await measure('nginx', wrkBin, () => startNginx(nginxBin, upstreamPort)),
  );
  await stop(up.child);
  report(results, busy === undefined ? null : round(busy, 2));
}

function report(results: Outcome[], busyBefore: number | null): void {
  const by = (n: string): Outcome | undefined => results.find((r) => r.name === n && r.status === 'ok');
  const ratio = (a: string, b: string, k: 'rps' | 'p50Ms' | 'p99Ms'): number | null => {
    const x = by(a)?.[k];
    const y = by(b)?.[k];
    return x === undefined || y === undefined || y === 0 ? null : round(x / y, 3);
  };
  console.log(`\n${'scenario'.padEnd(18)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  note`);
  for (const r of results) {
    const note = r.status === 'ok' ? (r.note ?? '') : `${r.status}: ${r.note ?? ''}`;
    console.log(`${r.name.padEnd(18)} ${fmt(r.rps, 0).padStart(9)} ${fmt(r.p50Ms, 2).padStart(8)} ${fmt(r.p99Ms, 2).padStart(8)}  ${note}`);
  }
  const ratios = {
    'gateway/reference-hop req/s': ratio('gateway', 'reference-hop', 'rps'),
    'gateway/direct req/s': ratio('gateway', 'direct', 'rps'),
    'gateway/nginx req/s': ratio('gateway', 'nginx', 'rps'),
    'nginx/direct req/s': ratio('nginx', 'direct', 'rps'),
    'gateway+accesslog/gateway req/s': ratio('gateway+accesslog', 'gateway', 'rps'),
    'gateway/reference-hop p50': ratio('gateway', 'reference-hop', 'p50Ms'),
    'gateway/reference-hop p99': ratio('gateway', 'reference-hop', 'p99Ms'),
  };
  const peak = by('gateway')?.peakRssMb ?? null;
  const peakLog = by('gateway+accesslog')?.peakRssMb ?? null;
  const verdict = (v: number | null, ok: boolean): string => (v === null ? 'n/a' : ok ? 'OK' : 'BELOW TARGET');
  const g = ratios['gateway/reference-hop req/s'];
  console.log('\nratios (higher req/s ratio is better; lower latency ratio is better)');
  for (const [k, v] of Object.entries(ratios)) {
    const target = k === 'gateway/reference-hop req/s' ? `   target >= 0.80: ${verdict(g, (g ?? 0) >= 0.8)}` : '';
    console.log(`  ${k.padEnd(32)} ${v === null ? 'n/a' : v.toFixed(3)}${target}`);
  }
  console.log(`  ${'gateway peak RSS MB'.padEnd(32)} ${peak ?? 'n/a'}   target < 120: ${peak === null ? 'n/a' : peak < 120 ? 'OK' : 'ABOVE TARGET'}`);
  console.log(`  ${'gateway+accesslog peak RSS MB'.padEnd(32)} ${peakLog ?? 'n/a'}`);

  mkdirSync(join(BENCH, 'results'), { recursive: true });
  const json = { date: new Date().toISOString(), machine: { cores: cpus().length, node: process.version, busyBefore },  config: CFG, scenarios: results, ratios, peakRssMb: { gateway: peak, 'gateway+accesslog': peakLog } };
  writeFileSync(join(BENCH, 'results', 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log('\nwritten: bench/results/latest.json');
}

// Nothing started here may outlive the run: normal end, error, or Ctrl-C.
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void stopAll().finally(() => process.exit(130));
  });
}
main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
