import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { openAiStandIn } from '../fixtures/openai/stand-in.js';
import type { ProviderErrorKind, ProviderStandIn, Scenario } from '../translators/chat-suite.js';

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

export interface FakeLlm {
  port: number;
  received: LlmRequest[];
  /** What every request is answered with until changed. */
  answer: FakeAnswer;
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

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Starts the fake, over HTTPS when given a certificate (it then answers for every name in it). */
export async function startFakeLlm(tls?: { cert: string; key: string }): Promise<FakeLlm> {
  const fake: FakeLlm = { port: 0, received: [], answer: { scenario: TEXT }, close: () => Promise.resolve() };
  const onRequest = (raw: IncomingMessage, res: ServerResponse): void => {
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
