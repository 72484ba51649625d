import type { SecretLookup } from '../auth/backend-credential.js';
import { compareHostnameSpecificity } from '../routing/hostnames.js';
import { RouteTable } from '../routing/route-table.js';
import { compileBackend } from './compile-backends.js';
import { compileRoute, type ListenerBuild, type RouteStatusParent } from './compile-routes.js';
import { condition } from './conditions.js';
import { redactManifest } from './redact.js';
import type { BackendResource } from './resources/backend.js';
import type { GatewayResource } from './resources/gateway.js';
import type { HTTPRouteResource } from './resources/http-route.js';
import type { SourcedObject } from './resources/kube-object.js';
import { parseObject, type ConfigIssue, type Resource } from './resources/parse.js';
import {
  bindingKey,
  type CompiledAiBackend,
  type CompiledStaticBackend,
  type Condition,
  type PortBinding,
  type ResourceView,
  type RuntimeConfig,
} from './runtime-config.js';

export interface CompileOptions {
  gatewayClassName: string;
  version: number;
}

const SUPPORTED_PROTOCOLS = ['HTTP'];

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
  for (const source of objects) {
    const result = parseObject(source);
    issues.push(...result.issues);
    if (result.resource !== undefined) loaded.push({ resource: result.resource, source });
    else if (result.issues.some((i) => i.severity === 'error')) views.push(view(source, invalidStatus(result.issues)));
  }
  const of = <K extends Resource['kind']>(kind: K) =>
    loaded.filter((l): l is Loaded & { resource: Extract<Resource, { kind: K }> } => l.resource.kind === kind);

  const secretsByKey = new Map(of('Secret').map((l) => [`${l.resource.meta.namespace}/${l.resource.meta.name}`, l.resource.values]));
  const secrets: SecretLookup = { get: (ns, name) => secretsByKey.get(`${ns}/${name}`) };
  for (const l of of('Secret')) views.push(view(l.source, {}));

  const backends = new Map<string, CompiledAiBackend | CompiledStaticBackend | undefined>();
  for (const l of of('Backend')) {
    const b: BackendResource = l.resource;
    const compiled = compileBackend(b, secrets);
    backends.set(`${b.meta.namespace}/${b.meta.name}`, compiled.backend);
    views.push(view(l.source, { conditions: compiled.conditions }));
  }

  const gateways = new Map<string, { gateway: GatewayResource; listeners: ListenerBuild[] }>();
  const foreignGateways = new Set<string>();
  for (const l of of('Gateway')) {
    const key = `${l.resource.meta.namespace}/${l.resource.meta.name}`;
    if (l.resource.gatewayClassName !== options.gatewayClassName) foreignGateways.add(key);
    else gateways.set(key, { gateway: l.resource, listeners: buildListeners(l.resource) });
  }

  const routeParents = new Map<Loaded, RouteStatusParent[]>();
  for (const l of of('HTTPRoute')) {
    const route: HTTPRouteResource = l.resource;
    routeParents.set(l, compileRoute({ route, firstSeen: l.source.firstSeen ?? '', gateways, foreignGateways, backends }));
  }
  for (const [l, parents] of routeParents) views.push(view(l.source, { parents }));

  const bindings = new Map<string, { address: string; port: number; listeners: PortBinding['listeners'][number][] }>();
  for (const l of of('Gateway')) {
    const gw = gateways.get(`${l.resource.meta.namespace}/${l.resource.meta.name}`);
    if (gw === undefined) {
      views.push(view(l.source, {}));
      continue;
    }
    views.push(view(l.source, gatewayStatus(gw.gateway, gw.listeners)));
    for (const listener of gw.listeners.filter((x) => x.accepted)) {
      for (const address of gw.gateway.bindAddresses.length > 0 ? gw.gateway.bindAddresses : ['0.0.0.0']) {
        const key = bindingKey(address, listener.spec.port);
        const binding = bindings.get(key) ?? { address, port: listener.spec.port, listeners: [] };
        binding.listeners.push({
          gateway: `${gw.gateway.meta.namespace}/${gw.gateway.meta.name}`,
          name: listener.spec.name,
          hostname: listener.spec.hostname,
          routes: new RouteTable(listener.entries),
        });
        bindings.set(key, binding);
      }
    }
  }
  for (const b of bindings.values()) b.listeners.sort((a, c) => compareHostnameSpecificity(a.hostname, c.hostname));
  return { version: options.version, bindings, resources: views, issues };
}

function buildListeners(gateway: GatewayResource): ListenerBuild[] {
  return gateway.listeners.map((spec) => ({
    gateway,
    spec,
    accepted: SUPPORTED_PROTOCOLS.includes(spec.protocol),
    entries: [],
    attachedRoutes: 0,
  }));
}

function gatewayStatus(gateway: GatewayResource, listeners: ListenerBuild[]): unknown {
  const gen = gateway.meta.generation;
  const allAccepted = listeners.every((l) => l.accepted);
  const conditions: Condition[] = [
    allAccepted
      ? condition('Accepted', true, 'Accepted', 'Gateway accepted', gen)
      : condition('Accepted', true, 'ListenersNotValid', 'some listeners are not valid', gen),
    condition('Programmed', listeners.some((l) => l.accepted), listeners.some((l) => l.accepted) ? 'Programmed' : 'Invalid', 'listeners bound', gen),
  ];
  return {
    conditions,
    listeners: listeners.map((l) => ({
      name: l.spec.name,
      attachedRoutes: l.attachedRoutes,
      supportedKinds: l.accepted ? [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] : [],
      conditions: l.accepted
        ? [condition('Accepted', true, 'Accepted', 'Listener accepted', gen), condition('Programmed', true, 'Programmed', 'Listener programmed', gen)]
        : [
            condition('Accepted', false, 'UnsupportedProtocol', `protocol ${l.spec.protocol} is not supported yet (supported: ${SUPPORTED_PROTOCOLS.join(', ')})`, gen),
            condition('Programmed', false, 'Invalid', 'Listener not programmed', gen),
          ],
    })),
  };
}

function invalidStatus(issues: ConfigIssue[]): unknown {
  const message = issues
    .filter((i) => i.severity === 'error')
    .map((i) => (i.field === '' ? i.message : `${i.field}: ${i.message}`))
    .join('; ');
  return { conditions: [condition('Accepted', false, 'Invalid', message, 0)] };
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
