import type { Clock } from '../core/clock.js';
import { isPlainObject } from './resources/field-reader.js';
import type { KubeObject, SourcedObject } from './resources/kube-object.js';

/** `group/Kind/namespace/name`: one resource, whatever its API version. */
export function objectKey(object: KubeObject): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  return `${group}/${String(object.kind)}/${ns}/${String(meta.name)}`;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

/**
 * The resources in force: those from -f files and those applied at run time. An applied
 * resource replaces a file one with the same key. Each change yields a new snapshot.
 */
export class ResourceStore {
  private files: SourcedObject[] = [];
  private readonly applied = new Map<string, SourcedObject>();
  private readonly firstSeen = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  /** The objects of the configured source: the -f files, or the Kubernetes API server. */
  setSourceObjects(objects: readonly SourcedObject[]): void {
    this.files = [...objects];
  }

  /** Stores applied resources; says for each whether it was created, configured or unchanged. */
  apply(objects: readonly SourcedObject[]): ApplyAction[] {
    return objects.map((o) => {
      const key = objectKey(o.object);
      const before = this.applied.get(key) ?? this.files.find((f) => objectKey(f.object) === key);
      this.applied.set(key, o);
      if (before === undefined) return 'created';
      return JSON.stringify(before.object) === JSON.stringify(o.object) ? 'unchanged' : 'configured';
    });
  }

  /** The applied resources as they would be after applying `objects`; nothing changes yet. */
  appliedAfter(objects: readonly SourcedObject[]): KubeObject[] {
    const next = new Map(this.applied);
    for (const o of objects) next.set(objectKey(o.object), o);
    return [...next.values()].map((o) => o.object);
  }

  /** Removes applied resources by key; says for each whether it was there. Resources from files stay. */
  remove(keys: readonly string[]): boolean[] {
    return keys.map((k) => this.applied.delete(k));
  }

  /** The applied resources without the given keys; nothing changes yet. */
  appliedWithout(keys: readonly string[]): KubeObject[] {
    const drop = new Set(keys);
    return [...this.applied].filter(([k]) => !drop.has(k)).map(([, o]) => o.object);
  }

  /** Where the resource with this key comes from, if it is loaded. */
  originOf(key: string): SourcedObject['origin'] | undefined {
    return this.applied.get(key)?.origin ?? this.files.find((f) => objectKey(f.object) === key)?.origin;
  }

  snapshot(): SourcedObject[] {
    const merged = new Map<string, SourcedObject>();
    for (const o of this.files) merged.set(objectKey(o.object), o);
    for (const [key, o] of this.applied) merged.set(key, o);
    const now = new Date(this.clock.now()).toISOString();
    return [...merged].map(([key, o]) => {
      let seen = this.firstSeen.get(key);
      if (seen === undefined) {
        seen = now;
        this.firstSeen.set(key, seen);
      }
      return { ...o, firstSeen: seen };
    });
  }
}
