import { GatewayError } from '../core/errors.js';
import { intersectHostnames } from '../routing/hostnames.js';
import type { RouteEntry } from '../routing/route-table.js';
import { condition } from './conditions.js';
import type { GatewayResource, ListenerSpec } from './resources/gateway.js';
import type { HTTPRouteResource, ParentRef, RouteRule } from './resources/http-route.js';
import type { BackendResolver, RefIssue } from './resolve-backend-refs.js';
import type { UnenforcedPolicies } from './compile-policies.js';
import type { CompiledMirror, CompiledRule, Condition, WeightedTarget } from './runtime-config.js';

/** The controllerName of GatewayClasses this gateway serves, unless configured otherwise. */
export const DEFAULT_CONTROLLER_NAME = 'ai-gateway.dev/gateway-controller';

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
  resolver: BackendResolver;
  /** Labels of a namespace (from Namespace resources; none when it is not loaded). */
  namespaceLabels: (namespace: string) => Readonly<Record<string, string>>;
  policies: UnenforcedPolicies;
  controllerName: string;
}

/** Attaches one HTTPRoute to the listeners it may use and returns its parent statuses. */
export function compileRoute(input: RouteCompileInput): RouteStatusParent[] {
  const { route } = input;
  const gen = route.meta.generation;
  const routeRef = `${route.meta.namespace}/${route.meta.name}`;
  const refIssues: RefIssue[] = [];
  const policy = input.policies.applyingTo(route);
  const rules = route.rules.map((rule, ruleIndex) => {
    const compiled = compileRule(rule, ruleIndex, routeRef, input, refIssues);
    if (policy === undefined) return compiled;
    const what = `TrafficPolicy ${policy.meta.namespace}/${policy.meta.name} (${policy.settings.join(', ')})`;
    const error = new GatewayError('unsupported_filter', `the route is targeted by ${what}, which is not enforced yet`);
    return { ...compiled, mirrors: [], targets: [{ weight: 1, target: { kind: 'unresolved' as const, ref: routeRef, error }, filters: [] }], totalWeight: 1 };
  });
  const resolved =
    refIssues.length === 0
      ? condition('ResolvedRefs', true, 'ResolvedRefs', 'All references resolved', gen)
      : condition('ResolvedRefs', false, (refIssues[0] as RefIssue).reason, refIssues.map((i) => i.message).join('; '), gen);

  const parents: RouteStatusParent[] = [];
  for (const parentRef of route.parentRefs) {
    const key = `${parentRef.namespace}/${parentRef.name}`;
    if (parentRef.group !== 'gateway.networking.k8s.io' || parentRef.kind !== 'Gateway') {
      parents.push(parentStatus(input, parentRef, condition('Accepted', false, 'NoMatchingParent', `parent kind ${parentRef.kind} is not supported`, gen), resolved));
      continue;
    }
    if (input.foreignGateways.has(key)) continue;
    const gw = input.gateways.get(key);
    if (gw === undefined) {
      parents.push(parentStatus(input, parentRef, condition('Accepted', false, 'NoMatchingParent', `Gateway ${key} not found`, gen), resolved));
      continue;
    }
    const accepted = attachToGateway(input, parentRef, gw.listeners, rules);
    parents.push(parentStatus(input, parentRef, accepted, resolved));
  }
  return parents;
}

function parentStatus(input: RouteCompileInput, parentRef: ParentRef, accepted: Condition, resolved: Condition): RouteStatusParent {
  return { parentRef, controllerName: input.controllerName, conditions: [accepted, resolved] };
}

/** Gateway API attachment: sectionName/port select listeners, then namespaces, kinds and hostnames filter them. */
function attachToGateway(input: RouteCompileInput, parentRef: ParentRef, listeners: ListenerBuild[], rules: CompiledRule[]): Condition {
  const { route, firstSeen } = input;
  const gen = route.meta.generation;
  const selected = listeners.filter(
    (l) => (parentRef.sectionName === undefined || l.spec.name === parentRef.sectionName) && (parentRef.port === undefined || l.spec.port === parentRef.port),
  );
  if (selected.length === 0) return condition('Accepted', false, 'NoMatchingParent', 'no listener matches the parentRef sectionName/port', gen);
  const allowed = selected.filter((l) => l.accepted && allowsRoute(l, route, input.namespaceLabels));
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

function allowsRoute(l: ListenerBuild, route: HTTPRouteResource, namespaceLabels: RouteCompileInput['namespaceLabels']): boolean {
  const kindOk = l.spec.allowedKinds.length === 0 || l.spec.allowedKinds.some((k) => k.kind === 'HTTPRoute' && k.group === 'gateway.networking.k8s.io');
  if (!kindOk) return false;
  switch (l.spec.allowedNamespaces) {
    case 'All':
      return true;
    case 'Same':
      return route.meta.namespace === l.gateway.meta.namespace;
    case 'Selector': {
      const labels = namespaceLabels(route.meta.namespace);
      return Object.entries(l.spec.namespaceSelector).every(([k, v]) => labels[k] === v);
    }
  }
}

function compileRule(rule: RouteRule, ruleIndex: number, routeRef: string, input: RouteCompileInput, issues: RefIssue[]): CompiledRule {
  const ns = input.route.meta.namespace;
  let targets = rule.backendRefs.map((ref): WeightedTarget => ({ weight: ref.weight, target: input.resolver.resolve(ref, ns, issues), filters: ref.filters }));
  // A filter that cannot be applied must not be skipped (Gateway API): its requests get an error.
  const extension = [...rule.filters, ...rule.backendRefs.flatMap((r) => r.filters)].find((f) => f.type === 'ExtensionRef');
  if (extension !== undefined) {
    const what = `ExtensionRef ${extension.group}/${extension.kind} ${extension.name}`;
    issues.push({ reason: 'InvalidKind', message: `filter ${what} is not supported yet; requests to this rule get 500` });
    const error = new GatewayError('unsupported_filter', `the matched rule uses filter ${what}, which is not supported yet`);
    targets = [{ weight: 1, target: { kind: 'unresolved', ref: `${ns}/${input.route.meta.name}`, error }, filters: [] }];
  }
  const mirrors: CompiledMirror[] = [];
  for (const f of [...rule.filters, ...rule.backendRefs.flatMap((r) => r.filters)]) {
    if (f.type !== 'RequestMirror') continue;
    const target = input.resolver.resolve(f.backendRef, ns, issues);
    // A mirror to an AI Backend would spend tokens twice; only plain HTTP targets are mirrored.
    if (target.kind === 'pool') mirrors.push({ target, fraction: f.fraction });
  }
  const limits = [rule.timeouts.requestMs, rule.timeouts.backendRequestMs].filter((t): t is number => t !== undefined && t > 0);
  return {
    routeRef,
    ruleIndex,
    ruleName: rule.name,
    filters: rule.filters,
    mirrors,
    targets,
    totalWeight: targets.reduce((sum, t) => sum + t.weight, 0),
    timeoutMs: limits.length === 0 ? undefined : Math.min(...limits),
  };
}
