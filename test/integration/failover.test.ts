import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeLlm, TEXT, type Fault, type FakeLlm } from '../support/fake-llm.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route } from '../support/manifests.js';

// Failover between the providers of one AI Backend, against fake providers that fail on demand:
// for each failure, what the client gets (status, body or how its stream ends) and which
// providers saw the request.

const NS = 'kgateway-system';
let offset = 0;
/** The gateway's clock, moved on by `later` (ejections end by it); the timers are real. */
const clock = { now: () => Date.now() + offset, monotonic: () => performance.now() + offset };
const later = (ms: number): void => void (offset += ms);

const fakes: Record<string, FakeLlm> = {};
let gw: RunningGateway;

/** A v2.1 priorityGroups provider entry on a fake. */
function entry(name: string, provider: 'openai' | 'anthropic', fake: string, model: string): string {
  return `{name: ${name}, host: 127.0.0.1, port: ${fakes[fake]?.port}, ${provider}: {authToken: {kind: Inline, inline: key-${name}}, model: ${model}}}`;
}

function groups(name: string, levels: string[][]): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: ${NS}}
spec:
  type: AI
  ai:
    priorityGroups:
${levels.map((level) => `    - providers: [${level.join(', ')}]`).join('\n')}
---
${route(name, `/${name}`, name)}`;
}

before(async () => {
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'p', 'q', 'g', 'h', 'many', 'slow', 't']) {
    const fake = await startFakeLlm();
    // Each answer closes its connection: a reset is then a provider's failure, never the race
    // with an idle close that a reused connection is sent again for.
    fake.keepAlive = false;
    fakes[name] = fake;
  }
  const many = Array.from({ length: 6 }, (_, i) => entry(`m${i}`, 'openai', 'many', `model-${i}`));
  gw = await startGateway({
    clock,
    proxy: { firstByteTimeoutMs: 300, streamIdleTimeoutMs: 400 },
    connectTo: [{ host: 'tls.example', port: 443, targetHost: '127.0.0.1', targetPort: fakes.b?.port ?? 0 }],
    files: {
      'gateway.yaml': GATEWAY,
      'chain.yaml': groups('chain', [[entry('primary', 'openai', 'a', 'gpt-a')], [entry('backup', 'openai', 'b', 'gpt-b')]]),
      // Another Backend, on another route, naming the same primary (host, port, model, key).
      'twin.yaml': groups('twin', [[entry('primary', 'openai', 'a', 'gpt-a')], [entry('other-backup', 'openai', 'b', 'gpt-b2')]]),
      'mixed.yaml': groups('mixed', [[entry('claude', 'anthropic', 'c', 'claude-c')], [entry('gpt', 'openai', 'd', 'gpt-d')]]),
      'spread.yaml': groups('spread', [[entry('e', 'openai', 'e', 'gpt-e'), entry('f', 'openai', 'f', 'gpt-f')]]),
      'back.yaml': groups('back', [[entry('p', 'openai', 'p', 'gpt-p')], [entry('q', 'openai', 'q', 'gpt-q')]]),
      'doomed.yaml': groups('doomed', [[entry('g', 'openai', 'g', 'gpt-g')], [entry('h', 'openai', 'h', 'gpt-h')]]),
      'many.yaml': groups('many', [many.slice(0, 3), many.slice(3)]),
      'unreachable.yaml': groups('unreachable', [
        [`{name: closed, host: 127.0.0.1, port: 1, openai: {authToken: {kind: Inline, inline: k}, model: gpt-x}}`],
        ['{name: not-tls, host: tls.example, port: 443, openai: {authToken: {kind: Inline, inline: k}, model: gpt-y}}'],
        [entry('working', 'openai', 't', 'gpt-t')],
      ]),
      // The request's time limit covers every attempt: a provider that takes all of it leaves none for the next.
      'deadline.yaml': groups('deadline', [[entry('sluggish', 'openai', 'slow', 'gpt-s')], [entry('spare', 'openai', 't', 'gpt-t')]]).replace(
        'backendRefs:',
        'timeouts: {request: 500ms}\n    backendRefs:',
      ),
    },
  });
});
after(async () => {
  await gw.stop();
  for (const fake of Object.values(fakes)) await fake.close();
});

function reset(): void {
  // Every ejection is over: each case starts with every provider in.
  later(3_600_000);
  for (const fake of Object.values(fakes)) {
    fake.received.length = 0;
    fake.faults = [];
    fake.down = undefined;
  }
}

const seen = (...names: string[]): number[] => names.map((n) => fakes[n]?.received.length ?? -1);
const MESSAGES = [{ role: 'user', content: 'Explain recursion' }];

interface Answer {
  error?: { message: string; code: string | null; type: string | null };
  choices?: { message: { content: string } }[];
}

async function chat(path: string, stream: boolean): Promise<{ status: number; type: string; json: Answer; events: string[]; headers: Headers }> {
  const res = await fetch(`${gw.url}/${path}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream, messages: MESSAGES }) });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const events = type.startsWith('text/event-stream') ? text.split('\n\n').filter((e) => e !== '') : [];
  return { status: res.status, type, json: type.includes('json') ? (JSON.parse(text) as Answer) : {}, events, headers: res.headers };
}

/** The text a stream's chunks carry. */
function streamedText(events: string[]): string {
  return events
    .filter((e) => e.startsWith('data: {') && e.endsWith('}') && !e.includes('"error"'))
    .map((e) => (JSON.parse(e.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
    .join('');
}

function lastError(events: string[]): { message: string; code: string | null } | undefined {
  const last = events.at(-1) ?? '';
  return last.startsWith('data: {"error"') ? (JSON.parse(last.slice(6)) as { error: { message: string; code: string | null } }).error : undefined;
}

const CONTEXT_LENGTH = JSON.stringify({ error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } });
const CONTENT_FILTER = JSON.stringify({ error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", type: null, param: 'prompt', code: 'content_filter', status: 400 } });

describe('what fails over to the next provider, invisibly', () => {
  const cases: { what: string; fault: Fault; stream: boolean[] }[] = [
    { what: '429 without retry-after', fault: { kind: 'error', error: 'rate_limit' }, stream: [false, true] },
    { what: '500', fault: { kind: 'status', status: 500, body: '{"error":{"message":"internal","type":"server_error"}}' }, stream: [false, true] },
    { what: '503 overloaded', fault: { kind: 'error', error: 'overloaded' }, stream: [false, true] },
    { what: 'the connection dropped before any answer', fault: { kind: 'reset' }, stream: [false, true] },
    { what: 'no response headers within the first-byte timeout', fault: { kind: 'silent' }, stream: [true] },
    { what: 'a first byte slower than the first-byte timeout', fault: { kind: 'slow', ms: 1500 }, stream: [true] },
    { what: 'a stream cut before its first content', fault: { kind: 'cut', events: 1 }, stream: [true] },
    { what: 'a JSON answer cut halfway', fault: { kind: 'cut', events: 0 }, stream: [false] },
    { what: 'a malformed chunk before the first content', fault: { kind: 'malformed', events: 1 }, stream: [true] },
    { what: 'a JSON answer that is not JSON', fault: { kind: 'malformed', events: 0 }, stream: [false] },
    { what: 'an in-band error before the first content', fault: { kind: 'in-band', events: 1 }, stream: [true] },
    { what: 'a stream stalled before its first content', fault: { kind: 'stall', events: 1 }, stream: [true] },
  ];
  for (const { what, fault, stream } of cases) {
    for (const streamed of stream) {
      test(`${what}${streamed ? ' (streamed)' : ''}: the backup answers`, async () => {
        reset();
        (fakes.a as FakeLlm).faults = [fault];
        const r = await chat('chain', streamed);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        if (streamed) {
          assert.equal(streamedText(r.events), TEXT.text);
          assert.equal(r.events.at(-1), 'data: [DONE]');
        } else assert.equal(r.json.choices?.[0]?.message.content, TEXT.text);
        assert.deepEqual(seen('a', 'b'), [1, 1], 'the primary was tried once, then the backup');
        assert.equal(fakes.b?.received[0]?.json?.model, 'gpt-b', "the backup gets its own model");
        assert.equal(fakes.b?.received[0]?.headers.authorization, 'Bearer key-backup', 'and its own key');
      });
    }
  }
});

describe('after the first content, a failure ends the stream: an error event, no [DONE], no other provider', () => {
  const cases: { what: string; fault: Fault; code: string }[] = [
    { what: 'connection cut after some tokens', fault: { kind: 'cut', events: 3 }, code: 'upstream_unreachable' },
    { what: 'stream stalled past the idle timeout', fault: { kind: 'stall', events: 3 }, code: 'upstream_timeout' },
    { what: 'a malformed chunk', fault: { kind: 'malformed', events: 3 }, code: 'upstream_invalid_response' },
  ];
  for (const { what, fault, code } of cases) {
    test(what, async () => {
      reset();
      (fakes.a as FakeLlm).faults = [fault];
      const r = await chat('chain', true);
      assert.equal(r.status, 200);
      assert.ok(streamedText(r.events).length > 0, 'the tokens before the failure reached the client');
      assert.notEqual(streamedText(r.events), TEXT.text);
      assert.equal(lastError(r.events)?.code, code, r.events.join('\n'));
      assert.ok(!r.events.includes('data: [DONE]'));
      assert.deepEqual(seen('a', 'b'), [1, 0]);
    });
  }

  test("the provider's own error event", async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'in-band', events: 3 }];
    const r = await chat('chain', true);
    assert.match(lastError(r.events)?.message ?? '', /server had an error/);
    assert.ok(!r.events.includes('data: [DONE]'));
    assert.deepEqual(seen('a', 'b'), [1, 0]);
  });

  test('a stream that finished its answer but closed without [DONE] is completed normally', async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'unfinished' }];
    const r = await chat('chain', true);
    assert.equal(streamedText(r.events), TEXT.text);
    assert.equal(r.events.at(-1), 'data: [DONE]');
    assert.deepEqual(seen('a', 'b'), [1, 0]);
  });

  test('through the official openai SDK, the cut stream raises after the tokens that came', async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'cut', events: 3 }];
    const client = new OpenAI({ baseURL: `${gw.url}/chain`, apiKey: 'unused', maxRetries: 0 });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] })) text += chunk.choices[0]?.delta.content ?? '';
    }, /dropped before the answer was complete/);
    assert.ok(text.length > 0 && text !== TEXT.text);
  });
});

describe("what does not fail over: the client's own errors", () => {
  for (const [what, body] of [
    ['context length exceeded', CONTEXT_LENGTH],
    ['content filter', CONTENT_FILTER],
  ] as const) {
    for (const streamed of [false, true]) {
      test(`${what}${streamed ? ' (streamed)' : ''}: the 400 as the provider sent it`, async () => {
        reset();
        (fakes.a as FakeLlm).faults = [{ kind: 'status', status: 400, body }];
        const r = await chat('chain', streamed);
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, JSON.parse(body));
        assert.deepEqual(seen('a', 'b'), [1, 0]);
      });
    }
  }
});

describe('retry-after, ejection and failback', () => {
  test('a 429 with retry-after keeps the provider out for that long, then it is tried again', async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'error', error: 'rate_limit', headers: { 'retry-after': '20' } }];
    assert.equal((await chat('chain', false)).status, 200);
    assert.equal((await chat('chain', false)).status, 200);
    assert.deepEqual(seen('a', 'b'), [1, 2], 'the second request went straight to the backup');
    later(19_000);
    await chat('chain', false);
    assert.deepEqual(seen('a', 'b'), [1, 3]);
    later(1_000);
    await chat('chain', false);
    assert.deepEqual(seen('a', 'b'), [2, 3], 'back after 20 s');
  });

  test('an HTTP-date retry-after counts too, capped at 5 minutes', async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'error', error: 'overloaded', headers: { 'retry-after': new Date(clock.now() + 3_600_000).toUTCString() } }];
    await chat('chain', false);
    later(299_000);
    await chat('chain', false);
    assert.deepEqual(seen('a', 'b'), [1, 2]);
    later(2_000);
    await chat('chain', false);
    assert.deepEqual(seen('a', 'b'), [2, 2]);
  });

  test('three failures in a row eject a provider for 5 s, doubling while it keeps failing; traffic returns once it recovers', async () => {
    reset();
    const p = fakes.p as FakeLlm;
    p.down = { kind: 'error', error: 'overloaded' };
    for (let i = 0; i < 3; i++) assert.equal((await chat('back', false)).status, 200);
    assert.deepEqual(seen('p', 'q'), [3, 3]);
    await chat('back', false);
    assert.deepEqual(seen('p', 'q'), [3, 4], 'ejected: not tried');
    later(5_000);
    await chat('back', false);
    assert.deepEqual(seen('p', 'q'), [4, 5], 'tried again after 5 s, failed again');
    later(5_000);
    await chat('back', false);
    assert.deepEqual(seen('p', 'q'), [4, 6], 'now out for 10 s');
    p.down = undefined;
    later(5_000);
    await chat('back', false);
    assert.deepEqual(seen('p', 'q'), [5, 6], 'recovered: back first in line');
    await chat('back', false);
    assert.deepEqual(seen('p', 'q'), [6, 6]);
  });

  test('health is per provider, shared by every route and Backend that names it', async () => {
    reset();
    (fakes.a as FakeLlm).down = { kind: 'reset' };
    for (let i = 0; i < 3; i++) await chat('chain', false);
    assert.deepEqual(seen('a', 'b'), [3, 3]);
    const r = await chat('twin', false);
    assert.equal(r.status, 200);
    assert.deepEqual(seen('a', 'b'), [3, 4], 'the twin route skips the primary the chain route took out');
    assert.equal(fakes.b?.received.at(-1)?.json?.model, 'gpt-b2');
    // Recovered: the probe after the ejection brings it back for both routes.
    (fakes.a as FakeLlm).down = undefined;
    later(5_000);
    assert.equal((await chat('twin', false)).status, 200);
    assert.deepEqual(seen('a', 'b'), [4, 4]);
  });

  test('a flapping primary is never ejected: each failure is followed by a success', async () => {
    reset();
    (fakes.a as FakeLlm).faults = [{ kind: 'error', error: 'overloaded' }, null, { kind: 'reset' }, null, { kind: 'status', status: 502, body: 'bad gateway' }, null];
    for (let i = 0; i < 6; i++) assert.equal((await chat('chain', i % 2 === 1)).status, 200);
    assert.deepEqual(seen('a', 'b'), [6, 3]);
  });

  test('when every provider fails: the last one\'s error, naming the attempts; once all are out, 503 with retry-after', async () => {
    reset();
    (fakes.g as FakeLlm).down = { kind: 'error', error: 'overloaded' };
    (fakes.h as FakeLlm).down = { kind: 'status', status: 500, body: '{"error":{"message":"boom","type":"server_error","param":null,"code":null}}' };
    const r = await chat('doomed', false);
    assert.equal(r.status, 500);
    assert.equal(r.json.error?.message, `after 2 attempts (${NS}/doomed/g: 503, ${NS}/doomed/h: 500): boom`);
    await chat('doomed', false);
    const third = await chat('doomed', true);
    assert.equal(third.status, 500);
    assert.equal(third.headers.get('retry-after'), '5', 'now every provider is out');
    const out = await chat('doomed', false);
    assert.equal(out.status, 503);
    assert.equal(out.json.error?.code, 'providers_unavailable');
    assert.equal(out.headers.get('retry-after'), '5');
    assert.deepEqual(seen('g', 'h'), [3, 3]);
  });
});

describe('spreading and bounds', () => {
  test('providers of one level take turns; an ejected one gets nothing', async () => {
    reset();
    for (let i = 0; i < 4; i++) await chat('spread', false);
    assert.deepEqual(seen('e', 'f'), [2, 2]);
    (fakes.e as FakeLlm).down = { kind: 'reset' };
    for (let i = 0; i < 8; i++) assert.equal((await chat('spread', i % 2 === 0)).status, 200);
    assert.deepEqual(seen('e', 'f'), [5, 10], 'e failed over to f three times, then was left out');
  });

  test('at most one attempt per provider, and at most --failover-max-attempts (5) per request', async () => {
    reset();
    (fakes.many as FakeLlm).down = { kind: 'error', error: 'overloaded' };
    const r = await chat('many', false);
    assert.equal(r.status, 503);
    assert.equal(fakes.many?.received.length, 5);
    assert.deepEqual(new Set(fakes.many?.received.map((q) => q.json?.model)).size, 5);
    assert.match(r.json.error?.message ?? '', /^after 5 attempts/);
  });

  test('connect and TLS failures fail over', async () => {
    reset();
    const r = await chat('unreachable', false);
    assert.equal(r.status, 200);
    assert.equal(fakes.t?.received.length, 1);
    const line = gw.logs.filter((l) => l.includes('"msg":"request"') && l.includes('/unreachable/')).at(-1) ?? '';
    const attempts = (JSON.parse(line) as { attempts: { provider: string; reason?: string }[] }).attempts;
    assert.deepEqual(
      attempts.map((a) => [a.provider, a.reason]),
      [
        [`${NS}/unreachable/closed`, 'connect'],
        [`${NS}/unreachable/not-tls`, 'connect'],
        [`${NS}/unreachable/working`, undefined],
      ],
    );
  });

  test("one time limit for all attempts: a provider that uses it up leaves the request a 504, the next never tried", async () => {
    reset();
    (fakes.slow as FakeLlm).faults = [{ kind: 'silent' }];
    const r = await chat('deadline', false);
    assert.equal(r.status, 504);
    assert.equal(r.json.error?.code, 'upstream_timeout');
    assert.deepEqual(seen('slow', 't'), [1, 0]);
  });
});

describe('OpenAI and Anthropic providers in one Backend', () => {
  test('an OpenAI client: Anthropic overloaded (529), the OpenAI-compatible provider answers, translated both ways as needed', async () => {
    reset();
    (fakes.c as FakeLlm).faults = [{ kind: 'status', status: 529, body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }];
    const client = new OpenAI({ baseURL: `${gw.url}/mixed`, apiKey: 'unused', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0]?.message.content, TEXT.text);
    assert.deepEqual(seen('c', 'd'), [1, 1]);
    assert.match(fakes.c?.received[0]?.path ?? '', /\/v1\/messages$/);
    assert.equal(fakes.d?.received[0]?.json?.model, 'gpt-d');
  });

  test("an OpenAI client, streamed: Anthropic's in-band overloaded error before any content fails over", async () => {
    reset();
    (fakes.c as FakeLlm).faults = [{ kind: 'in-band', events: 1 }];
    const client = new OpenAI({ baseURL: `${gw.url}/mixed`, apiKey: 'unused', maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] })) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, TEXT.text);
    assert.deepEqual(seen('c', 'd'), [1, 1]);
  });

  test('an Anthropic client: the Anthropic provider down, the OpenAI-compatible one answers in the Messages shape', async () => {
    reset();
    (fakes.c as FakeLlm).faults = [{ kind: 'reset' }];
    const client = new Anthropic({ baseURL: `${gw.url}/mixed`, apiKey: 'unused', maxRetries: 0 });
    const message = await client.messages.create({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', TEXT.text);
    assert.deepEqual(seen('c', 'd'), [1, 1]);
  });

  test('usage is counted for the attempt that answered only, and for what a cut stream reported', async () => {
    reset();
    // The Anthropic provider has failed in every test before: one success brings it back in full.
    await chat('mixed', false);
    (fakes.c as FakeLlm).faults = [{ kind: 'error', error: 'overloaded' }];
    await chat('mixed', false);
    const usageOf = (): { promptTokens: number } | undefined => (JSON.parse(gw.logs.filter((l) => l.includes('/mixed/')).at(-1) ?? '{}') as { usage?: { promptTokens: number } }).usage;
    assert.equal(usageOf()?.promptTokens, TEXT.promptTokens);
    (fakes.c as FakeLlm).faults = [{ kind: 'cut', events: 5 }];
    const cut = await chat('mixed', true);
    assert.ok(lastError(cut.events) !== undefined, `${cut.status} ${JSON.stringify(cut.json)} ${cut.events.join("\n")}`);
    assert.equal(usageOf()?.promptTokens, TEXT.promptTokens, "Anthropic's message_start reported the prompt tokens");
    const metrics = await (await fetch(`${gw.admin}/metrics`)).text();
    assert.match(metrics, new RegExp(`ai_gateway_provider_attempts_total\\{provider="${NS}/mixed/claude",outcome="status"\\} \\d+`));
    assert.match(metrics, new RegExp(`ai_gateway_provider_attempts_total\\{provider="${NS}/mixed/gpt",outcome="answered"\\} \\d+`));
  });
});
