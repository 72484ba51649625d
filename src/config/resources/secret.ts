import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface SecretResource {
  kind: 'Secret';
  meta: ObjectMeta;
  /** `type`, default `Opaque`; listener certificates need `kubernetes.io/tls`. */
  type: string;
  /** Decoded values; `stringData` wins over `data`, as the API server merges them. */
  values: ReadonlyMap<string, string>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function readSecret(root: FieldReader): SecretResource {
  const meta = readMetadata(root);
  const values = new Map<string, string>();
  const data = root.stringMap('data');
  for (const [key, encoded] of Object.entries(data)) {
    const compact = encoded.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
      root.fail('must be base64-encoded', `data.${key}`);
      continue;
    }
    values.set(key, Buffer.from(compact, 'base64').toString('utf8'));
  }
  for (const [key, value] of Object.entries(root.stringMap('stringData'))) values.set(key, value);
  const type = root.optionalString('type', { minLength: 1 }) ?? 'Opaque';
  return { kind: 'Secret', meta, type, values };
}
