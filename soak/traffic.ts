/** The request mix, and the workers that keep a fixed number of its requests in flight. */
import { chatBody, expectBrokenStream, expectCompletion, expectError, expectStream, ok, unexpected, type Client, type Outcome } from './client.js';
import { RELOAD_HEADER } from './manifests.js';
import type { Tally } from './tally.js';

interface Kind {
  name: string;
  /** Relative share of the traffic. */
  weight: number;
  run: (c: Client) => Promise<Outcome>;
}

const CHAT = '/v1/chat/completions';
const post = (c: Client, prefix: string, body: string): ReturnType<Client['post']> => c.post(`${prefix}${CHAT}`, body);

/**
 * A single-provider Backend whose provider keeps failing ends up taking it out for a while
 * (ejection): then the gateway answers 503 `providers_unavailable` without asking it.
 */
const EJECTED = 'providers_unavailable';

/** A stream the client hangs up on once the first bytes came (the provider stalls after them, so the gateway is mid-stream). */
async function hangUpMidStream(c: Client, prefix: string): Promise<Outcome> {
  const r = await c.hangUp(`${prefix}${CHAT}`, chatBody({ stream: true }), { afterFirstChunk: true });
  if (r.status !== 200) return unexpected(String(r.status), r.received.slice(0, 300));
  return r.received.includes('data: {') ? ok('200, hung up mid-stream') : unexpected('200 without a first chunk', r.received.slice(0, 300));
}

export const KINDS: readonly Kind[] = [
  { name: 'chat', weight: 14, run: async (c) => expectCompletion(await post(c, '/openai', chatBody())) },
  { name: 'chat stream', weight: 14, run: async (c) => expectStream(await post(c, '/openai', chatBody({ stream: true }))) },
  { name: 'anthropic chat', weight: 7, run: async (c) => expectCompletion(await post(c, '/anthropic', chatBody())) },
  { name: 'anthropic stream', weight: 7, run: async (c) => expectStream(await post(c, '/anthropic', chatBody({ stream: true }))) },
  // The primary flaps; every failure it shows happens before any content, so the backup's answer must be whole.
  { name: 'failover chat', weight: 10, run: async (c) => expectCompletion(await post(c, '/failover', chatBody())) },
  { name: 'failover stream', weight: 10, run: async (c) => expectStream(await post(c, '/failover', chatBody({ stream: true }))) },
  { name: 'static backend', weight: 4, run: async (c) => expectCompletion(await post(c, '/static', chatBody())) },
  {
    name: 'reloaded route',
    weight: 4,
    run: async (c) => {
      const a = await post(c, '/reload', chatBody());
      const outcome = expectCompletion(a);
      return outcome.ok && a.headers[RELOAD_HEADER] === undefined ? unexpected('200 without the route header', JSON.stringify(a.headers)) : outcome;
    },
  },
  { name: 'hang up mid-stream', weight: 4, run: (c) => hangUpMidStream(c, '/stall') },
  { name: 'hang up mid-translated-stream', weight: 3, run: (c) => hangUpMidStream(c, '/stall-anthropic') },
  {
    name: 'hang up before the answer',
    weight: 3,
    run: async (c) => {
      const r = await c.hangUp(`/slow${CHAT}`, chatBody(), { ms: 150 });
      return r.status === undefined ? ok('hung up waiting') : unexpected(`${r.status} before the provider answered`, r.received.slice(0, 300));
    },
  },
  {
    name: 'stream cut by provider',
    weight: 3,
    run: async (c) => {
      const a = await post(c, '/cut', chatBody({ stream: true }));
      return a.status === 200 ? expectBrokenStream(a, 'upstream_unreachable') : expectError(a, [503], EJECTED);
    },
  },
  { name: 'provider 500', weight: 3, run: async (c) => expectError(await post(c, '/fail500', chatBody()), [500, 503]) },
  { name: 'provider 429', weight: 3, run: async (c) => expectError(await post(c, '/fail429', chatBody()), [429, 503]) },
  { name: 'bad JSON', weight: 3, run: async (c) => expectError(await post(c, '/openai', '{"model": "gpt-4o", "messages": ['), [400], 'invalid_json_body') },
  { name: 'no route', weight: 2, run: async (c) => expectError(await post(c, '/nowhere', chatBody()), [404], 'route_not_found') },
  // Translating to Anthropic needs a model, and that Backend names none: the gateway refuses before asking anyone.
  { name: 'no model', weight: 2, run: async (c) => expectError(await post(c, '/anthropic-no-model', chatBody({ model: null })), [400], 'unsupported_parameter') },
];

const TOTAL_WEIGHT = KINDS.reduce((sum, k) => sum + k.weight, 0);

function pick(): Kind {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const k of KINDS) {
    r -= k.weight;
    if (r < 0) return k;
  }
  return KINDS[0] as Kind;
}

/** `concurrency` workers, each sending one request after another until `running()` says stop. */
export async function runTraffic(client: Client, tally: Tally, concurrency: number, running: () => boolean): Promise<void> {
  const worker = async (): Promise<void> => {
    while (running()) {
      const kind = pick();
      await tally.run(kind.name, () => kind.run(client));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
