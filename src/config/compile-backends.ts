import { resolveCredential, type SecretLookup } from '../auth/backend-credential.js';
import type { CredentialPlacement } from '../providers/provider.js';
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
  const accepted =
    backend.credential.kind === 'unavailable'
      ? condition('Accepted', false, 'Invalid', `Backend error: "${backend.credential.reason}"`, generation)
      : condition('Accepted', true, 'Accepted', 'Backend accepted', generation);
  return { backend, conditions: [accepted] };
}

function compileAiBackend(ref: string, namespace: string, llm: LlmSpec, secrets: SecretLookup): CompiledAiBackend {
  const provider = PROVIDERS[llm.provider];
  const host = llm.host ?? provider.defaultHost(llm.settings);
  const port = llm.port ?? 443;
  // kgateway: TLS exactly when the port is 443. Unlike kgateway, certificates are always verified.
  const tls = port === 443;
  const origin = tls ? `https://${formatHost(host)}` : `http://${formatHost(host)}:${port}`;
  return {
    kind: 'ai',
    ref,
    provider,
    settings: llm.settings,
    origin,
    hostHeader: tls ? formatHost(host) : `${formatHost(host)}:${port}`,
    fullPath: llm.fullPath,
    placement: placementOf(provider.credential, llm.authHeader),
    credential: resolveCredential(llm.auth, namespace, secrets),
  };
}

/** The Backend's `authHeader` (v2.1) / `authHeaderOverride` (v2.0) changes the header's name or prefix. */
function placementOf(placement: CredentialPlacement, override: LlmSpec['authHeader']): CredentialPlacement {
  if (override === undefined || !('header' in placement)) return placement;
  return { header: override.headerName?.toLowerCase() ?? placement.header, prefix: override.prefix ?? placement.prefix };
}

export function httpPool(ref: string, origins: readonly string[]): CompiledHttpPool {
  return { kind: 'pool', ref, origins, state: { next: 0, failedUntil: new Map() } };
}

export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
