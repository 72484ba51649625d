import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an echo backend saw, as it answers it: which backend, and the request it received. */
export interface EchoAnswer {
  namespace: string;
  service: string;
  method: string;
  /** Path and query, as received. */
  path: string;
  host: string;
  /** Lower-case names; repeated headers joined with ','. */
  headers: Record<string, string>;
}

export interface EchoBackend {
  namespace: string;
  service: string;
  port: number;
  /** Every request it received, in order (mirrors included). */
  received: EchoAnswer[];
  close(): Promise<void>;
}

/** A stand-in for the conformance suite's echo pods: answers 200 with the request it got, as JSON. */
export async function startEchoBackend(namespace: string, service: string): Promise<EchoBackend> {
  const received: EchoAnswer[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = (req.rawHeaders[i] as string).toLowerCase();
        const value = req.rawHeaders[i + 1] as string;
        headers[name] = name in headers ? `${headers[name] as string},${value}` : value;
      }
      const answer: EchoAnswer = { namespace, service, method: req.method ?? '', path: req.url ?? '', host: req.headers.host ?? '', headers };
      received.push(answer);
      const body = JSON.stringify(answer);
      // Like the conformance echo server: `X-Echo-Set-Header: Name:value,Other:value` sets response headers.
      const extra: Record<string, string> = {};
      for (const pair of (headers['x-echo-set-header'] ?? '').split(',')) {
        const colon = pair.indexOf(':');
        if (colon > 0) extra[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
      }
      res.writeHead(200, { ...extra, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    namespace,
    service,
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
