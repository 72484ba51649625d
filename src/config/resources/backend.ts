import type { AuthTokenSpec } from '../../auth/backend-credential.js';
import { LLM_PROVIDERS, type LlmProviderName } from '../../providers/ids.js';
import type { ProviderSettings } from '../../providers/provider.js';
import { FieldReader } from './field-reader.js';
import { readProviderConfig } from './llm-provider.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface LlmSpec {
  provider: LlmProviderName;
  auth: AuthTokenSpec;
  settings: ProviderSettings;
  /** hostOverride (v2.0) or host/port (v2.1). */
  host: string | undefined;
  port: number | undefined;
  /** path.full (v2.1) or pathOverride.fullPath: replaces the provider's path. */
  fullPath: string | undefined;
  /** authHeader (v2.1) or authHeaderOverride: where the token goes. */
  authHeader: { headerName: string | undefined; prefix: string | undefined } | undefined;
}

export interface StaticHost {
  host: string;
  port: number;
}

/** One provider of an AI Backend: `llm`, or an entry of a priority level. */
export interface LlmEntry {
  /** The v2.1 entry's `name`; v2.0 pool entries and `llm` have none. */
  name: string | undefined;
  llm: LlmSpec;
}

export type BackendResource =
  /** `levels`: the providers by priority, highest first; `llm` is one level of one. */
  | { kind: 'Backend'; meta: ObjectMeta; type: 'AI'; levels: readonly (readonly LlmEntry[])[] }
  | { kind: 'Backend'; meta: ObjectMeta; type: 'Static'; hosts: readonly StaticHost[] };

const BACKEND_TYPES = ['AI', 'AWS', 'Static', 'DynamicForwardProxy', 'MCP'] as const;

export function readBackend(root: FieldReader): BackendResource | undefined {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const type = spec.enumOf('type', BACKEND_TYPES);
  // The API's CEL rules, with their messages verbatim.
  if (spec.has('ai') && type !== 'AI') spec.fail("ai backend must be nil if the type is not 'ai'", 'ai');
  if (!spec.has('ai') && type === 'AI') spec.fail("ai backend must be specified when type is 'ai'", 'ai');
  if (spec.has('static') && type !== 'Static') spec.fail("static backend must be nil if the type is not 'static'", 'static');
  if (!spec.has('static') && type === 'Static') spec.fail("static backend must be specified when type is 'static'", 'static');
  // kgateway 2.4's failover between Backends, not the AI Backend's between providers.
  if (spec.has('priorityGroups')) spec.fail('is not supported (priority groups of backendRefs); for failover between LLM providers use spec.ai.priorityGroups', 'priorityGroups');
  if (type === 'AI') {
    const levels = readAiBackend(spec.object('ai'));
    return levels === undefined ? undefined : { kind: 'Backend', meta, type, levels };
  }
  if (type === 'Static') {
    const hosts = spec
      .object('static')
      .array('hosts', { min: 1 })
      .map((item) => readHost(new FieldReader(item.value, item.path, root.errors)));
    return { kind: 'Backend', meta, type, hosts };
  }
  if (type !== undefined) spec.fail(`backend type ${type} is not supported yet`, 'type');
  return undefined;
}

function readHost(h: FieldReader): StaticHost {
  return { host: h.string('host', { minLength: 1 }) ?? '', port: h.integer('port', { min: 1, max: 65535 }) ?? 0 };
}

/**
 * `llm` (one provider), v2.0 `multipool.priorities[].pool[]` or v2.1
 * `priorityGroups[].providers[]` (named): the providers by priority level. Any provider may
 * sit in any level, mixed: translation makes a mixed pool work.
 */
function readAiBackend(ai: FieldReader): LlmEntry[][] | undefined {
  const poolFields = ['multipool', 'priorityGroups'].filter((f) => ai.has(f));
  if (ai.has('llm') === poolFields.length > 0 || poolFields.length > 1) {
    ai.fail('There must one and only one LLM or MultiPool can be set');
    return undefined;
  }
  const entry = (item: { value: unknown; path: string }, named: boolean): LlmEntry | undefined => {
    const r = new FieldReader(item.value, item.path, ai.errors);
    const name = named ? r.string('name', { minLength: 1 }) : undefined;
    if (name !== undefined && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) r.fail('must be a lowercase RFC 1123 name (a-z, 0-9, "-" and ".")', 'name');
    const llm = readLlm(r);
    return llm === undefined ? undefined : { name, llm };
  };
  let levels: (LlmEntry | undefined)[][];
  if (ai.has('llm')) levels = [[entry({ value: ai.raw('llm'), path: ai.child('llm') }, false)]];
  else if (ai.has('multipool')) {
    levels = ai.object('multipool').array('priorities', { min: 1, max: 20 }).map((p) => new FieldReader(p.value, p.path, ai.errors).array('pool', { min: 1, max: 20 }).map((e) => entry(e, false)));
  } else {
    levels = ai.array('priorityGroups', { min: 1, max: 32 }).map((g) => {
      const group = new FieldReader(g.value, g.path, ai.errors);
      const entries = group.array('providers', { min: 1, max: 32 }).map((e) => entry(e, true));
      const names = entries.map((e) => e?.name).filter((n) => n !== undefined);
      if (new Set(names).size !== names.length) group.fail('provider names must be unique within a group', 'providers');
      return entries;
    });
  }
  if (levels.some((level) => level.some((e) => e === undefined))) return undefined;
  return levels as LlmEntry[][];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function readLlm(llm: FieldReader): LlmSpec | undefined {
  // v2.0 nests the provider under `provider`; v2.1 inlines it into `llm`.
  const v20 = llm.has('provider');
  const providerHolder = v20 ? llm.object('provider') : llm;
  const present = LLM_PROVIDERS.filter((p) => providerHolder.has(p));
  if (present.length !== 1) {
    providerHolder.fail(`exactly one provider must be set (one of ${LLM_PROVIDERS.join(', ')})`);
    return undefined;
  }
  const provider = present[0] as LlmProviderName;
  const config = readProviderConfig(provider, providerHolder.object(provider));

  let host: string | undefined;
  let port: number | undefined;
  if (llm.has('hostOverride')) {
    const h = readHost(llm.object('hostOverride'));
    host = h.host;
    port = h.port;
  }
  if (llm.has('host') || llm.has('port')) {
    if (!(llm.has('host') && llm.has('port'))) llm.fail('both host and port must be set together');
    host = llm.optionalString('host', { minLength: 1 });
    port = llm.optionalInteger('port', { min: 1, max: 65535 });
  }
  const fullPath = llm.object('path').optionalString('full', { minLength: 1 }) ?? llm.object('pathOverride').optionalString('fullPath', { minLength: 1 });
  if (fullPath !== undefined && !fullPath.startsWith('/')) llm.fail('must start with "/"', llm.has('path') ? 'path.full' : 'pathOverride.fullPath');
  const headerField = llm.has('authHeader') ? 'authHeader' : llm.has('authHeaderOverride') ? 'authHeaderOverride' : undefined;
  let authHeader: LlmSpec['authHeader'];
  if (headerField !== undefined) {
    const a = llm.object(headerField);
    authHeader = { headerName: a.optionalString('headerName', { minLength: 1 }), prefix: a.optionalString('prefix') };
    if (authHeader.headerName === undefined && authHeader.prefix === undefined) a.fail('at least one of prefix or headerName must be set');
  }
  if (config === undefined) return undefined;
  return { provider, auth: config.auth, settings: config.settings, host, port, fullPath, authHeader };
}
