import { resolveCredential, type SecretLookup } from '../auth/backend-credential.js';
import { PROVIDERS } from '../providers/registry.js';
import { condition } from './conditions.js';
import type { BackendResource, LlmSpec } from './resources/backend.js';
import type { CompiledAiBackend, CompiledHttpPool, Condition } from './runtime-config.js';

export interface CompiledBackendResult {
  backend: CompiledAiBackend | CompiledHttpPool | undefined;
  conditions: Condition[];
}

/** Backend -> data-plane form plus its `Accepted` condition, with kgateway's reasons and messages. */
export function compileBackend(resource: BackendResource, secrets: SecretLookup): CompiledBackendResult {
  const ref = `${resource.meta.namespace}/${resource.meta.name}`;
  const generation = resource.meta.generation;
  if (resource.type === 'Static') {
    const origins = resource.hosts.map((h) => `http://${formatHost(h.host)}:${h.port}`);
    return {
      backend: httpPool(ref, origins),
      conditions: [condition('Accepted', true, 'Accepted', 'Backend accepted', generation)],
    };
  }
  const backend = compileAiBackend(ref, resource.meta.namespace, resource.llm, secrets);
  if (backend === undefined) {
    return { backend, conditions: [condition('Accepted', false, 'Invalid', `Backend error: "provider ${resource.llm.provider} has no adapter"`, generation)] };
  }
  const accepted =
    backend.credential.kind === 'unavailable'
      ? condition('Accepted', false, 'Invalid', `Backend error: "${backend.credential.reason}"`, generation)
      : condition('Accepted', true, 'Accepted', 'Backend accepted', generation);
  return { backend, conditions: [accepted] };
}

function compileAiBackend(ref: string, namespace: string, llm: LlmSpec, secrets: SecretLookup): CompiledAiBackend | undefined {
  const provider = PROVIDERS[llm.provider];
  if (provider === undefined) return undefined;
  const host = llm.host ?? provider.defaultHost;
  const port = llm.port ?? provider.defaultPort;
  // kgateway: TLS exactly when the port is 443. Unlike kgateway, certificates are always verified.
  const tls = port === 443;
  const origin = tls ? `https://${formatHost(host)}` : `http://${formatHost(host)}:${port}`;
  const authHeaderName = llm.authHeader?.headerName?.toLowerCase() ?? provider.authHeaderName;
  return {
    kind: 'ai',
    ref,
    provider,
    origin,
    hostHeader: tls ? formatHost(host) : `${formatHost(host)}:${port}`,
    model: llm.model,
    fullPath: llm.fullPath,
    authHeaderName,
    authPrefix: llm.authHeader?.prefix ?? provider.authPrefix,
    credential: resolveCredential(llm.authToken, namespace, secrets),
    dropRequestHeaders: new Set(['authorization', 'accept-encoding', authHeaderName]),
  };
}

export function httpPool(ref: string, origins: readonly string[]): CompiledHttpPool {
  return { kind: 'pool', ref, origins, state: { next: 0, failedUntil: new Map() } };
}

export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
