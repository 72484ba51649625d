import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What the fake provider received: enough to assert on every header, path and byte. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** SNI the client sent (HTTPS only). */
  servername: string | undefined;
}

export type FakeHandler = (req: ReceivedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface FakeProvider {
  url: string;
  port: number;
  received: ReceivedRequest[];
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** The fixed chat completion the default handler answers with, byte for byte. */
export function chatCompletionBody(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1727967462,
    model: `${model}-0125`,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Recursion: a function that calls itself.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 39, completion_tokens: 200, total_tokens: 239 },
    system_fingerprint: null,
  });
}

export const defaultHandler: FakeHandler = (req, res) => {
  const model = (JSON.parse(req.body === '' ? '{}' : req.body) as { model?: string }).model ?? 'none';
  const body = chatCompletionBody(model);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** An OpenAI stand-in over HTTP, or HTTPS with the given certificate; records every request. */
export async function startFakeProvider(options: { tls?: { cert: string; key: string } } = {}): Promise<FakeProvider> {
  const received: ReceivedRequest[] = [];
  let handler: FakeHandler = defaultHandler;
  const onRequest = (raw: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const req: ReceivedRequest = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        servername: (raw.socket as Partial<TLSSocket>).servername || undefined,
      };
      received.push(req);
      void Promise.resolve(handler(req, res, raw)).catch(() => res.destroy());
    });
  };
  const server: Server = options.tls === undefined ? createHttpServer(onRequest) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    received,
    setHandler: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
