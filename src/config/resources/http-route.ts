import { FieldReader } from './field-reader.js';
import { HOSTNAME } from './gateway.js';
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

export type PathMatch = { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
export type ValueMatch = { type: 'Exact' | 'RegularExpression'; name: string; value: string };

export interface RouteMatch {
  path: PathMatch;
  headers: readonly ValueMatch[];
  queryParams: readonly ValueMatch[];
  method: string | undefined;
}

export type PathRewrite = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

export type RouteFilter = { type: 'URLRewrite'; hostname: string | undefined; path: PathRewrite | undefined };

export interface BackendRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  port: number | undefined;
  weight: number;
}

export interface RouteRule {
  name: string | undefined;
  matches: readonly RouteMatch[];
  filters: readonly RouteFilter[];
  backendRefs: readonly BackendRef[];
}

export interface HTTPRouteResource {
  kind: 'HTTPRoute';
  meta: ObjectMeta;
  parentRefs: readonly ParentRef[];
  hostnames: readonly string[];
  rules: readonly RouteRule[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
const FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
] as const;
const SUPPORTED_FILTERS: readonly string[] = ['URLRewrite'];

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
  if (!spec.has('rules')) rules.push({ name: undefined, matches: [DEFAULT_MATCH], filters: [], backendRefs: [] });
  return { kind: 'HTTPRoute', meta, parentRefs, hostnames, rules };
}

const DEFAULT_MATCH: RouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], method: undefined };

function readRule(r: FieldReader, meta: ObjectMeta): RouteRule {
  const matchItems = r.array('matches', { max: 64 });
  const matches = matchItems.length === 0 ? [DEFAULT_MATCH] : matchItems.map((m) => readMatch(new FieldReader(m.value, m.path, r.errors)));
  const filters = r.array('filters', { max: 16 }).flatMap((f) => {
    const filter = readFilter(new FieldReader(f.value, f.path, r.errors));
    return filter === undefined ? [] : [filter];
  });
  for (const [i, f] of filters.entries()) {
    if (f.path?.type === 'ReplacePrefixMatch' && matches.some((m) => m.path.type !== 'PathPrefix')) {
      r.fail('ReplacePrefixMatch is only compatible with PathPrefix matches', `filters[${i}].urlRewrite.path`);
    }
  }
  if (filters.filter((f) => f.type === 'URLRewrite').length > 1) r.fail('may contain at most one URLRewrite filter', 'filters');
  const backendRefs = r.array('backendRefs', { max: 16 }).map((b) => {
    const br = new FieldReader(b.value, b.path, r.errors);
    if (br.array('filters').length > 0) br.fail('backendRef-level filters are not supported yet', 'filters');
    return {
      group: br.optionalString('group') ?? '',
      kind: br.optionalString('kind') ?? 'Service',
      name: br.string('name', { minLength: 1 }) ?? '',
      namespace: br.optionalString('namespace', { minLength: 1 }) ?? meta.namespace,
      port: br.optionalInteger('port', { min: 1, max: 65535 }),
      weight: br.optionalInteger('weight', { min: 0, max: 1_000_000 }) ?? 1,
    };
  });
  return { name: r.optionalString('name', { minLength: 1 }), matches, filters, backendRefs };
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

function readFilter(f: FieldReader): RouteFilter | undefined {
  const type = f.enumOf('type', FILTER_TYPES);
  if (type === undefined) return undefined;
  if (!SUPPORTED_FILTERS.includes(type)) {
    f.fail(`filter type ${type} is not supported yet`, 'type');
    return undefined;
  }
  if (!f.has('urlRewrite')) f.fail('is required when type is URLRewrite', 'urlRewrite');
  const u = f.object('urlRewrite');
  const hostname = u.optionalString('hostname', { minLength: 1 });
  if (!u.has('path')) return { type: 'URLRewrite', hostname, path: undefined };
  const p = u.object('path');
  const pathType = p.enumOf('type', ['ReplaceFullPath', 'ReplacePrefixMatch'] as const);
  if (p.has('replaceFullPath') && p.has('replacePrefixMatch')) {
    p.fail('replaceFullPath and replacePrefixMatch are mutually exclusive');
  }
  if (pathType === 'ReplaceFullPath') {
    const value = p.string('replaceFullPath');
    if (p.has('replacePrefixMatch')) p.fail('must not be set when type is ReplaceFullPath', 'replacePrefixMatch');
    return value === undefined ? undefined : { type: 'URLRewrite', hostname, path: { type: pathType, value } };
  }
  if (pathType === 'ReplacePrefixMatch') {
    const value = p.string('replacePrefixMatch');
    if (p.has('replaceFullPath')) p.fail('must not be set when type is ReplacePrefixMatch', 'replaceFullPath');
    return value === undefined ? undefined : { type: 'URLRewrite', hostname, path: { type: pathType, value } };
  }
  return undefined;
}

function checkRegex(r: FieldReader, field: string, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch {
    r.fail('is not a valid regular expression', field);
  }
}
