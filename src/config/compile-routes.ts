import { GatewayError } from '../core/errors.js';
import { intersectHostnames } from '../routing/hostnames.js';
import type { RouteEntry } from '../routing/route-table.js';
import { condition } from './conditions.js';
import type { GatewayResource, ListenerSpec } from './resources/gateway.js';
import type { BackendRef, HTTPRouteResource, ParentRef } from './resources/http-route.js';
import type { BackendTarget, CompiledAiBackend, CompiledRule, CompiledStaticBackend, Condition, WeightedTarget } from './runtime-config.js';

export const CONTROLLER_NAME = 'kgateway.dev/kgateway';
const KGATEWAY_GROUP = 'gateway.kgateway.dev';

/** A listener being compiled: its spec, the routes attached so far, and its status. */
export interface ListenerBuild {
  gateway: GatewayResource;
  spec: ListenerSpec;
  accepted: boolean;
  entries: RouteEntry<CompiledRule>[];
  attachedRoutes: number;
}

export interface RouteStatusParent {
  parentRef: ParentRef;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteCompileInput {
  route: HTTPRouteResource;
  firstSeen: string;
  gateways: ReadonlyMap<string, { gateway: GatewayResource; listeners: ListenerBuild[] }>;
  /** Gateways that exist but belong to another class: not ours to report on. */
  foreignGateways: ReadonlySet<string>;
  backends: ReadonlyMap<string, CompiledAiBackend | CompiledStaticBackend | undefined>;
}

/** Attaches one HTTPRoute to the listeners it may use and returns its parent statuses. */
export function compileRoute(input: RouteCompileInput): RouteStatusParent[] {
  const { route } = input;
  const gen = route.meta.generation;
  const routeRef = `${route.meta.namespace}/${route.meta.name}`;
  const refIssues: { reason: string; message: string }[] = [];
  const rules = route.rules.map((rule, ruleIndex): CompiledRule => {
    const targets = rule.backendRefs.map((ref): WeightedTarget => ({ weight: ref.weight, target: resolveBackendRef(ref, input, refIssues) }));
    return {
      routeRef,
      ruleIndex,
      ruleName: rule.name,
      filters: rule.filters,
      targets,
      totalWeight: targets.reduce((sum, t) => sum + t.weight, 0),
    };
  });
  const resolved =
    refIssues.length === 0
      ? condition('ResolvedRefs', true, 'ResolvedRefs', 'All references resolved', gen)
      : condition('ResolvedRefs', false, (refIssues[0] as { reason: string }).reason, refIssues.map((i) => i.message).join('; '), gen);

  const parents: RouteStatusParent[] = [];
  for (const parentRef of route.parentRefs) {
    const key = `${parentRef.namespace}/${parentRef.name}`;
    if (parentRef.group !== 'gateway.networking.k8s.io' || parentRef.kind !== 'Gateway') {
      parents.push(parentStatus(parentRef, condition('Accepted', false, 'NoMatchingParent', `parent kind ${parentRef.kind} is not supported`, gen), resolved));
      continue;
    }
    if (input.foreignGateways.has(key)) continue;
    const gw = input.gateways.get(key);
    if (gw === undefined) {
      parents.push(parentStatus(parentRef, condition('Accepted', false, 'NoMatchingParent', `Gateway ${key} not found`, gen), resolved));
      continue;
    }
    const accepted = attachToGateway(route, parentRef, gw.listeners, rules, input.firstSeen);
    parents.push(parentStatus(parentRef, accepted, resolved));
  }
  return parents;
}

function parentStatus(parentRef: ParentRef, accepted: Condition, resolved: Condition): RouteStatusParent {
  return { parentRef, controllerName: CONTROLLER_NAME, conditions: [accepted, resolved] };
}

/** Gateway API attachment: sectionName/port select listeners, then namespaces, kinds and hostnames filter them. */
function attachToGateway(
  route: HTTPRouteResource,
  parentRef: ParentRef,
  listeners: ListenerBuild[],
  rules: CompiledRule[],
  firstSeen: string,
): Condition {
  const gen = route.meta.generation;
  const selected = listeners.filter(
    (l) => (parentRef.sectionName === undefined || l.spec.name === parentRef.sectionName) && (parentRef.port === undefined || l.spec.port === parentRef.port),
  );
  if (selected.length === 0) return condition('Accepted', false, 'NoMatchingParent', 'no listener matches the parentRef sectionName/port', gen);
  const allowed = selected.filter((l) => l.accepted && allowsRoute(l, route));
  if (allowed.length === 0) return condition('Accepted', false, 'NotAllowedByListeners', 'no listener allows routes from this namespace or of this kind', gen);
  let attached = 0;
  for (const l of allowed) {
    const hostnames = intersectHostnames(l.spec.hostname, route.hostnames);
    if (hostnames === undefined) continue;
    attached++;
    l.attachedRoutes++;
    for (const [ruleIndex, rule] of route.rules.entries()) {
      for (const [matchIndex, match] of rule.matches.entries()) {
        l.entries.push({
          rule: rules[ruleIndex] as CompiledRule,
          match,
          hostnames,
          creationTimestamp: route.meta.creationTimestamp ?? firstSeen,
          routeKey: `${route.meta.namespace}/${route.meta.name}`,
          ruleIndex,
          matchIndex,
        });
      }
    }
  }
  if (attached === 0) return condition('Accepted', false, 'NoMatchingListenerHostname', 'no listener hostname intersects the route hostnames', gen);
  return condition('Accepted', true, 'Accepted', 'Route accepted', gen);
}

function allowsRoute(l: ListenerBuild, route: HTTPRouteResource): boolean {
  const kindOk = l.spec.allowedKinds.length === 0 || l.spec.allowedKinds.some((k) => k.kind === 'HTTPRoute' && k.group === 'gateway.networking.k8s.io');
  if (!kindOk) return false;
  switch (l.spec.allowedNamespaces) {
    case 'All':
      return true;
    case 'Same':
      return route.meta.namespace === l.gateway.meta.namespace;
    case 'Selector':
      return false;
  }
}

function resolveBackendRef(ref: BackendRef, input: RouteCompileInput, issues: { reason: string; message: string }[]): BackendTarget {
  const name = `${ref.namespace}/${ref.name}`;
  const unresolved = (reason: string, message: string): BackendTarget => {
    issues.push({ reason, message });
    return { kind: 'unresolved', ref: name, error: new GatewayError('backend_not_found', `backend ${name} is not available: ${message}`) };
  };
  if (ref.group !== KGATEWAY_GROUP || ref.kind !== 'Backend') {
    const kind = ref.group === '' ? ref.kind : `${ref.group}/${ref.kind}`;
    return unresolved('InvalidKind', `backendRef kind ${kind} is not supported yet (use group ${KGATEWAY_GROUP}, kind Backend)`);
  }
  if (ref.namespace !== input.route.meta.namespace) {
    return unresolved('RefNotPermitted', `Backend "${name}" is in another namespace; cross-namespace references are not supported yet`);
  }
  if (!input.backends.has(name)) return unresolved('BackendNotFound', `Backend "${ref.name}" not found`);
  const backend = input.backends.get(name);
  if (backend === undefined) return unresolved('BackendNotFound', `Backend "${ref.name}" is invalid`);
  return backend;
}
