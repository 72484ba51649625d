import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

/** The label tying an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointSliceResource {
  kind: 'EndpointSlice';
  meta: ObjectMeta;
  serviceName: string | undefined;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  /** Addresses of endpoints that are ready (a missing `ready` counts as ready, as the API says). */
  readyAddresses: readonly string[];
  ports: readonly { name: string; port: number }[];
}

export function readEndpointSlice(root: FieldReader): EndpointSliceResource {
  const meta = readMetadata(root);
  const addressType = root.enumOf('addressType', ['IPv4', 'IPv6', 'FQDN'] as const) ?? 'IPv4';
  const readyAddresses: string[] = [];
  for (const item of root.array('endpoints')) {
    const e = new FieldReader(item.value, item.path, root.errors);
    const ready = e.object('conditions').raw('ready');
    const addresses = e.array('addresses', { min: 1 }).flatMap((a) => (typeof a.value === 'string' ? [a.value] : []));
    if (ready !== false) readyAddresses.push(...addresses);
  }
  const ports = root.array('ports').map((item) => {
    const p = new FieldReader(item.value, item.path, root.errors);
    return { name: p.optionalString('name') ?? '', port: p.integer('port', { min: 1, max: 65535 }) ?? 0 };
  });
  return { kind: 'EndpointSlice', meta, serviceName: meta.labels[SERVICE_NAME_LABEL], addressType, readyAddresses, ports };
}
