import { condition } from './conditions.js';
import type { GatewayResource } from './resources/gateway.js';
import type { HTTPRouteResource } from './resources/http-route.js';
import { FieldReader } from './resources/field-reader.js';
import { readTrafficPolicy, type TrafficPolicyResource } from './resources/traffic-policy.js';
import type { KubeObject } from './resources/kube-object.js';
import type { Condition } from './runtime-config.js';

const GATEWAY_API = 'gateway.networking.k8s.io';

/**
 * TrafficPolicies that ask for behaviour the data plane does not enforce yet. A route they
 * target (directly, or through one of its parent Gateways) must not be served as if the policy
 * were absent: a prompt guard silently skipped would be worse than an error.
 */
export class UnenforcedPolicies {
  private readonly policies: readonly TrafficPolicyResource[];

  /** `gatewayLabels`: a Gateway's labels by namespace/name, for policies that select Gateways by label. */
  constructor(
    policies: readonly TrafficPolicyResource[],
    private readonly gatewayLabels: (key: string) => Readonly<Record<string, string>> | undefined = () => undefined,
  ) {
    this.policies = policies.filter((p) => p.settings.length > 0);
  }

  /** The first such policy applying to a route, if any. */
  applyingTo(route: HTTPRouteResource): TrafficPolicyResource | undefined {
    return this.policies.find((p) => targetsRoute(p, route, this.gatewayLabels));
  }
}

/** The Gateways a route names as parents, as namespace/name. */
function parentGateways(route: HTTPRouteResource): string[] {
  return route.parentRefs.filter((p) => p.group === GATEWAY_API && p.kind === 'Gateway').map((p) => `${p.namespace}/${p.name}`);
}

function labelsMatch(labels: Readonly<Record<string, string>> | undefined, wanted: Readonly<Record<string, string>>): boolean {
  return labels !== undefined && Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** By name (targetRefs) or by label (targetSelectors), the route itself or one of its parent Gateways, in the policy's namespace. */
function targetsRoute(policy: TrafficPolicyResource, route: HTTPRouteResource, gatewayLabels: (key: string) => Readonly<Record<string, string>> | undefined): boolean {
  const ns = policy.meta.namespace;
  const parents = parentGateways(route).filter((key) => key.startsWith(`${ns}/`));
  const byRef = policy.targetRefs.some(
    (t) => t.group === GATEWAY_API && ((t.kind === 'HTTPRoute' && ns === route.meta.namespace && t.name === route.meta.name) || (t.kind === 'Gateway' && parents.includes(`${ns}/${t.name}`))),
  );
  return (
    byRef ||
    policy.targetSelectors.some(
      (s) =>
        s.group === GATEWAY_API &&
        ((s.kind === 'HTTPRoute' && ns === route.meta.namespace && labelsMatch(route.meta.labels, s.matchLabels)) ||
          (s.kind === 'Gateway' && parents.some((key) => labelsMatch(gatewayLabels(key), s.matchLabels)))),
    )
  );
}

/**
 * A TrafficPolicy that failed validation still holds its routes closed: a prompt guard with a
 * typo must not leave them open. Its targets are read as far as they can be.
 */
export function invalidPolicyGuard(object: KubeObject): TrafficPolicyResource | undefined {
  if (object.kind !== 'TrafficPolicy') return undefined;
  const policy = readTrafficPolicy(new FieldReader(object, ''));
  const targetRefs = policy.targetRefs.filter((t) => t.name !== '' && t.kind !== '');
  return { ...policy, targetRefs, settings: ['spec (invalid; see its errors)'] };
}

export interface PolicyAncestor {
  ancestorRef: { group: string; kind: string; namespace: string; name: string };
  controllerName: string;
  conditions: Condition[];
}

/**
 * A TrafficPolicy's status in the Gateway API PolicyStatus shape: one ancestor per Gateway of
 * this controller that the policy reaches (a targeted Gateway, or the parents of a targeted route).
 */
export function trafficPolicyStatus(
  policy: TrafficPolicyResource,
  routes: readonly HTTPRouteResource[],
  ourGateways: ReadonlyMap<string, GatewayResource>,
  controllerName: string,
): { ancestors: PolicyAncestor[] } {
  const gen = policy.meta.generation;
  const reached = new Set<string>();
  for (const route of routes) if (targetsRoute({ ...policy, targetRefs: [] }, route, (key) => ourGateways.get(key)?.meta.labels)) for (const key of parentGateways(route)) reached.add(key);
  for (const t of policy.targetRefs) {
    if (t.group !== GATEWAY_API) continue;
    if (t.kind === 'Gateway') reached.add(`${policy.meta.namespace}/${t.name}`);
    if (t.kind !== 'HTTPRoute') continue;
    const route = routes.find((r) => r.meta.namespace === policy.meta.namespace && r.meta.name === t.name);
    for (const p of route?.parentRefs ?? []) if (p.group === GATEWAY_API && p.kind === 'Gateway') reached.add(`${p.namespace}/${p.name}`);
  }
  const accepted =
    policy.settings.length === 0
      ? condition('Accepted', true, 'Accepted', 'Policy accepted', gen)
      : condition(
          'Accepted',
          false,
          'Unsupported',
          `${policy.settings.join(', ')} not enforced yet; requests to the routes this policy targets answer 500 unsupported_filter rather than run without it`,
          gen,
        );
  const ancestors = [...reached]
    .map((key) => ourGateways.get(key))
    .filter((g): g is GatewayResource => g !== undefined)
    .map((g) => ({ ancestorRef: { group: GATEWAY_API, kind: 'Gateway', namespace: g.meta.namespace, name: g.meta.name }, controllerName, conditions: [accepted] }));
  return { ancestors };
}
