/** The soak's manifests: one Gateway, AI Backends on the fake providers, and their routes. */

export const NS = 'kgateway-system';

export type Provider = 'openai' | 'anthropic';

export function gateway(port: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ai-gateway, namespace: ${NS}}
spec:
  gatewayClassName: kgateway
  listeners: [{name: http, protocol: HTTP, port: ${port}}]
`;
}

/** One provider entry (v2.1 shape: host and port beside the provider), inline key, fixed model. */
function provider(kind: Provider, port: number, model: string | undefined, name?: string): string {
  const named = name === undefined ? '' : `name: ${name}, `;
  const modelField = model === undefined ? '' : `, model: ${model}`;
  return `{${named}host: 127.0.0.1, port: ${port}, ${kind}: {authToken: {kind: Inline, inline: soak-key}${modelField}}}`;
}

/** A one-provider AI Backend. Without a model the client's own is sent (and one must be sent). */
export function llmBackend(name: string, kind: Provider, port: number, model?: string): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: ${NS}}
spec:
  type: AI
  ai:
    llm: ${provider(kind, port, model)}
`;
}

/** Two priority levels: an OpenAI primary, then an Anthropic backup (so failing over also translates). */
export function failoverBackend(name: string, primaryPort: number, backupPort: number): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: ${NS}}
spec:
  type: AI
  ai:
    priorityGroups:
    - providers: [${provider('openai', primaryPort, 'gpt-4o', 'primary')}]
    - providers: [${provider('anthropic', backupPort, 'claude-3-5-haiku-latest', 'backup')}]
`;
}

export function staticBackend(name: string, port: number): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: ${NS}}
spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: ${port}}]}}
`;
}

/** `filters` is YAML for the rule's filters list, already indented for it. */
export function route(name: string, prefix: string, backend: string, filters = ''): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${NS}}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
${filters}    backendRefs: [{name: ${backend}, group: gateway.kgateway.dev, kind: Backend}]
`;
}

export const RELOAD_HEADER = 'x-soak-version';

/** The route the soak keeps rewriting: only the version in its response header changes. */
export function reloadRoute(version: number, backend: string): string {
  const filters = `    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier: {set: [{name: ${RELOAD_HEADER}, value: "${version}"}]}
`;
  return route('reload', '/reload', backend, filters);
}

/** What the admin API applies and then deletes again: a Backend and its route, named `applied-<slot>`. */
export function appliedPair(slot: number, port: number): string {
  const name = `applied-${slot}`;
  return `${llmBackend(name, 'openai', port, 'gpt-4o-mini')}---\n${route(name, `/${name}`, name)}`;
}

export const join = (...docs: string[]): string => docs.join('---\n');
