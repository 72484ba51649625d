import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface ServicePort {
  name: string;
  port: number;
  /** A number, or the name of a container port (matched against EndpointSlice port names). */
  targetPort: number | string;
  appProtocol: string | undefined;
}

export interface ServiceResource {
  kind: 'Service';
  meta: ObjectMeta;
  ports: readonly ServicePort[];
}

export function readService(root: FieldReader): ServiceResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const ports = spec.array('ports').map((item) => {
    const p = new FieldReader(item.value, item.path, root.errors);
    const port = p.integer('port', { min: 1, max: 65535 }) ?? 0;
    const raw = p.raw('targetPort');
    let targetPort: number | string = port;
    if (typeof raw === 'number') targetPort = p.optionalInteger('targetPort', { min: 1, max: 65535 }) ?? port;
    else if (typeof raw === 'string') targetPort = raw;
    else if (raw !== undefined && raw !== null) p.fail('must be a port number or name', 'targetPort');
    return { name: p.optionalString('name') ?? '', port, targetPort, appProtocol: p.optionalString('appProtocol') };
  });
  return { kind: 'Service', meta, ports };
}
