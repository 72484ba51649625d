import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { openAiStandIn } from '../fixtures/openai/stand-in.js';
import type { ProviderErrorKind, ProviderEvent, ProviderStandIn, Scenario } from '../translators/chat-suite.js';

// Every provider's API at once, over HTTP or HTTPS, for the gateway's end-to-end tests: one
// server answers whichever provider a request is for (by its path, as each provider's API is
// shaped), with that provider's real JSON, stream bytes and errors (the stand-ins the translator
// suite uses), and records exactly what it received.

export interface LlmRequest {
  method: string;
  /** The Host header. */
  host: string;
  /** SNI the client sent (HTTPS only). */
  servername: string | undefined;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> | undefined;
}

export type FakeAnswer = { scenario: Scenario } | { error: ProviderErrorKind; headers?: Record<string, string> };

/**
 * A failure a provider shows on demand. Streams are the provider's real stream for the request,
 * broken after `events` of its events (the first is the opening one, without content).
 */
export type Fault =
  /** The provider's own error answer of that kind (429, 503, 400, 401), with extra headers. */
  | { kind: 'error'; error: ProviderErrorKind; headers?: Record<string, string> }
  /** Any status and body. */
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  /** The connection is dropped before any answer. */
  | { kind: 'reset' }
  /** No response headers, ever. */
  | { kind: 'silent' }
  /** The normal answer, after a while. */
  | { kind: 'slow'; ms: number }
  /** A stream whose connection drops after `events` events. */
  | { kind: 'cut'; events: number }
  /** A stream that stops sending after `events` events, connection open. */
  | { kind: 'stall'; events: number }
  /** A stream with an event that is not JSON after `events` events. */
  | { kind: 'malformed'; events: number }
  /** A stream carrying the provider's own error event after `events` events. */
  | { kind: 'in-band'; events: number }
  /** The whole stream but its last marker (`[DONE]`, `message_stop`), then the connection closes. */
  | { kind: 'unfinished' };

export interface FakeLlm {
  port: number;
  received: LlmRequest[];
  /** What every request is answered with until changed. */
  answer: FakeAnswer;
  /** Faults for the next requests, one each, in order (`null`: answer normally); then `down`, if set. */
  faults: (Fault | null)[];
  /** A fault for every request while set (after `faults` run out). */
  down: Fault | undefined;
  /**
   * Whether answers keep the connection open (true by default). Off, each answer says
   * `connection: close`, so a `reset` always hits a new connection (one the gateway reused
   * would be sent again first: the provider may have closed it idle).
   */
  keepAlive: boolean;
  close(): Promise<void>;
}

export const TEXT: Extract<Scenario, { kind: 'text' }> = { kind: 'text', text: 'Recursion is a function that calls itself.', promptTokens: 12, completionTokens: 8 };
export const TOOL_CALLS: Extract<Scenario, { kind: 'tool_calls' }> = { kind: 'tool_calls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }], promptTokens: 30, completionTokens: 9 };

type Provider = 'openai' | 'anthropic' | 'gemini' | 'vertex' | 'bedrock';

const STAND_INS: Record<Provider, ProviderStandIn> = {
  openai: openAiStandIn,
  anthropic: anthropicStandIn,
  gemini: geminiStandIn('gemini'),
  vertex: geminiStandIn('vertex'),
  bedrock: bedrockStandIn,
};

/** Which provider's API a request is for, and what in it. */
function route(req: LlmRequest): { provider: Provider; kind: 'chat' | 'stream' | 'embeddings' | 'models' | 'count' } | undefined {
  const p = req.path.split('?')[0] ?? '';
  const google: Provider = req.host.includes('aiplatform') ? 'vertex' : 'gemini';
  if (p.endsWith('/chat/completions')) return { provider: 'openai', kind: req.json?.stream === true ? 'stream' : 'chat' };
  if (p.endsWith('/embeddings')) return { provider: 'openai', kind: 'embeddings' };
  if (p.endsWith('/v1/messages')) return { provider: 'anthropic', kind: req.json?.stream === true ? 'stream' : 'chat' };
  if (p.endsWith('/v1/messages/count_tokens')) return { provider: 'anthropic', kind: 'count' };
  if (p.endsWith(':generateContent')) return { provider: google, kind: 'chat' };
  if (p.endsWith(':streamGenerateContent')) return { provider: google, kind: 'stream' };
  if (p.endsWith(':batchEmbedContents') || p.endsWith(':predict')) return { provider: google, kind: 'embeddings' };
  if (p.endsWith('/converse')) return { provider: 'bedrock', kind: 'chat' };
  if (p.endsWith('/converse-stream')) return { provider: 'bedrock', kind: 'stream' };
  if (p.endsWith('/invoke')) return { provider: 'bedrock', kind: 'embeddings' };
  if (p.endsWith('/models')) return { provider: req.headers['anthropic-version'] !== undefined ? 'anthropic' : req.headers['x-goog-api-key'] !== undefined ? 'gemini' : 'openai', kind: 'models' };
  return undefined;
}

const STREAM_TYPES: Record<Provider, string> = {
  openai: 'text/event-stream',
  anthropic: 'text/event-stream',
  gemini: 'text/event-stream',
  vertex: 'text/event-stream',
  bedrock: 'application/vnd.amazon.eventstream',
};

function embeddings(provider: Provider, req: LlmRequest): unknown {
  const inputs = (input: unknown): unknown[] => (Array.isArray(input) ? input : [input]);
  if (provider === 'openai') return { object: 'list', data: inputs(req.json?.input).map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })), model: req.json?.model, usage: { prompt_tokens: 4, total_tokens: 4 } };
  if (provider === 'bedrock') return { embedding: [0.1, 0.2, 0.3], inputTextTokenCount: 4 };
  if (req.path.includes(':predict')) return { predictions: inputs(req.json?.instances).map(() => ({ embeddings: { values: [0.1, 0.2, 0.3], statistics: { token_count: 4, truncated: false } } })) };
  return { embeddings: inputs(req.json?.requests).map(() => ({ values: [0.1, 0.2, 0.3] })) };
}

function models(provider: Provider): unknown {
  if (provider === 'anthropic') return { data: [{ type: 'model', id: 'claude-sonnet-4-20250514', display_name: 'Claude Sonnet 4', created_at: '2025-05-22T00:00:00Z' }], has_more: false, first_id: 'claude-sonnet-4-20250514', last_id: 'claude-sonnet-4-20250514' };
  if (provider === 'gemini') return { models: [{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', supportedGenerationMethods: ['generateContent'] }] };
  return { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' }] };
}

function answer(fake: FakeLlm, req: LlmRequest, res: ServerResponse): void {
  const r = route(req);
  if (r === undefined) return send(res, 404, 'application/json', JSON.stringify({ error: { message: `fake provider: no API at ${req.method} ${req.path}` } }));
  const standIn = STAND_INS[r.provider];
  const fault = fake.faults.length > 0 ? fake.faults.shift() : fake.down;
  if (fault !== undefined && fault !== null) return injectFault(fault, { ...fake, faults: [], down: undefined }, req, res, r.provider);
  const a = fake.answer;
  if ('error' in a) {
    const e = standIn.error(a.error);
    return send(res, e.status, 'application/json', e.body, a.headers);
  }
  switch (r.kind) {
    case 'chat':
      return send(res, 200, 'application/json', JSON.stringify(standIn.json(req.json ?? {}, a.scenario)));
    case 'stream':
      return send(res, 200, STREAM_TYPES[r.provider], standIn.stream(req.json ?? {}, a.scenario));
    case 'embeddings':
      return send(res, 200, 'application/json', JSON.stringify(embeddings(r.provider, req)));
    case 'models':
      return send(res, 200, 'application/json', JSON.stringify(models(r.provider)));
    case 'count':
      return send(res, 200, 'application/json', JSON.stringify({ input_tokens: 17 }));
  }
}

/** The in-band error each provider streams, framed as its stream frames events. */
const IN_BAND: Record<Provider, { name: string | undefined; payload: unknown }> = {
  openai: { name: undefined, payload: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } } },
  anthropic: { name: 'error', payload: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
  gemini: { name: undefined, payload: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } },
  vertex: { name: undefined, payload: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } },
  bedrock: { name: 'serviceUnavailableException', payload: { message: 'Service unavailable' } },
};

function injectFault(fault: Fault, normal: FakeLlm, req: LlmRequest, res: ServerResponse, provider: Provider): void {
  const standIn = STAND_INS[provider];
  const scenario = 'scenario' in normal.answer ? normal.answer.scenario : TEXT;
  const events = (): ProviderEvent[] => standIn.streamEvents(req.json ?? {}, scenario);
  /** The first `n` events as the provider frames them, without the end marker framing may add. */
  const framed = (list: ProviderEvent[]): string => standIn.frame(list).toString('utf8').replace(/data: \[DONE\]\n\n$/, '');
  const open = (): void => void res.writeHead(200, { 'content-type': STREAM_TYPES[provider], 'cache-control': 'no-cache' });
  switch (fault.kind) {
    case 'error': {
      const e = standIn.error(fault.error);
      return send(res, e.status, 'application/json', e.body, fault.headers);
    }
    case 'status':
      return send(res, fault.status, 'application/json', fault.body, fault.headers);
    case 'reset':
      return void res.socket?.destroy();
    case 'silent':
      return;
    case 'slow':
      return void setTimeout(() => answer(normal, req, res), fault.ms);
    case 'cut':
      if (!streamed(req)) {
        // A JSON answer that declares its length, then stops halfway.
        const body = JSON.stringify(standIn.json(req.json ?? {}, scenario));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.write(body.slice(0, body.length >> 1));
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      open();
      res.write(framed(events().slice(0, fault.events)));
      return void setTimeout(() => res.socket?.destroy(), 20);
    case 'stall':
      open();
      return void res.write(framed(events().slice(0, fault.events)));
    case 'malformed':
      if (!streamed(req)) return send(res, 200, 'application/json', '{"id": "chatcmpl-1", "choices": [');
      open();
      return void res.end(`${framed(events().slice(0, fault.events))}data: {"choices": [{"delta": {"content": "tru\n\n`);
    case 'in-band':
      open();
      return void res.end(framed([...events().slice(0, fault.events), IN_BAND[provider]]));
    case 'unfinished': {
      open();
      const all = events();
      return void res.end(framed(provider === 'anthropic' ? all.slice(0, -1) : all));
    }
  }
}

function streamed(req: LlmRequest): boolean {
  return req.json?.stream === true || req.path.includes('stream');
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Starts the fake, over HTTPS when given a certificate (it then answers for every name in it). */
export async function startFakeLlm(tls?: { cert: string; key: string }): Promise<FakeLlm> {
  const fake: FakeLlm = { port: 0, received: [], answer: { scenario: TEXT }, faults: [], down: undefined, keepAlive: true, close: () => Promise.resolve() };
  const onRequest = (raw: IncomingMessage, res: ServerResponse): void => {
    if (!fake.keepAlive) res.shouldKeepAlive = false;
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>);
      } catch {
        json = undefined;
      }
      const req: LlmRequest = { method: raw.method ?? '', host: raw.headers.host ?? '', servername: (raw.socket as Partial<TLSSocket>).servername || undefined, path: raw.url ?? '', headers: raw.headers, body, json };
      fake.received.push(req);
      try {
        answer(fake, req, res);
      } catch (err) {
        // A stand-in refused the request the way the provider would: a 400 naming why.
        send(res, 400, 'application/json', JSON.stringify({ error: { message: `fake provider refused the request: ${err instanceof Error ? err.message : String(err)}` } }));
      }
    });
  };
  const server = tls === undefined ? createHttpServer(onRequest) : createHttpsServer(tls, onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.port = (server.address() as AddressInfo).port;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
