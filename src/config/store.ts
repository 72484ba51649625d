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

  setFileObjects(objects: readonly SourcedObject[]): void {
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
