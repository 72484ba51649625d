import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeResult, ResourceRef } from '../config/applied-resources.js';
import { GatewayError } from '../core/errors.js';
import { readBody, sendError, sendJson } from '../core/http.js';
import { RequestGuard, type GuardOptions } from './request-guard.js';

/** What the admin API asks of the gateway. */
export interface AdminHandlers {
  ready(): boolean;
  /** The config in force, secrets redacted. */
  configDump(): unknown;
  /** Bumped by every config change; cheap to poll after an edit or apply. */
  configVersion(): number;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Applies manifests (YAML or JSON text); all or nothing. */
  apply(text: string): Promise<ChangeResult>;
  /** Deletes applied resources named by manifests or by kind, namespace and name. */
  delete(target: string | ResourceRef): Promise<ChangeResult>;
  resources(kind: string, namespace?: string, name?: string): unknown[];
}

export type AdminSecurity = Omit<GuardOptions, 'bindHost'>;

const MAX_APPLY_BYTES = 10 * 1024 * 1024;
/** Open without the admin token, for probes and scrapers. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** `/resources/{Kind}[/{namespace}[/{name}]]` */
const RESOURCE_PATH = /^\/resources\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

/**
 * The admin API, the control plane's HTTP face: health, readiness, the config dump, Prometheus
 * metrics, and apply/get/delete. The config layer answers with results; this is the one place
 * that turns them into HTTP statuses (from the error catalog).
 */
export class AdminServer {
  private server: Server | undefined;
  private guard: RequestGuard | undefined;

  constructor(
    private readonly security: AdminSecurity,
    private readonly handlers: AdminHandlers,
  ) {}

  async start(host: string, port: number): Promise<AddressInfo> {
    this.guard = new RequestGuard({ ...this.security, bindHost: host });
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
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const refused = this.guard?.check(method, path, req.headers, OPEN_PATHS.has(path));
    if (refused !== undefined) return sendError(res, refused);
    if (method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (method === 'GET' && path === '/readyz') {
      const ready = this.handlers.ready();
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    if (method === 'GET' && path === '/config') return sendJson(res, 200, this.handlers.configDump());
    if (method === 'GET' && path === '/config/version') return sendJson(res, 200, { version: this.handlers.configVersion() });
    if (method === 'GET' && path === '/metrics') {
      const m = await this.handlers.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (method === 'POST' && path === '/apply') return sendResult(res, await this.handlers.apply(await readText(req)));
    if (method === 'POST' && path === '/delete') return sendResult(res, await this.handlers.delete(await readText(req)));
    const resource = RESOURCE_PATH.exec(path);
    if (resource !== null) {
      const [, kind, namespace, name] = resource.map((p) => (p === undefined ? undefined : decodeURIComponent(p))) as [string, string, string | undefined, string | undefined];
      if (method === 'GET') return sendJson(res, 200, { items: this.handlers.resources(kind, namespace, name) });
      if (method === 'DELETE' && namespace !== undefined && name !== undefined) return sendResult(res, await this.handlers.delete({ kind, namespace, name }));
    }
    sendError(res, new GatewayError('route_not_found', `admin API has no ${method} ${path}`));
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  return (await readBody(req, MAX_APPLY_BYTES)).toString('utf8');
}

/** 200 with what happened to each resource, or the refusal's catalog status with every issue listed. */
function sendResult(res: ServerResponse, result: ChangeResult): void {
  if (result.ok) return sendJson(res, 200, { results: result.results });
  const { code, issues } = result.refused;
  const error = new GatewayError(code, issues.join('\n'));
  sendJson(res, error.status, { ...error.toObject(), issues });
}
