/**
 * The benchmark's upstream: a minimal node:http server answering every request with the same
 * OpenAI chat.completion JSON. Kept as cheap as possible so it is not what the proxies measure.
 * Usage: node --import tsx bench/fixed-upstream.ts [port]   (0 or none = any free port)
 * Prints "LISTENING <port>" once bound; the orchestrator reads it.
 */
import { createServer } from 'node:http';

const ANSWER = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content:
            'A function calls itself, a mirror in a mirror,\nuntil the base case answers and the calls unwind.',
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 39,
      completion_tokens: 35,
      total_tokens: 74,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    system_fingerprint: 'fp_bench',
  }),
);
const HEADERS = { 'content-type': 'application/json', 'content-length': String(ANSWER.length) };

const server = createServer((req, res) => {
  // Sanity probe only (never sent by wrk): echo what arrived, so the orchestrator can check
  // that each hop injected the credential and that the gateway rewrote the model.
  if (req.headers['x-bench-echo'] !== undefined) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let model: unknown = null;
      try {
        model = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown }).model ?? null;
      } catch {
        // leave model null: the check reports it
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null, model }));
    });
    return;
  }
  // Drain the body without looking at it, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(ANSWER);
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
