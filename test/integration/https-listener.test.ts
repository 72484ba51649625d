import assert from 'node:assert/strict';
import { route, staticBackend } from '../support/manifests.js';
import { X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { createThrowawayPki, type ThrowawayPki } from '../support/tls.js';

// Gateway API HTTPS listeners: TLS terminated with the certificate of the listener the SNI name
// selects; routing after TLS by Host as for HTTP.

const indent = (pem: string): string => pem.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');

function tlsSecret(name: string, pki: ThrowawayPki): string {
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: kgateway-system}
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(pki.serverCert)}
  tls.key: |
${indent(pki.serverKey)}
`;
}

function gatewayYaml(port8443Protocol: 'HTTPS' | 'HTTP'): string {
  const tls = (ref: string): string => (port8443Protocol === 'HTTPS' ? `\n    tls: {certificateRefs: [{name: ${ref}}]}` : '');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ai-gateway, namespace: kgateway-system}
spec:
  gatewayClassName: kgateway
  listeners:
  - name: a
    protocol: ${port8443Protocol}
    port: 8443
    hostname: a.example.com${tls('cert-a')}
  - name: b
    protocol: ${port8443Protocol}
    port: 8443
    hostname: "*.b.example.com"${tls('cert-b')}
  - name: fallback
    protocol: ${port8443Protocol}
    port: 8443${tls('cert-fallback')}
  - name: broken
    protocol: HTTPS
    port: 9443
    hostname: c.example.com
    tls: {certificateRefs: [{name: no-such-secret}]}
`;
}

interface TlsAnswer {
  status: number;
  body: string;
  /** The leaf certificate the gateway served. */
  cert: X509Certificate;
}

function peerCertificate(socket: unknown): X509Certificate {
  assert.ok(socket instanceof TLSSocket);
  return new X509Certificate(socket.getPeerCertificate().raw);
}

/** https.request, because fetch cannot set SNI apart from the URL. */
function get(port: number, opts: { servername: string; host?: string; ca: string[]; path?: string }): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: opts.path ?? '/hello', servername: opts.servername, ca: opts.ca, headers: { host: opts.host ?? opts.servername }, agent: false },
      (res) => {
        const cert = peerCertificate(res.socket);
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function plainGet(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let upstream: FakeProvider;
let gw: RunningGateway;
let pkiA: ThrowawayPki;
let pkiB: ThrowawayPki;
let pkiFallback: ThrowawayPki;
let allCas: string[];

before(async () => {
  [pkiA, pkiB, pkiFallback] = await Promise.all([
    createThrowawayPki(['a.example.com']),
    createThrowawayPki(['*.b.example.com']),
    createThrowawayPki(['fallback.example.com']),
  ]);
  allCas = [pkiA.caCert, pkiB.caCert, pkiFallback.caCert];
  upstream = await startFakeProvider();
  upstream.setHandler((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`upstream saw ${req.method} ${req.url} for ${String(req.headers.host)}`);
  });
  gw = await startGateway({
    files: {
      'gateway.yaml': gatewayYaml('HTTPS'),
      'secret-a.yaml': tlsSecret('cert-a', pkiA),
      'secret-b.yaml': tlsSecret('cert-b', pkiB),
      'secret-fallback.yaml': tlsSecret('cert-fallback', pkiFallback),
      'route.yaml': `${staticBackend('svc', upstream.port)}---\n${route('svc', '/', 'svc')}`,
    },
  });
});
after(async () => {
  await gw.stop();
  await upstream.close();
});

const port = (): number => {
  const p = gw.gateway.boundPort(8443);
  assert.ok(p !== undefined, 'port 8443 is bound');
  return p;
};

test('an HTTPS request with SNI is terminated and routed like HTTP', async () => {
  const res = await get(port(), { servername: 'a.example.com', ca: [pkiA.caCert], path: '/v1/things?x=1' });
  assert.equal(res.status, 200);
  assert.equal(res.body, 'upstream saw GET /v1/things?x=1 for a.example.com');
  assert.equal(res.cert.subject, 'CN=a.example.com');
});

test('each SNI name gets the certificate of its listener (exact, wildcard, no hostname)', async () => {
  const a = await get(port(), { servername: 'a.example.com', ca: allCas });
  const b = await get(port(), { servername: 'x.b.example.com', ca: allCas });
  const other = await get(port(), { servername: 'fallback.example.com', ca: allCas });
  assert.equal(a.cert.subjectAltName, 'DNS:a.example.com');
  assert.equal(b.cert.subjectAltName, 'DNS:*.b.example.com');
  assert.equal(other.cert.subjectAltName, 'DNS:fallback.example.com');
  assert.notEqual(a.cert.fingerprint256, b.cert.fingerprint256);
  assert.equal(b.status, 200);
  assert.equal(b.body, 'upstream saw GET /hello for x.b.example.com');
  // Verified against the CA that signed each listener's certificate only.
  await assert.rejects(get(port(), { servername: 'a.example.com', ca: [pkiB.caCert] }), /certificate/);
});

test('a client without SNI gets the certificate of the listener without hostname', async () => {
  const cert = await new Promise<X509Certificate>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: port(), path: '/', servername: '', rejectUnauthorized: false, agent: false }, (res) => {
      resolve(peerCertificate(res.socket));
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(cert.subjectAltName, 'DNS:fallback.example.com');
});

test('plain HTTP to an HTTPS port does not reach a route', async () => {
  const before = upstream.received.length;
  const outcome = await plainGet(port(), 'a.example.com', '/hello').then((r) => `status ${r.status}`, () => 'error');
  assert.notEqual(outcome, 'status 200');
  assert.equal(upstream.received.length, before);
});

test('a missing Secret: listener ResolvedRefs=False/InvalidCertificateRef in /config, port not bound', async () => {
  type Cond = { type: string; status: string; reason: string };
  const config = (await (await fetch(`${gw.admin}/config`)).json()) as {
    resources: { kind: string; name: string; status: { conditions: Cond[]; listeners: { name: string; conditions: Cond[] }[] } }[];
  };
  const status = config.resources.find((r) => r.kind === 'Gateway' && r.name === 'ai-gateway')?.status;
  const broken = status?.listeners.find((l) => l.name === 'broken')?.conditions ?? [];
  const cond = (type: string) => broken.find((c) => c.type === type);
  assert.deepEqual([cond('ResolvedRefs')?.status, cond('ResolvedRefs')?.reason], ['False', 'InvalidCertificateRef']);
  assert.deepEqual([cond('Programmed')?.status, cond('Programmed')?.reason], ['False', 'Invalid']);
  assert.deepEqual([cond('Accepted')?.status, cond('Accepted')?.reason], ['True', 'Accepted']);
  assert.equal(status?.listeners.find((l) => l.name === 'a')?.conditions.find((c) => c.type === 'Programmed')?.status, 'True');
  assert.deepEqual(status?.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), ['Accepted=True/ListenersNotValid', 'Programmed=True/Programmed']);
  assert.equal(gw.gateway.boundPort(9443), undefined);
});

test('a changed certificate is served after reload without rebinding', async () => {
  const before = port();
  const renewed = await createThrowawayPki(['a.example.com']);
  await gw.write('secret-a.yaml', tlsSecret('cert-a', renewed));
  await eventually(async () => {
    const res = await get(before, { servername: 'a.example.com', ca: [pkiA.caCert, renewed.caCert] });
    return res.cert.fingerprint256 === new X509Certificate(renewed.serverCert).fingerprint256;
  });
  assert.equal(port(), before, 'same socket: no rebind');
  const res = await get(before, { servername: 'a.example.com', ca: [renewed.caCert] });
  assert.equal(res.status, 200);
  // The other listeners keep theirs.
  assert.equal((await get(before, { servername: 'z.b.example.com', ca: [pkiB.caCert] })).cert.subjectAltName, 'DNS:*.b.example.com');
});

test('a port that changes from HTTPS to HTTP is bound again as HTTP', async () => {
  await gw.write('gateway.yaml', gatewayYaml('HTTP'));
  await eventually(async () => {
    const p = gw.gateway.boundPort(8443);
    if (p === undefined) return false;
    const res = await plainGet(p, 'a.example.com', '/plain').catch(() => undefined);
    return res?.status === 200 && res.body === 'upstream saw GET /plain for a.example.com';
  });
});
