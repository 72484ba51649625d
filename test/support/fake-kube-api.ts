import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface Event {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Json;
  resourceVersion: number;
  path: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string;
  body: unknown;
}

const LEASES = '/apis/coordination.k8s.io/v1/leases';

/**
 * A Kubernetes API server for one collection path per kind, speaking the wire protocol the
 * gateway uses: lists carry a resourceVersion; `?watch=true&resourceVersion=N` streams newline-
 * delimited JSON events after N over a chunked response, with BOOKMARKs on request; a version
 * older than the compaction point answers an ERROR event with code 410 (Gone). Objects are
 * read, created and replaced at their own paths (with resourceVersion preconditions: 409 on a
 * stale one), the status subresource takes JSON merge patches, and metadata.generation moves
 * with the spec only, as on a real server. Leases (coordination.k8s.io/v1) are always served.
 */
export class FakeKubeApi {
  private readonly collections = new Map<string, Map<string, Json>>();
  private readonly history: Event[] = [];
  private readonly watchers = new Set<{ path: string; res: ServerResponse }>();
  private version = 1;
  private compactedAt = 0;
  /** Every request but watches and lists, in order. */
  readonly requests: RecordedRequest[] = [];
  /** While true every request answers 503, as an API server that is down behind its load balancer. */
  unavailable = false;
  readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(paths: readonly string[]) {
    for (const p of [...paths, LEASES]) this.collections.set(p, new Map());
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Creates or replaces an object (metadata.namespace/name identify it); its status is kept. */
  put(path: string, object: Json): void {
    const key = keyOf(object);
    const items = this.items(path);
    const before = items.get(key);
    const status = object.status ?? before?.status;
    this.emit(path, before === undefined ? 'ADDED' : 'MODIFIED', { ...object, ...(status === undefined ? {} : { status }) }, before);
  }

  delete(path: string, namespace: string, name: string): void {
    const stored = this.items(path).get(`${namespace}/${name}`);
    if (stored !== undefined) this.emit(path, 'DELETED', stored, stored);
  }

  /** The stored object, with its status and server-set metadata. */
  get(path: string, namespace: string, name: string): Json | undefined {
    return this.items(path).get(`${namespace}/${name}`);
  }

  /** Sends a BOOKMARK with the current version to every open watch. */
  bookmark(): void {
    for (const w of this.watchers) w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Bookmark', metadata: { resourceVersion: String(this.version) } } })}\n`);
  }

  /** Forgets history: watches resuming from an older version get 410 Gone. */
  compact(): void {
    this.compactedAt = this.version;
    this.history.length = 0;
  }

  /** Ends every open watch, as an API server restart or a load balancer timeout would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const failure = (code: number, reason: string): void => send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
    if (this.unavailable) return failure(503, 'ServiceUnavailable');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text === '' ? undefined : (JSON.parse(text) as Json);
    const method = req.method ?? 'GET';
    const items = this.collections.get(url.pathname);
    if (method === 'GET' && items !== undefined) return this.listOrWatch(url, items, res);
    this.requests.push({ method, path: url.pathname, userAgent: req.headers['user-agent'] ?? '', body });

    const target = this.locate(url.pathname);
    if (target === undefined) return failure(404, 'NotFound');
    const stored = target.items.get(target.key);
    const staleVersion = (): boolean => {
      const wanted = (body?.metadata as Json | undefined)?.resourceVersion;
      return wanted !== undefined && wanted !== (stored?.metadata as Json | undefined)?.resourceVersion;
    };
    if (target.name === undefined) {
      if (method !== 'POST' || body === undefined) return failure(405, 'MethodNotAllowed');
      if (target.items.has(`${target.namespace}/${String((body.metadata as Json | undefined)?.name)}`)) return failure(409, 'AlreadyExists');
      return send(201, this.emit(target.collection, 'ADDED', { ...body, metadata: { ...(body.metadata as Json), namespace: target.namespace } }, undefined));
    }
    if (stored === undefined) return failure(404, 'NotFound');
    if (method === 'GET' && !target.status) return send(200, stored);
    if (method === 'PUT' && !target.status && body !== undefined) {
      if (staleVersion()) return failure(409, 'Conflict');
      return send(200, this.emit(target.collection, 'MODIFIED', { ...body, status: stored.status }, stored));
    }
    if (method === 'PATCH' && target.status && body !== undefined) {
      if (!(req.headers['content-type'] ?? '').startsWith('application/merge-patch+json')) return failure(415, 'UnsupportedMediaType');
      if (staleVersion()) return failure(409, 'Conflict');
      return send(200, this.emit(target.collection, 'MODIFIED', { ...stored, status: mergePatch(stored.status, body.status) }, stored));
    }
    return failure(405, 'MethodNotAllowed');
  }

  private listOrWatch(url: URL, items: Map<string, Json>, res: ServerResponse): void {
    const path = url.pathname;
    if (url.searchParams.get('watch') !== 'true') {
      const body = { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.version) }, items: [...items.values()].map(stripType) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    if (from < this.compactedAt) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version' } })}\n`);
      return;
    }
    for (const e of this.history) if (e.path === path && e.resourceVersion > from) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    const watcher = { path, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  /**
   * An object path to its collection: `/apis/G/V/namespaces/NS/PLURAL[/NAME[/status]]` or, for
   * cluster-scoped kinds, `/apis/G/V/PLURAL/NAME[/status]` (core kinds under `/api/v1`).
   */
  private locate(pathname: string): { collection: string; items: Map<string, Json>; namespace: string; name: string | undefined; key: string; status: boolean } | undefined {
    const m = /^(\/apis?(?:\/[^/]+)?\/v[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(\/status)?$/.exec(pathname);
    if (m === null) return undefined;
    const [, prefix = '', namespace = '', plural = '', name, status] = m;
    const collection = `${prefix}/${plural}`;
    const items = this.collections.get(collection);
    if (items === undefined) return undefined;
    return { collection, items, namespace, name, key: `${namespace}/${name ?? ''}`, status: status !== undefined };
  }

  private items(path: string): Map<string, Json> {
    const items = this.collections.get(path);
    if (items === undefined) throw new Error(`no collection ${path}`);
    return items;
  }

  /** Stores (or deletes) an object with a new resourceVersion and tells the watches. */
  private emit(path: string, type: Event['type'], object: Json, before: Json | undefined): Json {
    this.version++;
    const previous = (before?.metadata ?? {}) as Json;
    const specChanged = before === undefined || JSON.stringify(before.spec) !== JSON.stringify(object.spec);
    const generation = before === undefined ? 1 : Number(previous.generation ?? 1) + (specChanged ? 1 : 0);
    const meta = { ...((object.metadata ?? {}) as Json), resourceVersion: String(this.version), generation };
    const stamped = { ...object, metadata: meta };
    const items = this.items(path);
    if (type === 'DELETED') items.delete(keyOf(stamped));
    else items.set(keyOf(stamped), stamped);
    this.history.push({ type, object: stamped, resourceVersion: this.version, path });
    for (const w of this.watchers) if (w.path === path) w.res.write(`${JSON.stringify({ type, object: stamped })}\n`);
    return stamped;
  }
}

function keyOf(object: Json): string {
  const meta = (object.metadata ?? {}) as { namespace?: string; name?: string };
  return `${meta.namespace ?? ''}/${meta.name ?? ''}`;
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as Json) : {};
  const out = new Map(Object.entries(base));
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) out.delete(k);
    else out.set(k, mergePatch(out.get(k), v));
  }
  return Object.fromEntries(out);
}

/** Items in a list response carry no apiVersion or kind, as from a real API server. */
function stripType(object: Json): Json {
  const rest = { ...object };
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}
