/** Small manifests for tests beyond the seed, in the v2.1 Backend shape. */

export const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ai-gateway, namespace: kgateway-system}
spec:
  gatewayClassName: kgateway
  listeners: [{name: http, protocol: HTTP, port: 8080}]
`;

/** An OpenAI Backend with an Inline key (and the Backend's model, when given). */
export function aiBackend(name: string, opts: { port: number; host?: string; model?: string; token?: string }): string {
  const model = opts.model === undefined ? '' : `, model: ${opts.model}`;
  return llmBackend(name, opts.port, `openai: {authToken: {kind: Inline, inline: ${opts.token ?? 'sk-test'}}${model}}`, opts.host);
}

/** An AI Backend on a port with any provider block (`anthropic: {authToken: …}`). */
export function llmBackend(name: string, port: number, provider: string, host = '127.0.0.1'): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec:
  type: AI
  ai:
    llm:
      host: ${host}
      port: ${port}
      ${provider}
`;
}

export function route(name: string, prefix: string, backend: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: kgateway-system}
spec:
  parentRefs: [{name: ai-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${backend}, group: gateway.kgateway.dev, kind: Backend}]
`;
}

/** A Static Backend in front of one local server. */
export function staticBackend(name: string, port: number): string {
  return `apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: ${name}, namespace: kgateway-system}
spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: ${port}}]}}
`;
}
