import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus those the gateway sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'http2-settings',
]);

export type OutgoingHeaders = Record<string, string | string[]>;

/** Copies the end-to-end headers, leaving out hop-by-hop ones, those named in `Connection`, and `drop`. */
export function forwardableHeaders(headers: IncomingHttpHeaders, drop: ReadonlySet<string> = EMPTY): OutgoingHeaders {
  const connectionListed = headers.connection === undefined ? EMPTY : new Set(headers.connection.toLowerCase().split(/\s*,\s*/));
  const out: OutgoingHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || drop.has(name) || connectionListed.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Response headers from undici, minus hop-by-hop ones (Node adds its own framing). */
export function responseHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  for (const name in headers) {
    if (name === 'content-length' || !HOP_BY_HOP.has(name)) {
      const value = headers[name];
      if (value !== undefined) out[name] = value;
    }
  }
  return out;
}

const EMPTY: ReadonlySet<string> = new Set();
