import type { BackendTlsPolicyResource } from './resources/backend-tls-policy.js';
import type { ConfigMapResource } from './resources/config-map.js';
import type { ConfigIssue } from './resources/parse.js';
import type { Origin } from './resources/kube-object.js';
import type { UpstreamTls } from './runtime-config.js';

/** TLS for one upstream, or why the policy asking for it cannot be applied (its traffic then fails, never goes in clear). */
export type BackendTls = { tls: UpstreamTls; policy: string } | { error: string };

/** The targets BackendTLSPolicies can name here: kgateway Backends and core Services. */
const TARGETS = new Set(['gateway.kgateway.dev/Backend', '/Service']);

/**
 * BackendTLSPolicies by what they target. When several target the same object the oldest wins
 * (Gateway API conflict resolution: creation time, then name) and the others are reported.
 */
export class BackendTlsPolicies {
  private readonly byTarget = new Map<string, BackendTls>();

  constructor(
    policies: readonly { resource: BackendTlsPolicyResource; origin: Origin }[],
    configMaps: ReadonlyMap<string, ConfigMapResource>,
    readonly issues: ConfigIssue[],
  ) {
    const ordered = [...policies].sort((a, b) => (a.resource.meta.creationTimestamp ?? '').localeCompare(b.resource.meta.creationTimestamp ?? '') || a.resource.meta.name.localeCompare(b.resource.meta.name));
    for (const { resource: p, origin } of ordered) {
      const issue = (field: string, message: string, severity: ConfigIssue['severity'] = 'error'): void => {
        issues.push({ severity, origin, kind: 'BackendTLSPolicy', namespace: p.meta.namespace, name: p.meta.name, field, message });
      };
      const name = `${p.meta.namespace}/${p.meta.name}`;
      const tls = resolveTrust(p, configMaps, name);
      p.targetRefs.forEach((t, i) => {
        const kind = `${t.group}/${t.kind}`;
        if (!TARGETS.has(kind)) return issue(`spec.targetRefs[${i}]`, `${t.kind} targets are not supported (a gateway.kgateway.dev Backend or a Service)`);
        const key = `${kind}/${p.meta.namespace}/${t.name}`;
        const held = this.byTarget.get(key);
        if (held !== undefined) return issue(`spec.targetRefs[${i}]`, `${t.kind} ${t.name} is already targeted by ${'policy' in held ? held.policy : 'an older policy'}; this one is not applied to it`, 'warning');
        this.byTarget.set(key, tls);
      });
      if ('error' in tls) issue('spec.validation.caCertificateRefs', tls.error);
    }
  }

  /** The TLS a Backend (`gateway.kgateway.dev`) or Service (`''`) must be reached with, if a policy targets it. */
  lookup(group: string, kind: string, namespace: string, name: string): BackendTls | undefined {
    return this.byTarget.get(`${group}/${kind}/${namespace}/${name}`);
  }
}

/** The CAs to trust: the platform's, or the PEM in each referenced ConfigMap's `ca.crt`. */
function resolveTrust(p: BackendTlsPolicyResource, configMaps: ReadonlyMap<string, ConfigMapResource>, name: string): BackendTls {
  if (p.wellKnownCACertificates === 'System') return { tls: { servername: p.hostname, ca: 'system' }, policy: name };
  const pems: string[] = [];
  for (const ref of p.caCertificateRefs) {
    if (ref.group !== '' || ref.kind !== 'ConfigMap') return { error: `BackendTLSPolicy ${name}: caCertificateRefs must name ConfigMaps, not ${ref.kind}` };
    const pem = configMaps.get(`${p.meta.namespace}/${ref.name}`)?.data.get('ca.crt');
    if (pem === undefined || !pem.includes('-----BEGIN CERTIFICATE-----')) return { error: `BackendTLSPolicy ${name}: ConfigMap ${p.meta.namespace}/${ref.name} has no PEM certificate under "ca.crt"` };
    pems.push(pem);
  }
  return { tls: { servername: p.hostname, ca: pems }, policy: name };
}
