import type { RouteMatch, ValueMatch } from '../../routing/route-types.js';
import { FieldReader } from './field-reader.js';
import { HOSTNAME } from './gateway.js';
import { readFilters, type RouteFilter } from './http-route-filters.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface ParentRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  sectionName: string | undefined;
  port: number | undefined;
}

export type { RouteFilter, ObjectRef } from './http-route-filters.js';

export interface BackendRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  port: number | undefined;
  weight: number;
  filters: readonly RouteFilter[];
}

export interface RouteRule {
  name: string | undefined;
  matches: readonly RouteMatch[];
  filters: readonly RouteFilter[];
  backendRefs: readonly BackendRef[];
  /** Rule timeouts in ms: the whole request, and each upstream attempt. */
  timeouts: { requestMs: number | undefined; backendRequestMs: number | undefined };
}

export interface HTTPRouteResource {
  kind: 'HTTPRoute';
  meta: ObjectMeta;
  parentRefs: readonly ParentRef[];
  hostnames: readonly string[];
  rules: readonly RouteRule[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
export function readHttpRoute(root: FieldReader): HTTPRouteResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const parentRefs = spec.array('parentRefs', { max: 32 }).map((item) => {
    const p = new FieldReader(item.value, item.path, root.errors);
    return {
      group: p.optionalString('group') ?? 'gateway.networking.k8s.io',
      kind: p.optionalString('kind') ?? 'Gateway',
      name: p.string('name', { minLength: 1 }) ?? '',
      namespace: p.optionalString('namespace', { minLength: 1 }) ?? meta.namespace,
      sectionName: p.optionalString('sectionName', { minLength: 1 }),
      port: p.optionalInteger('port', { min: 1, max: 65535 }),
    };
  });
  const hostnames = spec.array('hostnames', { max: 16 }).flatMap((item) => {
    if (typeof item.value !== 'string' || !HOSTNAME.test(item.value.toLowerCase())) {
      root.errors.push({ field: item.path, message: 'must be a DNS name, optionally starting with "*."' });
      return [];
    }
    return [item.value.toLowerCase()];
  });
  const rules = spec.array('rules', { max: 16 }).map((item) => readRule(new FieldReader(item.value, item.path, root.errors), meta));
  if (!spec.has('rules')) rules.push({ name: undefined, matches: [DEFAULT_MATCH], filters: [], backendRefs: [], timeouts: NO_TIMEOUTS });
  return { kind: 'HTTPRoute', meta, parentRefs, hostnames, rules };
}

const NO_TIMEOUTS = { requestMs: undefined, backendRequestMs: undefined };
const DEFAULT_MATCH: RouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], method: undefined };

function readRule(r: FieldReader, meta: ObjectMeta): RouteRule {
  const matchItems = r.array('matches', { max: 64 });
  const matches = matchItems.length === 0 ? [DEFAULT_MATCH] : matchItems.map((m) => readMatch(new FieldReader(m.value, m.path, r.errors)));
  const filters = readFilters(r, meta);
  for (const [i, f] of filters.entries()) {
    if ((f.type === 'URLRewrite' || f.type === 'RequestRedirect') && f.path?.type === 'ReplacePrefixMatch' && matches.some((m) => m.path.type !== 'PathPrefix')) {
      r.fail('ReplacePrefixMatch is only compatible with PathPrefix matches', `filters[${i}]`);
    }
  }
  const backendRefs = r.array('backendRefs', { max: 16 }).map((b) => {
    const br = new FieldReader(b.value, b.path, r.errors);
    return {
      group: br.optionalString('group') ?? '',
      kind: br.optionalString('kind') ?? 'Service',
      name: br.string('name', { minLength: 1 }) ?? '',
      namespace: br.optionalString('namespace', { minLength: 1 }) ?? meta.namespace,
      port: br.optionalInteger('port', { min: 1, max: 65535 }),
      weight: br.optionalInteger('weight', { min: 0, max: 1_000_000 }) ?? 1,
      filters: readFilters(br, meta),
    };
  });
  const t = r.object('timeouts');
  const timeouts = { requestMs: readDuration(t, 'request'), backendRequestMs: readDuration(t, 'backendRequest') };
  if (timeouts.requestMs !== undefined && timeouts.backendRequestMs !== undefined && timeouts.requestMs !== 0 && timeouts.backendRequestMs > timeouts.requestMs) {
    t.fail('backendRequest timeout cannot be longer than request timeout', 'backendRequest');
  }
  return { name: r.optionalString('name', { minLength: 1 }), matches, filters, backendRefs, timeouts };
}

function readMatch(m: FieldReader): RouteMatch {
  const p = m.object('path');
  const type = p.optionalEnum('type', ['Exact', 'PathPrefix', 'RegularExpression'] as const) ?? 'PathPrefix';
  const value = p.optionalString('value', { minLength: 1 }) ?? '/';
  if (type !== 'RegularExpression' && !value.startsWith('/')) p.fail('must start with "/"', 'value');
  if (type !== 'RegularExpression' && /\/\/|%2f|%2F|#/.test(value)) p.fail('must not contain "//", "%2f" or "#"', 'value');
  if (type === 'RegularExpression') checkRegex(p, 'value', value);
  const method = m.optionalEnum('method', METHODS);
  return {
    path: { type, value },
    headers: readValueMatches(m, 'headers'),
    queryParams: readValueMatches(m, 'queryParams'),
    method,
  };
}

function readValueMatches(m: FieldReader, field: 'headers' | 'queryParams'): ValueMatch[] {
  const seen = new Set<string>();
  return m.array(field, { max: 16 }).map((item) => {
    const h = new FieldReader(item.value, item.path, m.errors);
    const type = h.optionalEnum('type', ['Exact', 'RegularExpression'] as const) ?? 'Exact';
    const rawName = h.string('name', { minLength: 1 }) ?? '';
    // Header names compare case-insensitively; query parameter names are exact (Gateway API).
    const name = field === 'headers' ? rawName.toLowerCase() : rawName;
    if (seen.has(name)) h.fail('must be unique within the match', 'name');
    seen.add(name);
    const value = h.string('value') ?? '';
    if (type === 'RegularExpression') checkRegex(h, 'value', value);
    return { type, name, value };
  });
}

/** A Gateway API Duration (`1h`, `10s`, `500ms`, `1m30s`); 0 means no timeout. */
function readDuration(owner: FieldReader, field: string): number | undefined {
  const text = owner.optionalString(field);
  if (text === undefined) return undefined;
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (parts === null || text === '') {
    owner.fail('must be a duration such as 10s, 500ms or 1h30m', field);
    return undefined;
  }
  const [h, m, sec, ms] = parts.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number];
  return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

function checkRegex(r: FieldReader, field: string, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch {
    r.fail('is not a valid regular expression', field);
  }
}
