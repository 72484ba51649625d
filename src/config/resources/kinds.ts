import { readBackend, type BackendResource } from './backend.js';
import { readBackendTlsPolicy, type BackendTlsPolicyResource } from './backend-tls-policy.js';
import { readConfigMap, type ConfigMapResource } from './config-map.js';
import { readEndpointSlice, type EndpointSliceResource } from './endpoint-slice.js';
import type { FieldReader } from './field-reader.js';
import { readGateway, type GatewayResource } from './gateway.js';
import { readGatewayClass, type GatewayClassResource } from './gateway-class.js';
import { readHttpRoute, type HTTPRouteResource } from './http-route.js';
import { readNamespace, type NamespaceResource } from './namespace.js';
import { readReferenceGrant, type ReferenceGrantResource } from './reference-grant.js';
import { readSecret, type SecretResource } from './secret.js';
import { readService, type ServiceResource } from './service.js';
import { readTrafficPolicy, type TrafficPolicyResource } from './traffic-policy.js';

export type Resource =
  | GatewayClassResource
  | GatewayResource
  | HTTPRouteResource
  | BackendResource
  | SecretResource
  | ServiceResource
  | EndpointSliceResource
  | NamespaceResource
  | ReferenceGrantResource
  | TrafficPolicyResource
  | BackendTlsPolicyResource
  | ConfigMapResource;
export type ResourceKind = Resource['kind'];

export interface KindInfo {
  kind: ResourceKind;
  /** The API group; '' for the core group. */
  group: string;
  /** The API versions accepted in manifests; the first is the one listed and watched on an API server. */
  versions: readonly string[];
  /** The resource name in API paths, and what kubectl accepts besides the kind. */
  plural: string;
  /** kubectl's abbreviations, as the kind's CRD (or kubectl, for core kinds) defines them. */
  shortNames?: readonly string[];
  namespaced: boolean;
  read: (root: FieldReader) => Resource | undefined;
  /** The fields of the status subresource this gateway writes in Kubernetes mode (none: it writes no status). */
  status?: readonly string[];
  /** Its CRD may not be installed: a cluster without it has none, rather than never syncing. */
  optional?: boolean;
}

/**
 * Every kind the gateway reads: what parses manifests, what is listed and watched in Kubernetes
 * mode, whose status is written back, and how `get`/`delete` name a kind all come from here.
 */
export const KINDS: readonly KindInfo[] = [
  { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], plural: 'gatewayclasses', shortNames: ['gc'], namespaced: false, read: readGatewayClass, status: ['conditions'] },
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], plural: 'gateways', shortNames: ['gtw'], namespaced: true, read: readGateway, status: ['addresses', 'conditions', 'listeners'] },
  { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], plural: 'httproutes', namespaced: true, read: readHttpRoute, status: ['parents'] },
  { kind: 'ReferenceGrant', group: 'gateway.networking.k8s.io', versions: ['v1beta1', 'v1'], plural: 'referencegrants', shortNames: ['refgrant'], namespaced: true, read: readReferenceGrant },
  { kind: 'Backend', group: 'gateway.kgateway.dev', versions: ['v1alpha1'], plural: 'backends', namespaced: true, read: readBackend, status: ['conditions'] },
  { kind: 'TrafficPolicy', group: 'gateway.kgateway.dev', versions: ['v1alpha1'], plural: 'trafficpolicies', namespaced: true, read: readTrafficPolicy, status: ['ancestors'] },
  { kind: 'Secret', group: '', versions: ['v1'], plural: 'secrets', namespaced: true, read: readSecret },
  { kind: 'Service', group: '', versions: ['v1'], plural: 'services', shortNames: ['svc'], namespaced: true, read: readService },
  { kind: 'Namespace', group: '', versions: ['v1'], plural: 'namespaces', shortNames: ['ns'], namespaced: false, read: readNamespace },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', versions: ['v1'], plural: 'endpointslices', namespaced: true, read: readEndpointSlice },
  { kind: 'BackendTLSPolicy', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1alpha3'], plural: 'backendtlspolicies', shortNames: ['btlspolicy'], namespaced: true, read: readBackendTlsPolicy, optional: true },
  { kind: 'ConfigMap', group: '', versions: ['v1'], plural: 'configmaps', shortNames: ['cm'], namespaced: true, read: readConfigMap },
];

const BY_KIND = new Map<string, KindInfo>(KINDS.map((k) => [k.kind, k]));

export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

/** `group/version` (`v1` for the core group) as written in `apiVersion`. */
export function apiVersionOf(info: KindInfo, version = info.versions[0] ?? ''): string {
  return info.group === '' ? version : `${info.group}/${version}`;
}

/** The collection's path on an API server, cluster-wide or in one namespace. */
export function collectionPath(info: KindInfo, namespace?: string): string {
  const base = info.group === '' ? `/api/${info.versions[0] ?? ''}` : `/apis/${apiVersionOf(info)}`;
  return namespace === undefined || !info.namespaced ? `${base}/${info.plural}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}

/** The store's key for a resource: `group/Kind/namespace/name`, whatever its API version. */
export function resourceStoreKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}
