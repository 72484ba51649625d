import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeAnswer, countTokens, embed, lastUserText, MOCK_MODELS, promptText } from './answers.js';

/**
 * A local OpenAI-compatible provider: chat (plain and streamed), completions, embeddings,
 * models and responses. It answers deterministically and requires a bearer token, like the real API.
 */
export function createMockProvider(): Server {
  return createServer((req, res) => {
    handle(req, res).catch(() => sendError(res, 500, 'mock provider failed', 'server_error'));
  });
}

export async function startMockProvider(host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createMockProvider();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const info = server.address() as AddressInfo;
  return { server, url: `http://${host}:${info.port}` };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const auth = req.headers.authorization ?? '';
  if (!/^Bearer \S+/.test(auth)) {
    return sendError(res, 401, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.", 'invalid_request_error', 'missing_api_key');
  }
  if (req.method === 'GET' && path === '/v1/models') {
    return sendJson(res, 200, { object: 'list', data: MOCK_MODELS.map(modelObject) });
  }
  if (req.method === 'GET' && path.startsWith('/v1/models/')) {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    return MOCK_MODELS.includes(id) ? sendJson(res, 200, modelObject(id)) : sendError(res, 404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found');
  }
  if (req.method !== 'POST') return sendError(res, 404, `Unknown request URL: ${req.method ?? ''} ${path}`, 'invalid_request_error', 'unknown_url');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await readAll(req)).toString('utf8')) as Record<string, unknown>;
  } catch {
    return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  }
  const model = typeof body.model === 'string' ? body.model : '';
  if (model === '') return sendError(res, 400, 'you must provide a model parameter', 'invalid_request_error');
  switch (path) {
    case '/v1/chat/completions':
      return chat(res, body, model);
    case '/v1/completions':
      return completion(res, body, model);
    case '/v1/embeddings':
      return embeddings(res, body, model);
    case '/v1/responses':
      return responses(res, body, model);
    default:
      return sendError(res, 404, `Unknown request URL: POST ${path}`, 'invalid_request_error', 'unknown_url');
  }
}

function chat(res: ServerResponse, body: Record<string, unknown>, model: string): void {
  if (!Array.isArray(body.messages)) return sendError(res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error');
  const answer = composeAnswer(lastUserText(body.messages));
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = usageFor(promptText(body.messages), answer);
  if (body.stream === true) {
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const words = answer.split(/(?<= )/);
    const chunk = (delta: object, finish: string | null, extra: object = {}): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
    const events = [chunk({ role: 'assistant', content: '' }, null), ...words.map((w) => chunk({ content: w }, null)), chunk({}, 'stop')];
    if (includeUsage) events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    events.push('data: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const e of events) res.write(e);
    res.end();
    return;
  }
  sendJson(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage,
    system_fingerprint: null,
  });
}

function completion(res: ServerResponse, body: Record<string, unknown>, model: string): void {
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const answer = composeAnswer(prompt);
  sendJson(res, 200, {
    id: `cmpl-${randomBytes(12).toString('hex')}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, text: answer, logprobs: null, finish_reason: 'stop' }],
    usage: usageFor(prompt, answer),
  });
}

function embeddings(res: ServerResponse, body: Record<string, unknown>, model: string): void {
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map((i) => (typeof i === 'string' ? i : JSON.stringify(i ?? '')));
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(body.dimensions, 3072) : 16;
  const tokens = inputs.reduce((n, t) => n + countTokens(t), 0);
  sendJson(res, 200, {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(embed(text, dimensions), body.encoding_format) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function responses(res: ServerResponse, body: Record<string, unknown>, model: string): void {
  const input = typeof body.input === 'string' ? body.input : promptText(body.input);
  const answer = composeAnswer(input);
  const usage = usageFor(input, answer);
  sendJson(res, 200, {
    id: `resp_${randomBytes(12).toString('hex')}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output: [{ type: 'message', id: `msg_${randomBytes(8).toString('hex')}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: answer, annotations: [] }] }],
    usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens },
  });
}

/** `encoding_format: base64` (the SDK's default) is little-endian float32, as OpenAI sends it. */
function encodeEmbedding(vector: number[], format: unknown): number[] | string {
  if (format !== 'base64') return vector;
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

function usageFor(prompt: string, answer: string): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const p = countTokens(prompt);
  const c = countTokens(answer);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

function modelObject(id: string): object {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'ai-gateway-mock' };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, status, { error: { message, type, param: null, code } });
}
