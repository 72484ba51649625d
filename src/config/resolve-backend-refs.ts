import { GatewayError } from '../core/errors.js';
import type { BackendTls } from './compile-backend-tls.js';
import { httpPool, upstreamOrigin } from './compile-backends.js';
import type { EndpointSliceResource } from './resources/endpoint-slice.js';
import type { ObjectRef } from './resources/http-route.js';
import { referenceAllowed, type ReferenceGrantResource } from './resources/reference-grant.js';
import type { ServiceResource } from './resources/service.js';
import type { BackendTarget, CompiledAiBackend, CompiledHttpPool, UpstreamTls } from './runtime-config.js';

const KGATEWAY_GROUP = 'gateway.kgateway.dev';

/** Why a reference could not be used, with the Gateway API's ResolvedRefs reason. */
export interface RefIssue {
  reason: 'BackendNotFound' | 'InvalidKind' | 'RefNotPermitted';
  message: string;
}

export interface ResolverInput {
  /** The BackendTLSPolicy TLS a Service is reached with, if one targets it. */
  tls: (namespace: string, name: string) => BackendTls | undefined;
  backends: ReadonlyMap<string, CompiledAiBackend | CompiledHttpPool | undefined>;
  /** Backends that exist but failed validation, with their first error. */
  invalidBackends: ReadonlyMap<string, string>;
  services: readonly ServiceResource[];
  endpointSlices: readonly EndpointSliceResource[];
  grants: readonly ReferenceGrantResource[];
}

/**
 * Resolves HTTPRoute backendRefs (and mirror refs) to data-plane targets: kgateway Backends,
 * and core Services through their EndpointSlices (Service port -> slice port by name, ready
 * endpoints only). Cross-namespace refs need a ReferenceGrant. One pool per Service port is
 * shared by every rule that uses it, so round-robin and failure marks are per endpoint set.
 */
export class BackendResolver {
  private readonly services = new Map<string, ServiceResource>();
  private readonly slices = new Map<string, EndpointSliceResource[]>();
  private readonly pools = new Map<string, CompiledHttpPool>();

  constructor(private readonly input: ResolverInput) {
    for (const s of input.services) this.services.set(`${s.meta.namespace}/${s.meta.name}`, s);
    for (const e of input.endpointSlices) {
      if (e.serviceName === undefined) continue;
      const key = `${e.meta.namespace}/${e.serviceName}`;
      this.slices.set(key, [...(this.slices.get(key) ?? []), e]);
    }
  }

  resolve(ref: ObjectRef, routeNamespace: string, issues: RefIssue[]): BackendTarget {
    const name = `${ref.namespace}/${ref.name}`;
    const unresolved = (issue: RefIssue): BackendTarget => {
      issues.push(issue);
      return { kind: 'unresolved', ref: name, error: new GatewayError('backend_not_found', `backend ${name} is not available: ${issue.message}`) };
    };
    const isService = ref.group === '' && ref.kind === 'Service';
    const isBackend = ref.group === KGATEWAY_GROUP && ref.kind === 'Backend';
    if (!isService && !isBackend) {
      const kind = ref.group === '' ? ref.kind : `${ref.group}/${ref.kind}`;
      return unresolved({ reason: 'InvalidKind', message: `backendRef kind ${kind} is not supported (use a Service, or group ${KGATEWAY_GROUP} kind Backend)` });
    }
    const from = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: routeNamespace };
    if (!referenceAllowed(this.input.grants, from, { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name })) {
      return unresolved({ reason: 'RefNotPermitted', message: `${ref.kind} ${name} is in another namespace and no ReferenceGrant allows it` });
    }
    if (isBackend) {
      const backend = this.input.backends.get(name);
      if (backend === undefined) {
        const invalid = this.input.invalidBackends.get(name);
        const message = invalid === undefined ? `Backend "${ref.name}" not found` : `Backend "${ref.name}" is invalid: ${invalid}`;
        return unresolved({ reason: 'BackendNotFound', message });
      }
      return backend;
    }
    const service = this.services.get(name);
    if (service === undefined) return unresolved({ reason: 'BackendNotFound', message: `Service "${ref.name}" not found` });
    if (ref.port === undefined) return unresolved({ reason: 'BackendNotFound', message: `backendRef to Service "${ref.name}" needs a port` });
    const port = service.ports.find((p) => p.port === ref.port);
    if (port === undefined) return unresolved({ reason: 'BackendNotFound', message: `Service "${ref.name}" has no port ${ref.port}` });
    const tls = this.input.tls(ref.namespace, ref.name);
    // A policy that cannot be applied: the Service is not reached at all rather than in clear.
    if (tls !== undefined && 'error' in tls) return { kind: 'unresolved', ref: name, error: new GatewayError('backend_unavailable', tls.error) };
    return this.servicePool(service, port, tls?.tls);
  }

  private servicePool(service: ServiceResource, port: ServiceResource['ports'][number], tls: UpstreamTls | undefined): CompiledHttpPool {
    const key = `${service.meta.namespace}/${service.meta.name}:${port.port}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      const origins: string[] = [];
      for (const slice of this.slices.get(`${service.meta.namespace}/${service.meta.name}`) ?? []) {
        // EndpointSlice ports carry the Service port's name; the number is the resolved targetPort.
        const slicePort = slice.ports.find((p) => p.name === port.name) ?? (typeof port.targetPort === 'number' && slice.ports.length === 0 ? { port: port.targetPort } : undefined);
        if (slicePort === undefined) continue;
        for (const address of slice.readyAddresses) origins.push(upstreamOrigin(address, slicePort.port, tls, false));
      }
      pool = httpPool(key, origins, tls);
      this.pools.set(key, pool);
    }
    return pool;
  }
}
