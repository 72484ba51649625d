/** Starting each thing wrk is pointed at; each Target knows how to tear itself down. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConf } from './nginx.js';
import type { Started, StartOptions } from './procs.js';
import { freePort, listeningPort, pollUntil, removeDir, start, stop, tempDir } from './procs.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = join(ROOT, 'bench');
export const TOKEN = 'bench-token';
export const SCRIPT = join(BENCH, 'post.lua');
/** The POST body wrk sends; the probe and the instruction count send exactly the same. */
export const BODY = /wrk\.body = '(.*)'/.exec(readFileSync(SCRIPT, 'utf8'))?.[1] ?? '';

/** How a Node target is launched. `wrap` goes in front of the node command (valgrind ...); a slow wrapper needs a longer `readyMs`. */
export interface Launch {
  wrap?: readonly string[];
  readyMs?: number;
}

export interface Target {
  url: string;
  /** The proxy's pid, for its CPU per request. */
  pid?: number;
  /** Sample the pid's RSS too (the gateway). */
  sampleRss?: boolean;
  /** What the upstream must see on the probe: the injected credential and the model. */
  expect: { authorization: string | null; model: string };
  stop: () => Promise<void>;
  /** Rewrites the config and returns how long until the new version is in force, in ms. */
  reload?: () => Promise<number>;
}

const HOP_EXPECT = { authorization: `Bearer ${TOKEN}`, model: 'gpt-3.5-turbo' };

// exactOptionalPropertyTypes: leave `pid` out rather than set it to undefined.
const pidOf = (s: Started): { pid?: number } => (s.child.pid === undefined ? {} : { pid: s.child.pid });

/** The one place a Node target's command line is built: `[...wrap] node <args>`. */
function startNode(args: readonly string[], launch: Launch, opts: StartOptions = {}): Started {
  const [cmd = process.execPath, ...rest] = [...(launch.wrap ?? []), process.execPath, ...args];
  return start(cmd, rest, { cwd: ROOT, ...opts });
}

export function tsxScript(file: string, args: string[], launch: Launch = {}): Started {
  return startNode(['--import', 'tsx', join(BENCH, file), ...args], launch);
}

/** One POST with the echo flag: proves the hop injected the token and (gateway) rewrote the model. */
export async function probe(t: Target): Promise<void> {
  const r = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bench-echo': '1' }, body: BODY });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`probe answered ${r.status}: ${text.slice(0, 300)}`);
  const seen = JSON.parse(text) as { authorization: string | null; model: string | null };
  if (seen.authorization !== t.expect.authorization || seen.model !== t.expect.model) {
    throw new Error(`probe: upstream saw ${JSON.stringify(seen)}, expected ${JSON.stringify(t.expect)}`);
  }
}

/** Waits for readiness; if that fails, stops what was started before rethrowing. */
async function readyOrStop(stopIt: () => Promise<void>, wait: () => Promise<unknown>): Promise<void> {
  try {
    await wait();
  } catch (e) {
    await stopIt();
    throw e;
  }
}

export function direct(upstreamPort: number): Target {
  return { url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`, expect: { authorization: null, model: 'gpt-3.5-turbo' }, stop: async () => {} };
}

export async function referenceHop(upstreamPort: number, launch: Launch = {}): Promise<Target> {
  const hop = tsxScript('reference-hop.ts', ['0', String(upstreamPort), TOKEN], launch);
  const stopIt = (): Promise<void> => stop(hop.child);
  let port = 0;
  await readyOrStop(stopIt, async () => (port = await listeningPort(hop, launch.readyMs)));
  return { url: `http://127.0.0.1:${port}/openai`, ...pidOf(hop), expect: HOP_EXPECT, stop: stopIt };
}

/** `routes`: how many HTTPRoutes to load; all but the seed's one are other tenants under /openai/. */
export async function gateway(upstreamPort: number, logLevel: 'warn' | 'info', routes = 1, launch: Launch = {}): Promise<Target> {
  const dir = tempDir('aigw-bench-');
  const [port, admin] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'manifests.yaml'), gatewayManifests(port, upstreamPort) + tenantRoutes(routes - 1));
  const args = [join(ROOT, 'dist/cli/main.js'), 'serve', '-f', dir, '--admin-address', `127.0.0.1:${admin}`, '--log-level', logLevel];
  // At info every request writes an access-log line to stdout; /dev/null keeps the terminal out of the measurement.
  const gw = startNode(args, launch, { stdoutToNull: logLevel === 'info' });
  const stopIt = async (): Promise<void> => {
    await stop(gw.child);
    removeDir(dir);
  };
  await readyOrStop(stopIt, () => pollUntil('gateway /readyz', gw, async () => (await fetch(`http://127.0.0.1:${admin}/readyz`)).status === 200, launch.readyMs));
  return {
    url: `http://127.0.0.1:${port}/openai`,
    ...pidOf(gw),
    sampleRss: true,
    expect: { authorization: `Bearer ${TOKEN}`, model: 'gpt-4o-mini' },
    stop: stopIt,
    reload: () => timeReload(admin, join(dir, 'manifests.yaml'), gatewayManifests(port, upstreamPort) + tenantRoutes(routes - 1, 'v2')),
  };
}

/** HTTPRoutes for other tenants, all under /openai/ so they share the seed route's path prefix. */
function tenantRoutes(count: number, version = 'v1'): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: tenant-${i}, namespace: kgateway-system, labels: { version: ${version} } }
spec:
  parentRefs: [{ name: ai-gateway, namespace: kgateway-system }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /openai/tenant-${i} }, headers: [{ name: x-tenant, value: t${i} }] }]
    backendRefs: [{ name: openai, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }]
`;
  }
  return text;
}

/** Rewrites the manifests and times until the gateway serves the new config version (file watch, parse, compile). */
async function timeReload(admin: number, file: string, text: string): Promise<number> {
  const versionOf = async (): Promise<number> => ((await (await fetch(`http://127.0.0.1:${admin}/config/version`)).json()) as { version: number }).version;
  const before = await versionOf();
  const started = performance.now();
  writeFileSync(file, text);
  while ((await versionOf()) === before) await new Promise((r) => setTimeout(r, 5));
  return performance.now() - started;
}

/** The seed's setup, pointed at the local upstream; the Backend's model override makes the gateway rewrite the body. */
function gatewayManifests(port: number, upstreamPort: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ai-gateway, namespace: kgateway-system }
spec:
  gatewayClassName: kgateway
  listeners:
  - { name: http, protocol: HTTP, port: ${port} }
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: { name: openai, namespace: kgateway-system }
spec:
  type: AI
  ai:
    llm:
      hostOverride: { host: 127.0.0.1, port: ${upstreamPort} }
      provider:
        openai:
          authToken: { kind: Inline, inline: "${TOKEN}" }
          model: "gpt-4o-mini"
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: openai, namespace: kgateway-system }
spec:
  parentRefs:
  - { name: ai-gateway, namespace: kgateway-system }
  rules:
  - matches:
    - path: { type: PathPrefix, value: /openai }
    backendRefs:
    - { name: openai, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }
`;
}

export async function nginx(bin: string, upstreamPort: number): Promise<Target> {
  const dir = tempDir('nginx-bench-');
  // Workers run as nobody when started by root; they must be able to enter the prefix dir.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf({ dir, listenPort: port, upstreamPort, token: TOKEN }));
  // -e: the error log before the conf is read would otherwise go to /var/log/nginx.
  const ng = start(bin, ['-c', conf, '-p', dir, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { cwd: dir, group: true });
  const stopIt = async (): Promise<void> => {
    await stop(ng.child);
    removeDir(dir);
  };
  // Any HTTP answer (a 404 here) means nginx is accepting.
  await readyOrStop(stopIt, () => pollUntil('nginx', ng, async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status > 0));
  return { url: `http://127.0.0.1:${port}/openai`, ...pidOf(ng), expect: HOP_EXPECT, stop: stopIt };
}
