import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { canonicalJson, isPlainObject } from '../core/json.js';
import { resourceStoreKey } from './resources/kinds.js';
import type { KubeObject, SourcedObject } from './resources/kube-object.js';

/** `group/Kind/namespace/name`: one resource, whatever its API version. */
export function objectKey(object: KubeObject): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  return resourceStoreKey(group, String(object.kind), ns, String(meta.name));
}

/** One version of a resource in the configured source: where it is, and a hash of what it says. */
export interface SourceVersion {
  /** The file's path, or `kubernetes`. */
  path: string;
  hash: string;
}

/** A resource applied at run time, and the source's version it replaced. */
export interface AppliedRecord {
  object: KubeObject;
  /** ISO time of the apply. */
  appliedAt: string;
  /**
   * The source's version when it was applied, or `none` when the source had no such resource.
   * `unknown` for a record from a state file of the earlier format, which did not say: the
   * version the source holds when it is first seen is taken to be the one it replaced.
   */
  overrode: SourceVersion | 'none' | 'unknown';
}

const hashes = new WeakMap<KubeObject, string>();

/**
 * A hash of what a resource says: everything but its status and the metadata an API server
 * maintains, so a status write or a resourceVersion bump is not a new version.
 */
export function versionHash(object: KubeObject): string {
  let hash = hashes.get(object);
  if (hash === undefined) {
    const meta = isPlainObject(object.metadata) ? object.metadata : {};
    const kept = { ...object, status: undefined, metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, annotations: meta.annotations } };
    hash = createHash('sha256').update(canonicalJson(kept)).digest('hex');
    hashes.set(object, hash);
  }
  return hash;
}

function versionOf(source: SourcedObject): SourceVersion {
  return { path: source.origin.source === 'file' ? (source.origin.path ?? 'file') : source.origin.source, hash: versionHash(source.object) };
}

/**
 * Whichever was written last wins: an applied copy stays in force over the source's version
 * of the resource only while that version is the one the apply replaced.
 */
function inForce(record: AppliedRecord, source: SourcedObject | undefined): boolean {
  if (source === undefined || record.overrode === 'unknown') return true;
  return record.overrode !== 'none' && record.overrode.hash === versionHash(source.object);
}

/** An applied record next to the source's version of the same resource. */
export interface Overlap {
  key: string;
  record: AppliedRecord;
  source: SourceVersion;
}

/**
 * The resources in force: those of the configured source (-f files or the API server) and those
 * applied at run time, merged by key. Each change yields a new snapshot.
 */
export class ResourceStore {
  private source = new Map<string, SourcedObject>();
  private applied: ReadonlyMap<string, AppliedRecord> = new Map();
  private readonly firstSeen = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  /** The objects of the configured source: the -f files, or the Kubernetes API server. */
  setSourceObjects(objects: readonly SourcedObject[]): void {
    this.source = new Map(objects.map((o) => [objectKey(o.object), o]));
  }

  get appliedRecords(): ReadonlyMap<string, AppliedRecord> {
    return this.applied;
  }

  /** Replaces the applied resources; callers persist them first. */
  setApplied(records: ReadonlyMap<string, AppliedRecord>): void {
    this.applied = records;
  }

  /** The source's version of a resource, if it has one. */
  sourceVersion(key: string): SourceVersion | undefined {
    const source = this.source.get(key);
    return source === undefined ? undefined : versionOf(source);
  }

  /** The version of a resource in force: an applied copy, or the source's. */
  current(key: string): SourcedObject | undefined {
    const record = this.applied.get(key);
    const source = this.source.get(key);
    return record !== undefined && inForce(record, source) ? { object: record.object, origin: { source: 'apply' } } : source;
  }

  /** Applied records the source's version has replaced since they were applied. */
  superseded(): Overlap[] {
    return this.overlaps().filter((o) => !o.inForce);
  }

  /** Applied records in force over a version the source still holds. */
  shadowing(): Overlap[] {
    return this.overlaps().filter((o) => o.inForce);
  }

  snapshot(): SourcedObject[] {
    const merged = new Map(this.source);
    for (const [key, record] of this.applied) {
      const source = this.source.get(key);
      if (!inForce(record, source)) continue;
      const overrides = source === undefined ? {} : { overrides: versionOf(source).path };
      merged.set(key, { object: record.object, origin: { source: 'apply', appliedAt: record.appliedAt, ...overrides } });
    }
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

  private overlaps(): (Overlap & { inForce: boolean })[] {
    return [...this.applied].flatMap(([key, record]) => {
      const source = this.source.get(key);
      return source === undefined ? [] : [{ key, record, source: versionOf(source), inForce: inForce(record, source) }];
    });
  }
}
