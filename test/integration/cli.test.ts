import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chatCompletionBody, startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { cli } from '../support/cli-process.js';
import { eventually, freePort } from '../support/gateway-harness.js';
import { seedCurl, seedManifest } from '../support/seed.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { WATCHED_KINDS } from '../../src/kubernetes/kubernetes-source.js';
import { load } from 'js-yaml';
import { createThrowawayPki, type ThrowawayPki } from '../support/tls.js';

// The command line as a user runs it: `serve`, then the seed's `kubectl apply -f- <<EOF` steps
// as `ai-gateway apply -f -`, then the seed's curl; TLS trust from NODE_EXTRA_CA_CERTS.

let pki: ThrowawayPki;
let openai: FakeProvider;
let dir: string;

before(async () => {
  pki = await createThrowawayPki(['api.openai.com']);
  openai = await startFakeProvider({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  dir = await mkdtemp(join(tmpdir(), 'aigw-cli-'));
});
after(() => openai.close());

async function serveSeedGateway(env: Record<string, string>): Promise<{ url: string; admin: string; stdout: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const adminPort = await freePort();
  const file = join(dir, `gateway-${port}.yaml`);
  await writeFile(file, seedManifest('gateway.yaml').replace('port: 8080', `port: ${port}`));
  const admin = `127.0.0.1:${adminPort}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'aigw-cli-state-'));
  const server = cli(['serve', '-f', file, '--admin-address', admin, '--state-dir', stateDir, '--connect-to', `api.openai.com:443:127.0.0.1:${openai.port}`], { env });
  await eventually(async () => (await fetch(`http://${admin}/readyz`).catch(() => undefined))?.status === 200, 15_000);
  return {
    url: `http://127.0.0.1:${port}`,
    admin,
    stdout: server.stdout,
    stop: async () => {
      server.child.kill('SIGTERM');
      assert.equal((await server.done).code, 0);
    },
  };
}

describe('serve + apply, the seed step by step', () => {
  test('Inline token over TLS trusted through NODE_EXTRA_CA_CERTS', async () => {
    const gw = await serveSeedGateway({ NODE_EXTRA_CA_CERTS: pki.caCertPath });
    try {
      const backend = await cli(['apply', '-f-', '--admin-address', gw.admin], { stdin: seedManifest('inline-backend.yaml', { TOKEN: 'sk-cli-token' }) }).done;
      assert.equal(backend.code, 0, backend.stderr);
      assert.equal(backend.stdout.trim(), 'backend/openai created');
      const routeFile = join(dir, 'route.yaml');
      await writeFile(routeFile, seedManifest('httproute.yaml'));
      const routeApplied = await cli(['apply', '-f', routeFile, '--admin-address', gw.admin]).done;
      assert.equal(routeApplied.stdout.trim(), 'httproute/openai created');
      const res = await seedCurl(gw.url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), chatCompletionBody('gpt-3.5-turbo'));
      const received = openai.received.at(-1);
      assert.equal(received?.headers.authorization, 'Bearer sk-cli-token');
      assert.equal(received?.servername, 'api.openai.com');
      // get and delete, as kubectl does them.
      const table = await cli(['get', 'backends', '-n', 'kgateway-system', '--admin-address', gw.admin]).done;
      assert.match(table.stdout, /^NAMESPACE\s+NAME\s+ACCEPTED\nkgateway-system\s+openai\s+True\n$/);
      const yaml = await cli(['get', 'backend', 'openai', '-n', 'kgateway-system', '-o', 'yaml', '--admin-address', gw.admin]).done;
      assert.match(yaml.stdout, /kind: Backend[\s\S]*inline: '\[redacted\]'[\s\S]*status:[\s\S]*reason: Accepted/);
      const routes = await cli(['get', 'httproute', '-o', 'wide', '--admin-address', gw.admin]).done;
      assert.match(routes.stdout, /openai\s+True\s+apply/);
      // A kind by its plural (from the kind table), its name, or kubectl's short name.
      const gateways = await cli(['get', 'gateways', '-n', 'kgateway-system', '--admin-address', gw.admin]).done;
      assert.equal(gateways.code, 0, gateways.stderr);
      assert.match(gateways.stdout, /^NAMESPACE\s+NAME\s+ACCEPTED\nkgateway-system\s+ai-gateway\s+True\n$/);
      assert.equal((await cli(['get', 'gtw', '-n', 'kgateway-system', '--admin-address', gw.admin]).done).stdout, gateways.stdout);
      const gateway = await cli(['get', 'gateway', 'ai-gateway', '-n', 'kgateway-system', '-o', 'json', '--admin-address', gw.admin]).done;
      assert.equal(gateway.code, 0, gateway.stderr);
      assert.match(gateway.stdout, /"kind": "Gateway"[\s\S]*"type": "Programmed"/);
      const httproutes = await cli(['get', 'httproutes', '--admin-address', gw.admin]).done;
      assert.match(httproutes.stdout, /^NAMESPACE\s+NAME\s+ACCEPTED\nkgateway-system\s+openai\s+True\n$/);
      const deleted = await cli(['delete', 'backend', 'openai', '-n', 'kgateway-system', '--admin-address', gw.admin]).done;
      assert.equal(deleted.stdout.trim(), 'backend/openai deleted');
      assert.equal((await seedCurl(gw.url)).status, 500, 'the route now points at a missing Backend');
      // The access log reaches stdout promptly even when traffic is low.
      await eventually(() => gw.stdout().includes('"msg":"request"') && gw.stdout().includes('"route":"kgateway-system/openai"'), 2000);
      assert.ok(!gw.stdout().includes('sk-cli-token'));
    } finally {
      await gw.stop();
    }
  });

  test('without the CA the certificate check fails: 502, nothing served unverified', async () => {
    const gw = await serveSeedGateway({});
    try {
      await cli(['apply', '-f-', '--admin-address', gw.admin], { stdin: seedManifest('inline-backend.yaml', { TOKEN: 't' }) + '---\n' + seedManifest('httproute.yaml') }).done;
      const before = openai.received.length;
      const res = await seedCurl(gw.url);
      assert.equal(res.status, 502);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /upstream connection failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
      assert.equal(openai.received.length, before);
    } finally {
      await gw.stop();
    }
  });

  test('apply of an invalid manifest fails naming the resource and field', async () => {
    const gw = await serveSeedGateway({});
    try {
      const bad = seedManifest('inline-backend.yaml', { TOKEN: '' });
      const r = await cli(['apply', '-f', '-', '--admin-address', gw.admin], { stdin: bad }).done;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Backend kgateway-system\/openai: spec\.ai\.llm\.provider\.openai\.authToken\.inline: must be at least 1 character long/);
    } finally {
      await gw.stop();
    }
  });
});

describe('serve --kubernetes', () => {
  test('reads the seed from the API server named in --kubeconfig, and writes status under its pod name', async () => {
    const api = new FakeKubeApi(WATCHED_KINDS.map((k) => k.path));
    const server = await api.start();
    const port = await freePort();
    const admin = `127.0.0.1:${await freePort()}`;
    const path = (kind: string): string => WATCHED_KINDS.find((k) => k.kind === kind)?.path ?? '';
    api.put(path('Gateway'), load(seedManifest('gateway.yaml').replace('port: 8080', `port: ${port}`)) as Record<string, unknown>);
    api.put(path('Backend'), load(seedManifest('inline-backend.yaml', { TOKEN: 'sk-from-cluster' })) as Record<string, unknown>);
    api.put(path('HTTPRoute'), load(seedManifest('httproute.yaml')) as Record<string, unknown>);
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\nusers: [{name: gw, user: {token: sa-token}}]\ncontexts: [{name: fake, context: {cluster: fake, user: gw}}]\ncurrent-context: fake\n`,
    );
    const gw = cli(['serve', '--kubernetes', '--kubeconfig', kubeconfig, '--admin-address', admin, '--state-dir', join(dir, 'k8s-state'), '--connect-to', `api.openai.com:443:127.0.0.1:${openai.port}`], {
      env: { NODE_EXTRA_CA_CERTS: pki.caCertPath, POD_NAME: 'ai-gateway-7d9f-x2', POD_NAMESPACE: 'kgateway-system' },
    });
    try {
      await eventually(async () => (await fetch(`http://${admin}/readyz`).catch(() => undefined))?.status === 200, 15_000);
      assert.equal((await seedCurl(`http://127.0.0.1:${port}`)).status, 200);
      assert.equal(openai.received.at(-1)?.headers.authorization, 'Bearer sk-from-cluster');
      const lease = (): Record<string, unknown> | undefined => api.get('/apis/coordination.k8s.io/v1/leases', 'kgateway-system', 'ai-gateway');
      await eventually(() => (lease()?.spec as { holderIdentity?: string } | undefined)?.holderIdentity === 'ai-gateway-7d9f-x2', 5000);
      const routeStatus = (): string => JSON.stringify(api.get(path('HTTPRoute'), 'kgateway-system', 'openai')?.status ?? {});
      await eventually(() => routeStatus().includes('"controllerName":"ai-gateway.dev/gateway-controller"'), 5000);
      assert.match(routeStatus(), /"type":"Accepted","status":"True"/);
    } finally {
      gw.child.kill('SIGTERM');
      await gw.done;
      await api.stop();
    }
  });
});

describe('serve', () => {
  test('refuses an admin API reachable from other hosts without a token', async () => {
    const r = await cli(['serve', '-f', seedManifestPath(), '--admin-address', '0.0.0.0:0']).done;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /set --admin-token or AI_GATEWAY_ADMIN_TOKEN/);
  });
});

describe('validate', () => {
  test('exit 0 for the seed manifests', async () => {
    const r = await cli(['validate', '-f', fileURLToPath(new URL('../../examples/quickstart', import.meta.url))]).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 resource\(s\) valid/);
  });

  test('exit 1 with errors naming file, resource and field', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, `${seedManifest('httproute.yaml').replace('type: PathPrefix', 'type: Prefix')}---\n${seedManifest('gateway.yaml')}`);
    const r = await cli(['validate', '-f', file]).done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.yaml#1: HTTPRoute kgateway-system\/openai: spec\.rules\[0\]\.matches\[0\]\.path\.type: must be one of Exact, PathPrefix, RegularExpression \(got "Prefix"\)/);
  });

  test('a YAML syntax error names the file', async () => {
    const file = join(dir, 'syntax.yaml');
    await writeFile(file, 'kind: [');
    const r = await cli(['validate', '-f', file]).done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /syntax\.yaml: line \d+, column \d+: /);
  });
});

function seedManifestPath(): string {
  return fileURLToPath(new URL('../../examples/seed/gateway.yaml', import.meta.url));
}
