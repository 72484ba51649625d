/**
 * Kubernetes mode at scale: 5,000 HTTPRoutes served from a fake API server, against the same
 * manifests loaded from a file, in one run. Reports the first-sync time as a ratio to the file
 * load, how long the leader takes to write every status, how many patches that takes, and what
 * one edit costs once settled. The fake API server runs in this process, so it shares the CPU.
 *
 *   node --import tsx bench/kubernetes-sync.ts [ROUTES]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { Gateway } from '../src/main.js';
import { createLoggers } from '../src/observability/logger.js';
import { fakeCluster, kindPath, kubernetesMode } from '../test/support/kube-cluster.js';

const ROUTES = Number(process.argv[2] ?? 5000);
const NS = 'kgateway-system';
const CONTROLLER = 'ai-gateway.dev/gateway-controller';

const base = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ai-gateway, namespace: ${NS}}
spec: {gatewayClassName: kgateway, listeners: [{name: http, protocol: HTTP, port: 8080}]}
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai, namespace: ${NS}}
spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: 9, openai: {authToken: {kind: Inline, inline: bench}}}}}
`;
const routeYaml = (i: number, prefix = '/openai/tenant'): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: tenant-${i}, namespace: ${NS}}
spec:
  parentRefs: [{name: ai-gateway}]
  rules: [{matches: [{path: {type: PathPrefix, value: ${prefix}-${i}}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}]
`;
let manifests = base;
for (let i = 0; i < ROUTES; i++) manifests += routeYaml(i);

const quiet = (): ReturnType<typeof createLoggers> => createLoggers({ level: 'error', destination: { write: () => true } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(5);
}

async function fileLoadMs(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-bench-'));
  writeFileSync(join(dir, 'manifests.yaml'), manifests);
  const { logger, accessLog } = quiet();
  const gateway = new Gateway({ paths: [dir], logger, accessLog, mapPort: () => 0, watch: false });
  const started = performance.now();
  await gateway.start();
  const ms = performance.now() - started;
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function kubernetesRun(): Promise<{ syncMs: number; statusMs: number; patches: number; editMs: number; editPatches: number; settledPatches: number }> {
  const api = fakeCluster();
  const server = await api.start();
  api.put(kindPath('GatewayClass'), { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'kgateway' }, spec: { controllerName: CONTROLLER } });
  for (const doc of loadAll(manifests)) {
    const o = doc as { kind: string };
    api.put(kindPath(o.kind), o);
  }
  const { logger, accessLog } = quiet();
  const gateway = new Gateway({ paths: [], admin: { host: '127.0.0.1', port: 0 }, logger, accessLog, mapPort: () => 0, kubernetes: kubernetesMode(server, logger) });
  const patches = (): number => api.requests.filter((r) => r.method === 'PATCH').length;
  const routeStatus = (i: number): string => JSON.stringify(api.get(kindPath('HTTPRoute'), NS, `tenant-${i}`)?.status ?? {});
  const started = performance.now();
  await gateway.start();
  await until(async () => (await fetch(`${gateway.adminAddress ?? ''}/readyz`)).status === 200);
  const syncMs = performance.now() - started;
  // Every route, the Gateway, the Backend and the GatewayClass.
  const expected = ROUTES + 3;
  await until(() => patches() >= expected && routeStatus(ROUTES - 1).includes(CONTROLLER));
  const statusMs = performance.now() - started;
  const written = patches();

  const editStart = performance.now();
  api.put(kindPath('HTTPRoute'), loadAll(routeYaml(0, '/openai/edited'))[0] as Record<string, unknown>);
  await until(() => routeStatus(0).includes('"observedGeneration":2'));
  const editMs = performance.now() - editStart;
  await sleep(300);
  const editPatches = patches() - written;
  const settled = patches();
  await sleep(1000);
  const settledPatches = patches() - settled;
  await gateway.stop();
  await api.stop();
  return { syncMs, statusMs, patches: written, editMs, editPatches, settledPatches };
}

const fileMs = await fileLoadMs();
const k8s = await kubernetesRun();
const fmt = (ms: number): string => `${Math.round(ms)} ms`;
console.log(`${ROUTES} HTTPRoutes`);
console.log(`  file load (parse, compile, bind)            ${fmt(fileMs)}`);
console.log(`  Kubernetes first sync (list, compile, bind) ${fmt(k8s.syncMs)}   ratio to file load ${(k8s.syncMs / fileMs).toFixed(2)}`);
console.log(`  every status written, from start            ${fmt(k8s.statusMs)}   ${k8s.patches} patches for ${ROUTES + 3} resources`);
console.log(`  one route edited: its status updated in     ${fmt(k8s.editMs)}   ${k8s.editPatches} patch(es)`);
console.log(`  patches in the next second, settled         ${k8s.settledPatches}`);
