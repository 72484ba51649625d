import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Stored {
  object: Record<string, unknown>;
  resourceVersion: number;
}

interface Event {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Record<string, unknown>;
  resourceVersion: number;
}

/**
 * A Kubernetes API server for one collection path per kind, speaking the list/watch wire
 * protocol: lists carry a resourceVersion; `?watch=true&resourceVersion=N` streams newline-
 * delimited JSON events after N over a chunked response, with BOOKMARKs on request; a version
 * older than the compaction point answers an ERROR event with code 410 (Gone).
 */
export class FakeKubeApi {
  private readonly collections = new Map<string, Map<string, Stored>>();
  private readonly history: (Event & { path: string })[] = [];
  private readonly watchers = new Set<{ path: string; res: ServerResponse }>();
  private version = 1;
  private compactedAt = 0;
  readonly server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const items = this.collections.get(path);
    if (req.method !== 'GET' || items === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      const body = { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.version) }, items: [...items.values()].map((s) => stripType(s.object)) };
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
  });

  constructor(paths: readonly string[]) {
    for (const p of paths) this.collections.set(p, new Map());
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Creates or replaces an object (metadata.namespace/name identify it). */
  put(path: string, object: Record<string, unknown>): void {
    const meta = (object.metadata ?? {}) as { namespace?: string; name?: string };
    const key = `${meta.namespace ?? ''}/${meta.name ?? ''}`;
    const items = this.collections.get(path) as Map<string, Stored>;
    const type = items.has(key) ? 'MODIFIED' : 'ADDED';
    this.emit(path, type, object, items, key);
  }

  delete(path: string, namespace: string, name: string): void {
    const items = this.collections.get(path) as Map<string, Stored>;
    const stored = items.get(`${namespace}/${name}`);
    if (stored !== undefined) this.emit(path, 'DELETED', stored.object, items, `${namespace}/${name}`);
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

  private emit(path: string, type: Event['type'], object: Record<string, unknown>, items: Map<string, Stored>, key: string): void {
    this.version++;
    const meta = { ...((object.metadata ?? {}) as Record<string, unknown>), resourceVersion: String(this.version) };
    const stamped = { ...object, metadata: meta };
    if (type === 'DELETED') items.delete(key);
    else items.set(key, { object: stamped, resourceVersion: this.version });
    const event = { type, object: stamped, resourceVersion: this.version, path };
    this.history.push(event);
    for (const w of this.watchers) if (w.path === path) w.res.write(`${JSON.stringify({ type, object: stamped })}\n`);
  }
}

/** Items in a list response carry no apiVersion or kind, as from a real API server. */
function stripType(object: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...object };
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}
