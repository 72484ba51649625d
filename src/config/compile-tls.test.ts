import assert from 'node:assert/strict';
import { compileYaml } from '../../test/support/compile-yaml.js';
import { before, test } from 'node:test';
import { createThrowawayPki, type ThrowawayPki } from '../../test/support/tls.js';
import { certificateFor } from '../proxy/listeners.js';
import type { PortBinding, RuntimeConfig } from './runtime-config.js';

function compile(yaml: string): RuntimeConfig {
  return compileYaml(yaml);
}

type Cond = { type: string; status: string; reason: string; message: string };
type GatewayStatus = { conditions: Cond[]; listeners: { name: string; supportedKinds: unknown[]; conditions: Cond[] }[] };
const gatewayStatus = (c: RuntimeConfig, name = 'gw'): GatewayStatus => c.resources.find((r) => r.kind === 'Gateway' && r.name === name)?.status as GatewayStatus;
/** `Type=Status/Reason` for each condition of one listener. */
function listenerConds(c: RuntimeConfig, listener: string, gateway = 'gw'): string[] {
  const l = gatewayStatus(c, gateway).listeners.find((x) => x.name === listener);
  return (l?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`);
}
function listenerCond(c: RuntimeConfig, listener: string, type: string): Cond | undefined {
  return gatewayStatus(c).listeners.find((x) => x.name === listener)?.conditions.find((x) => x.type === type);
}

const indent = (pem: string, n: number): string => pem.trimEnd().split('\n').map((l) => ' '.repeat(n) + l).join('\n');

function tlsSecret(name: string, pki: ThrowawayPki, opts: { namespace?: string; type?: string; key?: string; omitKey?: boolean } = {}): string {
  const key = opts.omitKey === true ? '' : `\n  tls.key: |\n${indent(opts.key ?? pki.serverKey, 4)}`;
  return `---
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${opts.namespace ?? 'infra'}}
type: ${opts.type ?? 'kubernetes.io/tls'}
stringData:
  tls.crt: |
${indent(pki.serverCert, 4)}${key}
`;
}

function gateway(listeners: string, name = 'gw'): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: infra}
spec:
  gatewayClassName: kgateway
  listeners:
${listeners}`;
}

const https = (name: string, opts: { port?: number; hostname?: string; refs?: string; mode?: string } = {}): string =>
  `  - name: ${name}
    protocol: HTTPS
    port: ${opts.port ?? 8443}
${opts.hostname === undefined ? '' : `    hostname: "${opts.hostname}"\n`}    tls: {${opts.mode === undefined ? '' : `mode: ${opts.mode}, `}certificateRefs: [${opts.refs ?? '{name: cert}'}]}
`;

let a: ThrowawayPki;
let b: ThrowawayPki;
before(async () => {
  [a, b] = await Promise.all([createThrowawayPki(['a.example.com']), createThrowawayPki(['b.example.com'])]);
});

const OK = ['Accepted=True/Accepted', 'Programmed=True/Programmed', 'ResolvedRefs=True/ResolvedRefs', 'Conflicted=False/NoConflicts'];

test('an HTTPS listener with a kubernetes.io/tls Secret is programmed and bound as HTTPS', () => {
  const c = compile(gateway(https('tls')) + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(c, 'tls'), OK);
  const s = gatewayStatus(c);
  assert.deepEqual(s.conditions.map((x) => `${x.type}=${x.status}/${x.reason}`), ['Accepted=True/Accepted', 'Programmed=True/Programmed']);
  assert.deepEqual(s.listeners[0]?.supportedKinds, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);
  const binding = c.bindings.get('0.0.0.0:8443');
  assert.equal(binding?.protocol, 'HTTPS');
  assert.ok(binding.listeners[0]?.tls?.context, 'the secure context is built at compile time');
  assert.deepEqual(binding.listeners[0].tls.certs, [a.serverCert]);
});

test('data (base64) works like stringData', () => {
  const secret = `---
apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: infra}
type: kubernetes.io/tls
data:
  tls.crt: ${Buffer.from(a.serverCert).toString('base64')}
  tls.key: ${Buffer.from(a.serverKey).toString('base64')}
`;
  assert.deepEqual(listenerConds(compile(gateway(https('tls')) + secret), 'tls'), OK);
});

test('unusable certificateRefs: ResolvedRefs=False/InvalidCertificateRef, Accepted stays True, not programmed', () => {
  const cases: [string, string, RegExp][] = [
    ['missing Secret', gateway(https('tls')), /Secret infra\/cert not found/],
    ['Opaque Secret', gateway(https('tls')) + tlsSecret('cert', a, { type: 'Opaque' }), /must be of type kubernetes\.io\/tls \(is Opaque\)/],
    ['no tls.key', gateway(https('tls')) + tlsSecret('cert', a, { omitKey: true }), /has no tls\.key/],
    ['key of another certificate', gateway(https('tls')) + tlsSecret('cert', a, { key: b.serverKey }), /not a PEM certificate and its private key/],
    ['not PEM', gateway(https('tls')) + tlsSecret('cert', a, { key: 'not a key' }), /not a PEM certificate/],
    ['kind ConfigMap', gateway(https('tls', { refs: '{kind: ConfigMap, name: cert}' })) + tlsSecret('cert', a), /ConfigMap is not supported/],
    ['another group', gateway(https('tls', { refs: '{group: example.com, kind: Secret, name: cert}' })) + tlsSecret('cert', a), /example\.com\/Secret is not supported/],
    ['no certificateRefs', gateway('  - {name: tls, protocol: HTTPS, port: 8443, tls: {certificateRefs: []}}\n'), /needs tls\.certificateRefs/],
    ['no tls at all', gateway('  - {name: tls, protocol: HTTPS, port: 8443}\n'), /needs tls\.certificateRefs/],
    ['one good, one missing', gateway(https('tls', { refs: '{name: cert}, {name: nope}' })) + tlsSecret('cert', a), /certificateRefs\[1\]: Secret infra\/nope not found/],
  ];
  for (const [what, yaml, message] of cases) {
    const c = compile(yaml);
    assert.deepEqual(c.issues.filter((i) => i.severity === 'error'), [], what);
    assert.deepEqual(
      listenerConds(c, 'tls'),
      ['Accepted=True/Accepted', 'Programmed=False/Invalid', 'ResolvedRefs=False/InvalidCertificateRef', 'Conflicted=False/NoConflicts'],
      what,
    );
    assert.match(listenerCond(c, 'tls', 'ResolvedRefs')?.message ?? '', message, what);
    assert.equal(c.bindings.size, 0, `${what}: not bound`);
    const s = gatewayStatus(c);
    assert.deepEqual(s.conditions.map((x) => `${x.type}=${x.status}/${x.reason}`), ['Accepted=True/ListenersNotValid', 'Programmed=False/Invalid'], what);
    const text = JSON.stringify(c.resources);
    assert.ok(!text.includes('PRIVATE KEY'), `${what}: no key material in /config`);
  }
});

test('a certificateRef to another namespace is RefNotPermitted unless a ReferenceGrant allows it', () => {
  const c = compile(gateway(https('tls', { refs: '{name: cert, namespace: certs}' })) + tlsSecret('cert', a, { namespace: 'certs' }));
  assert.deepEqual(listenerConds(c, 'tls'), ['Accepted=True/Accepted', 'Programmed=False/Invalid', 'ResolvedRefs=False/RefNotPermitted', 'Conflicted=False/NoConflicts']);
  assert.match(listenerCond(c, 'tls', 'ResolvedRefs')?.message ?? '', /certs\/cert is in another namespace/);
  const grant = `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: gateways-may-read, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
  to: [{group: '', kind: Secret, name: cert}]
`;
  assert.deepEqual(listenerConds(compile(gateway(https('tls', { refs: '{name: cert, namespace: certs}' })) + tlsSecret('cert', a, { namespace: 'certs' }) + grant), 'tls'), OK);
  // The namespace written out as the Gateway's own is the same reference.
  assert.deepEqual(listenerConds(compile(gateway(https('tls', { refs: '{name: cert, namespace: infra}' })) + tlsSecret('cert', a)), 'tls'), OK);
});

test('one broken HTTPS listener does not stop the others; the Gateway says ListenersNotValid but Programmed', () => {
  const c = compile(gateway(https('good', { hostname: 'a.example.com' }) + https('bad', { hostname: 'b.example.com', refs: '{name: missing}' })) + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(c, 'good'), OK);
  assert.equal(listenerCond(c, 'bad', 'ResolvedRefs')?.reason, 'InvalidCertificateRef');
  assert.deepEqual(gatewayStatus(c).conditions.map((x) => `${x.type}=${x.status}/${x.reason}`), ['Accepted=True/ListenersNotValid', 'Programmed=True/Programmed']);
  assert.deepEqual(c.bindings.get('0.0.0.0:8443')?.listeners.map((l) => l.name), ['good']);
});

test('tls.mode Passthrough is not valid for HTTPS: Accepted=False', () => {
  const c = compile(gateway(https('tls', { mode: 'Passthrough' })) + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(c, 'tls'), ['Accepted=False/UnsupportedProtocol', 'Programmed=False/Invalid', 'ResolvedRefs=True/ResolvedRefs', 'Conflicted=False/NoConflicts']);
  assert.match(listenerCond(c, 'tls', 'Accepted')?.message ?? '', /Passthrough/);
  assert.deepEqual(gatewayStatus(c).listeners[0]?.supportedKinds, []);
  assert.equal(c.bindings.size, 0);
});

test('tls on an HTTP listener and malformed tls fields are field errors', () => {
  const c = compile(
    gateway(`  - {name: plain, protocol: HTTP, port: 8080, tls: {certificateRefs: [{name: cert}]}}
  - {name: tls, protocol: HTTPS, port: 8443, tls: {mode: Sideways, certificateRefs: [{kind: Secret}]}}
`),
  );
  const errors = c.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`);
  assert.deepEqual(errors, [
    'spec.listeners[0].tls: must not be set for protocol HTTP',
    'spec.listeners[1].tls.mode: must be one of Terminate, Passthrough (got "Sideways")',
    'spec.listeners[1].tls.certificateRefs[0].name: is required',
  ]);
  assert.equal(c.bindings.size, 0);
});

test('HTTP and HTTPS on one port: the later listener is Conflicted/ProtocolConflict and not programmed', () => {
  const c = compile(gateway(`  - {name: plain, protocol: HTTP, port: 8443}\n` + https('tls')) + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(c, 'plain'), OK);
  assert.deepEqual(listenerConds(c, 'tls'), ['Accepted=True/Accepted', 'Programmed=False/Invalid', 'ResolvedRefs=True/ResolvedRefs', 'Conflicted=True/ProtocolConflict']);
  assert.match(listenerCond(c, 'tls', 'Conflicted')?.message ?? '', /port 8443 already serves HTTP \(listener infra\/gw\/plain\)/);
  assert.deepEqual(gatewayStatus(c).conditions.map((x) => `${x.type}=${x.status}/${x.reason}`), ['Accepted=True/ListenersNotValid', 'Programmed=True/Programmed']);
  const binding = c.bindings.get('0.0.0.0:8443');
  assert.equal(binding?.protocol, 'HTTP');
  assert.deepEqual(binding.listeners.map((l) => l.name), ['plain']);

  // Across Gateways sharing the address and port: the first Gateway's listener keeps it.
  const two = compile(gateway(https('tls'), 'first') + gateway('  - {name: plain, protocol: HTTP, port: 8443}\n', 'second') + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(two, 'tls', 'first'), OK);
  assert.equal(gatewayStatus(two, 'second').listeners[0]?.conditions.find((x) => x.type === 'Conflicted')?.reason, 'ProtocolConflict');
  assert.equal(two.bindings.get('0.0.0.0:8443')?.protocol, 'HTTPS');

  // Two HTTPS listeners on one port do not conflict; an unsupported protocol claims nothing.
  const same = compile(gateway(`  - {name: odd, protocol: TCP, port: 8443}\n` + https('x', { hostname: 'a.example.com' }) + https('y', { hostname: 'b.example.com' })) + tlsSecret('cert', a));
  assert.deepEqual(listenerConds(same, 'x'), OK);
  assert.deepEqual(listenerConds(same, 'y'), OK);
});

test('certificateFor picks the most specific listener matching the SNI name: exact, then wildcard, then none', () => {
  const c = compile(
    gateway(
      https('any', { refs: '{name: a}' }) +
        https('wild', { hostname: '*.example.com', refs: '{name: b}' }) +
        https('exact', { hostname: 'a.example.com', refs: '{name: a}' }) +
        https('deeper', { hostname: '*.b.example.com', refs: '{name: b}' }),
    ) +
      tlsSecret('a', a) +
      tlsSecret('b', b),
  );
  const binding = c.bindings.get('0.0.0.0:8443') as PortBinding;
  const ctx = (name: string) => binding.listeners.find((l) => l.name === name)?.tls?.context;
  assert.deepEqual(binding.listeners.map((l) => l.name), ['exact', 'deeper', 'wild', 'any']);
  assert.equal(certificateFor(binding, 'a.example.com'), ctx('exact'));
  assert.equal(certificateFor(binding, 'A.Example.COM.'), ctx('exact'), 'SNI is case-insensitive; a trailing dot is ignored');
  assert.equal(certificateFor(binding, 'c.example.com'), ctx('wild'));
  assert.equal(certificateFor(binding, 'x.y.example.com'), ctx('wild'), 'a wildcard matches one or more labels');
  assert.equal(certificateFor(binding, 'x.b.example.com'), ctx('deeper'));
  assert.equal(certificateFor(binding, 'example.com'), ctx('any'));
  assert.equal(certificateFor(binding, 'other.test'), ctx('any'));
  assert.notEqual(ctx('exact'), ctx('wild'));
  assert.equal(ctx('exact'), ctx('any'), 'listeners sharing a Secret share one context per config version');

  const noCatchAll = compile(gateway(https('exact', { hostname: 'a.example.com' })) + tlsSecret('cert', a)).bindings.get('0.0.0.0:8443') as PortBinding;
  assert.equal(certificateFor(noCatchAll, 'b.example.com'), undefined);
});
