import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { apiVersionOf, collectionPath, kindInfo, KINDS } from '../config/resources/kinds.js';
import type { KubeObject, SourcedObject } from '../config/resources/kube-object.js';
import { isPlainObject } from '../core/json.js';
import type { Logger } from '../observability/logger.js';
import { KubeApiClient } from './api-client.js';

/** What is listed and watched, cluster-wide: every kind the gateway reads, at its first version. */
export const WATCHED_KINDS = KINDS.map((info) => ({ kind: info.kind, apiVersion: apiVersionOf(info), path: collectionPath(info), namespaced: info.namespaced, optional: info.optional === true }));

type Watched = (typeof WATCHED_KINDS)[number];

export interface KubernetesSourceOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Waits between failed attempts, doubling up to the last value. */
  backoffMs?: readonly [first: number, max: number];
  kinds?: readonly Watched[];
  /** Called when only an object's status changed: nothing to recompile, but status may need rewriting. */
  onStatusChange?: () => void;
}

/** A watch that ended with `410 Gone`: its resourceVersion is too old, so the kind is listed again. */
class Expired extends Error {}

/**
 * Lists and watches the kinds the gateway reads. Each kind runs its own loop: list, then watch
 * from the list's resourceVersion (with bookmarks); a watch that ends is resumed from the last
 * version seen; `410 Gone` relists; any failure backs off and retries. While the API server
 * is away the last objects stay in force. Ready once every kind has been listed.
 */
export class KubernetesSource {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listed = new Set<string>();
  private readonly watch: Watch;
  private readonly aborts = new Set<AbortController>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private onChange: (objects: SourcedObject[]) => void = () => undefined;

  private readonly client: KubeApiClient;

  constructor(private readonly options: KubernetesSourceOptions) {
    this.watch = new Watch(options.kubeConfig);
    this.client = new KubeApiClient(options.kubeConfig);
  }

  /** One object as last seen (with its status); the namespace is ignored for cluster-scoped kinds. */
  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    const clusterScoped = kindInfo(kind)?.namespaced === false;
    return this.objects.get(kind)?.get(`${clusterScoped ? '' : namespace}/${name}`);
  }

  /** Every kind has been listed at least once. */
  get synced(): boolean {
    return this.listed.size === (this.options.kinds ?? WATCHED_KINDS).length;
  }

  /**
   * Starts the loops and resolves once every kind is listed (the first full sync); after that,
   * `onChange` gets every object whenever any changes (debounced).
   */
  async start(onChange: (objects: SourcedObject[]) => void): Promise<void> {
    this.onChange = onChange;
    const kinds = this.options.kinds ?? WATCHED_KINDS;
    await new Promise<void>((resolve) => {
      for (const kind of kinds) {
        void this.run(kind, () => {
          if (this.synced) resolve();
        });
      }
    });
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  snapshot(): SourcedObject[] {
    return [...this.objects.values()].flatMap((m) => [...m.values()].map((object) => ({ object, origin: { source: 'kubernetes' as const } })));
  }

  private async run(kind: Watched, onListed: () => void): Promise<void> {
    const [first, max] = this.options.backoffMs ?? [500, 30_000];
    let wait = first;
    let resourceVersion: string | undefined;
    while (!this.stopped) {
      try {
        if (resourceVersion === undefined) {
          const listed = await this.list(kind);
          this.listed.add(kind.kind);
          onListed();
          this.changed();
          if (listed === undefined) {
            // The cluster has no such resource (its CRD is not installed): none of it, for now; look again later.
            await pause(max);
            continue;
          }
          resourceVersion = listed;
        }
        resourceVersion = await this.watchFrom(kind, resourceVersion);
        wait = first;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof Expired) {
          this.options.logger.info({ kind: kind.kind }, 'watch expired (410 Gone); listing again');
          resourceVersion = undefined;
          continue;
        }
        this.options.logger.warn({ kind: kind.kind, err: err instanceof Error ? err.message : String(err), retryInMs: wait }, 'Kubernetes list/watch failed; serving the last objects');
        await pause(wait);
        wait = Math.min(wait * 2, max);
      }
    }
  }

  /** Lists a kind; undefined when the API server has no such resource and the kind is optional. */
  private async list(kind: Watched): Promise<string | undefined> {
    const answer = await this.client.request('GET', kind.path);
    if (answer.status === 404 && kind.optional) {
      this.objects.set(kind.kind, new Map());
      return undefined;
    }
    if (answer.status !== 200) throw new Error(`list ${kind.path} answered ${answer.status}`);
    const body = answer.body as { metadata?: { resourceVersion?: string }; items?: unknown[] };
    const items = new Map<string, KubeObject>();
    for (const item of body.items ?? []) if (isPlainObject(item)) items.set(keyOf(item), withType(item, kind));
    this.objects.set(kind.kind, items);
    return body.metadata?.resourceVersion ?? '';
  }

  /** Watches until the stream ends; returns the last resourceVersion seen. */
  private watchFrom(kind: Watched, from: string): Promise<string> {
    let version = from;
    return new Promise((resolve, reject) => {
      const items = this.objects.get(kind.kind) ?? new Map<string, KubeObject>();
      const onEvent = (type: string, object: unknown): void => {
        if (!isPlainObject(object)) return;
        if (type === 'ERROR') {
          const message = typeof object.message === 'string' ? object.message : 'error event';
          reject(object.code === 410 ? new Expired() : new Error(`watch error: ${message}`));
          return;
        }
        const rv = isPlainObject(object.metadata) ? object.metadata.resourceVersion : undefined;
        if (typeof rv === 'string') version = rv;
        if (type === 'BOOKMARK') return;
        const key = keyOf(object);
        const before = items.get(key);
        if (type === 'DELETED') items.delete(key);
        else items.set(key, withType(object, kind));
        // A status write (ours or another controller's) changes nothing the gateway reads.
        if (type === 'DELETED' || before === undefined || !sameExceptStatus(before, object)) this.changed();
        else if (this.synced) this.options.onStatusChange?.();
      };
      this.watch
        .watch(kind.path, { resourceVersion: from, allowWatchBookmarks: true }, onEvent, (err: unknown) => {
          if (err === null || err === undefined) resolve(version);
          else reject(isGone(err) ? new Expired() : err instanceof Error ? err : new Error('watch failed'));
        })
        .then((abort) => {
          this.aborts.add(abort);
          if (this.stopped) abort.abort();
        })
        .catch(reject);
    });
  }

  /** Many events arrive together (a relist, a burst of edits): the config is rebuilt once for them. */
  private changed(): void {
    if (this.timer !== undefined || !this.synced) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange(this.snapshot());
    }, 20);
  }
}

function keyOf(object: Record<string, unknown>): string {
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return `${text(meta.namespace)}/${text(meta.name)}`;
}

/** List items come without apiVersion and kind; the gateway's readers need them. */
function withType(object: Record<string, unknown>, kind: Watched): KubeObject {
  return { ...object, apiVersion: kind.apiVersion, kind: kind.kind };
}

/** Equal but for status and the metadata the server maintains on every write. */
function sameExceptStatus(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = (o: Record<string, unknown>): string => {
    const meta = isPlainObject(o.metadata) ? { ...o.metadata, resourceVersion: undefined, managedFields: undefined } : undefined;
    return JSON.stringify({ ...o, apiVersion: undefined, kind: undefined, status: undefined, metadata: meta });
  };
  return strip(a) === strip(b);
}

function isGone(err: unknown): boolean {
  return (err as { statusCode?: unknown }).statusCode === 410;
}

/** A wait that does not keep the process alive once the gateway stops. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
