import type { HeaderModifier, PathRewrite } from '../../routing/route-types.js';
import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';

/** A backendRef without weight or filters: what RequestMirror points at. */
export interface ObjectRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  port: number | undefined;
}

export type RouteFilter =
  | { type: 'URLRewrite'; hostname: string | undefined; path: PathRewrite | undefined }
  | { type: 'RequestHeaderModifier'; modifier: HeaderModifier }
  | { type: 'ResponseHeaderModifier'; modifier: HeaderModifier }
  | { type: 'RequestRedirect'; scheme: string | undefined; hostname: string | undefined; port: number | undefined; path: PathRewrite | undefined; statusCode: number }
  | { type: 'RequestMirror'; backendRef: ObjectRef; fraction: number }
  | { type: 'ExtensionRef'; group: string; kind: string; name: string };

const FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'] as const;
/** The field holding each filter type's settings. */
const FILTER_FIELDS: Record<(typeof FILTER_TYPES)[number], string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
};
/** Filter types that may appear more than once in one list (Gateway API CEL rules). */
const REPEATABLE: readonly string[] = ['RequestMirror', 'ExtensionRef'];

/** A `filters` list at rule or backendRef level, with the Gateway API's cross-field rules. */
export function readFilters(owner: FieldReader, meta: ObjectMeta): RouteFilter[] {
  const filters = owner.array('filters', { max: 16 }).flatMap((f) => {
    const filter = readFilter(new FieldReader(f.value, f.path, owner.errors), meta);
    return filter === undefined ? [] : [filter];
  });
  const seen = new Set<string>();
  for (const f of filters) {
    if (seen.has(f.type) && !REPEATABLE.includes(f.type)) owner.fail(`${f.type} filter cannot be repeated`, 'filters');
    seen.add(f.type);
  }
  if (seen.has('RequestRedirect') && seen.has('URLRewrite')) owner.fail('may specify either RequestRedirect or URLRewrite, but not both', 'filters');
  return filters;
}

function readFilter(f: FieldReader, meta: ObjectMeta): RouteFilter | undefined {
  const type = f.enumOf('type', FILTER_TYPES);
  if (type === undefined) return undefined;
  const field = FILTER_FIELDS[type];
  if (type !== 'CORS' && !f.has(field)) f.fail(`is required when type is ${type}`, field);
  const body = f.object(field);
  switch (type) {
    case 'URLRewrite':
      return { type, hostname: body.optionalString('hostname', { minLength: 1 }), path: readPathModifier(body) };
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier':
      return { type, modifier: readHeaderModifier(body) };
    case 'RequestRedirect': {
      const statusCode = body.optionalInteger('statusCode') ?? 302;
      if (![301, 302, 303, 307, 308].includes(statusCode)) body.fail('must be one of 301, 302, 303, 307, 308', 'statusCode');
      return {
        type,
        scheme: body.optionalEnum('scheme', ['http', 'https'] as const),
        hostname: body.optionalString('hostname', { minLength: 1 }),
        port: body.optionalInteger('port', { min: 1, max: 65535 }),
        path: readPathModifier(body),
        statusCode,
      };
    }
    case 'RequestMirror': {
      const ref = body.object('backendRef');
      const percent = body.optionalInteger('percent', { min: 0, max: 100 });
      const fraction = body.object('fraction');
      const numerator = fraction.optionalInteger('numerator', { min: 0 });
      const denominator = fraction.optionalInteger('denominator', { min: 1 }) ?? 100;
      if (percent !== undefined && numerator !== undefined) body.fail('percent and fraction cannot both be specified');
      if (numerator !== undefined && numerator > denominator) fraction.fail('numerator must be less than or equal to denominator');
      return {
        type,
        backendRef: {
          group: ref.optionalString('group') ?? '',
          kind: ref.optionalString('kind') ?? 'Service',
          name: ref.string('name', { minLength: 1 }) ?? '',
          namespace: ref.optionalString('namespace', { minLength: 1 }) ?? meta.namespace,
          port: ref.optionalInteger('port', { min: 1, max: 65535 }),
        },
        fraction: numerator !== undefined ? numerator / denominator : (percent ?? 100) / 100,
      };
    }
    case 'ExtensionRef':
      return { type, group: body.string('group') ?? '', kind: body.string('kind', { minLength: 1 }) ?? '', name: body.string('name', { minLength: 1 }) ?? '' };
    case 'CORS':
      f.fail('filter type CORS is not supported yet', 'type');
      return undefined;
  }
}

function readPathModifier(owner: FieldReader): PathRewrite | undefined {
  if (!owner.has('path')) return undefined;
  const p = owner.object('path');
  const type = p.enumOf('type', ['ReplaceFullPath', 'ReplacePrefixMatch'] as const);
  if (p.has('replaceFullPath') && p.has('replacePrefixMatch')) p.fail('replaceFullPath and replacePrefixMatch are mutually exclusive');
  if (type === 'ReplaceFullPath') {
    if (p.has('replacePrefixMatch')) p.fail('must not be set when type is ReplaceFullPath', 'replacePrefixMatch');
    const value = p.string('replaceFullPath');
    return value === undefined ? undefined : { type, value };
  }
  if (type === 'ReplacePrefixMatch') {
    if (p.has('replaceFullPath')) p.fail('must not be set when type is ReplacePrefixMatch', 'replaceFullPath');
    const value = p.string('replacePrefixMatch');
    return value === undefined ? undefined : { type, value };
  }
  return undefined;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function readHeaderModifier(m: FieldReader): HeaderModifier {
  const pairs = (field: 'set' | 'add'): { name: string; value: string }[] => {
    const seen = new Set<string>();
    return m.array(field, { max: 16 }).map((item) => {
      const h = new FieldReader(item.value, item.path, m.errors);
      const name = h.string('name', { minLength: 1 }) ?? '';
      if (name !== '' && !HEADER_NAME.test(name)) h.fail('must be a valid HTTP header name', 'name');
      if (seen.has(name.toLowerCase())) h.fail('must be unique within the list', 'name');
      seen.add(name.toLowerCase());
      return { name: name.toLowerCase(), value: h.string('value') ?? '' };
    });
  };
  const remove = m.array('remove', { max: 16 }).flatMap((item) => {
    if (typeof item.value !== 'string' || !HEADER_NAME.test(item.value)) {
      m.errors.push({ field: item.path, message: 'must be a valid HTTP header name' });
      return [];
    }
    return [item.value.toLowerCase()];
  });
  return { set: pairs('set'), add: pairs('add'), remove };
}
