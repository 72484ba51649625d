/**
 * `npm run soak [-- --duration 60s] [--concurrency 24]`: mixed traffic against the gateway,
 * with fake providers, for a set time; compares the gateway process at rest before and after.
 * See soak/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cleanupSync, freePort, tempDir } from '../bench/procs.js';
import { parseCount, parseDurationMs, UsageError } from '../src/cli/args.js';
import { startFakeLlm, type FakeLlm } from '../test/support/fake-llm.js';
import { startChurn, type Churn } from './churn.js';
import { Client } from './client.js';
import { ensureBuilt, ROOT, startGateway } from './gateway.js';
import { failoverBackend, gateway, join as docs, llmBackend, reloadRoute, route, staticBackend } from './manifests.js';
import { delta, scrape, type Sample } from './metrics.js';
import { figures, reasons, render, type SoakResult } from './report.js';
import { Tally } from './tally.js';
import { KINDS, runTraffic } from './traffic.js';

const USAGE = `npm run soak -- [--duration 10m] [--concurrency 24] [--sample-every 30s] [--no-build]`;

/**
 * Before an idle reading: long enough for the fake providers' servers (Node's default 5 s
 * keep-alive) to close the gateway's idle upstream connections, so what is left open is what
 * the gateway itself keeps.
 */
const SETTLE_MS = 7_000;

interface Settings {
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  sampleEveryMs: number;
  build: boolean;
}

const OPTIONS = {
  duration: { type: 'string', default: '10m' },
  concurrency: { type: 'string', default: '24' },
  'sample-every': { type: 'string' },
  'no-build': { type: 'boolean', default: false },
} as const;

/** parseArgs, its refusals (an unknown option) shown with the usage like any other. */
function parseOptions(argv: string[]): ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>> {
  try {
    return parseArgs({ args: argv, options: OPTIONS });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function settings(argv: string[]): Settings {
  const { values } = parseOptions(argv);
  const durationMs = parseDurationMs('--duration', values.duration);
  // The warm-up fills caches, pools and JIT code; what it leaves is the baseline, not a leak.
  const warmupMs = Math.max(10_000, Math.round(durationMs / 10));
  if (durationMs < warmupMs + 10_000) throw new UsageError(`--duration must leave at least 10 s after the ${warmupMs / 1000} s warm-up`);
  const measuredMs = durationMs - warmupMs;
  const sampleEveryMs = values['sample-every'] === undefined ? Math.min(60_000, Math.max(5_000, Math.round(measuredMs / 20))) : parseDurationMs('--sample-every', values['sample-every']);
  return { durationMs, warmupMs, concurrency: parseCount('--concurrency', values.concurrency), sampleEveryMs, build: !values['no-build'] };
}

type Fakes = Record<'healthy' | 'flapping' | 'stalling' | 'slow' | 'cutting' | 'failing' | 'limiting', FakeLlm>;

/** One fake provider per behaviour: its `down` fault is what every request to it gets. */
async function startFakes(): Promise<Fakes> {
  const healthy = await startFakeLlm();
  const flapping = await startFakeLlm();
  const stalling = await startFakeLlm();
  // Stops with the connection open after four events: some content in OpenAI's stream as in
  // Anthropic's (whose first three carry none), not the end. The client hangs up mid-stream.
  stalling.down = { kind: 'stall', events: 4 };
  const slow = await startFakeLlm();
  slow.down = { kind: 'slow', ms: 3_000 };
  const cutting = await startFakeLlm();
  cutting.down = { kind: 'cut', events: 3 };
  const failing = await startFakeLlm();
  failing.down = { kind: 'status', status: 500, body: '{"error":{"message":"internal","type":"server_error"}}' };
  const limiting = await startFakeLlm();
  limiting.down = { kind: 'error', error: 'rate_limit' };
  return { healthy, flapping, stalling, slow, cutting, failing, limiting };
}

/** The route file the soak keeps rewriting. */
const RELOAD_FILE = 'reload.yaml';

/** The Gateway and every route but the reloaded one (see README.md for the table). */
function writeManifests(dir: string, port: number, ports: Record<keyof Fakes, number>): void {
  writeFileSync(join(dir, 'gateway.yaml'), gateway(port));
  const routes = [
    llmBackend('openai', 'openai', ports.healthy),
    route('openai', '/openai', 'openai'),
    llmBackend('anthropic', 'anthropic', ports.healthy, 'claude-3-5-haiku-latest'),
    route('anthropic', '/anthropic', 'anthropic'),
    llmBackend('anthropic-no-model', 'anthropic', ports.healthy),
    route('anthropic-no-model', '/anthropic-no-model', 'anthropic-no-model'),
    failoverBackend('failover', ports.flapping, ports.healthy),
    route('failover', '/failover', 'failover'),
    staticBackend('static', ports.healthy),
    route('static', '/static', 'static'),
    llmBackend('stall', 'openai', ports.stalling, 'gpt-4o'),
    route('stall', '/stall', 'stall'),
    llmBackend('stall-anthropic', 'anthropic', ports.stalling, 'claude-3-5-haiku-latest'),
    route('stall-anthropic', '/stall-anthropic', 'stall-anthropic'),
    llmBackend('slow', 'openai', ports.slow, 'gpt-4o'),
    route('slow', '/slow', 'slow'),
    llmBackend('cut', 'openai', ports.cutting, 'gpt-4o'),
    route('cut', '/cut', 'cut'),
    llmBackend('fail500', 'openai', ports.failing, 'gpt-4o'),
    route('fail500', '/fail500', 'fail500'),
    llmBackend('fail429', 'openai', ports.limiting, 'gpt-4o'),
    route('fail429', '/fail429', 'fail429'),
  ];
  writeFileSync(join(dir, 'routes.yaml'), docs(...routes));
}

async function main(): Promise<number> {
  const s = settings(process.argv.slice(2));
  if (s.build) ensureBuilt();
  const fakes = await startFakes();
  // The fakes record every request; nothing here reads those records, so they are dropped.
  const forget = setInterval(() => Object.values(fakes).forEach((f) => (f.received.length = 0)), 1_000);

  const dir = tempDir('aigw-soak-');
  const stateDir = tempDir('aigw-soak-state-');
  const [port, adminPort] = [await freePort(), await freePort()];
  const ports = Object.fromEntries(Object.entries(fakes).map(([k, f]) => [k, f.port])) as Record<keyof Fakes, number>;
  writeManifests(dir, port, ports);
  const churnState = { version: 0, slot: 0 };
  writeFileSync(join(dir, RELOAD_FILE), reloadRoute(churnState.version, 'openai'));

  const gw = await startGateway(dir, stateDir, adminPort);
  const client = new Client(`http://127.0.0.1:${port}`);
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const peers = new Map<number, string>([[port, 'client'], [adminPort, 'admin'], ...Object.entries(ports).map(([name, p]): [number, string] => [p, `upstream ${name}`])]);
  const target = { adminUrl, pid: gw.pid, peers };
  const startedAt = Date.now();
  process.stdout.write(`gateway pid ${gw.pid} on :${port} (admin :${adminPort}); ${s.durationMs / 1000} s of traffic, ${s.warmupMs / 1000} s of it warm-up\n`);

  let lastChurn: Churn | undefined;
  /** Traffic and churn for `ms` (less if the gateway dies), readings every `sampleEveryMs` into `samples`. */
  const phase = async (ms: number, tally: Tally, samples?: Sample[]): Promise<void> => {
    const until = Date.now() + ms;
    const running = (): boolean => Date.now() < until && gw.exited() === undefined;
    lastChurn = startChurn({ client, tally, flapping: fakes.flapping, healthyPort: ports.healthy, dir, reloadFile: RELOAD_FILE, reloadBackend: 'openai', adminUrl }, churnState);
    const traffic = runTraffic(client, tally, s.concurrency, running);
    const sampler = (async () => {
      if (samples === undefined) return;
      while (running()) {
        await sleep(Math.min(s.sampleEveryMs, Math.max(0, until - Date.now())));
        // A gateway gone mid-run is reported as such; a reading it can no longer give is skipped.
        const sample = running() ? await scrape(target, startedAt).catch(() => undefined) : undefined;
        if (sample !== undefined) samples.push(sample);
      }
    })();
    while (running()) await sleep(200);
    await Promise.all([traffic, sampler, lastChurn.stop()]);
  };
  /** The gateway at rest: no requests, the client's connections closed, garbage collected. */
  const idle = async (): Promise<Sample> => {
    await client.reset();
    await sleep(SETTLE_MS);
    await gw.collectGarbage();
    return scrape(target, startedAt);
  };

  try {
    const warmup = new Tally();
    process.stdout.write('warming up\n');
    await phase(s.warmupMs, warmup);
    const early = gw.exited();
    if (early !== undefined) return crashedInWarmup(early, gw.tail());
    const start = await idle();
    process.stdout.write(`start: RSS ${mib(start.rssBytes)}, heap ${mib(start.heapUsedBytes)}, ${start.handles} handles, ${start.sockets} sockets\n`);

    const tally = new Tally();
    const samples: Sample[] = [];
    const measuredFrom = Date.now();
    await phase(s.durationMs - s.warmupMs, tally, samples);
    const measuredS = (Date.now() - measuredFrom) / 1000;
    const exited = gw.exited();
    const end = exited === undefined ? await idle() : start;

    const total = tally.total();
    const body: Omit<SoakResult, 'verdict' | 'reasons'> = {
      settings: { durationS: s.durationMs / 1000, warmupS: s.warmupMs / 1000, concurrency: s.concurrency, node: process.version },
      figures: figures(start, end, s.concurrency),
      gateway: {
        start,
        end,
        samples,
        requestsByStatus: delta(start.requestsByStatus, end.requestsByStatus),
        attempts: delta(start.attempts, end.attempts),
        reloads: delta(start.reloads, end.reloads),
        logs: gw.logs,
        exited,
      },
      client: { requests: total.requests, perSecond: total.requests / measuredS, unexpected: total.unexpected, warmupUnexpected: warmup.total().unexpected, kinds: tally.toJSON(), examples: [...warmup.examples, ...tally.examples].slice(0, 20) },
      churn: lastChurn?.counts() ?? { outages: 0, reloads: 0, applies: 0 },
    };
    const why = reasons(body, [...KINDS.map((k) => k.name), 'file reload', 'admin apply+delete']);
    const result: SoakResult = { verdict: why.length === 0 ? 'pass' : 'fail', reasons: why, ...body };
    if (exited !== undefined) process.stdout.write(`the gateway ${exited}:\n${gw.tail()}\n`);
    writeResult(result);
    process.stdout.write(`\n${render(result)}\n\nwritten to soak/results/latest.json\n`);
    return result.verdict === 'pass' ? 0 : 1;
  } finally {
    clearInterval(forget);
    await client.close();
    await gw.stop();
    for (const f of Object.values(fakes)) await f.close();
  }
}

/** Nothing to compare without a start reading: the crash is the whole result. */
function crashedInWarmup(exited: string, tail: string): number {
  const reasons = [`the gateway ${exited} during the warm-up`];
  writeResult({ verdict: 'fail', reasons, tail });
  process.stdout.write(`verdict: FAIL\n  - ${reasons[0] ?? ''}\n${tail}\n`);
  return 1;
}

function writeResult(result: object): void {
  const out = join(ROOT, 'soak/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

// Whatever ends the soak, nothing it started outlives it (the gateway, temp dirs).
process.on('exit', cleanupSync);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(err instanceof UsageError ? `${err.message}\n${USAGE}\n` : `soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
