import type { ObjectMeta } from './kube-object.js';
import type { FieldReader } from './field-reader.js';
import { readMetadata } from './metadata.js';

export interface GatewayClassResource {
  kind: 'GatewayClass';
  meta: ObjectMeta;
  /** Which controller serves Gateways of this class (a domain-prefixed path). */
  controllerName: string;
}

const CONTROLLER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

export function readGatewayClass(root: FieldReader): GatewayClassResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const controllerName = spec.string('controllerName', { minLength: 1 }) ?? '';
  if (controllerName !== '' && !CONTROLLER_NAME.test(controllerName)) spec.fail('must be a domain-prefixed path, such as example.com/gateway-controller', 'controllerName');
  return { kind: 'GatewayClass', meta, controllerName };
}
