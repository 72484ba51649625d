import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface ListenerSpec {
  name: string;
  port: number;
  protocol: string;
  hostname: string | undefined;
  allowedNamespaces: 'Same' | 'All' | 'Selector';
  namespaceSelector: Readonly<Record<string, string>>;
  /** Route kinds the listener accepts; empty means the protocol's default (HTTPRoute). */
  allowedKinds: readonly { group: string; kind: string }[];
  /** `tls` as written; undefined when the listener has none. Checked against the protocol at compile time. */
  tls: ListenerTlsSpec | undefined;
}

/** A reference to the Secret holding a listener's certificate and key (group "" / kind Secret). */
export interface CertificateRef {
  group: string;
  kind: string;
  name: string;
  /** Defaults to the Gateway's namespace. */
  namespace: string;
}

export interface ListenerTlsSpec {
  mode: 'Terminate' | 'Passthrough';
  certificateRefs: readonly CertificateRef[];
}

export interface GatewayResource {
  kind: 'Gateway';
  meta: ObjectMeta;
  gatewayClassName: string;
  listeners: readonly ListenerSpec[];
  /** IPAddress values from spec.addresses; listeners bind these, or 0.0.0.0 when empty. */
  bindAddresses: readonly string[];
}

/** A Gateway API hostname: DNS name, optionally with a single leading `*.` label. */
export const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

export function readGateway(root: FieldReader): GatewayResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const gatewayClassName = spec.string('gatewayClassName', { minLength: 1 }) ?? '';
  const listeners: ListenerSpec[] = [];
  const names = new Set<string>();
  for (const item of spec.array('listeners', { min: 1, max: 64 })) {
    const l = new FieldReader(item.value, item.path, root.errors);
    const name = l.string('name', { minLength: 1 }) ?? '';
    if (name !== '' && !SECTION_NAME.test(name)) l.fail('must be a lowercase RFC 1123 name', 'name');
    if (names.has(name)) l.fail('must be unique within the Gateway', 'name');
    names.add(name);
    const hostname = l.optionalString('hostname', { minLength: 1 })?.toLowerCase();
    if (hostname !== undefined && !HOSTNAME.test(hostname)) l.fail('must be a DNS name, optionally starting with "*."', 'hostname');
    const routes = l.object('allowedRoutes');
    const ns = routes.object('namespaces');
    const allowedNamespaces = ns.optionalEnum('from', ['Same', 'All', 'Selector'] as const) ?? 'Same';
    const namespaceSelector = ns.object('selector').stringMap('matchLabels');
    if (allowedNamespaces === 'Selector' && !ns.has('selector')) ns.fail('is required when from is Selector', 'selector');
    const allowedKinds = routes.array('kinds').map((k) => {
      const kr = new FieldReader(k.value, k.path, root.errors);
      return { group: kr.optionalString('group') ?? 'gateway.networking.k8s.io', kind: kr.string('kind') ?? '' };
    });
    const port = l.integer('port', { min: 1, max: 65535 }) ?? 0;
    const protocol = l.string('protocol', { minLength: 1 }) ?? '';
    const tls = l.has('tls') ? readListenerTls(l.object('tls'), meta.namespace, root) : undefined;
    // As the Gateway API's validation says: plain-text protocols take no tls section.
    if (tls !== undefined && ['HTTP', 'TCP', 'UDP'].includes(protocol)) l.fail(`must not be set for protocol ${protocol}`, 'tls');
    listeners.push({
      name,
      port,
      protocol,
      hostname,
      allowedNamespaces,
      namespaceSelector,
      allowedKinds,
      tls,
    });
  }
  const bindAddresses: string[] = [];
  for (const item of spec.array('addresses')) {
    const a = new FieldReader(item.value, item.path, root.errors);
    const type = a.optionalEnum('type', ['IPAddress', 'Hostname', 'NamedAddress'] as const) ?? 'IPAddress';
    const value = a.string('value', { minLength: 1 });
    if (type !== 'IPAddress' || value === undefined) continue;
    if (!IPV4.test(value) && !value.includes(':')) a.fail('must be an IPv4 or IPv6 address', 'value');
    else bindAddresses.push(value);
  }
  return { kind: 'Gateway', meta, gatewayClassName, listeners, bindAddresses };
}

function readListenerTls(t: FieldReader, gatewayNamespace: string, root: FieldReader): ListenerTlsSpec {
  const mode = t.optionalEnum('mode', ['Terminate', 'Passthrough'] as const) ?? 'Terminate';
  const certificateRefs = t.array('certificateRefs', { max: 64 }).map((item): CertificateRef => {
    const r = new FieldReader(item.value, item.path, root.errors);
    return {
      group: r.optionalString('group') ?? '',
      kind: r.optionalString('kind', { minLength: 1 }) ?? 'Secret',
      name: r.string('name', { minLength: 1 }) ?? '',
      namespace: r.optionalString('namespace', { minLength: 1 }) ?? gatewayNamespace,
    };
  });
  return { mode, certificateRefs };
}
