import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { isPlainObject } from '../../src/core/json.js';
import type { TranslateContext, UsageCount } from '../../src/translators/translator.js';
import type { ChatTranslatorSubject, ProviderEvent, Scenario } from './chat-suite.js';

// A provider that answers with something broken (a proxy that mangles bodies, a server that
// half implements the API) must never break the gateway: a JSON answer may fail only with a
// GatewayError, and a stream only with the client's error event, never with an exception. These
// tests break the stand-in's own answers in every way one field can be broken, and cut its
// streams short anywhere.

/**
 * What each field is replaced with, in turn: one of each JSON type, chosen to trip careless
 * reads (a prototype key, a count as text, a negative and a fractional count, an object that
 * cannot be made a string).
 */
export const HOSTILE_VALUES: readonly unknown[] = [null, 'constructor', '12', -1, 2.5, [], [null, 'x'], {}, { toString: 1, valueOf: 1 }];

type Path = (string | number)[];

/** Every path into a JSON value: the value itself, and each member and element, all the way down. */
export function jsonPaths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v: unknown, i) => out.push(...jsonPaths(v, [...at, i])));
  else if (isPlainObject(value)) for (const [key, v] of Object.entries(value)) out.push(...jsonPaths(v, [...at, key]));
  return out;
}

/** A copy of a JSON value with what is at the path replaced. */
export function replacedAt(value: unknown, path: Path, by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = structuredClone(value);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  (node as Record<string | number, unknown>)[path.at(-1) ?? ''] = by;
  return copy;
}

/** Every way to break one field of one event. */
function* mangledStreams(events: ProviderEvent[]): Generator<{ what: string; events: ProviderEvent[] }> {
  for (const [i, event] of events.entries()) {
    for (const path of jsonPaths(event.payload)) {
      for (const value of HOSTILE_VALUES) {
        const mangled = events.map((e, j) => (j === i ? { name: e.name, payload: replacedAt(e.payload, path, value) } : e));
        yield { what: `event ${i} (${event.name ?? 'data'}) at ${JSON.stringify(path)} = ${JSON.stringify(value)}`, events: mangled };
      }
    }
  }
}

/** A small seeded generator (mulberry32), so that the cut points are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function assertCounts(usage: UsageCount | undefined, what: string): void {
  for (const [field, value] of Object.entries(usage ?? {})) assert.ok(typeof value === 'number' && Number.isFinite(value) && value >= 0, `${what}: usage ${field} is ${JSON.stringify(value)}`);
}

export function hostileInputTests(subject: ChatTranslatorSubject, scenarios: readonly Scenario[], baseCtx: TranslateContext): void {
  const { client, standIn } = subject;
  const chat = subject.translator.operations.chat;
  if (chat === undefined) return;
  const ctx: TranslateContext = { ...baseCtx, stream: true, includeUsage: true };

  /** Bytes through a stream translator: no exception, and either a finished stream or one ending with the client's error event. */
  const assertSafeStream = (bytes: Buffer[], what: string): void => {
    const stream = chat.stream?.(ctx);
    assert.ok(stream !== undefined);
    let sse = '';
    try {
      for (const piece of bytes) sse += stream.push(piece);
      sse += stream.end();
    } catch (err) {
      assert.fail(`${what}: ${describeError(err)} escaped the stream translator`);
    }
    let read: ReturnType<typeof client.readStream>;
    try {
      read = client.readStream(sse, ctx);
    } catch (err) {
      assert.fail(`${what}: the client cannot read the stream (${describeError(err)}):\n${sse}`);
    }
    if (client.endsWithError(sse)) assert.ok(stream.failed, `${what}: an error event, but the translator does not say it failed`);
    else {
      assert.ok(read.terminated && !stream.failed, `${what}: the stream neither finished nor failed:\n${sse}`);
      assert.equal(read.finishes.length, 1, `${what}: one finish reason`);
    }
    assertCounts(stream.usage, what);
  };

  for (const scenario of scenarios) {
    const title = `${scenario.kind}${scenario.cachedTokens === undefined ? '' : ' with cached tokens'}`;
    test(`${title}: a stream with any one field of any event broken ends well or with the client's error event, never an exception`, () => {
      const request = chat.request(client.request(scenario, { stream: true, includeUsage: true }), ctx);
      for (const { what, events } of mangledStreams(standIn.streamEvents(request, scenario))) assertSafeStream([standIn.frame(events)], what);
    });

    test(`${title}: a stream cut anywhere ends well or with the client's error event`, () => {
      const request = chat.request(client.request(scenario, { stream: true, includeUsage: true }), ctx);
      const bytes = standIn.stream(request, scenario);
      const random = seeded(bytes.length);
      for (let i = 0; i < 40; i++) {
        const cut = Math.floor(random() * bytes.length);
        const split = Math.floor(random() * cut);
        assertSafeStream([bytes.subarray(0, split), bytes.subarray(split, cut)], `cut at byte ${cut} of ${bytes.length}`);
      }
    });

    test(`${title}: a JSON answer with any one field broken is translated or refused with a GatewayError`, () => {
      const request = chat.request(client.request(scenario, { stream: false, includeUsage: false }), baseCtx);
      const answer = standIn.json(request, scenario);
      for (const path of jsonPaths(answer)) {
        for (const value of HOSTILE_VALUES) {
          const what = `answer at ${JSON.stringify(path)} = ${JSON.stringify(value)}`;
          let translated: ReturnType<typeof chat.response>;
          try {
            translated = chat.response(replacedAt(answer, path, value), baseCtx);
          } catch (err) {
            assert.ok(err instanceof GatewayError, `${what}: ${describeError(err)} is not a GatewayError`);
            continue;
          }
          try {
            client.readAnswer(translated.body, baseCtx);
          } catch (err) {
            assert.fail(`${what}: the client cannot read the answer (${describeError(err)}): ${JSON.stringify(translated.body)}`);
          }
          assertCounts(translated.usage, what);
        }
      }
    });
  }
}
