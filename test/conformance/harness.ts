import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dump, loadAll } from 'js-yaml';
import { startEchoBackend, type EchoAnswer, type EchoBackend } from '../support/echo-backend.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import type { ThrowawayPki } from '../support/tls.js';

const MANIFESTS = new URL('./manifests/', import.meta.url);

export interface ConformanceEnv {
  gw: RunningGateway;
  echo: ReadonlyMap<string, EchoBackend>;
  send(req: SendRequest): Promise<Answer>;
  /** Removes one resource (as `kubectl delete` would) and waits until the gateway has reloaded. */
  remove(kind: string, namespace: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SendRequest {
  /** `namespace/name` of the Gateway, and its listener port. */
  gateway: string;
  port: number;
  /** TLS with this SNI name. */
  sni?: string;
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
export async function startConformance(testManifests: readonly string[], pki: ThrowawayPki): Promise<ConformanceEnv> {
  let docs = [...readDocs('base/manifests.yaml'), ...testManifests.flatMap((m) => readDocs(`tests/${m}`))];
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
  const render = (): string => [...docs, ...slices, secret].map((d) => dump(d)).join('---\n');
  const gw = await startGateway({ files: { 'conformance.yaml': render() } });
  return {
    gw,
    echo,
    send: (req) => {
      const address = gatewayAddress.get(req.gateway);
      const port = address === undefined ? undefined : gw.gateway.boundPort(req.port, address);
      if (address === undefined || port === undefined) throw new Error(`gateway ${req.gateway} has no listener bound on port ${req.port}`);
      return send(address, port, req, pki);
    },
    remove: async (kind, namespace, name) => {
      docs = docs.filter((d) => !(d.kind === kind && (d.metadata?.namespace ?? 'default') === namespace && d.metadata?.name === name));
      const version = gw.gateway.currentConfig().version;
      await gw.write('conformance.yaml', render());
      await eventually(() => gw.gateway.currentConfig().version > version, 3000);
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
  const https = req.sni !== undefined;
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
    const r = https ? httpsRequest({ ...options, servername: req.sni, ca: pki.caCert, checkServerIdentity: acceptAnyName }, onResponse) : httpRequest(options, onResponse);
    r.on('error', reject);
    r.end();
  });
}

/**
 * The chain is still verified against the test CA; only the name check is relaxed, since the
 * suite's certificate names `*.org` (which Node does not accept as a wildcard) and routing, not
 * certificate naming, is under test here.
 */
function acceptAnyName(): undefined {
  return undefined;
}
