import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';

/** RFC 1123 subdomain, the rule Kubernetes applies to most object names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function readMetadata(root: FieldReader): ObjectMeta {
  const m = root.object('metadata');
  if (!root.has('metadata')) root.fail('is required', 'metadata');
  const name = m.string('name') ?? '';
  if (name !== '' && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    m.fail('must be a lowercase RFC 1123 name (a-z, 0-9, "-" and ".")', 'name');
  }
  const namespace = m.optionalString('namespace', { minLength: 1 }) ?? 'default';
  if (!DNS_SUBDOMAIN.test(namespace)) m.fail('must be a lowercase RFC 1123 label', 'namespace');
  return {
    name,
    namespace,
    generation: m.optionalInteger('generation', { min: 0 }) ?? 1,
    creationTimestamp: m.optionalString('creationTimestamp'),
    labels: m.stringMap('labels'),
  };
}
