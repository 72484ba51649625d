import type { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

/** Read for its labels, which listeners' `allowedRoutes.namespaces.selector` matches. */
export interface NamespaceResource {
  kind: 'Namespace';
  meta: ObjectMeta;
}

export function readNamespace(root: FieldReader): NamespaceResource {
  const meta = readMetadata(root);
  // A Namespace has no namespace; readMetadata defaulted one.
  return { kind: 'Namespace', meta: { ...meta, namespace: '' } };
}
