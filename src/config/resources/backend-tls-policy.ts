import { FieldReader } from './field-reader.js';
import { HOSTNAME } from './gateway.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface BackendTlsPolicyResource {
  kind: 'BackendTLSPolicy';
  meta: ObjectMeta;
  targetRefs: readonly { group: string; kind: string; name: string; sectionName: string | undefined }[];
  /** The name the certificate must be for, sent as SNI. */
  hostname: string;
  /** `System`: the platform's trusted CAs. */
  wellKnownCACertificates: 'System' | undefined;
  /** ConfigMaps (key `ca.crt`) holding the CAs to trust instead. */
  caCertificateRefs: readonly { group: string; kind: string; name: string }[];
}

/** Gateway API BackendTLSPolicy (v1, v1alpha3): TLS from the gateway to the Backends it targets. */
export function readBackendTlsPolicy(root: FieldReader): BackendTlsPolicyResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const targetRefs = spec.array('targetRefs', { min: 1, max: 16 }).map((item) => {
    const t = new FieldReader(item.value, item.path, root.errors);
    return { group: t.string('group') ?? '', kind: t.string('kind', { minLength: 1 }) ?? '', name: t.string('name', { minLength: 1 }) ?? '', sectionName: t.optionalString('sectionName', { minLength: 1 }) };
  });
  const validation = spec.object('validation');
  if (!spec.has('validation')) spec.fail('is required', 'validation');
  const hostname = validation.string('hostname', { minLength: 1 }) ?? '';
  if (hostname !== '' && (!HOSTNAME.test(hostname) || hostname.startsWith('*'))) validation.fail('must be a DNS name without wildcards', 'hostname');
  const wellKnown = validation.optionalEnum('wellKnownCACertificates', ['System'] as const);
  const caCertificateRefs = validation.array('caCertificateRefs', { max: 8 }).map((item) => {
    const r = new FieldReader(item.value, item.path, root.errors);
    return { group: r.optionalString('group') ?? '', kind: r.string('kind', { minLength: 1 }) ?? '', name: r.string('name', { minLength: 1 }) ?? '' };
  });
  // The API's CEL rule: exactly one source of trust.
  if ((wellKnown !== undefined) === caCertificateRefs.length > 0) validation.fail('must specify exactly one of caCertificateRefs or wellKnownCACertificates');
  if (validation.has('subjectAltNames')) validation.fail('is not supported yet; the certificate is checked against hostname', 'subjectAltNames');
  return { kind: 'BackendTLSPolicy', meta, targetRefs, hostname, wellKnownCACertificates: wellKnown, caCertificateRefs };
}
