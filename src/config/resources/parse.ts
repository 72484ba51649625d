import { readBackend, type BackendResource } from './backend.js';
import { FieldReader, isPlainObject, type FieldError } from './field-reader.js';
import { readGateway, type GatewayResource } from './gateway.js';
import { readGatewayClass, type GatewayClassResource } from './gateway-class.js';
import { readTrafficPolicy, type TrafficPolicyResource } from './traffic-policy.js';
import { readHttpRoute, type HTTPRouteResource } from './http-route.js';
import { describeOrigin, type Origin, type SourcedObject } from './kube-object.js';
import { readEndpointSlice, type EndpointSliceResource } from './endpoint-slice.js';
import { readNamespace, type NamespaceResource } from './namespace.js';
import { readReferenceGrant, type ReferenceGrantResource } from './reference-grant.js';
import { readSecret, type SecretResource } from './secret.js';
import { readService, type ServiceResource } from './service.js';

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
  | TrafficPolicyResource;
export type ResourceKind = Resource['kind'];

/** A problem with one resource, naming where it came from, the resource and the field. */
export interface ConfigIssue {
  severity: 'error' | 'warning';
  origin: Origin;
  kind: string;
  namespace: string;
  name: string;
  field: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const field = issue.field === '' ? '' : `${issue.field}: `;
  return `${describeOrigin(issue.origin)}: ${issue.kind} ${issue.namespace}/${issue.name}: ${field}${issue.message}`;
}

type Reader = (root: FieldReader) => Resource | undefined;

/** The kinds read, by `group/kind`, with the API versions accepted for each. */
const READERS: Record<string, { versions: readonly string[]; read: Reader }> = {
  'gateway.networking.k8s.io/GatewayClass': { versions: ['v1', 'v1beta1'], read: readGatewayClass },
  'gateway.networking.k8s.io/Gateway': { versions: ['v1', 'v1beta1'], read: readGateway },
  'gateway.networking.k8s.io/HTTPRoute': { versions: ['v1', 'v1beta1'], read: readHttpRoute },
  'gateway.kgateway.dev/Backend': { versions: ['v1alpha1'], read: readBackend },
  'gateway.kgateway.dev/TrafficPolicy': { versions: ['v1alpha1'], read: readTrafficPolicy },
  '/Secret': { versions: ['v1'], read: readSecret },
  '/Service': { versions: ['v1'], read: readService },
  '/Namespace': { versions: ['v1'], read: readNamespace },
  'discovery.k8s.io/EndpointSlice': { versions: ['v1'], read: readEndpointSlice },
  'gateway.networking.k8s.io/ReferenceGrant': { versions: ['v1', 'v1beta1'], read: readReferenceGrant },
};

export interface ParseResult {
  resource: Resource | undefined;
  issues: ConfigIssue[];
}

export function parseObject({ object, origin }: SourcedObject): ParseResult {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '<unnamed>';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  const issue = (severity: ConfigIssue['severity'], e: FieldError): ConfigIssue => ({
    severity,
    origin,
    kind: kind === '' ? '<no kind>' : kind,
    namespace,
    name,
    field: e.field,
    message: e.message,
  });
  if (typeof object.apiVersion !== 'string' || kind === '') {
    return { resource: undefined, issues: [issue('error', { field: kind === '' ? 'kind' : 'apiVersion', message: 'is required' })] };
  }
  const [group, version] = splitApiVersion(object.apiVersion);
  const reader = READERS[`${group}/${kind}`];
  if (reader === undefined) {
    return { resource: undefined, issues: [issue('warning', { field: '', message: `${object.apiVersion} ${kind} is not read by ai-gateway; ignored` })] };
  }
  if (!reader.versions.includes(version)) {
    const message = `must be one of ${reader.versions.map((v) => (group === '' ? v : `${group}/${v}`)).join(', ')}`;
    return { resource: undefined, issues: [issue('error', { field: 'apiVersion', message })] };
  }
  const root = new FieldReader(object, '');
  const resource = reader.read(root);
  if (root.errors.length > 0) return { resource: undefined, issues: root.errors.map((e) => issue('error', e)) };
  return { resource, issues: [] };
}

function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}
