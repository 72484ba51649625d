import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificateRef, GatewayResource, ListenerSpec } from './resources/gateway.js';
import { referenceAllowed, type ReferenceGrantResource } from './resources/reference-grant.js';
import type { SecretResource } from './resources/secret.js';
import type { ListenerTls } from './runtime-config.js';

/** Why a listener's certificateRefs cannot be used: the listener's `ResolvedRefs=False` reason. */
export type CertificateRefReason = 'InvalidCertificateRef' | 'RefNotPermitted';

export type ListenerTlsResult = { ok: true; tls: ListenerTls } | { ok: false; reason: CertificateRefReason; message: string };

export type SecretResolver = (namespace: string, name: string) => SecretResource | undefined;

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/**
 * Secure contexts already built in this compilation, by `namespace/name` of the Secret (or why
 * it did not load), so listeners sharing a Secret share one context. One per config version.
 */
export type LoadedCertificates = Map<string, SecureContext | string>;

/** What resolving certificates needs from the rest of the config. */
export interface TlsLookup {
  secrets: SecretResolver;
  grants: readonly ReferenceGrantResource[];
  /** Contexts built so far in this compilation. */
  certificates: LoadedCertificates;
}

/**
 * Whether the Gateway may use a certificate Secret. Same namespace: always. Another namespace
 * needs a ReferenceGrant (from Gateway in the Gateway's namespace, to Secret in the Secret's).
 */
export function isCertificateRefPermitted(gateway: GatewayResource, ref: CertificateRef, grants: readonly ReferenceGrantResource[]): boolean {
  return referenceAllowed(
    grants,
    { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gateway.meta.namespace },
    { group: '', kind: 'Secret', namespace: ref.namespace, name: ref.name },
  );
}

/**
 * Resolves an HTTPS listener's `tls.certificateRefs` (mode Terminate) into one secure context,
 * built once per config version. Any unusable ref fails the whole listener, as the Gateway API
 * says: `RefNotPermitted` for a refused cross-namespace ref, `InvalidCertificateRef` for a
 * missing Secret, an unsupported kind, the wrong Secret type, or PEM that does not load.
 * Messages name Secrets and keys, never their values.
 */
export function resolveListenerTls(gateway: GatewayResource, spec: ListenerSpec, lookup: TlsLookup): ListenerTlsResult {
  const { secrets, certificates: loaded } = lookup;
  const refs = spec.tls?.certificateRefs ?? [];
  if (refs.length === 0) {
    return { ok: false, reason: 'InvalidCertificateRef', message: 'an HTTPS listener needs tls.certificateRefs naming a kubernetes.io/tls Secret' };
  }
  const problems: { reason: CertificateRefReason; message: string }[] = [];
  const pairs: { cert: string; key: string; context: SecureContext }[] = [];
  refs.forEach((ref, i) => {
    const problem = (reason: CertificateRefReason, message: string): void => void problems.push({ reason, message: `tls.certificateRefs[${i}]: ${message}` });
    const target = `${ref.namespace}/${ref.name}`;
    if (ref.group !== '' || ref.kind !== 'Secret') {
      problem('InvalidCertificateRef', `${ref.group === '' ? '' : `${ref.group}/`}${ref.kind} is not supported (only core Secret)`);
      return;
    }
    if (!isCertificateRefPermitted(gateway, ref, lookup.grants)) {
      problem('RefNotPermitted', `Secret ${target} is in another namespace; no ReferenceGrant permits it`);
      return;
    }
    const secret = secrets(ref.namespace, ref.name);
    if (secret === undefined) {
      problem('InvalidCertificateRef', `Secret ${target} not found`);
      return;
    }
    if (secret.type !== TLS_SECRET_TYPE) {
      problem('InvalidCertificateRef', `Secret ${target} must be of type ${TLS_SECRET_TYPE} (is ${secret.type})`);
      return;
    }
    const cert = secret.values.get('tls.crt');
    const key = secret.values.get('tls.key');
    const missing = [cert === undefined || cert.trim() === '' ? 'tls.crt' : '', key === undefined || key.trim() === '' ? 'tls.key' : ''].filter((k) => k !== '');
    if (cert === undefined || key === undefined || missing.length > 0) {
      problem('InvalidCertificateRef', `Secret ${target} has no ${missing.join(' or ')}`);
      return;
    }
    let context = loaded.get(target);
    if (context === undefined) {
      try {
        context = createSecureContext({ cert, key });
      } catch (err) {
        context = errorText(err);
      }
      loaded.set(target, context);
    }
    if (typeof context === 'string') problem('InvalidCertificateRef', `Secret ${target}: tls.crt and tls.key are not a PEM certificate and its private key (${context})`);
    else pairs.push({ cert, key, context });
  });
  const first = problems.find((p) => p.reason === 'RefNotPermitted') ?? problems[0];
  if (first !== undefined) return { ok: false, reason: first.reason, message: problems.map((p) => p.message).join('; ') };

  const certs = pairs.map((p) => p.cert);
  const keys = pairs.map((p) => p.key);
  const only = pairs.length === 1 ? pairs[0] : undefined;
  if (only !== undefined) return { ok: true, tls: { context: only.context, certs, keys } };
  try {
    return { ok: true, tls: { context: createSecureContext({ cert: certs, key: keys }), certs, keys } };
  } catch (err) {
    return {
      ok: false,
      reason: 'InvalidCertificateRef',
      message: `tls.certificateRefs: the certificates cannot be served together, at most one per key type (RSA, ECDSA, ...) (${errorText(err)})`,
    };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
