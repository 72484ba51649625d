import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dump, loadAll } from 'js-yaml';
import { startEchoBackend, type EchoAnswer, type EchoBackend } from '../support/echo-backend.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import type { ThrowawayPki } from '../support/tls.js';

const MANIFESTS = new URL('./manifests/', import.meta.url);

export interface ConformanceEnv {
  gw: RunningGateway;
  echo: ReadonlyMap<string, EchoBackend>;
  send(req: SendRequest): Promise<Answer>;
  stop(): Promise<void>;
}

export interface SendRequest {
  /** `namespace/name` of the Gateway, and its listener port (80 or 443). */
  gateway: string;
  port: number;
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** What the echo backend saw, when a backend answered. */
  echo: EchoAnswer | undefined;
}

type Obj = Record<string, unknown> & { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };

/**
 * The conformance infrastructure on one machine: the base manifests plus one test's, each
 * Gateway on its own loopback address (Gateways in a cluster each get their own), an echo
 * server per Service wired in through a generated EndpointSlice, and the TLS Secret the
 * HTTPS listeners reference.
 */
export async function startConformance(testManifest: string, pki: ThrowawayPki): Promise<ConformanceEnv> {
  const docs = [...readDocs('base/manifests.yaml'), ...readDocs(`tests/${testManifest}`)];
  const gatewayAddress = new Map<string, string>();
  const echo = new Map<string, EchoBackend>();
  for (const doc of docs) {
    const ns = doc.metadata?.namespace ?? 'default';
    const name = doc.metadata?.name ?? '';
    if (doc.kind === 'Gateway' && doc.spec !== undefined) {
      doc.spec.gatewayClassName = 'kgateway';
      const address = `127.0.0.${10 + gatewayAddress.size}`;
      gatewayAddress.set(`${ns}/${name}`, address);
      doc.spec.addresses = [{ type: 'IPAddress', value: address }];
    }
    if (doc.kind === 'Service') echo.set(`${ns}/${name}`, await startEchoBackend(ns, name));
  }
  const slices = docs.filter((d) => d.kind === 'Service').map((svc) => endpointSlice(svc, echo.get(`${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`) as EchoBackend));
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'tls-validity-checks-certificate', namespace: 'gateway-conformance-infra' },
    stringData: { 'tls.crt': pki.serverCert, 'tls.key': pki.serverKey },
  };
  const text = [...docs, ...slices, secret].map((d) => dump(d)).join('---\n');
  const gw = await startGateway({ files: { 'conformance.yaml': text } });
  return {
    gw,
    echo,
    send: (req) => {
      const address = gatewayAddress.get(req.gateway);
      const port = address === undefined ? undefined : gw.gateway.boundPort(req.port, address);
      if (address === undefined || port === undefined) throw new Error(`gateway ${req.gateway} has no listener bound on port ${req.port}`);
      return send(address, port, req, pki);
    },
    stop: async () => {
      await gw.stop();
      await Promise.all([...echo.values()].map((e) => e.close()));
    },
  };
}

function readDocs(file: string): Obj[] {
  return loadAll(readFileSync(new URL(file, MANIFESTS), 'utf8')).filter((d): d is Obj => d !== null && typeof d === 'object');
}

/** What the endpoints controller would write for a Service whose pods are the echo server. */
function endpointSlice(svc: Obj, backend: EchoBackend): Obj {
  const ports = ((svc.spec?.ports ?? []) as { name?: string }[]).map((p) => ({ name: p.name ?? '', port: backend.port, protocol: 'TCP' }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc.metadata?.name ?? ''}-echo`, namespace: svc.metadata?.namespace ?? 'default', labels: { 'kubernetes.io/service-name': svc.metadata?.name ?? '' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports,
  };
}

function send(address: string, port: number, req: SendRequest, pki: ThrowawayPki): Promise<Answer> {
  const https = req.port === 443;
  const headers: Record<string, string> = { ...req.headers };
  if (req.host !== '') headers.host = req.host;
  const options = { host: address, port, path: req.path, method: req.method ?? 'GET', headers, agent: false as const };
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        let echo: EchoAnswer | undefined;
        if (res.headers['content-type'] === 'application/json' && body.includes('"service"')) echo = JSON.parse(body) as EchoAnswer;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, echo });
      });
    };
    const r = https ? httpsRequest({ ...options, servername: req.host.split(':')[0] ?? '', ca: pki.caCert }, onResponse) : httpRequest(options, onResponse);
    r.on('error', reject);
    r.end();
  });
}
