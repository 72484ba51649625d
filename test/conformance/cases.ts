/*
 * Expectations transcribed from the Gateway API conformance tests,
 * kubernetes-sigs/gateway-api conformance/tests/*.go (https://github.com/kubernetes-sigs/gateway-api).
 * Copyright The Kubernetes Authors. Licensed under the Apache License, Version 2.0
 * (https://www.apache.org/licenses/LICENSE-2.0).
 * The manifests these rows belong to are from commit 4564255ac2c35d582249b3cdf261bdf51c8bca32
 * (after tag conformance/v1.6.1). The Go files were read from the stored versions named in each
 * test's `upstream` field. This file is data derived from them; it contains no Go code.
 */

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** The request the client sends (upstream http.Request). */
export interface ConformanceRequest {
  /** Host header; '' means none is set (the client uses the gateway address). May carry a port. */
  host: string;
  /** Path, including the query string when there is one. */
  path: string;
  /** Defaults to GET. */
  method?: string;
  /** Request headers, names exactly as upstream spells them (case matters for some rows). */
  headers?: Record<string, string>;
  /** Do not follow redirects (set on every redirect row). */
  unfollowRedirect?: true;
}

/**
 * What the backend must receive (upstream http.ExpectedRequest). When a row has no
 * `backendRequest`, the backend must receive the request as sent: same path (with query), same
 * method, every header in `request.headers` with the same value, and, if `request.host` is not
 * empty, that Host. Compared only when the response status is 200.
 */
export interface ExpectedBackendRequest {
  path: string;
  /** Compared only when present. */
  host?: string;
  /** Defaults to GET. */
  method?: string;
  /** Each must be present with exactly this value (repeated values joined with ','), names case-insensitive. */
  headers?: Record<string, string>;
  /** Each must be absent (case-insensitive). */
  absentHeaders?: string[];
}

/** The response the client must get (upstream http.Response). */
export interface ExpectedResponse {
  status: number;
  /** Compared only when the status is 200; names case-insensitive, repeated values joined with ','. */
  headers?: Record<string, string>;
  /** Compared only when the status is 200. */
  absentHeaders?: string[];
}

/**
 * Where a redirect must point (upstream roundtripper.RedirectRequest), checked on 3xx answers.
 * Omitted fields follow upstream defaults: `host` omitted = not compared; `scheme` omitted = must
 * equal the scheme the request used (http, or https on TLS rows); `path` omitted = must equal the
 * request path (without query); `port` omitted = for http the Location port must be 80 or absent,
 * for https 443 or absent.
 */
export interface ExpectedRedirect {
  scheme?: string;
  host?: string;
  port?: string;
  path?: string;
}

/** A resource the harness acts on between rows. */
export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One request/response expectation (upstream http.ExpectedResponse). */
export interface HttpCase {
  request: ConformanceRequest;
  /** The Gateway the request goes to, as namespace/name (the upstream test's gwNN). */
  gateway: string;
  /** The listener port the request is sent to (80, 443, 8080, 8090). */
  port: number;
  /** Present for HTTPS: connect with TLS and this SNI server name. */
  tls?: { sni: string };
  /**
   * The backend that must answer; undefined when the answer comes from the gateway itself (404,
   * 500, redirects). Only checked when the status is 200. `service` omitted = any pod in
   * `namespace` (upstream leaves Backend empty and checks only the namespace).
   */
  backend?: { namespace: string; service?: string };
  backendRequest?: ExpectedBackendRequest;
  /**
   * Response headers the echo backend is asked to set (upstream BackendSetResponseHeaders, sent to
   * the echo server as the X-Echo-Set-Header request header, "Name:value" pairs joined by ',').
   */
  backendResponseHeaders?: Record<string, string>;
  response: ExpectedResponse;
  redirect?: ExpectedRedirect;
  /** This row runs only after the harness has deleted this resource (it stays deleted afterwards). */
  afterDeleting?: ResourceRef;
}

export interface ConditionExpectation {
  type: string;
  status: 'True' | 'False';
  /** Omitted: any reason. */
  reason?: string;
}

export interface RouteParentExpectation {
  /** Parent Gateway as namespace/name. */
  gateway: string;
  /** The listener the upstream call names; informative only, upstream does not compare sectionName. */
  sectionName?: string;
  conditions: ConditionExpectation[];
}

export interface ListenerExpectation {
  name: string;
  /** Kinds (group gateway.networking.k8s.io) that must be among status.listeners[].supportedKinds. */
  supportedKinds: string[];
  attachedRoutes: number;
  conditions: ConditionExpectation[];
}

/**
 * Status checks, one per upstream helper call (upstream conformance/utils/kubernetes). Upstream
 * also requires every condition it reads to carry observedGeneration == metadata.generation, and
 * the route parent checks require controllerName to be the implementation's controller name.
 */
export type StatusExpectation =
  /** NamespacesMustBeReady: every Gateway in the namespace has Accepted=True and Programmed=True. */
  | { check: 'NamespaceGatewaysReady'; kind: 'Namespace'; name: string }
  /** WaitForGatewayAddress: status.addresses has at least one entry. */
  | { check: 'GatewayHasAddress'; kind: 'Gateway'; namespace: string; name: string }
  /** GatewayListenersMustHaveConditions: every listener in status has all these conditions. */
  | {
      check: 'GatewayListenerConditions';
      kind: 'Gateway';
      namespace: string;
      name: string;
      conditions: ConditionExpectation[];
    }
  /** GatewayStatusMustHaveListeners: exactly these listeners in status (matched by name). */
  | {
      check: 'GatewayListeners';
      kind: 'Gateway';
      namespace: string;
      name: string;
      listeners: ListenerExpectation[];
    }
  /** GatewayMustHaveZeroRoutes: no listeners in status, or exactly one with attachedRoutes 0. */
  | { check: 'GatewayZeroRoutes'; kind: 'Gateway'; namespace: string; name: string }
  /**
   * HTTPRouteMustHaveParents: each listed parent is matched by some status.parents entry with the
   * same Gateway (group gateway.networking.k8s.io, kind Gateway, name) and these conditions.
   * `parentRefNamespace`: 'required' = parentRef.namespace must equal the Gateway namespace;
   * 'optional' = it may also be omitted; 'absent' = it must be omitted.
   */
  | {
      check: 'RouteParents';
      kind: 'HTTPRoute';
      namespace: string;
      name: string;
      parents: RouteParentExpectation[];
      parentRefNamespace: 'required' | 'optional' | 'absent';
    }
  /**
   * HTTPRouteMustHaveCondition (and HTTPRouteMustHaveResolvedRefsConditionsTrue): some
   * status.parents entry whose parentRef names `parent` (namespace omitted or equal) has it.
   */
  | {
      check: 'RouteCondition';
      kind: 'HTTPRoute';
      namespace: string;
      name: string;
      parent: string;
      condition: ConditionExpectation;
    }
  /** HTTPRouteMustHaveNoAcceptedParents: status.parents is empty, or has one entry with Accepted=False. */
  | { check: 'RouteNoAcceptedParents'; kind: 'HTTPRoute'; namespace: string; name: string };

/** Weighted traffic split check (upstream HTTPRouteWeight testDistribution). */
export interface WeightDistributionCheck {
  kind: 'weightDistribution';
  request: ConformanceRequest;
  gateway: string;
  port: number;
  /** Every sampled answer must be 200 from a pod in this namespace. */
  namespace: string;
  totalRequests: number;
  concurrency: number;
  /** Absolute tolerance on each share (0.05 = plus or minus 5 percentage points). */
  tolerance: number;
  /** The whole sample is retried up to this many times; the check passes on the first good sample. */
  maxAttempts: number;
  /** Expected fraction of requests per service; a request served by any other service fails. */
  shares: Record<string, number>;
  /** Exactly this many distinct services must receive traffic. */
  servicesReceivingTraffic: number;
}

/** Per-backendRef filter check (upstream HTTPRouteRequestHeaderModifierBackendWeights). */
export interface BackendHeaderCheck {
  kind: 'backendHeaderMatchesService';
  request: ConformanceRequest;
  gateway: string;
  port: number;
  requests: number;
  /**
   * The backend must receive exactly one value of this request header, and the service that
   * received the request must be the one it names.
   */
  header: string;
}

export type SamplingCheck = WeightDistributionCheck | BackendHeaderCheck;

export interface ConformanceTest {
  /** The upstream ShortName. */
  name: string;
  /** Files under manifests/tests/ that the upstream test applies. */
  manifests: string[];
  /** Features the upstream test declares (Go identifiers from sigs.k8s.io/gateway-api/pkg/features). */
  features: string[];
  /** Upstream marks the test Provisional. */
  provisional?: true;
  /** Which stored version of the Go file the rows were read from. */
  upstream: { file: string; readFrom: string };
  /** Request rows, in upstream order. */
  http: HttpCase[];
  /** Status checks, in upstream order. */
  status: StatusExpectation[];
  /** Statistical or repeated-request checks. */
  sampling?: SamplingCheck[];
  /** Anything in the Go test this data does not capture, or where the data had to be inferred. */
  notCaptured?: string;
}

// ---------------------------------------------------------------------------------------------
// Shared values
// ---------------------------------------------------------------------------------------------

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';
const APP = 'gateway-conformance-app-backend';
const SAME_NS = `${INFRA}/same-namespace`;
const REPO = 'kubernetes-sigs/gateway-api';

const V1 = { namespace: INFRA, service: 'infra-backend-v1' } as const;
const V2 = { namespace: INFRA, service: 'infra-backend-v2' } as const;
const V3 = { namespace: INFRA, service: 'infra-backend-v3' } as const;

const OK = { status: 200 } as const;
const NOT_FOUND = { status: 404 } as const;
const SERVER_ERROR = { status: 500 } as const;

const ROUTE_ACCEPTED: ConditionExpectation = { type: 'Accepted', status: 'True', reason: 'Accepted' };
const LISTENER_READY: ConditionExpectation[] = [
  { type: 'ResolvedRefs', status: 'True' },
  { type: 'Accepted', status: 'True' },
  { type: 'Programmed', status: 'True' },
];

function splitName(namespacedName: string): [string, string] {
  const slash = namespacedName.indexOf('/');
  if (slash <= 0) throw new Error(`expected namespace/name, got ${namespacedName}`);
  return [namespacedName.slice(0, slash), namespacedName.slice(slash + 1)];
}

/**
 * The checks upstream kubernetes.GatewayAndHTTPRoutesMustBeAccepted makes: the Gateway has an
 * address; each route has a parent for the Gateway (one per named listener, or one if none) with
 * Accepted=True reason Accepted; every listener has ResolvedRefs, Accepted and Programmed True.
 */
function gatewayAndRoutesAccepted(
  gateway: string,
  routes: string[],
  listeners: string[] = [],
): StatusExpectation[] {
  const [gwNamespace, gwName] = splitName(gateway);
  const sections: (string | undefined)[] = listeners.length > 0 ? listeners : [undefined];
  const out: StatusExpectation[] = [
    { check: 'GatewayHasAddress', kind: 'Gateway', namespace: gwNamespace, name: gwName },
  ];
  for (const route of routes) {
    const [namespace, name] = splitName(route);
    out.push({
      check: 'RouteParents',
      kind: 'HTTPRoute',
      namespace,
      name,
      parents: sections.map((sectionName) =>
        sectionName === undefined
          ? { gateway, conditions: [ROUTE_ACCEPTED] }
          : { gateway, sectionName, conditions: [ROUTE_ACCEPTED] },
      ),
      parentRefNamespace: namespace === gwNamespace ? 'optional' : 'required',
    });
  }
  out.push({
    check: 'GatewayListenerConditions',
    kind: 'Gateway',
    namespace: gwNamespace,
    name: gwName,
    conditions: LISTENER_READY,
  });
  return out;
}

/** HTTPRouteMustHaveCondition. */
function routeCondition(route: string, parent: string, condition: ConditionExpectation): StatusExpectation {
  const [namespace, name] = splitName(route);
  return { check: 'RouteCondition', kind: 'HTTPRoute', namespace, name, parent, condition };
}

/** HTTPRouteMustHaveResolvedRefsConditionsTrue. */
function resolvedRefsTrue(route: string, parent: string): StatusExpectation {
  return routeCondition(route, parent, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' });
}

function noAcceptedParents(route: string): StatusExpectation {
  const [namespace, name] = splitName(route);
  return { check: 'RouteNoAcceptedParents', kind: 'HTTPRoute', namespace, name };
}

function zeroRoutes(gateway: string): StatusExpectation {
  const [namespace, name] = splitName(gateway);
  return { check: 'GatewayZeroRoutes', kind: 'Gateway', namespace, name };
}

function namespaceReady(name: string): StatusExpectation {
  return { check: 'NamespaceGatewaysReady', kind: 'Namespace', name };
}

function goFile(base: string): string {
  return `conformance/tests/${base}.go`;
}

// ---------------------------------------------------------------------------------------------
// Tests (ordered by manifest file name)
// ---------------------------------------------------------------------------------------------

const ISO = `${INFRA}/http-listener-isolation`;
const ISO_INT = `${INFRA}/http-listener-isolation-with-hostname-intersection`;
const HI = `${INFRA}/httproute-hostname-intersection`;
const HI_ALL = `${INFRA}/httproute-hostname-intersection-all`;
const HTTPS_GW = `${INFRA}/same-namespace-with-https-listener`;
const LHM = `${INFRA}/httproute-listener-hostname-matching`;
const LPM = `${INFRA}/httproute-listener-port-matching`;
const ALL_NS = `${INFRA}/all-namespaces`;
const GW_8080 = `${INFRA}/same-namespace-with-http-listener-on-8080`;

/** The rule-level and backendRef-level header modifier tests send the same rows (see notCaptured). */
const REQUEST_HEADER_MODIFIER_ROWS: HttpCase[] = [
      {
        request: { host: '', path: '/set', headers: { 'Some-Other-Header': 'val' } },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/set', headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
        response: OK,
      },
      {
        request: { host: '', path: '/set', headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' } },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/set', headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
        response: OK,
      },
      {
        request: { host: '', path: '/add', headers: { 'Some-Other-Header': 'val' } },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/add', headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' } },
        response: OK,
      },
      {
        request: { host: '', path: '/add', headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' } },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: {
          path: '/add',
          headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
        },
        response: OK,
      },
      {
        request: { host: '', path: '/remove', headers: { 'X-Header-Remove': 'val' } },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/remove', absentHeaders: ['X-Header-Remove'] },
        response: OK,
      },
      {
        request: {
          host: '',
          path: '/multiple',
          headers: {
            'X-Header-Set-2': 'set-val-2',
            'X-Header-Add-2': 'add-val-2',
            'X-Header-Remove-2': 'remove-val-2',
            'Another-Header': 'another-header-val',
          },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: {
          path: '/multiple',
          headers: {
            'X-Header-Set-1': 'header-set-1',
            'X-Header-Set-2': 'header-set-2',
            'X-Header-Add-1': 'header-add-1',
            'X-Header-Add-2': 'add-val-2,header-add-2',
            'X-Header-Add-3': 'header-add-3',
            'Another-Header': 'another-header-val',
          },
          absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
        },
        response: OK,
      },
      {
        request: {
          host: '',
          path: '/case-insensitivity',
          headers: {
            'x-header-set': 'original-val-set',
            'x-header-add': 'original-val-add',
            'x-header-remove': 'original-val-remove',
            'Another-Header': 'another-header-val',
          },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: {
          path: '/case-insensitivity',
          headers: {
            'X-Header-Set': 'header-set',
            'X-Header-Add': 'original-val-add,header-add',
            'Another-Header': 'another-header-val',
          },
          absentHeaders: ['x-header-remove', 'X-Header-Remove'],
        },
        response: OK,
      },
    ];

export const CONFORMANCE_TESTS: ConformanceTest[] = [
  {
    name: 'GatewayHTTPListenerIsolation',
    manifests: [
      'gateway-http-listener-isolation.yaml',
      'gateway-http-listener-isolation-with-hostname-intersection.yaml',
    ],
    features: ['SupportGateway', 'SupportGatewayHTTPListenerIsolation', 'SupportHTTPRoute'],
    upstream: { file: goFile('gateway-http-listener-isolation'), readFrom: `${REPO}@90561a7f880c31eebe2f2e1d4285fb8a7518354d` },
    http: [
      // Subtest "hostnames are configured only in listeners".
      { request: { host: 'bar.com', path: '/empty-hostname' }, gateway: ISO, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.com', path: '/wildcard-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.com', path: '/wildcard-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.com', path: '/abc-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/empty-hostname' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/wildcard-example-com' }, gateway: ISO, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/abc-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/empty-hostname' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/wildcard-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.foo.example.com', path: '/abc-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/empty-hostname' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/wildcard-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/abc-foo-example-com' }, gateway: ISO, port: 80, backend: V1, response: OK },
      // Subtest "intersecting hostnames are configured in listeners and HTTPRoutes" (same rows).
      { request: { host: 'bar.com', path: '/empty-hostname' }, gateway: ISO_INT, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.com', path: '/wildcard-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.com', path: '/wildcard-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.com', path: '/abc-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/empty-hostname' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/wildcard-example-com' }, gateway: ISO_INT, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.example.com', path: '/abc-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/empty-hostname' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/wildcard-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'bar.foo.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO_INT, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.foo.example.com', path: '/abc-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/empty-hostname' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/wildcard-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/wildcard-foo-example-com' }, gateway: ISO_INT, port: 80, response: NOT_FOUND },
      { request: { host: 'abc.foo.example.com', path: '/abc-foo-example-com' }, gateway: ISO_INT, port: 80, backend: V1, response: OK },
    ],
    status: [
      namespaceReady(INFRA),
      ...gatewayAndRoutesAccepted(ISO, [
        `${INFRA}/attaches-to-empty-hostname`,
        `${INFRA}/attaches-to-wildcard-example-com`,
        `${INFRA}/attaches-to-wildcard-foo-example-com`,
        `${INFRA}/attaches-to-abc-foo-example-com`,
      ]),
      resolvedRefsTrue(`${INFRA}/attaches-to-empty-hostname`, ISO),
      resolvedRefsTrue(`${INFRA}/attaches-to-wildcard-example-com`, ISO),
      resolvedRefsTrue(`${INFRA}/attaches-to-wildcard-foo-example-com`, ISO),
      resolvedRefsTrue(`${INFRA}/attaches-to-abc-foo-example-com`, ISO),
      ...gatewayAndRoutesAccepted(ISO_INT, [
        `${INFRA}/attaches-to-empty-hostname-with-hostname-intersection`,
        `${INFRA}/attaches-to-wildcard-example-com-with-hostname-intersection`,
        `${INFRA}/attaches-to-wildcard-foo-example-com-with-hostname-intersection`,
        `${INFRA}/attaches-to-abc-foo-example-com-with-hostname-intersection`,
      ]),
      resolvedRefsTrue(`${INFRA}/attaches-to-empty-hostname-with-hostname-intersection`, ISO_INT),
      resolvedRefsTrue(`${INFRA}/attaches-to-wildcard-example-com-with-hostname-intersection`, ISO_INT),
      resolvedRefsTrue(`${INFRA}/attaches-to-wildcard-foo-example-com-with-hostname-intersection`, ISO_INT),
      resolvedRefsTrue(`${INFRA}/attaches-to-abc-foo-example-com-with-hostname-intersection`, ISO_INT),
    ],
    notCaptured:
      'One upstream test for both manifests; it applies both at once. The status checks of each subtest run before that subtest\'s rows.',
  },
  {
    name: 'HTTPRoute303Redirect',
    manifests: ['httproute-303-redirect.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoute303RedirectStatusCode'],
    provisional: true,
    upstream: { file: goFile('httproute-303-redirect'), readFrom: `${REPO}@1e3081bcf2700a84c6a66cf9b52b56974d4aa12f` },
    http: [
      {
        request: { host: '', path: '/see-other', method: 'POST', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 303 },
        redirect: { path: '/see-other' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/303-redirect`]),
      resolvedRefsTrue(`${INFRA}/303-redirect`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRoute307Redirect',
    manifests: ['httproute-307-redirect.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoute307RedirectStatusCode'],
    provisional: true,
    upstream: { file: goFile('httproute-307-redirect'), readFrom: `${REPO}@2396b992439549d58cc27f8fc50b7c69b360b555` },
    http: [
      {
        request: { host: '', path: '/temporary', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 307 },
        redirect: { path: '/temporary' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/307-redirect`]),
      resolvedRefsTrue(`${INFRA}/307-redirect`, SAME_NS),
    ],
    notCaptured:
      'The stored Go version names the route "redirect-path" in its status checks; the manifest defines "307-redirect", which is used here.',
  },
  {
    name: 'HTTPRoute308Redirect',
    manifests: ['httproute-308-redirect.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoute308RedirectStatusCode'],
    provisional: true,
    upstream: { file: goFile('httproute-308-redirect'), readFrom: `${REPO}@1e3081bcf2700a84c6a66cf9b52b56974d4aa12f` },
    http: [
      {
        request: { host: '', path: '/permanent', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 308 },
        redirect: { path: '/permanent' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/308-redirect`]),
      resolvedRefsTrue(`${INFRA}/308-redirect`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteBackendRequestRedirect',
    manifests: ['httproute-backend-request-redirect.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteBackendRequestRedirect'],
    upstream: { file: goFile('httproute-backend-request-redirect'), readFrom: `${REPO} (stored version, index id 53287993614)` },
    http: [
      {
        request: { host: '', path: '/full/original', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { path: '/redirected-full' },
      },
      {
        request: { host: '', path: '/prefix/original', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { path: '/redirected-prefix/original' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/backend-request-redirect`]),
      resolvedRefsTrue(`${INFRA}/backend-request-redirect`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteBackendURLRewrite',
    manifests: ['httproute-backend-url-rewrite.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteBackendURLRewrite'],
    upstream: { file: goFile('httproute-backend-url-rewrite'), readFrom: `${REPO}@2860915281710b35c1cf139714d3a5efd8875786` },
    http: [
      {
        request: { host: '', path: '/full/original' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/rewritten-full' },
        response: OK,
      },
      {
        request: { host: '', path: '/prefix/original' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/rewritten-prefix/original' },
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/backend-url-rewrite`]),
      resolvedRefsTrue(`${INFRA}/backend-url-rewrite`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteCrossNamespace',
    manifests: ['httproute-cross-namespace.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-cross-namespace'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: '', path: '/' },
        gateway: `${INFRA}/backend-namespaces`,
        port: 80,
        backend: { namespace: WEB, service: 'web-backend' },
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(`${INFRA}/backend-namespaces`, [`${WEB}/cross-namespace`]),
      resolvedRefsTrue(`${WEB}/cross-namespace`, `${INFRA}/backend-namespaces`),
    ],
  },
  {
    name: 'HTTPRouteDisallowedKind',
    manifests: ['httproute-disallowed-kind.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportTLSRoute'],
    upstream: { file: goFile('httproute-disallowed-kind'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [],
    status: [
      namespaceReady(INFRA),
      resolvedRefsTrue(`${INFRA}/disallowed-kind`, `${INFRA}/tlsroutes-only`),
      routeCondition(`${INFRA}/disallowed-kind`, `${INFRA}/tlsroutes-only`, {
        type: 'Accepted',
        status: 'False',
        reason: 'NotAllowedByListeners',
      }),
      noAcceptedParents(`${INFRA}/disallowed-kind`),
      zeroRoutes(`${INFRA}/tlsroutes-only`),
    ],
  },
  {
    name: 'HTTPRouteExactPathMatching',
    manifests: ['httproute-exact-path-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-exact-path-matching'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      { request: { host: '', path: '/one' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/two' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/one/example' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/two/' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/Two' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/exact-matching`]),
      resolvedRefsTrue(`${INFRA}/exact-matching`, SAME_NS),
    ],
    notCaptured:
      'The stored Go versions use the ShortName "HTTPExactPathMatching"; current implementations\' skip lists use "HTTPRouteExactPathMatching", which is used here.',
  },
  {
    name: 'HTTPRouteHeaderMatching',
    manifests: ['httproute-header-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-header-matching'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      { request: { host: '', path: '/', headers: { Version: 'one' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', headers: { Version: 'two' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', headers: { Version: 'two', Color: 'orange' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', headers: { Version: 'two', Color: 'blue' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', headers: { Color: 'orange' } }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/', headers: { 'Some-Other-Header': 'one' } }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/', headers: { Color: 'blue' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', headers: { Color: 'green' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', headers: { Color: 'red' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', headers: { Color: 'yellow' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', headers: { Color: 'purple' } }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/header-matching`]),
      resolvedRefsTrue(`${INFRA}/header-matching`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteHostnameIntersection',
    manifests: ['httproute-hostname-intersection.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-hostname-intersection'), readFrom: `${REPO}@0c87f4c12b824bcc5db972ace7ea64075e432120` },
    http: [
      // Subtest "HTTPRoutes that do intersect with listener hostnames".
      // specific-host-matches-listener-specific-host
      { request: { host: 'very.specific.com', path: '/s1' }, gateway: HI, port: 80, backend: V1, response: OK },
      { request: { host: 'very.specific.com:1234', path: '/s1' }, gateway: HI, port: 80, backend: V1, response: OK },
      { request: { host: 'non.matching.com', path: '/s1' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.nonmatchingwildcard.io', path: '/s1' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.wildcard.io', path: '/s1' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'very.specific.com', path: '/non-matching-prefix' }, gateway: HI, port: 80, response: NOT_FOUND },
      // specific-host-matches-listener-wildcard-host
      { request: { host: 'foo.wildcard.io', path: '/s2' }, gateway: HI, port: 80, backend: V2, response: OK },
      { request: { host: 'bar.wildcard.io', path: '/s2' }, gateway: HI, port: 80, backend: V2, response: OK },
      { request: { host: 'foo.bar.wildcard.io', path: '/s2' }, gateway: HI, port: 80, backend: V2, response: OK },
      { request: { host: 'non.matching.com', path: '/s2' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'wildcard.io', path: '/s2' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'very.specific.com', path: '/s2' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.wildcard.io', path: '/non-matching-prefix' }, gateway: HI, port: 80, response: NOT_FOUND },
      // wildcard-host-matches-listener-specific-host
      { request: { host: 'very.specific.com', path: '/s3' }, gateway: HI, port: 80, backend: V3, response: OK },
      { request: { host: 'non.matching.com', path: '/s3' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.specific.com', path: '/s3' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.wildcard.io', path: '/s3' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'very.specific.com', path: '/non-matching-prefix' }, gateway: HI, port: 80, response: NOT_FOUND },
      // wildcard-host-matches-listener-wildcard-host
      { request: { host: 'foo.anotherwildcard.io', path: '/s4' }, gateway: HI, port: 80, backend: V1, response: OK },
      { request: { host: 'bar.anotherwildcard.io', path: '/s4' }, gateway: HI, port: 80, backend: V1, response: OK },
      { request: { host: 'foo.bar.anotherwildcard.io', path: '/s4' }, gateway: HI, port: 80, backend: V1, response: OK },
      { request: { host: 'anotherwildcard.io', path: '/s4' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.wildcard.io', path: '/s4' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'very.specific.com', path: '/s4' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'foo.anotherwildcard.io', path: '/non-matching-prefix' }, gateway: HI, port: 80, response: NOT_FOUND },
      // Subtest "HTTPRoutes that do not intersect with listener hostnames" (no-intersecting-hosts).
      { request: { host: 'specific.but.wrong.com', path: '/s5' }, gateway: HI, port: 80, response: NOT_FOUND },
      { request: { host: 'wildcard.io', path: '/s5' }, gateway: HI, port: 80, response: NOT_FOUND },
      // Subtest "HTTPRoutes intersects with an unspecified hostname listener".
      { request: { host: 'first.com', path: '/' }, gateway: HI_ALL, port: 80, backend: V2, response: OK },
      { request: { host: 'sub.first.com', path: '/' }, gateway: HI_ALL, port: 80, backend: V2, response: OK },
      { request: { host: 'second.com', path: '/' }, gateway: HI_ALL, port: 80, backend: V2, response: OK },
      { request: { host: 'sub.second.com', path: '/' }, gateway: HI_ALL, port: 80, backend: V2, response: OK },
      { request: { host: 'third.com', path: '/' }, gateway: HI_ALL, port: 80, response: NOT_FOUND },
      { request: { host: 'sub.third.com', path: '/' }, gateway: HI_ALL, port: 80, response: NOT_FOUND },
    ],
    status: [
      namespaceReady(INFRA),
      ...gatewayAndRoutesAccepted(HI, [
        `${INFRA}/specific-host-matches-listener-specific-host`,
        `${INFRA}/specific-host-matches-listener-wildcard-host`,
        `${INFRA}/wildcard-host-matches-listener-specific-host`,
        `${INFRA}/wildcard-host-matches-listener-wildcard-host`,
      ]),
      resolvedRefsTrue(`${INFRA}/specific-host-matches-listener-specific-host`, HI),
      resolvedRefsTrue(`${INFRA}/specific-host-matches-listener-wildcard-host`, HI),
      resolvedRefsTrue(`${INFRA}/wildcard-host-matches-listener-specific-host`, HI),
      resolvedRefsTrue(`${INFRA}/wildcard-host-matches-listener-wildcard-host`, HI),
      ...gatewayAndRoutesAccepted(HI, []),
      {
        check: 'RouteParents',
        kind: 'HTTPRoute',
        namespace: INFRA,
        name: 'no-intersecting-hosts',
        parents: [
          {
            gateway: HI,
            conditions: [{ type: 'Accepted', status: 'False', reason: 'NoMatchingListenerHostname' }],
          },
        ],
        parentRefNamespace: 'required',
      },
      {
        check: 'GatewayListeners',
        kind: 'Gateway',
        namespace: INFRA,
        name: 'httproute-hostname-intersection',
        listeners: [
          {
            name: 'listener-1',
            supportedKinds: ['HTTPRoute'],
            attachedRoutes: 2,
            conditions: [
              { type: 'Accepted', status: 'True' },
              { type: 'ResolvedRefs', status: 'True' },
            ],
          },
          {
            name: 'listener-2',
            supportedKinds: ['HTTPRoute'],
            attachedRoutes: 1,
            conditions: [
              { type: 'Accepted', status: 'True' },
              { type: 'ResolvedRefs', status: 'True' },
            ],
          },
          {
            name: 'listener-3',
            supportedKinds: ['HTTPRoute'],
            attachedRoutes: 1,
            conditions: [
              { type: 'Accepted', status: 'True' },
              { type: 'ResolvedRefs', status: 'True' },
            ],
          },
        ],
      },
      ...gatewayAndRoutesAccepted(HI_ALL, [`${INFRA}/httproute-hostname-intersection-all`]),
      resolvedRefsTrue(`${INFRA}/httproute-hostname-intersection-all`, HI_ALL),
    ],
    notCaptured:
      'Upstream runs each subtest\'s status checks before its own rows; the no-intersecting-hosts parent check and its two rows belong to the second subtest, the GatewayListeners check to the third.',
  },
  {
    name: 'HTTPRouteHTTPSListener',
    manifests: ['httproute-https-listener.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-https-listener'), readFrom: `${REPO} (stored version, index id 2171812778)` },
    http: [
      {
        request: { host: 'example.org', path: '/' },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        backend: V1,
        response: OK,
      },
      {
        request: { host: 'unknown-example.org', path: '/' },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'unknown-example.org' },
        response: NOT_FOUND,
      },
      {
        request: { host: 'second-example.org', path: '/' },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'second-example.org' },
        backend: V2,
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(HTTPS_GW, [
        `${INFRA}/httproute-https-test`,
        `${INFRA}/httproute-https-test-no-hostname`,
      ]),
      resolvedRefsTrue(`${INFRA}/httproute-https-test`, HTTPS_GW),
      resolvedRefsTrue(`${INFRA}/httproute-https-test-no-hostname`, HTTPS_GW),
    ],
    notCaptured:
      'The client trusts the certificate in Secret gateway-conformance-infra/tls-validity-checks-certificate (the harness generates it; see the manifests README).',
  },
  {
    name: 'HTTPRouteInvalidBackendRefUnknownKind',
    manifests: ['httproute-invalid-backendref-unknown-kind.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-invalid-backendref-unknown-kind'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      { request: { host: '', path: '/v2', method: 'GET' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/invalid-backend-ref-unknown-kind`]),
      routeCondition(`${INFRA}/invalid-backend-ref-unknown-kind`, SAME_NS, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidKind',
      }),
    ],
  },
  {
    name: 'HTTPRouteInvalidCrossNamespaceBackendRef',
    manifests: ['httproute-invalid-cross-namespace-backend-ref.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportReferenceGrant'],
    upstream: { file: goFile('httproute-invalid-cross-namespace-backend-ref'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      { request: { host: '', path: '/', method: 'GET' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/invalid-cross-namespace-backend-ref`]),
      routeCondition(`${INFRA}/invalid-cross-namespace-backend-ref`, SAME_NS, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'RefNotPermitted',
      }),
    ],
  },
  {
    name: 'HTTPRouteInvalidCrossNamespaceParentRef',
    manifests: ['httproute-invalid-cross-namespace-parent-ref.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-invalid-cross-namespace-parent-ref'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [],
    status: [
      resolvedRefsTrue(`${WEB}/invalid-cross-namespace-parent-ref`, SAME_NS),
      routeCondition(`${WEB}/invalid-cross-namespace-parent-ref`, SAME_NS, {
        type: 'Accepted',
        status: 'False',
        reason: 'NotAllowedByListeners',
      }),
      noAcceptedParents(`${WEB}/invalid-cross-namespace-parent-ref`),
      zeroRoutes(SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteInvalidNonExistentBackendRef',
    manifests: ['httproute-invalid-nonexistent-backendref.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-invalid-nonexistent-backendref'), readFrom: `${REPO}@6099e466b2adf8f5bfc0324bcd8532d1ab76c3a7` },
    http: [
      { request: { host: '', path: '/', method: 'GET' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/invalid-nonexistent-backend-ref`]),
      routeCondition(`${INFRA}/invalid-nonexistent-backend-ref`, SAME_NS, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'BackendNotFound',
      }),
    ],
  },
  {
    name: 'HTTPRouteInvalidParentRefNotMatchingListenerPort',
    manifests: ['httproute-invalid-parentref-not-matching-listener-port.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteDestinationPortMatching'],
    upstream: {
      file: goFile('httproute-invalid-parentref-not-matching-listener-port'),
      readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc (features as in ${REPO}@f7c02b9d0f70f40b7b4230bcba2edb2c04cbe115)`,
    },
    http: [],
    status: [
      resolvedRefsTrue(`${INFRA}/httproute-listener-not-matching-route-port`, SAME_NS),
      routeCondition(`${INFRA}/httproute-listener-not-matching-route-port`, SAME_NS, {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
      }),
      noAcceptedParents(`${INFRA}/httproute-listener-not-matching-route-port`),
      zeroRoutes(SAME_NS),
    ],
    notCaptured:
      'Stored versions disagree on the third feature (SupportHTTPRouteDestinationPortMatching in two, SupportRouteDestinationPortMatching in one).',
  },
  {
    name: 'HTTPRouteInvalidParentRefNotMatchingSectionName',
    manifests: ['httproute-invalid-parentref-not-matching-section-name.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-invalid-parentref-not-matching-section-name'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [],
    status: [
      routeCondition(`${INFRA}/httproute-listener-not-matching-section-name`, SAME_NS, {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
      }),
      noAcceptedParents(`${INFRA}/httproute-listener-not-matching-section-name`),
      zeroRoutes(SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteInvalidParentRefSectionNameNotMatchingPort',
    manifests: ['httproute-invalid-parentref-section-name-not-matching-port.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteParentRefPort'],
    upstream: { file: goFile('httproute-invalid-parentref-section-name-not-matching-port'), readFrom: `${REPO}@1e3081bcf2700a84c6a66cf9b52b56974d4aa12f` },
    http: [],
    status: [
      routeCondition(
        `${INFRA}/httproute-listener-section-name-not-matching-port`,
        `${INFRA}/gateway-with-one-not-matching-port-and-section-name-route`,
        { type: 'Accepted', status: 'False', reason: 'NoMatchingParent' },
      ),
      noAcceptedParents(`${INFRA}/httproute-listener-section-name-not-matching-port`),
      zeroRoutes(`${INFRA}/gateway-with-one-not-matching-port-and-section-name-route`),
    ],
  },
  {
    name: 'HTTPRouteInvalidReferenceGrant',
    manifests: ['httproute-invalid-reference-grant.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportReferenceGrant'],
    upstream: { file: goFile('httproute-invalid-reference-grant'), readFrom: `${REPO} (stored version, index id 1605729112)` },
    http: [
      { request: { host: '', path: '/', method: 'GET' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/reference-grant`]),
      routeCondition(`${INFRA}/reference-grant`, SAME_NS, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'RefNotPermitted',
      }),
    ],
  },
  {
    name: 'HTTPRouteListenerHostnameMatching',
    manifests: ['httproute-listener-hostname-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: {
      file: goFile('httproute-listener-hostname-matching'),
      readFrom: `${REPO}@0cfa8673e3dc4a590cfcea4ec6696f0c02d45186 (features as in fork dprotaso/gateway-api@9b9cc033d80b5489bb0089b85a7b0dedd5fa4846)`,
    },
    http: [
      { request: { host: 'bar.com', path: '/' }, gateway: LHM, port: 80, backend: V1, response: OK },
      { request: { host: 'foo.bar.com', path: '/' }, gateway: LHM, port: 80, backend: V2, response: OK },
      { request: { host: 'baz.bar.com', path: '/' }, gateway: LHM, port: 80, backend: V3, response: OK },
      { request: { host: 'boo.bar.com', path: '/' }, gateway: LHM, port: 80, backend: V3, response: OK },
      { request: { host: 'multiple.prefixes.bar.com', path: '/' }, gateway: LHM, port: 80, backend: V3, response: OK },
      { request: { host: 'multiple.prefixes.foo.com', path: '/' }, gateway: LHM, port: 80, backend: V3, response: OK },
      { request: { host: 'foo.com', path: '/' }, gateway: LHM, port: 80, response: NOT_FOUND },
      { request: { host: 'no.matching.host', path: '/' }, gateway: LHM, port: 80, response: NOT_FOUND },
    ],
    status: [
      namespaceReady(INFRA),
      ...gatewayAndRoutesAccepted(LHM, [`${INFRA}/backend-v1`], ['listener-1']),
      resolvedRefsTrue(`${INFRA}/backend-v1`, LHM),
      ...gatewayAndRoutesAccepted(LHM, [`${INFRA}/backend-v2`], ['listener-2']),
      resolvedRefsTrue(`${INFRA}/backend-v2`, LHM),
      ...gatewayAndRoutesAccepted(LHM, [`${INFRA}/backend-v3`], ['listener-3', 'listener-4']),
      resolvedRefsTrue(`${INFRA}/backend-v3`, LHM),
    ],
    notCaptured:
      'The newest stored upstream version declares only SupportHTTPRoute; the features here are from a later fork copy.',
  },
  {
    name: 'HTTPRouteListenerPortMatching',
    manifests: ['httproute-listener-port-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteParentRefPort'],
    upstream: { file: goFile('httproute-listener-port-matching'), readFrom: `${REPO}@17e72c0f323c108401698c03177f6beb22579b4b` },
    http: [
      { request: { host: 'foo.com', path: '/' }, gateway: LPM, port: 80, backend: V1, response: OK },
      { request: { host: 'foo.com:8080', path: '/' }, gateway: LPM, port: 8080, backend: V2, response: OK },
      { request: { host: 'bar.com:8080', path: '/' }, gateway: LPM, port: 8080, backend: V2, response: OK },
      { request: { host: 'foo.com:8090', path: '/' }, gateway: LPM, port: 8090, backend: V3, response: OK },
      { request: { host: 'bar.com:8090', path: '/' }, gateway: LPM, port: 8090, response: NOT_FOUND },
    ],
    status: [
      namespaceReady(INFRA),
      ...gatewayAndRoutesAccepted(LPM, [`${INFRA}/backend-v1`], ['listener-1']),
      resolvedRefsTrue(`${INFRA}/backend-v1`, LPM),
      ...gatewayAndRoutesAccepted(LPM, [`${INFRA}/backend-v2`], ['listener-2']),
      resolvedRefsTrue(`${INFRA}/backend-v2`, LPM),
      ...gatewayAndRoutesAccepted(LPM, [`${INFRA}/backend-v3`], ['listener-4']),
      resolvedRefsTrue(`${INFRA}/backend-v3`, LPM),
    ],
  },
  {
    name: 'HTTPRouteMatchingAcrossRoutes',
    manifests: ['httproute-matching-across-routes.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-matching-across-routes'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      { request: { host: 'example.com', path: '/' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: 'example.com', path: '/example' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: 'example.net', path: '/example' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: 'example.com', path: '/example', headers: { Version: 'one' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: 'example.com', path: '/v2' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: 'example.net', path: '/v2' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: 'example.com', path: '/v2/example' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: 'example.com', path: '/', headers: { Version: 'two' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/matching-part1`, `${INFRA}/matching-part2`]),
      resolvedRefsTrue(`${INFRA}/matching-part1`, SAME_NS),
      resolvedRefsTrue(`${INFRA}/matching-part2`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteMatching',
    manifests: ['httproute-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-matching'), readFrom: `${REPO} (stored version, index id 480495187)` },
    http: [
      { request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/example' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', headers: { Version: 'one' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/v2' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/v2/example' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', headers: { Version: 'two' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/v2/' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/v2example' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/foo/v2/example' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
    ],
    status: [...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/matching`])],
    notCaptured:
      'The stored Go version declares no Features; SupportGateway and SupportHTTPRoute are what every current HTTPRoute test declares. That version makes no ResolvedRefs check.',
  },
  {
    name: 'HTTPRouteMethodMatching',
    manifests: ['httproute-method-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteMethodMatching'],
    upstream: { file: goFile('httproute-method-matching'), readFrom: `${REPO}@0c87f4c12b824bcc5db972ace7ea64075e432120` },
    http: [
      { request: { host: '', path: '/', method: 'POST' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', method: 'GET' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/', method: 'HEAD' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      // Combinations with core match types.
      { request: { host: '', path: '/path1', method: 'GET' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', method: 'PUT', headers: { version: 'one' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/path2', method: 'POST', headers: { version: 'two' } }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
      // ORed matches.
      { request: { host: '', path: '/path3', method: 'PATCH' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/path4', method: 'DELETE', headers: { version: 'three' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      // ANDed match types with only a subset present.
      { request: { host: '', path: '/', method: 'PUT' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/path4', method: 'DELETE' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      // Precedence.
      { request: { host: '', path: '/path5', method: 'PATCH' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/', method: 'PATCH', headers: { version: 'four' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/method-matching`]),
      resolvedRefsTrue(`${INFRA}/method-matching`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteMultipleGateways',
    manifests: ['httproute-multiple-gateways.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-multiple-gateways'), readFrom: `${REPO} (stored version, index id 55495561285)` },
    http: [
      // Subtest "Gateway same-namespace".
      { request: { host: '', path: '/shared' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      // Subtest "Gateway all-namespaces".
      { request: { host: '', path: '/shared' }, gateway: ALL_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/' }, gateway: ALL_NS, port: 80, backend: V3, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [
        `${INFRA}/multiple-gateways-shared-route`,
        `${INFRA}/same-namespace-dedicated-route`,
      ]),
      ...gatewayAndRoutesAccepted(ALL_NS, [
        `${INFRA}/multiple-gateways-shared-route`,
        `${INFRA}/all-namespaces-dedicated-route`,
      ]),
    ],
    notCaptured: 'Upstream runs the two Gateway subtests in parallel.',
  },
  {
    name: 'HTTPRouteNamedRule',
    manifests: ['httproute-named-rule.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteNamedRouteRule'],
    provisional: true,
    upstream: { file: goFile('httproute-named-rule'), readFrom: `${REPO}@1e3081bcf2700a84c6a66cf9b52b56974d4aa12f` },
    http: [
      { request: { host: '', path: '/named' }, gateway: SAME_NS, port: 80, backend: { namespace: INFRA }, response: OK },
      { request: { host: '', path: '/unnamed' }, gateway: SAME_NS, port: 80, backend: { namespace: INFRA }, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/http-named-rules`]),
      resolvedRefsTrue(`${INFRA}/http-named-rules`, SAME_NS),
    ],
    notCaptured: 'Upstream names no backend for these rows; the manifest sends /named to infra-backend-v1 and /unnamed to infra-backend-v2.',
  },
  {
    name: 'HTTPRouteNoBackendRefs',
    manifests: ['httproute-omitted-backendrefs.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-omitted-backendrefs'), readFrom: `${REPO}@832f6ff5a5ee40ae731f5a80840d755d8d8a562b` },
    http: [
      { request: { host: '', path: '/forward' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/omitted-no-forward' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
      { request: { host: '', path: '/empty-no-forward' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
    ],
    status: [
      { check: 'GatewayHasAddress', kind: 'Gateway', namespace: INFRA, name: 'same-namespace' },
      resolvedRefsTrue(`${INFRA}/omitted-backendrefs`, SAME_NS),
      {
        check: 'RouteParents',
        kind: 'HTTPRoute',
        namespace: INFRA,
        name: 'omitted-backendrefs',
        parents: [{ gateway: SAME_NS, conditions: [{ type: 'Accepted', status: 'True' }] }],
        parentRefNamespace: 'absent',
      },
    ],
  },
  {
    name: 'HTTPRoutePartiallyInvalidViaInvalidReferenceGrant',
    manifests: ['httproute-partially-invalid-via-invalid-reference-grant.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportReferenceGrant'],
    upstream: {
      file: goFile('httproute-partially-invalid-via-invalid-reference-grant'),
      readFrom: `${REPO}@6099e466b2adf8f5bfc0324bcd8532d1ab76c3a7`,
    },
    http: [
      { request: { host: '', path: '/v2', method: 'GET' }, gateway: SAME_NS, port: 80, response: SERVER_ERROR },
      {
        request: { host: '', path: '/', method: 'GET' },
        gateway: SAME_NS,
        port: 80,
        backend: { namespace: APP, service: 'app-backend-v1' },
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/invalid-reference-grant`]),
      routeCondition(`${INFRA}/invalid-reference-grant`, SAME_NS, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'RefNotPermitted',
      }),
    ],
  },
  {
    name: 'HTTPRoutePathMatchOrder',
    manifests: ['httproute-path-match-order.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: {
      file: goFile('httproute-path-match-order'),
      readFrom: `${REPO}@0cfa8673e3dc4a590cfcea4ec6696f0c02d45186 (features as in fork makslion/gateway-api@335cf6e5963a83c7de7d9a73cbc3a84ca5aadfad)`,
    },
    http: [
      { request: { host: '', path: '/match/exact/one' }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
      { request: { host: '', path: '/match/exact' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/match' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/match/prefix/one/any' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/match/prefix/any' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/match/any' }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/path-matching-order`]),
      resolvedRefsTrue(`${INFRA}/path-matching-order`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteQueryParamMatching',
    manifests: ['httproute-query-param-matching.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteQueryParamMatching'],
    upstream: { file: goFile('httproute-query-param-matching'), readFrom: `${REPO}@0c87f4c12b824bcc5db972ace7ea64075e432120` },
    http: [
      { request: { host: '', path: '/?animal=whale' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/?animal=dolphin' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/?animal=dolphin&color=blue' }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
      { request: { host: '', path: '/?ANIMAL=Whale' }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
      { request: { host: '', path: '/?animal=whale&otherparam=irrelevant' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/?animal=dolphin&color=yellow' }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/?color=blue' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/?animal=dog' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/?animal=whaledolphin' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      // Combinations with core match types.
      { request: { host: '', path: '/path1?animal=whale' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/?animal=whale', headers: { version: 'one' } }, gateway: SAME_NS, port: 80, backend: V2, response: OK },
      { request: { host: '', path: '/path2?animal=whale', headers: { version: 'two' } }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
      // ORed matches.
      { request: { host: '', path: '/path3?animal=shark' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/path4?animal=kraken', headers: { version: 'three' } }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      // ANDed match types with only a subset present.
      { request: { host: '', path: '/?animal=shark' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      { request: { host: '', path: '/path4?animal=kraken' }, gateway: SAME_NS, port: 80, response: NOT_FOUND },
      // Precedence.
      { request: { host: '', path: '/path5?animal=hydra' }, gateway: SAME_NS, port: 80, backend: V1, response: OK },
      { request: { host: '', path: '/?animal=hydra', headers: { version: 'four' } }, gateway: SAME_NS, port: 80, backend: V3, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/query-param-matching`]),
      resolvedRefsTrue(`${INFRA}/query-param-matching`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRedirectHostAndStatus',
    manifests: ['httproute-redirect-host-and-status.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-redirect-host-and-status'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: '', path: '/hostname-redirect', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { host: 'example.org' },
      },
      {
        request: { host: '', path: '/host-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 301 },
        redirect: { host: 'example.org' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/redirect-host-and-status`]),
      resolvedRefsTrue(`${INFRA}/redirect-host-and-status`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRedirectPath',
    manifests: ['httproute-redirect-path.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoutePathRedirect'],
    upstream: { file: goFile('httproute-redirect-path'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: '', path: '/original-prefix/lemon', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { path: '/replacement-prefix/lemon' },
      },
      {
        request: { host: '', path: '/full/path/original', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { path: '/full-path-replacement' },
      },
      {
        request: { host: '', path: '/path-and-host', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { host: 'example.org', path: '/replacement-prefix' },
      },
      {
        request: { host: '', path: '/path-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 301 },
        redirect: { path: '/replacement-prefix' },
      },
      {
        request: { host: '', path: '/full-path-and-host', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { host: 'example.org', path: '/replacement-full' },
      },
      {
        request: { host: '', path: '/full-path-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 301 },
        redirect: { path: '/replacement-full' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/redirect-path`]),
      resolvedRefsTrue(`${INFRA}/redirect-path`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRedirectPortAndScheme',
    manifests: ['httproute-redirect-port-and-scheme.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoutePortRedirect', 'SupportGatewayPort8080'],
    upstream: { file: goFile('httproute-redirect-port-and-scheme'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      // http-listener-on-80 (route http-route-for-listener-on-port-80).
      {
        request: { host: '', path: '/scheme-nil-and-port-nil', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'http', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-nil-and-port-80', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'http', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-nil-and-port-8080', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'http', port: '8080', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-https-and-port-nil', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-https-and-port-443', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-https-and-port-8443', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'https', port: '8443', host: 'example.org' },
      },
      // http-listener-on-8080 (route http-route-for-listener-on-port-8080).
      {
        request: { host: '', path: '/scheme-nil-and-port-nil', unfollowRedirect: true },
        gateway: GW_8080,
        port: 8080,
        response: { status: 302 },
        redirect: { scheme: 'http', port: '8080', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-nil-and-port-80', unfollowRedirect: true },
        gateway: GW_8080,
        port: 8080,
        response: { status: 302 },
        redirect: { scheme: 'http', host: 'example.org' },
      },
      {
        request: { host: '', path: '/scheme-https-and-port-nil', unfollowRedirect: true },
        gateway: GW_8080,
        port: 8080,
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
      // https-listener-on-443 (route http-route-for-listener-on-port-443), TLS with SNI example.org.
      {
        request: { host: 'example.org', path: '/scheme-nil-and-port-nil', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
      {
        request: { host: 'example.org', path: '/scheme-nil-and-port-443', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
      {
        request: { host: 'example.org', path: '/scheme-nil-and-port-8443', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'https', port: '8443', host: 'example.org' },
      },
      {
        request: { host: 'example.org', path: '/scheme-http-and-port-nil', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'http', host: 'example.org' },
      },
      {
        request: { host: 'example.org', path: '/scheme-http-and-port-80', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'http', host: 'example.org' },
      },
      {
        request: { host: 'example.org', path: '/scheme-http-and-port-8080', unfollowRedirect: true },
        gateway: HTTPS_GW,
        port: 443,
        tls: { sni: 'example.org' },
        response: { status: 302 },
        redirect: { scheme: 'http', port: '8080', host: 'example.org' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/http-route-for-listener-on-port-80`]),
      resolvedRefsTrue(`${INFRA}/http-route-for-listener-on-port-80`, SAME_NS),
      ...gatewayAndRoutesAccepted(GW_8080, [`${INFRA}/http-route-for-listener-on-port-8080`]),
      resolvedRefsTrue(`${INFRA}/http-route-for-listener-on-port-8080`, GW_8080),
      ...gatewayAndRoutesAccepted(HTTPS_GW, [`${INFRA}/http-route-for-listener-on-port-443`]),
      resolvedRefsTrue(`${INFRA}/http-route-for-listener-on-port-443`, HTTPS_GW),
    ],
    notCaptured:
      'The HTTPS rows trust the certificate in Secret gateway-conformance-infra/tls-validity-checks-certificate (generated by the harness).',
  },
  {
    name: 'HTTPRouteRedirectPort',
    manifests: ['httproute-redirect-port.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoutePortRedirect'],
    upstream: { file: goFile('httproute-redirect-port'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: '', path: '/port', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { port: '8083' },
      },
      {
        request: { host: '', path: '/port-and-host', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { host: 'example.org', port: '8083' },
      },
      {
        request: { host: '', path: '/port-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 301 },
        redirect: { port: '8083' },
      },
      {
        request: { host: '', path: '/port-and-host-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { port: '8083', host: 'example.org' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/redirect-port`]),
      resolvedRefsTrue(`${INFRA}/redirect-port`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRedirectScheme',
    manifests: ['httproute-redirect-scheme.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteSchemeRedirect'],
    upstream: { file: goFile('httproute-redirect-scheme'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: '', path: '/scheme', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'https' },
      },
      {
        request: { host: '', path: '/scheme-and-host', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { host: 'example.org', scheme: 'https' },
      },
      {
        request: { host: '', path: '/scheme-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 301 },
        redirect: { scheme: 'https' },
      },
      {
        request: { host: '', path: '/scheme-and-host-and-status', unfollowRedirect: true },
        gateway: SAME_NS,
        port: 80,
        response: { status: 302 },
        redirect: { scheme: 'https', host: 'example.org' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/redirect-scheme`]),
      resolvedRefsTrue(`${INFRA}/redirect-scheme`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteReferenceGrant',
    manifests: ['httproute-reference-grant.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportReferenceGrant'],
    upstream: { file: goFile('httproute-reference-grant'), readFrom: `${REPO} (stored version, index id 1448568887)` },
    http: [
      {
        request: { host: '', path: '/', method: 'GET' },
        gateway: SAME_NS,
        port: 80,
        backend: { namespace: WEB, service: 'web-backend' },
        response: OK,
      },
      {
        request: { host: '', path: '/', method: 'GET' },
        gateway: SAME_NS,
        port: 80,
        response: SERVER_ERROR,
        afterDeleting: { kind: 'ReferenceGrant', namespace: WEB, name: 'reference-grant' },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/reference-grant`]),
      resolvedRefsTrue(`${INFRA}/reference-grant`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRequestHeaderModifierBackendWeights',
    manifests: ['httproute-request-header-modifier-backend-weights.yaml'],
    features: ['SupportGateway', 'SupportHTTPRouteBackendRequestHeaderModification', 'SupportHTTPRoute'],
    upstream: {
      file: goFile('httproute-request-header-modifier-backend-weights'),
      readFrom: `${REPO}@1375bfe4fd0beef8ae825b2837d363be9da92c6f`,
    },
    http: [
      { request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, backend: { namespace: INFRA }, response: OK },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/request-header-modifier-backend-weights`]),
      resolvedRefsTrue(`${INFRA}/request-header-modifier-backend-weights`, SAME_NS),
    ],
    sampling: [
      {
        kind: 'backendHeaderMatchesService',
        request: { host: '', path: '/' },
        gateway: SAME_NS,
        port: 80,
        requests: 100,
        header: 'Backend',
      },
    ],
    notCaptured: 'Upstream sends the 100 requests one after another and fails on the first error.',
  },
  {
    name: 'HTTPRouteBackendRequestHeaderModifier',
    manifests: ['httproute-request-header-modifier-backend.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteBackendRequestHeaderModification'],
    upstream: { file: goFile('httproute-request-header-modifier'), readFrom: 'not readable (see notCaptured)' },
    http: REQUEST_HEADER_MODIFIER_ROWS,
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/request-header-modifier`]),
      resolvedRefsTrue(`${INFRA}/request-header-modifier`, SAME_NS),
    ],
    notCaptured:
      'No stored Go version defines this test. The mesh twin (MeshHTTPRouteBackendRequestHeaderModifier) reuses the rule-level test function, and this manifest reuses the route name request-header-modifier and the same paths and filter values, so the rows and features are those of HTTPRouteRequestHeaderModifier with SupportHTTPRouteBackendRequestHeaderModification added (inferred). It cannot run at the same time as HTTPRouteRequestHeaderModifier.',
  },
  {
    name: 'HTTPRouteRequestHeaderModifier',
    manifests: ['httproute-request-header-modifier.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-request-header-modifier'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: REQUEST_HEADER_MODIFIER_ROWS,
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/request-header-modifier`]),
      resolvedRefsTrue(`${INFRA}/request-header-modifier`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteResponseHeaderModifier',
    manifests: ['httproute-response-header-modifier.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteResponseHeaderModification'],
    upstream: {
      file: goFile('httproute-response-header-modifier'),
      readFrom: 'fork makslion/gateway-api@335cf6e5963a83c7de7d9a73cbc3a84ca5aadfad (its namespace rename gw-conf-infra undone)',
    },
    http: [
      {
        request: { host: '', path: '/set' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: { 'Some-Other-Header': 'val' },
        response: { status: 200, headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
      },
      {
        request: { host: '', path: '/set' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
        response: { status: 200, headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
      },
      {
        request: { host: '', path: '/add' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: { 'Some-Other-Header': 'val' },
        response: { status: 200, headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' } },
      },
      {
        request: { host: '', path: '/add' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
        response: {
          status: 200,
          headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
        },
      },
      {
        request: { host: '', path: '/remove' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: { 'X-Header-Remove': 'val' },
        response: { status: 200, absentHeaders: ['X-Header-Remove'] },
      },
      {
        request: { host: '', path: '/multiple' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: {
          'X-Header-Set-2': 'set-val-2',
          'X-Header-Add-2': 'add-val-2',
          'X-Header-Remove-2': 'remove-val-2',
          'Another-Header': 'another-header-val',
          'X-Header-Remove-1': 'val',
        },
        response: {
          status: 200,
          headers: {
            'X-Header-Set-1': 'header-set-1',
            'X-Header-Set-2': 'header-set-2',
            'X-Header-Add-1': 'header-add-1',
            'X-Header-Add-2': 'add-val-2,header-add-2',
            'X-Header-Add-3': 'header-add-3',
            'Another-Header': 'another-header-val',
          },
          absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
        },
      },
      {
        request: { host: '', path: '/case-insensitivity' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: {
          'x-header-set': 'original-val-set',
          'x-header-add': 'original-val-add',
          'x-header-remove': 'original-val-remove',
          'Another-Header': 'another-header-val',
        },
        response: {
          status: 200,
          headers: {
            'X-Header-Set': 'header-set',
            'X-Header-Add': 'original-val-add,header-add',
            'X-Lowercase-Add': 'lowercase-add',
            'X-Mixedcase-Add-1': 'mixedcase-add-1',
            'X-Mixedcase-Add-2': 'mixedcase-add-2',
            'X-Uppercase-Add': 'uppercase-add',
            'Another-Header': 'another-header-val',
          },
          absentHeaders: ['x-header-remove', 'X-Header-Remove'],
        },
      },
      {
        request: {
          host: '',
          path: '/response-and-request-header-modifiers',
          headers: {
            'X-Header-Remove': 'remove-val',
            'X-Header-Add-Append': 'append-val-1',
            'X-Header-Echo': 'echo',
          },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendResponseHeaders: {
          'X-Header-Set-2': 'set-val-2',
          'X-Header-Add-2': 'add-val-2',
          'X-Header-Remove-2': 'remove-val-2',
          'Another-Header': 'another-header-val',
          'X-Header-Remove-1': 'remove-val-1',
          'X-Header-Echo': 'echo',
        },
        backendRequest: {
          path: '/response-and-request-header-modifiers',
          headers: {
            'X-Header-Add': 'header-val-1',
            'X-Header-Set': 'set-overwrites-values',
            'X-Header-Add-Append': 'append-val-1,header-val-2',
            'X-Header-Echo': 'echo',
          },
          absentHeaders: ['X-Header-Remove'],
        },
        response: {
          status: 200,
          headers: {
            'X-Header-Set-1': 'header-set-1',
            'X-Header-Set-2': 'header-set-2',
            'X-Header-Add-1': 'header-add-1',
            'X-Header-Add-2': 'add-val-2,header-add-2',
            'Another-Header': 'another-header-val',
            'X-Header-Echo': 'echo',
          },
          absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
        },
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/response-header-modifier`]),
      resolvedRefsTrue(`${INFRA}/response-header-modifier`, SAME_NS),
    ],
    notCaptured:
      'The stored upstream versions predate the last row and the mixed-case adds in the manifest; rows are from a fork copy whose rows match the manifest. The echo backend must set the backendResponseHeaders on its response.',
  },
  {
    name: 'HTTPRouteRewriteHost',
    manifests: ['httproute-rewrite-host.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRouteHostRewrite'],
    upstream: { file: goFile('httproute-rewrite-host'), readFrom: `${REPO}@122658a2f41d8d7e7109f6e42d1d52a232ddf3cc` },
    http: [
      {
        request: { host: 'rewrite.example', path: '/one' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/one', host: 'one.example.org' },
        response: OK,
      },
      {
        request: { host: 'rewrite.example', path: '/two' },
        gateway: SAME_NS,
        port: 80,
        backend: V2,
        backendRequest: { path: '/two', host: 'example.org' },
        response: OK,
      },
      {
        request: {
          host: 'rewrite.example',
          path: '/rewrite-host-and-modify-headers',
          headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V2,
        backendRequest: {
          path: '/rewrite-host-and-modify-headers',
          host: 'test.example.org',
          headers: {
            'X-Header-Add': 'header-val-1',
            'X-Header-Add-Append': 'append-val-1,header-val-2',
            'X-Header-Set': 'set-overwrites-values',
          },
          absentHeaders: ['X-Header-Remove'],
        },
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/rewrite-host`]),
      resolvedRefsTrue(`${INFRA}/rewrite-host`, SAME_NS),
    ],
  },
  {
    name: 'HTTPRouteRewritePath',
    manifests: ['httproute-rewrite-path.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute', 'SupportHTTPRoutePathRewrite'],
    upstream: {
      file: goFile('httproute-rewrite-path'),
      readFrom: 'fork makslion/gateway-api@335cf6e5963a83c7de7d9a73cbc3a84ca5aadfad (its namespace rename gw-conf-infra undone)',
    },
    http: [
      {
        request: { host: '', path: '/prefix/one/two' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/one/two' },
        response: OK,
      },
      {
        request: { host: '', path: '/strip-prefix/three' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/three' },
        response: OK,
      },
      {
        request: { host: '', path: '/strip-prefix' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/' },
        response: OK,
      },
      {
        request: { host: '', path: '/full/one/two' },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: { path: '/one' },
        response: OK,
      },
      {
        request: {
          host: '',
          path: '/full/rewrite-path-and-modify-headers/test',
          headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: {
          path: '/test',
          headers: {
            'X-Header-Add': 'header-val-1',
            'X-Header-Add-Append': 'append-val-1,header-val-2',
            'X-Header-Set': 'set-overwrites-values',
          },
          absentHeaders: ['X-Header-Remove'],
        },
        response: OK,
      },
      {
        request: {
          host: '',
          path: '/prefix/rewrite-path-and-modify-headers/one',
          headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' },
        },
        gateway: SAME_NS,
        port: 80,
        backend: V1,
        backendRequest: {
          path: '/prefix/one',
          headers: {
            'X-Header-Add': 'header-val-1',
            'X-Header-Add-Append': 'append-val-1,header-val-2',
            'X-Header-Set': 'set-overwrites-values',
          },
          absentHeaders: ['X-Header-Remove'],
        },
        response: OK,
      },
    ],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/rewrite-path`]),
      resolvedRefsTrue(`${INFRA}/rewrite-path`, SAME_NS),
    ],
    notCaptured:
      'The stored upstream versions predate the /strip-prefix rule in the manifest; rows are from a fork copy whose rows match the manifest.',
  },
  {
    name: 'HTTPRouteSimpleSameNamespace',
    manifests: ['httproute-simple-same-namespace.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-simple-same-namespace'), readFrom: `${REPO}@10ff00eacba7b67f4d7aed05b22ae31b7c4da92b` },
    http: [{ request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, backend: V1, response: OK }],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/gateway-conformance-infra-test`]),
      resolvedRefsTrue(`${INFRA}/gateway-conformance-infra-test`, SAME_NS),
    ],
    notCaptured: 'The mesh variant of this test (MeshFeatures, tests/mesh/...) is not transcribed.',
  },
  {
    name: 'HTTPRouteWeight',
    manifests: ['httproute-weight.yaml'],
    features: ['SupportGateway', 'SupportHTTPRoute'],
    upstream: { file: goFile('httproute-weight'), readFrom: `${REPO}@1afb8fd0b3f7636b47e1bab340ff36815249aee0` },
    http: [{ request: { host: '', path: '/' }, gateway: SAME_NS, port: 80, backend: { namespace: INFRA }, response: OK }],
    status: [
      ...gatewayAndRoutesAccepted(SAME_NS, [`${INFRA}/weighted-backends`]),
      resolvedRefsTrue(`${INFRA}/weighted-backends`, SAME_NS),
    ],
    sampling: [
      {
        kind: 'weightDistribution',
        request: { host: '', path: '/' },
        gateway: SAME_NS,
        port: 80,
        namespace: INFRA,
        totalRequests: 500,
        concurrency: 10,
        tolerance: 0.05,
        maxAttempts: 10,
        shares: { 'infra-backend-v1': 0.7, 'infra-backend-v2': 0.3, 'infra-backend-v3': 0 },
        servicesReceivingTraffic: 2,
      },
    ],
  },
];
