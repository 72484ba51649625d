/**
 * The yardstick: the least a Node.js forwarding hop can do. node:http in front, an undici
 * keep-alive Agent behind, the request body streamed up, the answer piped back, and the one
 * thing every hop here must do: inject `Authorization: Bearer <token>`.
 * Usage: node --import tsx bench/reference-hop.ts <listenPort> <upstreamPort> [token]
 *   (or LISTEN_PORT / UPSTREAM_PORT / TOKEN). Prints "LISTENING <port>" once bound.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';

const listenPort = Number(process.argv[2] ?? process.env.LISTEN_PORT ?? 0);
const upstreamPort = Number(process.argv[3] ?? process.env.UPSTREAM_PORT);
const token = process.argv[4] ?? process.env.TOKEN ?? 'bench-token';
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) {
  process.stderr.write('usage: reference-hop.ts <listenPort> <upstreamPort> [token]\n');
  process.exit(2);
}

const origin = `http://127.0.0.1:${upstreamPort}`;
const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
// Hop-by-hop headers belong to one connection and must not be forwarded.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function upstreamHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  out.authorization = `Bearer ${token}`;
  return out;
}

const server = createServer((req, res) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  agent
    .request({ origin, path: '/v1/chat/completions', method: 'POST', headers: upstreamHeaders(req.headers), body: hasBody ? req : null })
    .then((up) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      res.writeHead(up.statusCode, headers);
      // Plain .pipe(), not stream/promises pipeline(): on Node 20 pipeline() builds an
      // AbortController and a DOMException per call (~7% of this hop's CPU in a profile).
      up.body.on('error', () => res.destroy());
      res.on('close', () => up.body.destroy());
      up.body.pipe(res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
});
// Match the gateway's and the upstream's idle timeouts so wrk's connections stay open.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(listenPort, '127.0.0.1', () => {
  const addr = server.address();
  if (addr !== null && typeof addr === 'object') process.stdout.write(`LISTENING ${addr.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
