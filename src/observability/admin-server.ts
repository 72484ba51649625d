import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AdminAnswer, ResourceRef } from '../config/applied-resources.js';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../core/errors.js';
import { readBody } from '../proxy/body.js';
import { sendError } from '../proxy/respond.js';

/** What the admin API asks of the gateway. */
export interface AdminHandlers {
  ready(): boolean;
  /** The config in force, secrets redacted. */
  configDump(): unknown;
  /** Bumped by every config change; cheap to poll after an edit or apply. */
  configVersion(): number;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Applies manifests (YAML or JSON text); all or nothing. */
  apply(text: string): Promise<AdminAnswer>;
  /** Deletes applied resources named by manifests or by kind, namespace and name. */
  delete(target: string | ResourceRef): Promise<AdminAnswer>;
  resources(kind: string, namespace?: string, name?: string): unknown[];
}

const MAX_APPLY_BYTES = 10 * 1024 * 1024;
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** `/resources/{Kind}[/{namespace}[/{name}]]` */
const RESOURCE_PATH = /^\/resources\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The admin port: health, readiness, the config dump, Prometheus metrics and `apply`. */
export class AdminServer {
  private server: Server | undefined;

  constructor(
    private readonly token: string | undefined,
    private readonly handlers: AdminHandlers,
  ) {}

  async start(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        sendError(res, err instanceof GatewayError ? err : new GatewayError('internal_error', 'admin request failed'));
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      const ready = this.handlers.ready();
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    // Health and metrics stay open for probes and scrapers; everything about the config needs the token.
    if (this.token !== undefined && !OPEN_PATHS.has(path ?? '') && !tokenMatches(req.headers.authorization, this.token)) {
      return sendError(res, new GatewayError('missing_authorization', 'the admin API needs "Authorization: Bearer <admin token>"'));
    }
    if (req.method === 'GET' && path === '/config') return sendJson(res, 200, this.handlers.configDump());
    if (req.method === 'GET' && path === '/config/version') return sendJson(res, 200, { version: this.handlers.configVersion() });
    if (req.method === 'GET' && path === '/metrics') {
      const m = await this.handlers.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (req.method === 'POST' && path === '/apply') {
      const text = (await readBody(req, MAX_APPLY_BYTES)).toString('utf8');
      const result = await this.handlers.apply(text);
      return sendJson(res, result.status, result.body);
    }
    if (req.method === 'POST' && path === '/delete') {
      const result = await this.handlers.delete((await readBody(req, MAX_APPLY_BYTES)).toString('utf8'));
      return sendJson(res, result.status, result.body);
    }
    const resource = RESOURCE_PATH.exec(path ?? '');
    if (resource !== null) {
      const [, kind, namespace, name] = resource.map((p) => (p === undefined ? undefined : decodeURIComponent(p))) as [string, string, string | undefined, string | undefined];
      if (req.method === 'GET') return sendJson(res, 200, { items: this.handlers.resources(kind, namespace, name) });
      if (req.method === 'DELETE' && namespace !== undefined && name !== undefined) {
        const result = await this.handlers.delete({ kind, namespace, name });
        return sendJson(res, result.status, result.body);
      }
    }
    sendError(res, new GatewayError('route_not_found', `admin API has no ${req.method ?? ''} ${path ?? ''}`));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
