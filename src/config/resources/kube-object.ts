/** A Kubernetes-style object as read from YAML or the API server, before validation. */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  [field: string]: unknown;
}

/** Where a resource came from: a file path (with the document index), the API server, or `apply`. */
export interface Origin {
  source: 'file' | 'apply' | 'kubernetes';
  path?: string;
  document?: number;
  /** An applied resource: when it was applied. */
  appliedAt?: string;
  /** An applied resource in force over a source's version: that version's file path, or `kubernetes`. */
  overrides?: string;
}

export interface SourcedObject {
  object: KubeObject;
  origin: Origin;
  /** When the store first saw this resource: the creation-time tie-breaker when metadata has none. */
  firstSeen?: string;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  generation: number;
  creationTimestamp: string | undefined;
  labels: Readonly<Record<string, string>>;
}

/** `Kind namespace/name`, the way every message names a resource. */
export function describeResource(kind: string, meta: { namespace: string; name: string }): string {
  return `${kind} ${meta.namespace}/${meta.name}`;
}

export function resourceKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function describeOrigin(origin: Origin): string {
  if (origin.source === 'apply' && origin.overrides !== undefined) return `apply (over ${origin.overrides})`;
  if (origin.source !== 'file') return origin.source;
  return origin.document === undefined ? (origin.path ?? 'file') : `${origin.path ?? 'file'}#${origin.document + 1}`;
}
