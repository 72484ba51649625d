import { canonicalJson, isPlainObject } from '../core/json.js';
import { collectionPath, kindInfo } from '../config/resources/kinds.js';
import type { ResourceView } from '../config/runtime-config.js';

/** List fields shared with other controllers: entries carrying another controllerName are kept. */
const SHARED_LISTS = new Set(['parents', 'ancestors']);

export interface StatusPatch {
  path: string;
  body: { metadata?: { resourceVersion: string }; status: Record<string, unknown> };
}

type Json = Record<string, unknown>;

/**
 * The merge patch that brings a resource's status on the API server to what this gateway
 * computed, or undefined when it already says that. Unchanged conditions keep their
 * lastTransitionTime; entries of other controllers in shared lists are kept, and a patch that
 * touches a shared list carries the resourceVersion read, so it cannot overwrite a concurrent
 * write by another controller (the API server answers 409 and the next event retries).
 */
export function statusPatch(view: ResourceView, current: Json | undefined, controllerName: string, now: string): StatusPatch | undefined {
  const info = kindInfo(view.kind);
  if (info?.status === undefined || current === undefined || !isPlainObject(view.status)) return undefined;
  const desired = view.status;
  const existing = isPlainObject(current.status) ? current.status : {};
  const status: Json = {};
  let shared = false;
  for (const field of info.status) {
    if (!(field in desired)) continue;
    if (SHARED_LISTS.has(field)) {
      shared = true;
      const others = listOf(existing[field]).filter((e) => e.controllerName !== controllerName);
      const ours = listOf(desired[field]).map((entry) => withTimes(entry, listOf(existing[field]).find((e) => sameEntry(e, entry)), now));
      status[field] = [...others, ...ours];
    } else if (field === 'listeners') {
      status[field] = listOf(desired[field]).map((l) => withTimes(l, listOf(existing[field]).find((e) => e.name === l.name), now));
    } else if (field === 'conditions') {
      status[field] = stampConditions(listOf(desired[field]), listOf(existing[field]), now);
    } else {
      status[field] = desired[field];
    }
  }
  if (Object.keys(status).length === 0) return undefined;
  if (Object.entries(status).every(([field, value]) => canonicalJson(value) === canonicalJson(existing[field]))) return undefined;
  const meta = isPlainObject(current.metadata) ? current.metadata : {};
  const path = `${collectionPath(info, view.namespace)}/${encodeURIComponent(view.name)}/status`;
  const version = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined;
  return { path, body: shared && version !== undefined ? { metadata: { resourceVersion: version }, status } : { status } };
}

/** An entry (listener, route parent, policy ancestor) with the transition times of its conditions filled in. */
function withTimes(entry: Json, previous: Json | undefined, now: string): Json {
  return { ...entry, conditions: stampConditions(listOf(entry.conditions), listOf(previous?.conditions), now) };
}

/** A condition keeps its lastTransitionTime while its status stays the same (metav1.Condition). */
function stampConditions(desired: Json[], existing: Json[], now: string): Json[] {
  return desired.map((c) => {
    const before = existing.find((e) => e.type === c.type);
    const since = before !== undefined && before.status === c.status && typeof before.lastTransitionTime === 'string' ? before.lastTransitionTime : now;
    return { ...c, lastTransitionTime: since };
  });
}

function sameEntry(a: Json, b: Json): boolean {
  const ref = (e: Json): string => canonicalJson(e.parentRef ?? e.ancestorRef);
  return a.controllerName === b.controllerName && ref(a) === ref(b);
}

function listOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}
