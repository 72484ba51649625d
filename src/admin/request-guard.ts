import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';

/** Bodies `apply` and `delete` accept; none of them can be sent cross-origin without a preflight. */
const MANIFEST_TYPES = new Set(['application/yaml', 'application/x-yaml', 'application/json']);

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export interface GuardOptions {
  /** The address the admin API is bound to. */
  bindHost: string;
  /**
   * `NAME` or `NAME:PORT`: names clients may reach the admin API by besides its address and
   * `localhost` (the port is not compared: proxies and port-forwards change it), and the web
   * origins allowed besides the admin API's own: `http(s)://NAME` on the scheme's default port,
   * or on PORT when given (a proxy that serves the admin API under its own name).
   */
  allowedHosts: readonly string[];
  /** Required as `Authorization: Bearer …` on every path but health, readiness and metrics, when set. */
  token: string | undefined;
  /** This machine's addresses: with a wildcard bind, each of them is the admin address. */
  localAddresses: () => readonly string[];
}

interface AllowedHost {
  name: string;
  port: string | undefined;
}

/**
 * Keeps web pages away from the admin API. A page the operator opens can send requests to a
 * loopback address (a "simple" cross-origin request needs no preflight) or reach it under its
 * own name after DNS rebinding, so:
 * - the `Host` must name the admin address itself (its IP, `localhost`, or an allowed name):
 *   a rebound name is refused. A request without `Host` passes: browsers always send one;
 * - a request with an `Origin` is refused unless it comes from a page the admin API served
 *   itself (origin and host agree) or from an allowed origin;
 * - `apply` and `delete` take only YAML or JSON bodies, which browsers send cross-origin only
 *   after a preflight this server never answers (it sends no CORS headers at all).
 */
export class RequestGuard {
  private names: ReadonlySet<string>;
  private readonly allowed: readonly AllowedHost[];
  private readonly wildcard: boolean;

  constructor(private readonly options: GuardOptions) {
    this.allowed = options.allowedHosts.map(parseAllowed);
    this.wildcard = WILDCARDS.has(normalizeHost(options.bindHost));
    this.names = this.ownNames();
  }

  /** The first rule the request breaks, or undefined. */
  check(method: string, path: string, headers: IncomingHttpHeaders, openPath: boolean): GatewayError | undefined {
    const host = headers.host;
    if (host !== undefined && !this.isOwnName(hostName(host))) {
      return new GatewayError('forbidden_host', 'the admin API answers only to its own address; add other names with --admin-allowed-hosts');
    }
    const origin = headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, host)) {
      return new GatewayError('forbidden_origin', 'the admin API does not answer requests from other web origins; allow one with --admin-allowed-hosts');
    }
    const token = this.options.token;
    if (token !== undefined && !openPath) {
      const given = headers.authorization;
      if (given === undefined) return new GatewayError('admin_token_missing', 'the admin API needs "Authorization: Bearer <admin token>"');
      if (!tokenMatches(given, token)) return new GatewayError('admin_token_rejected', 'the admin token was rejected');
    }
    if (method === 'POST' && (path === '/apply' || path === '/delete')) {
      const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!MANIFEST_TYPES.has(type)) {
        return new GatewayError('unsupported_media_type', `${path} takes application/yaml, application/x-yaml or application/json, not ${type === '' ? 'a body without Content-Type' : type}`);
      }
    }
    return undefined;
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed frames, files) and anything malformed
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // A page the admin API served itself, under whatever address the browser used.
    if (host !== undefined && url.host === host.trim().toLowerCase()) return true;
    const name = normalizeHost(url.hostname);
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
    return this.allowed.some((a) => a.name === name && (a.port ?? (url.port === '' ? port : undefined)) === port);
  }

  private isOwnName(name: string): boolean {
    if (this.names.has(name)) return true;
    // Bound to every address: one added since start (a new interface) is ours too.
    if (!this.wildcard) return false;
    this.names = this.ownNames();
    return this.names.has(name);
  }

  private ownNames(): ReadonlySet<string> {
    const own = this.wildcard ? this.options.localAddresses().map(normalizeHost) : [normalizeHost(this.options.bindHost)];
    return new Set(['localhost', ...own, ...this.allowed.map((a) => a.name)]);
  }
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`. */
function parseAllowed(entry: string): AllowedHost {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
  return { name: normalizeHost(match?.[1] ?? entry), port: match?.[2] };
}

function tokenMatches(header: string, token: string): boolean {
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** A `Host` header's name, without its port. */
function hostName(host: string): string {
  const h = host.trim();
  const end = h.startsWith('[') ? h.indexOf(']') + 1 : h.indexOf(':');
  return normalizeHost(end <= 0 ? h : h.slice(0, end));
}

/** A name as hosts are compared: lower case, without IPv6 brackets or a trailing dot. */
function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}
