import type { SecretLookup } from '../auth/backend-credential.js';
import { compareHostnameSpecificity } from '../routing/hostnames.js';
import { RouteTable } from '../routing/route-table.js';
import { BackendTlsPolicies } from './compile-backend-tls.js';
import { compileBackend } from './compile-backends.js';
import { DEFAULT_CONTROLLER_NAME, compileRoute, type ListenerBuild, type RouteStatusParent } from './compile-routes.js';
import { UnenforcedPolicies, invalidPolicyGuard, trafficPolicyStatus } from './compile-policies.js';
import type { TrafficPolicyResource } from './resources/traffic-policy.js';
import { resolveListenerTls, type ListenerTlsResult, type TlsLookup } from './compile-tls.js';
import { condition } from './conditions.js';
import { redactManifest } from './redact.js';
import { BackendResolver } from './resolve-backend-refs.js';
import type { BackendResource } from './resources/backend.js';
import type { GatewayResource } from './resources/gateway.js';
import type { HTTPRouteResource } from './resources/http-route.js';
import type { SourcedObject } from './resources/kube-object.js';
import { parseObject, type ConfigIssue } from './resources/parse.js';
import type { Resource } from './resources/kinds.js';
import {
  bindingKey,
  type CompiledAiBackend,
  type CompiledHttpPool,
  type Condition,
  type PortBinding,
  type ResourceView,
  type RuntimeConfig,
} from './runtime-config.js';

export interface CompileOptions {
  gatewayClassName: string;
  /** Gateways of the class are served when its GatewayClass (if loaded) names this controller. */
  controllerName?: string;
  version: number;
}

const SUPPORTED_PROTOCOLS = ['HTTP', 'HTTPS'];

/** A listener being compiled, plus what decides whether it is served (see listenerConditions). */
interface ListenerState extends ListenerBuild {
  /** Why `accepted` is false. */
  rejection: { reason: string; message: string } | undefined;
  /** HTTPS: its certificates, or why they cannot be used. */
  tls: ListenerTlsResult | undefined;
  /** Set when an earlier listener claimed the same address:port with another protocol. */
  conflict: { reason: 'ProtocolConflict' | 'HostnameConflict'; message: string } | undefined;
}

interface Loaded {
  resource: Resource;
  source: SourcedObject;
}

/**
 * Resources in, an immutable RuntimeConfig out: validation issues, every resource's status
 * conditions, and the per-socket route tables. Pure: no I/O, same input gives the same output.
 */
export function compileConfig(objects: readonly SourcedObject[], options: CompileOptions): RuntimeConfig {
  const issues: ConfigIssue[] = [];
  const loaded: Loaded[] = [];
  const views: ResourceView[] = [];
  const invalidPolicies: TrafficPolicyResource[] = [];
  /** Backends that failed validation, by namespace/name, with their first error: routes to them say so. */
  const invalidBackends = new Map<string, string>();
  for (const source of objects) {
    const result = parseObject(source);
    issues.push(...result.issues);
    if (result.resource !== undefined) loaded.push({ resource: result.resource, source });
    else if (result.issues.some((i) => i.severity === 'error')) {
      views.push(view(source, invalidStatus(result.issues, source.object)));
      const first = result.issues.find((i) => i.severity === 'error' && i.kind === 'Backend');
      if (first !== undefined) invalidBackends.set(`${first.namespace}/${first.name}`, first.field === '' ? first.message : `${first.field}: ${first.message}`);
      const guard = invalidPolicyGuard(source.object);
      if (guard !== undefined) invalidPolicies.push(guard);
    }
  }
  const of = <K extends Resource['kind']>(kind: K) =>
    loaded.filter((l): l is Loaded & { resource: Extract<Resource, { kind: K }> } => l.resource.kind === kind);

  const secretsByKey = new Map(of('Secret').map((l) => [`${l.resource.meta.namespace}/${l.resource.meta.name}`, l.resource.values]));
  const secrets: SecretLookup = { get: (ns, name) => secretsByKey.get(`${ns}/${name}`) };
  for (const l of of('Secret')) views.push(view(l.source, {}));
  const secretResources = new Map(of('Secret').map((l) => [`${l.resource.meta.namespace}/${l.resource.meta.name}`, l.resource]));
  const tls: TlsLookup = {
    secrets: (ns, name) => secretResources.get(`${ns}/${name}`),
    grants: of('ReferenceGrant').map((l) => l.resource),
    certificates: new Map(),
  };

  const configMaps = new Map(of('ConfigMap').map((l) => [`${l.resource.meta.namespace}/${l.resource.meta.name}`, l.resource]));
  const backendTls = new BackendTlsPolicies(
    of('BackendTLSPolicy').map((l) => ({ resource: l.resource, origin: l.source.origin })),
    configMaps,
    issues,
  );
  const backends = new Map<string, CompiledAiBackend | CompiledHttpPool | undefined>();
  for (const l of of('Backend')) {
    const b: BackendResource = l.resource;
    const compiled = compileBackend(b, secrets, backendTls.lookup('gateway.kgateway.dev', 'Backend', b.meta.namespace, b.meta.name));
    backends.set(`${b.meta.namespace}/${b.meta.name}`, compiled.backend);
    views.push(view(l.source, { conditions: compiled.conditions }));
  }

  const controllerName = options.controllerName ?? DEFAULT_CONTROLLER_NAME;
  let classIsOurs = true;
  for (const l of of('GatewayClass')) {
    const c = l.resource;
    const named = c.meta.name === options.gatewayClassName;
    if (named && c.controllerName !== controllerName) {
      classIsOurs = false;
      const message = `names controller ${c.controllerName}, not ${controllerName}: its Gateways are not served here`;
      issues.push({ severity: 'warning', origin: l.source.origin, kind: 'GatewayClass', namespace: c.meta.namespace, name: c.meta.name, field: 'spec.controllerName', message });
    }
    const ours = named && c.controllerName === controllerName;
    views.push(view(l.source, ours ? { conditions: [condition('Accepted', true, 'Accepted', `served by ${controllerName}`, c.meta.generation)] } : {}));
  }

  const gateways = new Map<string, { gateway: GatewayResource; listeners: ListenerState[] }>();
  const foreignGateways = new Set<string>();
  for (const l of of('Gateway')) {
    const key = `${l.resource.meta.namespace}/${l.resource.meta.name}`;
    if (l.resource.gatewayClassName !== options.gatewayClassName || !classIsOurs) foreignGateways.add(key);
    else gateways.set(key, { gateway: l.resource, listeners: buildListeners(l.resource, tls) });
  }
  markProtocolConflicts(gateways.values());

  for (const kind of ['Service', 'EndpointSlice', 'Namespace', 'ReferenceGrant', 'ConfigMap', 'BackendTLSPolicy'] as const) for (const l of of(kind)) views.push(view(l.source, {}));
  const resolver = new BackendResolver({
    tls: (ns, name) => backendTls.lookup('', 'Service', ns, name),
    backends,
    invalidBackends,
    services: of('Service').map((l) => l.resource),
    endpointSlices: of('EndpointSlice').map((l) => l.resource),
    grants: of('ReferenceGrant').map((l) => l.resource),
  });
  const namespaceLabels = new Map(of('Namespace').map((l) => [l.resource.meta.name, l.resource.meta.labels]));
  const policies = of('TrafficPolicy').map((l) => l.resource);
  const gatewayLabels = new Map(of('Gateway').map((l) => [`${l.resource.meta.namespace}/${l.resource.meta.name}`, l.resource.meta.labels]));
  const unenforced = new UnenforcedPolicies([...policies, ...invalidPolicies], (key) => gatewayLabels.get(key));
  const routeParents = new Map<Loaded, RouteStatusParent[]>();
  for (const l of of('HTTPRoute')) {
    const route: HTTPRouteResource = l.resource;
    routeParents.set(
      l,
      compileRoute({
        route,
        firstSeen: l.source.firstSeen ?? '',
        gateways,
        foreignGateways,
        resolver,
        namespaceLabels: (ns) => namespaceLabels.get(ns) ?? {},
        policies: unenforced,
        controllerName,
      }),
    );
  }
  for (const [l, parents] of routeParents) views.push(view(l.source, { parents }));
  const routes = of('HTTPRoute').map((l) => l.resource);
  const ourGateways = new Map([...gateways].map(([key, g]) => [key, g.gateway]));
  for (const l of of('TrafficPolicy')) views.push(view(l.source, trafficPolicyStatus(l.resource, routes, ourGateways, controllerName)));

  const bindings = new Map<string, { address: string; port: number; protocol: PortBinding['protocol']; listeners: PortBinding['listeners'][number][] }>();
  for (const l of of('Gateway')) {
    const gw = gateways.get(`${l.resource.meta.namespace}/${l.resource.meta.name}`);
    if (gw === undefined) {
      views.push(view(l.source, {}));
      continue;
    }
    views.push(view(l.source, gatewayStatus(gw.gateway, gw.listeners)));
    for (const listener of gw.listeners.filter(isProgrammed)) {
      for (const address of bindAddressesOf(gw.gateway)) {
        const key = bindingKey(address, listener.spec.port);
        const protocol = listener.spec.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP';
        const binding = bindings.get(key) ?? { address, port: listener.spec.port, protocol, listeners: [] };
        binding.listeners.push({
          gateway: `${gw.gateway.meta.namespace}/${gw.gateway.meta.name}`,
          name: listener.spec.name,
          hostname: listener.spec.hostname,
          routes: new RouteTable(listener.entries),
          tls: listener.tls?.ok === true ? listener.tls.tls : undefined,
        });
        bindings.set(key, binding);
      }
    }
  }
  for (const b of bindings.values()) b.listeners.sort((a, c) => compareHostnameSpecificity(a.hostname, c.hostname));
  return { version: options.version, bindings, resources: views, issues };
}

function buildListeners(gateway: GatewayResource, tls: TlsLookup): ListenerState[] {
  return gateway.listeners.map((spec) => {
    const rejection = !SUPPORTED_PROTOCOLS.includes(spec.protocol)
      ? { reason: 'UnsupportedProtocol', message: `protocol ${spec.protocol} is not supported yet (supported: ${SUPPORTED_PROTOCOLS.join(', ')})` }
      : spec.protocol === 'HTTPS' && spec.tls?.mode === 'Passthrough'
        ? { reason: 'UnsupportedProtocol', message: 'tls.mode Passthrough is not valid for protocol HTTPS (HTTPS terminates TLS; Passthrough needs protocol TLS)' }
        : undefined;
    return {
      gateway,
      spec,
      accepted: rejection === undefined,
      entries: [],
      attachedRoutes: 0,
      rejection,
      tls: rejection === undefined && spec.protocol === 'HTTPS' ? resolveListenerTls(gateway, spec, tls) : undefined,
      conflict: undefined,
    };
  });
}

function bindAddressesOf(gateway: GatewayResource): readonly string[] {
  return gateway.bindAddresses.length > 0 ? gateway.bindAddresses : ['0.0.0.0'];
}

/**
 * One socket serves one protocol: the first accepted listener on an address:port (Gateways in
 * order, then listeners in order) claims it, and later listeners there with another protocol are
 * Conflicted (ProtocolConflict) and not programmed. Certificates play no part: a conflict comes
 * from the spec alone.
 */
function markProtocolConflicts(gateways: Iterable<{ gateway: GatewayResource; listeners: ListenerState[] }>): void {
  const claimed = new Map<string, { protocol: string; by: string; hostnames: Map<string, string> }>();
  for (const { gateway, listeners } of gateways) {
    for (const l of listeners) {
      if (!l.accepted) continue;
      const by = `${gateway.meta.namespace}/${gateway.meta.name}/${l.spec.name}`;
      const keys = bindAddressesOf(gateway).map((a) => bindingKey(a, l.spec.port));
      const other = keys.map((k) => claimed.get(k)).find((c) => c !== undefined && c.protocol !== l.spec.protocol);
      if (other !== undefined) {
        l.conflict = { reason: 'ProtocolConflict', message: `port ${l.spec.port} already serves ${other.protocol} (listener ${other.by}); one port cannot mix HTTP and HTTPS` };
        continue;
      }
      // Two listeners on one socket with the same hostname could not tell their requests apart.
      const hostname = l.spec.hostname ?? '';
      const sameHost = keys.map((k) => claimed.get(k)?.hostnames.get(hostname)).find((owner) => owner !== undefined);
      if (sameHost !== undefined) {
        l.conflict = { reason: 'HostnameConflict', message: `listener ${sameHost} already serves ${hostname === '' ? 'every hostname' : hostname} on port ${l.spec.port}` };
        continue;
      }
      for (const k of keys) {
        const entry = claimed.get(k) ?? { protocol: l.spec.protocol, by, hostnames: new Map<string, string>() };
        entry.hostnames.set(hostname, by);
        claimed.set(k, entry);
      }
    }
  }
}

/** Accepted, its references resolved, no conflict: the listener is bound and served. */
function isProgrammed(l: ListenerState): boolean {
  return l.accepted && l.tls?.ok !== false && l.conflict === undefined;
}

/** Accepted, Programmed, ResolvedRefs and Conflicted, as the Gateway API defines them for a listener. */
function listenerConditions(l: ListenerState, gen: number): Condition[] {
  const tlsProblem = l.tls?.ok === false ? l.tls : undefined;
  const notProgrammed = l.rejection?.message ?? l.conflict?.message ?? tlsProblem?.message;
  return [
    l.rejection === undefined
      ? condition('Accepted', true, 'Accepted', 'Listener accepted', gen)
      : condition('Accepted', false, l.rejection.reason, l.rejection.message, gen),
    notProgrammed === undefined
      ? condition('Programmed', true, 'Programmed', 'Listener programmed', gen)
      : condition('Programmed', false, 'Invalid', `Listener not programmed: ${notProgrammed}`, gen),
    tlsProblem === undefined
      ? condition('ResolvedRefs', true, 'ResolvedRefs', 'All references resolved', gen)
      : condition('ResolvedRefs', false, tlsProblem.reason, tlsProblem.message, gen),
    l.conflict === undefined
      ? condition('Conflicted', false, 'NoConflicts', 'No conflicts', gen)
      : condition('Conflicted', true, l.conflict.reason, l.conflict.message, gen),
  ];
}

function gatewayStatus(gateway: GatewayResource, listeners: ListenerState[]): unknown {
  const gen = gateway.meta.generation;
  const allValid = listeners.every((l) => l.accepted && l.tls?.ok !== false && l.conflict === undefined);
  const anyProgrammed = listeners.some(isProgrammed);
  const conditions: Condition[] = [
    allValid
      ? condition('Accepted', true, 'Accepted', 'Gateway accepted', gen)
      : condition('Accepted', true, 'ListenersNotValid', 'some listeners are not valid', gen),
    anyProgrammed
      ? condition('Programmed', true, 'Programmed', 'listeners bound', gen)
      : condition('Programmed', false, 'Invalid', 'no listener can be programmed', gen),
  ];
  // The addresses the listeners bind: spec.addresses, or all interfaces.
  const addresses = (gateway.bindAddresses.length > 0 ? gateway.bindAddresses : ['0.0.0.0']).map((value) => ({ type: 'IPAddress', value }));
  return {
    addresses,
    conditions,
    listeners: listeners.map((l) => ({
      name: l.spec.name,
      attachedRoutes: l.attachedRoutes,
      supportedKinds: l.accepted ? [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] : [],
      conditions: listenerConditions(l, gen),
    })),
  };
}

function invalidStatus(issues: ConfigIssue[], object: SourcedObject['object']): unknown {
  const meta = typeof object.metadata === 'object' && object.metadata !== null ? (object.metadata as Record<string, unknown>) : {};
  const generation = typeof meta.generation === 'number' ? meta.generation : 1;
  const message = issues
    .filter((i) => i.severity === 'error')
    .map((i) => (i.field === '' ? i.message : `${i.field}: ${i.message}`))
    .join('; ');
  return { conditions: [condition('Accepted', false, 'Invalid', message, generation)] };
}

function view(source: SourcedObject, status: unknown): ResourceView {
  const o = source.object;
  const meta = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
    kind: typeof o.kind === 'string' ? o.kind : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
    name: typeof meta.name === 'string' ? meta.name : '',
    origin: source.origin,
    manifest: redactManifest(o),
    status,
  };
}
