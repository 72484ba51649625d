import { FieldReader, type FieldError } from './field-reader.js';
import { isPlainObject } from '../../core/json.js';
import { describeOrigin, type Origin, type SourcedObject } from './kube-object.js';
import { KINDS, type KindInfo, type Resource } from './kinds.js';

/** A problem with one resource, naming where it came from, the resource and the field. */
export interface ConfigIssue {
  severity: 'error' | 'warning';
  origin: Origin;
  kind: string;
  namespace: string;
  name: string;
  field: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const field = issue.field === '' ? '' : `${issue.field}: `;
  return `${describeOrigin(issue.origin)}: ${issue.kind} ${issue.namespace}/${issue.name}: ${field}${issue.message}`;
}

const BY_GROUP_KIND = new Map<string, KindInfo>(KINDS.map((k) => [`${k.group}/${k.kind}`, k]));

export interface ParseResult {
  resource: Resource | undefined;
  issues: ConfigIssue[];
}

export function parseObject({ object, origin }: SourcedObject): ParseResult {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '<unnamed>';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  const issue = (severity: ConfigIssue['severity'], e: FieldError): ConfigIssue => ({
    severity,
    origin,
    kind: kind === '' ? '<no kind>' : kind,
    namespace,
    name,
    field: e.field,
    message: e.message,
  });
  if (typeof object.apiVersion !== 'string' || kind === '') {
    return { resource: undefined, issues: [issue('error', { field: kind === '' ? 'kind' : 'apiVersion', message: 'is required' })] };
  }
  const [group, version] = splitApiVersion(object.apiVersion);
  const reader = BY_GROUP_KIND.get(`${group}/${kind}`);
  if (reader === undefined) {
    return { resource: undefined, issues: [issue('warning', { field: '', message: `${object.apiVersion} ${kind} is not read by ai-gateway; ignored` })] };
  }
  if (!reader.versions.includes(version)) {
    const message = `must be one of ${reader.versions.map((v) => (group === '' ? v : `${group}/${v}`)).join(', ')}`;
    return { resource: undefined, issues: [issue('error', { field: 'apiVersion', message })] };
  }
  const root = new FieldReader(object, '');
  const resource = reader.read(root);
  if (root.errors.length > 0) return { resource: undefined, issues: root.errors.map((e) => issue('error', e)) };
  return { resource, issues: [] };
}

function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}
