/** What changes under the traffic: a flapping provider, a route file rewritten, resources applied and deleted. */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FakeLlm } from '../test/support/fake-llm.js';
import { chatBody, expectCompletion, expectError, ok, unexpected, type Client, type Outcome } from './client.js';
import { appliedPair, RELOAD_HEADER, reloadRoute } from './manifests.js';
import type { Tally } from './tally.js';

/**
 * Failures the primary of the failover Backend shows, every one before any content, for a JSON
 * answer as for a stream: the gateway must hide each of them by asking the backup.
 */
const INVISIBLE_FAULTS: readonly Fault[] = [
  { kind: 'status', status: 500, body: '{"error":{"message":"internal","type":"server_error"}}' },
  { kind: 'error', error: 'rate_limit' },
  { kind: 'error', error: 'overloaded' },
  { kind: 'reset' },
  { kind: 'cut', events: 1 },
  { kind: 'malformed', events: 1 },
];

const FLAP_TICK_MS = 250;
/** 10 s: longer than the first time out a provider gets (5 s). */
const BURST_TICKS = 40;

/** A loop run every `everyMs` until stopped; a stop cuts its wait short. */
class Loop {
  private readonly stopper = new AbortController();
  private readonly done: Promise<void>;

  constructor(everyMs: number, step: () => Promise<void>) {
    this.done = (async () => {
      while (!this.stopper.signal.aborted) {
        await step();
        await sleep(everyMs, undefined, { signal: this.stopper.signal }).catch(() => undefined);
      }
    })();
  }

  /** Waits for the step under way to finish. */
  stop(): Promise<void> {
    this.stopper.abort();
    return this.done;
  }
}

export interface ChurnOptions {
  client: Client;
  tally: Tally;
  /** The failover Backend's primary. */
  flapping: FakeLlm;
  /** The healthy provider the applied Backends lead to. */
  healthyPort: number;
  /** The manifest directory the gateway watches, and the reload route's file name and Backend. */
  dir: string;
  reloadFile: string;
  reloadBackend: string;
  adminUrl: string;
}

export interface Churn {
  counts: () => { outages: number; reloads: number; applies: number };
  stop: () => Promise<void>;
}

/** How long a rewritten file or an apply may take to be in force before it counts as not applied. */
const APPLY_WITHIN_MS = 10_000;

export function startChurn(o: ChurnOptions, state: { version: number; slot: number }): Churn {
  let outages = 0;
  let reloads = 0;
  let applies = 0;

  // Each tick, if its last faults are used up, the primary answers one request, then fails two:
  // never the three failures in a row that take it out, so those requests fail over one by
  // one. Every BURST_TICKS it fails four in a row instead: it is taken out for a while (while
  // out, the queue waits), and its first answer on return brings it back.
  let tick = 0;
  const flapper = new Loop(FLAP_TICK_MS, () => {
    const fault = INVISIBLE_FAULTS[tick % INVISIBLE_FAULTS.length] as Fault;
    if (tick % BURST_TICKS === BURST_TICKS - 1) {
      o.flapping.faults.push(fault, fault, fault, fault);
      outages++;
    } else if (o.flapping.faults.length === 0) o.flapping.faults.push(null, fault, fault);
    tick++;
    return Promise.resolve();
  });

  const reloader = new Loop(3_000, () =>
    o.tally.run('file reload', async () => {
      const version = ++state.version;
      // Written beside, then renamed over: the gateway never reads a half-written file.
      const tmp = join(o.dir, `.${o.reloadFile}.tmp`);
      writeFileSync(tmp, reloadRoute(version, o.reloadBackend));
      renameSync(tmp, join(o.dir, o.reloadFile));
      reloads++;
      return untilInForce(`version ${version}`, async () => {
        const a = await o.client.post('/reload/v1/chat/completions', chatBody());
        const seen = a.headers[RELOAD_HEADER];
        return seen === String(version) ? expectCompletion(a) : unexpected(`version ${String(seen)}`, `the route still answers with ${RELOAD_HEADER}: ${String(seen)}`);
      });
    }),
  );

  const applier = new Loop(4_000, () =>
    o.tally.run('admin apply+delete', async () => {
      // A few names in turn, not a new one each time: the gateway's metrics keep a series per route, by design.
      const slot = state.slot++ % 4;
      const yaml = appliedPair(slot, o.healthyPort);
      const path = `/applied-${slot}/v1/chat/completions`;
      applies++;
      const applied = await admin(o, '/apply', yaml);
      if (!applied.ok) return applied;
      const served = expectCompletion(await o.client.post(path, chatBody()));
      if (!served.ok) return { ...served, detail: `after apply: ${served.detail}` };
      const deleted = await admin(o, '/delete', yaml);
      if (!deleted.ok) return deleted;
      const gone = expectError(await o.client.post(path, chatBody()), [404], 'route_not_found');
      return gone.ok ? ok('applied, served, deleted, gone') : { ...gone, detail: `after delete: ${gone.detail}` };
    }),
  );

  return {
    counts: () => ({ outages, reloads, applies }),
    stop: async () => {
      await Promise.all([flapper.stop(), reloader.stop(), applier.stop()]);
      o.flapping.faults = [];
    },
  };
}

async function admin(o: ChurnOptions, path: string, yaml: string): Promise<Outcome> {
  const a = await o.client.send('POST', `${o.adminUrl}${path}`, yaml, { 'content-type': 'application/yaml' });
  return a.status === 200 ? ok('200') : unexpected(`${path} ${a.status}`, a.text.slice(0, 300));
}

/** Polls `check` until it passes; its last outcome if it never does within APPLY_WITHIN_MS. */
async function untilInForce(what: string, check: () => Promise<Outcome>): Promise<Outcome> {
  const deadline = Date.now() + APPLY_WITHIN_MS;
  let last = await check();
  while (!last.ok && Date.now() < deadline) {
    await sleep(100);
    last = await check();
  }
  return last.ok ? ok('in force') : { ...last, detail: `${what} not in force after ${APPLY_WITHIN_MS / 1000} s`, why: `${last.detail}: ${last.why ?? ''}` };
}
