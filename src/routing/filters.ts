import type { HeaderModifier, PathRewrite } from './route-types.js';
import type { RequestView } from './request-view.js';
import { rewritePath } from './url-rewrite.js';

export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * Gateway API Request/ResponseHeaderModifier: `set` replaces, `add` appends to any existing
 * value (comma-joined, as one field), `remove` deletes. Names are already lower-case.
 */
export function applyHeaderModifier(headers: HeaderMap, modifier: HeaderModifier): void {
  for (const { name, value } of modifier.set) headers[name] = value;
  for (const { name, value } of modifier.add) {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : `${Array.isArray(existing) ? existing.join(',') : existing},${value}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a header map is keyed by header name
  for (const name of modifier.remove) delete headers[name];
}

export interface RedirectSpec {
  scheme: string | undefined;
  hostname: string | undefined;
  port: number | undefined;
  path: PathRewrite | undefined;
}

/**
 * The Location of a RequestRedirect (Gateway API HTTPRequestRedirectFilter): unset parts come
 * from the request; with a new scheme and no port the scheme's well-known port is used, with
 * neither the listener's port; port 80 for http and 443 for https is left out.
 */
export function redirectLocation(req: RequestView, spec: RedirectSpec, listener: { port: number; scheme: string }, matchedPrefix: string | undefined): string {
  const scheme = spec.scheme ?? listener.scheme;
  const port = spec.port ?? (spec.scheme !== undefined ? (scheme === 'https' ? 443 : 80) : listener.port);
  const wellKnown = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
  const host = spec.hostname ?? req.host;
  const path = spec.path === undefined ? req.path : rewritePath(req.path, spec.path, matchedPrefix);
  return `${scheme}://${host}${wellKnown ? '' : `:${port}`}${path}${req.query === '' ? '' : `?${req.query}`}`;
}
