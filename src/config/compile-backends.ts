import { createHash } from 'node:crypto';
import { CLIENT_CREDENTIAL_HEADERS, resolveCredential, type BackendCredential, type SecretLookup } from '../auth/backend-credential.js';
import type { CredentialPlacement } from '../providers/provider.js';
import { PROVIDERS } from '../providers/registry.js';
import { condition } from './conditions.js';
import type { BackendResource, LlmSpec } from './resources/backend.js';
import type { BackendTls } from './compile-backend-tls.js';
import type { CompiledAiBackend, CompiledHttpPool, CompiledLlm, Condition, UpstreamTls } from './runtime-config.js';

export interface CompiledBackendResult {
  backend: CompiledAiBackend | CompiledHttpPool | undefined;
  conditions: Condition[];
}

/**
 * Backend -> data-plane form plus its `Accepted` condition, with kgateway's reasons and messages.
 * A BackendTLSPolicy makes it reached over TLS on any port; one that cannot be applied makes it
 * unusable (never reached in clear).
 */
export function compileBackend(resource: BackendResource, secrets: SecretLookup, tls: BackendTls | undefined): CompiledBackendResult {
  const ref = `${resource.meta.namespace}/${resource.meta.name}`;
  const generation = resource.meta.generation;
  if (resource.type === 'Static') {
    if (tls !== undefined && 'error' in tls) return { backend: httpPool(ref, []), conditions: [condition('Accepted', false, 'Invalid', `Backend error: "${tls.error}"`, generation)] };
    const origins = resource.hosts.map((h) => upstreamOrigin(h.host, h.port, tls?.tls, false));
    return {
      backend: httpPool(ref, origins, tls?.tls),
      conditions: [condition('Accepted', true, 'Accepted', 'Backend accepted', generation)],
    };
  }
  const levels = resource.levels.map((level, l) =>
    level.map((entry, e) => compileLlm(`${ref}/${entry.name ?? (resource.levels.length === 1 && level.length === 1 ? entry.llm.provider : `${l}.${e}`)}`, resource.meta.namespace, entry.llm, secrets, tls)),
  );
  const backend: CompiledAiBackend = { kind: 'ai', ref, levels };
  const broken = levels.flat().filter((llm) => llm.credential.kind === 'unavailable');
  const reasons = broken.map((llm) => (llm.credential.kind === 'unavailable' ? llm.credential.reason : '')).join('", "');
  const accepted =
    broken.length === 0
      ? condition('Accepted', true, 'Accepted', 'Backend accepted', generation)
      : broken.length === levels.flat().length
        ? condition('Accepted', false, 'Invalid', broken.length === 1 ? `Backend error: "${reasons}"` : `Backend has ${broken.length} errors: "${reasons}"`, generation)
        : condition('Accepted', true, 'Accepted', `Backend accepted; ${broken.length} of its providers cannot be used: "${reasons}"`, generation);
  return { backend, conditions: [accepted] };
}

/** OpenAI's headers that pick the organization and project a key bills. */
const ACCOUNT_HEADERS = ['openai-organization', 'openai-project'];

function compileLlm(name: string, namespace: string, llm: LlmSpec, secrets: SecretLookup, tls: BackendTls | undefined): CompiledLlm {
  const provider = PROVIDERS[llm.provider];
  const host = llm.host ?? provider.defaultHost(llm.settings);
  const port = llm.port ?? 443;
  const placement = placementOf(provider.credential, llm.authHeader);
  const credential = tls !== undefined && 'error' in tls ? { kind: 'unavailable' as const, reason: tls.error } : resolveCredential(llm.auth, namespace, secrets);
  const origin = upstreamOrigin(host, port, tls !== undefined && 'tls' in tls ? tls.tls : undefined, true);
  return {
    name,
    healthKey: healthKeyOf(origin, llm, credential),
    provider,
    settings: llm.settings,
    origin,
    ...(tls !== undefined && 'tls' in tls ? { tls: tls.tls } : {}),
    hostHeader: port === 443 ? formatHost(host) : `${formatHost(host)}:${port}`,
    fullPath: llm.fullPath,
    placement,
    credential,
    // The client's cookies are for the gateway's site, not the provider's; with the operator's
    // key, the client does not choose which of the operator's organizations or projects pays.
    dropHeaders: new Set([
      'accept-encoding',
      'cookie',
      ...CLIENT_CREDENTIAL_HEADERS,
      ...('header' in placement ? [placement.header] : []),
      ...(credential.kind === 'passthrough' ? [] : ACCOUNT_HEADERS),
    ]),
    providerHeaders: provider.headers?.(llm.settings) ?? {},
  };
}

/**
 * `https://host[:port]` or `http://host:port`. TLS when a BackendTLSPolicy asks for it, and
 * for AI Backends on port 443 (kgateway's rule; unlike kgateway, certificates are always verified).
 */
export function upstreamOrigin(host: string, port: number, tls: UpstreamTls | undefined, tlsOn443: boolean): string {
  if (tls === undefined && !(tlsOn443 && port === 443)) return `http://${formatHost(host)}:${port}`;
  return port === 443 ? `https://${formatHost(host)}` : `https://${formatHost(host)}:${port}`;
}

/**
 * What a provider's health is kept by: where it is, what it is asked for and with which key.
 * kgateway's own failover examples put every level on api.openai.com with different models, so
 * the host alone would not tell them apart. Hashed: the key never holds the credential.
 */
function healthKeyOf(origin: string, llm: LlmSpec, credential: BackendCredential): string {
  const secret = credential.kind === 'static' ? credential.token : credential.kind === 'aws' ? `${credential.keys.accessKeyId}:${credential.keys.secretAccessKey}` : credential.kind;
  return createHash('sha256').update(JSON.stringify([origin, llm.provider, llm.fullPath ?? '', llm.settings, secret])).digest('hex').slice(0, 24);
}

/** The Backend's `authHeader` (v2.1) / `authHeaderOverride` (v2.0) changes the header's name or prefix. */
function placementOf(placement: CredentialPlacement, override: LlmSpec['authHeader']): CredentialPlacement {
  if (override === undefined || !('header' in placement)) return placement;
  return { header: override.headerName?.toLowerCase() ?? placement.header, prefix: override.prefix ?? placement.prefix };
}

export function httpPool(ref: string, origins: readonly string[], tls?: UpstreamTls): CompiledHttpPool {
  return { kind: 'pool', ref, origins, state: { next: 0, failedUntil: new Map() }, ...(tls === undefined ? {} : { tls }) };
}

export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
