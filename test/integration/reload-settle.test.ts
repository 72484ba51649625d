import assert from 'node:assert/strict';
import { mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gateway } from '../../src/main.js';
import { createLoggers } from '../../src/observability/logger.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';

// Settle times are kept short so the whole file runs in a few seconds.
const SETTLE_MS = 400;

let fake: FakeProvider;

before(async () => {
  fake = await startFakeProvider();
});
after(async () => {
  await fake.close();
});

interface SettleGateway {
  url: string;
  dir: string;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * The gateway as in test/support/gateway-harness.ts, plus a settle time, and watching either the
 * whole directory or one file of it (`serve -f gw.yaml`).
 */
async function startGateway(files: Record<string, string>, opts: { settleMs: number; watchFile?: string }): Promise<SettleGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'aigw-settle-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const logs: string[] = [];
  const { logger, accessLog } = createLoggers({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const gateway = new Gateway({
    paths: [opts.watchFile === undefined ? dir : join(dir, opts.watchFile)],
    logger,
    accessLog,
    mapPort: () => 0,
    drainMs: 200,
    reloadSettleMs: opts.settleMs,
  });
  await gateway.start();
  return { url: `http://127.0.0.1:${gateway.boundPort(8080) ?? 'unbound'}`, dir, logs, stop: () => gateway.stop() };
}

/** One client request: its status, or the error code when the connection failed (ECONNREFUSED). */
async function ask(url: string): Promise<number | string> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"client","messages":[]}' });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
    return cause?.code ?? String(err);
  }
}

interface Clients {
  stop(): Promise<(number | string)[]>;
}

/** Client loops still running: a failed test stops them here, or they would keep the run alive. */
const running = new Set<Clients>();
afterEach(async () => {
  await Promise.all([...running].map((c) => c.stop()));
});

/** Two clients requesting in a loop until stopped; returns every outcome. */
function clients(url: string): Clients {
  let on = true;
  const outcomes: (number | string)[] = [];
  const worker = async (): Promise<void> => {
    while (on) outcomes.push(await ask(url));
  };
  const workers = [worker(), worker()];
  const handle: Clients = {
    stop: async () => {
      on = false;
      running.delete(handle);
      await Promise.all(workers);
      return outcomes;
    },
  };
  running.add(handle);
  return handle;
}

function assertAllOk(outcomes: (number | string)[]): void {
  assert.ok(outcomes.length >= 4, `clients ran (${outcomes.length} requests)`);
  const failed = outcomes.filter((o) => o !== 200);
  assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} requests failed`);
}

const sentModel = (): string | undefined => (JSON.parse(fake.received.at(-1)?.body ?? '{}') as { model?: string }).model;

/** A whole config in one file; the Gateway last, so a file cut short loses it first. */
const wholeConfig = (model: string): string =>
  [aiBackend('b', { port: fake.port, model }), route('r', '/openai', 'b'), GATEWAY].join('---\n');

test('an emptied file keeps serving until it has stayed empty for the settle time', async () => {
  const gw = await startGateway({ 'gw.yaml': wholeConfig('m') }, { settleMs: SETTLE_MS, watchFile: 'gw.yaml' });
  try {
    const load = clients(`${gw.url}/openai`);
    const truncated = Date.now();
    await writeFile(join(gw.dir, 'gw.yaml'), '');
    await sleep(SETTLE_MS);
    assertAllOk(await load.stop());
    assert.ok(gw.logs.some((l) => l.includes('gw.yaml') && l.includes('every resource') && l.includes('"level":"warn"')), 'a warning names the file and the loss');
    await eventually(async () => (await ask(`${gw.url}/openai`)) === 'ECONNREFUSED');
    assert.ok(Date.now() - truncated >= SETTLE_MS, 'the empty file applied only after the settle time');
  } finally {
    await gw.stop();
  }
});

test('a writer that truncates, then writes in two halves 300 ms apart, fails no request', async () => {
  const gw = await startGateway({ 'gw.yaml': wholeConfig('model-1') }, { settleMs: SETTLE_MS, watchFile: 'gw.yaml' });
  try {
    const next = wholeConfig('model-2');
    const firstHalf = next.slice(0, next.length / 2);
    assert.ok(!firstHalf.includes('kind: Gateway'), 'the first half holds no Gateway');
    const load = clients(`${gw.url}/openai`);
    await sleep(100);
    const file = await open(join(gw.dir, 'gw.yaml'), 'w');
    await file.write(firstHalf);
    await sleep(300);
    await file.write(next.slice(firstHalf.length));
    await file.close();
    await eventually(() => sentModel() === 'model-2', 1500);
    // Past the settle time of the half-written file too: nothing late may apply it.
    await sleep(SETTLE_MS);
    assertAllOk(await load.stop());
    assert.equal(await ask(`${gw.url}/openai`), 200);
    assert.equal(sentModel(), 'model-2');
  } finally {
    await gw.stop();
  }
});

test('a file cut after two documents keeps its routes until the settle time passes', async () => {
  const full = [GATEWAY, aiBackend('b', { port: fake.port }), route('r', '/openai', 'b')].join('---\n');
  const gw = await startGateway({ 'gw.yaml': full }, { settleMs: SETTLE_MS, watchFile: 'gw.yaml' });
  try {
    const load = clients(`${gw.url}/openai`);
    const cut = Date.now();
    await writeFile(join(gw.dir, 'gw.yaml'), full.split('---\n').slice(0, 2).join('---\n'));
    await sleep(SETTLE_MS);
    assertAllOk(await load.stop());
    assert.ok(gw.logs.some((l) => l.includes('gw.yaml') && l.includes('every HTTPRoute')));
    await eventually(async () => (await ask(`${gw.url}/openai`)) === 404);
    assert.ok(Date.now() - cut >= SETTLE_MS);
  } finally {
    await gw.stop();
  }
});

test('deleting a file of a -f directory removes its routes at once', async () => {
  const settleMs = 5000;
  const gw = await startGateway(
    {
      'gateway.yaml': GATEWAY,
      'backend.yaml': aiBackend('b', { port: fake.port }),
      'route-a.yaml': route('a', '/a', 'b'),
      'route-b.yaml': route('b', '/b', 'b'),
    },
    { settleMs },
  );
  try {
    assert.equal(await ask(`${gw.url}/b`), 200);
    const deleted = Date.now();
    await rm(join(gw.dir, 'route-b.yaml'));
    await eventually(async () => (await ask(`${gw.url}/b`)) === 404, 1000);
    assert.ok(Date.now() - deleted < settleMs / 2, 'well before the settle time');
    assert.equal(await ask(`${gw.url}/a`), 200);
  } finally {
    await gw.stop();
  }
});

test('an editor replacing the file by rename is an edit, not a delete', async () => {
  const gw = await startGateway({ 'gw.yaml': wholeConfig('model-1') }, { settleMs: 5000, watchFile: 'gw.yaml' });
  try {
    const load = clients(`${gw.url}/openai`);
    // Write a temporary file, then rename it over the config.
    const temp = join(gw.dir, '.gw.yaml.tmp');
    await writeFile(temp, wholeConfig('model-2'));
    await rename(temp, join(gw.dir, 'gw.yaml'));
    await eventually(() => sentModel() === 'model-2', 1000);
    // Move the file away, then write the new one: briefly missing, well within the debounce.
    await rename(join(gw.dir, 'gw.yaml'), join(gw.dir, 'gw.yaml~'));
    await writeFile(join(gw.dir, 'gw.yaml'), wholeConfig('model-3'));
    await eventually(() => sentModel() === 'model-3', 1000);
    assertAllOk(await load.stop());
    assert.ok(!gw.logs.some((l) => l.includes('was deleted')), 'never seen as a delete');
  } finally {
    await gw.stop();
  }
});
