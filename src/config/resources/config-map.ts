import type { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface ConfigMapResource {
  kind: 'ConfigMap';
  meta: ObjectMeta;
  data: ReadonlyMap<string, string>;
}

/** A ConfigMap's `data`: what a BackendTLSPolicy's `caCertificateRefs` read (`ca.crt`). */
export function readConfigMap(root: FieldReader): ConfigMapResource {
  return { kind: 'ConfigMap', meta: readMetadata(root), data: new Map(Object.entries(root.stringMap('data'))) };
}
