/**
 * The benchmark's upstream: a minimal node:http server answering every request with the same
 * precomputed bytes (bench/answers.ts). Kept as cheap as possible so it is not what the proxies
 * measure. The path picks the provider (`/v1/messages`: Anthropic, anything else: OpenAI) and
 * `"stream":true` in the body picks an SSE stream over JSON.
 * Usage: node --import tsx bench/fixed-upstream.ts [port]   (0 or none = any free port)
 * Prints "LISTENING <port>" once bound; the orchestrator reads it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Echo } from './answers.js';
import { ANTHROPIC_JSON, ANTHROPIC_STREAM, anthropicMessage, anthropicStream, ECHO_HEADERS, OPENAI_JSON, OPENAI_STREAM } from './answers.js';

interface Answer {
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

const json = (body: Buffer): Answer => ({ headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body });
// No content-length: a stream goes out chunked, as the providers send it.
const sse = (body: Buffer): Answer => ({ headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }, body });

const ANSWERS = {
  openai: { json: json(OPENAI_JSON), stream: sse(OPENAI_STREAM) },
  anthropic: { json: json(ANTHROPIC_JSON), stream: sse(ANTHROPIC_STREAM) },
};

/** A byte search, not a parse: both spellings clients use (compact JSON and the seed's spaced one). */
const STREAM_FLAGS = [Buffer.from('"stream":true'), Buffer.from('"stream": true')];
const wantsStream = (body: Buffer): boolean => STREAM_FLAGS.some((flag) => body.includes(flag));
const isAnthropic = (req: IncomingMessage): boolean => req.url?.startsWith('/v1/messages') === true;

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(200, answer.headers);
  res.end(answer.body);
}

/** The body as one Buffer; the seed's POST nearly always arrives in a single chunk, so no copy then. */
function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => done(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)));
}

/**
 * Sanity probe only (never sent by wrk): report what arrived, so the orchestrator can check that
 * each hop injected the credential and that the gateway rewrote the model. To an OpenAI path the
 * report is the whole JSON answer; to Anthropic's it is the text of a Messages answer (JSON or
 * stream, as asked), so that it reaches the client through the gateway's translation.
 */
function echo(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  let model: unknown = null;
  try {
    model = (JSON.parse(body.toString('utf8')) as { model?: unknown }).model ?? null;
  } catch {
    // leave model null: the check reports it
  }
  const headers: Echo['headers'] = {};
  for (const name of ECHO_HEADERS) {
    const value = req.headers[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? null);
  }
  const seen: Echo = { path: req.url ?? '', headers, model };
  const text = JSON.stringify(seen);
  if (!isAnthropic(req)) return send(res, json(Buffer.from(text)));
  send(res, wantsStream(body) ? sse(Buffer.from(anthropicStream([text], 1))) : json(Buffer.from(anthropicMessage(text, 1))));
}

const server = createServer((req, res) => {
  readBody(req, (body) => {
    if (req.headers['x-bench-echo'] !== undefined) return echo(req, body, res);
    const provider = isAnthropic(req) ? ANSWERS.anthropic : ANSWERS.openai;
    send(res, wantsStream(body) ? provider.stream : provider.json);
  });
});
// Longer than any run, so idle pooled connections are never closed mid-benchmark.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  if (addr !== null && typeof addr === 'object') process.stdout.write(`LISTENING ${addr.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
