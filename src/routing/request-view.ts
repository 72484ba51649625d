import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a request that routing looks at; built once per request. */
export interface RequestView {
  method: string;
  /** The path without the query string, normalized (see normalize-path.ts): what rules match and upstreams receive. */
  path: string;
  /** The raw query string without `?`, or '' when there is none. */
  query: string;
  /** Lower-cased host without port. */
  host: string;
  headers: IncomingHttpHeaders;
}

/** Splits `host[:port]` (or `[v6]:port`) and lower-cases it. */
export function hostWithoutPort(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return '';
  const host = hostHeader.toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
