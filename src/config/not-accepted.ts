import { describeOrigin, type Origin } from './resources/kube-object.js';
import type { ConfigIssue } from './resources/parse.js';
import type { Condition, ResourceView, RuntimeConfig } from './runtime-config.js';

/** One status condition of a compiled resource that says it is not (fully) served as written. */
export interface NotAcceptedCondition {
  kind: string;
  namespace: string;
  name: string;
  origin: Origin;
  /** Where in the status: '' for the resource's own conditions, else `listener http`, `parent Gateway ns/gw`, `ancestor Gateway ns/gw`. */
  scope: string;
  condition: Condition;
}

/** Condition types where True is the problem (the Gateway API's "negative polarity"). */
const NEGATIVE_TYPES = new Set(['Conflicted']);

/**
 * A Backend with some providers unusable stays Accepted, and says so in its message (see
 * compileBackend); the Gateway API gives no reason for "accepted, but", so the message tells.
 */
const PARTIAL_MESSAGE = /cannot be used/;

/** What compile writes in `status` (see compile.ts, compile-routes.ts, compile-policies.ts). */
interface CompiledStatus {
  conditions?: readonly Condition[];
  listeners?: readonly { name: string; conditions: readonly Condition[] }[];
  parents?: readonly { parentRef: StatusRef; conditions: readonly Condition[] }[];
  ancestors?: readonly { ancestorRef: StatusRef; conditions: readonly Condition[] }[];
}

interface StatusRef {
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
}

/**
 * Not fully accepted: a positive condition (Accepted, ResolvedRefs, Programmed) that is not True
 * or is True for a reason other than its type (a Gateway Accepted with ListenersNotValid), a
 * negative one (Conflicted) that is True, or an accepted Backend some of whose providers cannot
 * be used.
 */
export function isNotAccepted(c: Condition): boolean {
  if (NEGATIVE_TYPES.has(c.type)) return c.status === 'True';
  return c.status !== 'True' || c.reason !== c.type || PARTIAL_MESSAGE.test(c.message);
}

/**
 * Every condition, in every compiled resource's status, that says the resource is not served as
 * written: what `serve` would put in status, listed so `validate` can say it before anything runs.
 * Resources that failed validation are left out: their errors are in `config.issues` already.
 */
export function notAcceptedConditions(config: Pick<RuntimeConfig, 'resources' | 'issues'>): NotAcceptedCondition[] {
  const invalid = new Set(config.issues.filter((i) => i.severity === 'error').map(issueKey));
  const found: NotAcceptedCondition[] = [];
  for (const view of config.resources) {
    if (invalid.has(viewKey(view))) continue;
    const status = (view.status ?? {}) as CompiledStatus;
    const add = (scope: string, conditions: readonly Condition[] | undefined): void => {
      for (const condition of conditions ?? []) {
        if (isNotAccepted(condition)) found.push({ kind: view.kind, namespace: view.namespace, name: view.name, origin: view.origin, scope, condition });
      }
    };
    add('', status.conditions);
    for (const l of status.listeners ?? []) add(`listener ${l.name}`, l.conditions);
    for (const p of status.parents ?? []) add(`parent ${describeRef(p.parentRef)}`, p.conditions);
    for (const a of status.ancestors ?? []) add(`ancestor ${describeRef(a.ancestorRef)}`, a.conditions);
  }
  return found;
}

/** `origin: Kind ns/name (scope): Type=Status Reason: message`, in the style of formatIssue. */
export function formatNotAccepted(n: NotAcceptedCondition): string {
  const { type, status, reason, message } = n.condition;
  const scope = n.scope === '' ? '' : ` (${n.scope})`;
  return `${describeOrigin(n.origin)}: ${n.kind} ${n.namespace}/${n.name}${scope}: ${type}=${status} ${reason}: ${message}`;
}

function describeRef(ref: StatusRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}${ref.sectionName === undefined ? '' : `/${ref.sectionName}`}`;
}

function issueKey(i: ConfigIssue): string {
  return JSON.stringify([describeOrigin(i.origin), i.kind, i.namespace, i.name]);
}

function viewKey(v: ResourceView): string {
  return JSON.stringify([describeOrigin(v.origin), v.kind, v.namespace, v.name]);
}
