/** Starting each thing wrk is pointed at; each Target knows how to tear itself down. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Echo } from './answers.js';
import { STREAM_TEXT, TEXT } from './answers.js';
import { nginxConf } from './nginx.js';
import type { Started, StartOptions } from './procs.js';
import { freePort, listeningPort, pollUntil, removeDir, start, stop, tempDir } from './procs.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = join(ROOT, 'bench');
export const TOKEN = 'bench-token';

/** A request wrk sends over and over (its script), and the same body for the probe. */
export interface Workload {
  script: string;
  body: string;
  /** The body asks for an SSE stream (with the usage chunk). */
  stream: boolean;
}

function workload(file: string): Workload {
  const script = join(BENCH, file);
  const body = /wrk\.body = '(.*)'/.exec(readFileSync(script, 'utf8'))?.[1] ?? '';
  return { script, body, stream: body.includes('"stream": true') };
}

/** The seed's chat completion POST; `POST_STREAM` is the same with `"stream": true`. */
export const POST = workload('post.lua');
export const POST_STREAM = workload('post-stream.lua');
export const SCRIPT = POST.script;
/** The POST body wrk sends; the probe and the instruction count send exactly the same. */
export const BODY = POST.body;

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
  /** What the upstream must see on the probe: request headers (null: absent) and the body's model. */
  expect: { headers: Record<string, string | null>; model: string };
  /** The gateway translates to and from Anthropic: the upstream's echo arrives inside an OpenAI answer. */
  translates?: boolean;
  stop: () => Promise<void>;
  /** Rewrites the config and returns how long until the new version is in force, in ms. */
  reload?: () => Promise<number>;
}

const HOP_EXPECT = { headers: { authorization: `Bearer ${TOKEN}` }, model: 'gpt-3.5-turbo' };

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

/**
 * Before measuring, proves the path works as intended. An echo POST: the upstream reports what
 * it saw (credential, model), directly or, through a translation, as the answer's text. Then,
 * when the answer is more than the upstream's bytes passed on (a translation, a stream), one
 * plain POST: it must come back as OpenAI's shape with the upstream's whole text.
 */
export async function probe(t: Target, work: Workload = POST): Promise<void> {
  const echoed = await post(t.url, work.body, true);
  const seen = JSON.parse(t.translates === true ? openAiContent(echoed, work.stream) : echoed) as Echo;
  const wrong = Object.entries(t.expect.headers).some(([name, value]) => (seen.headers[name] ?? null) !== value);
  if (wrong || seen.model !== t.expect.model) {
    throw new Error(`probe: upstream saw ${JSON.stringify(seen)}, expected ${JSON.stringify(t.expect)}`);
  }
  if (t.translates !== true && !work.stream) return;
  const content = openAiContent(await post(t.url, work.body, false), work.stream);
  const want = work.stream ? STREAM_TEXT : TEXT;
  if (content !== want) throw new Error(`probe: the answer's content is ${JSON.stringify(content.slice(0, 120))}, expected ${JSON.stringify(want.slice(0, 120))}`);
}

async function post(url: string, body: string, echo: boolean): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (echo) headers['x-bench-echo'] = '1';
  const r = await fetch(url, { method: 'POST', headers, body });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`probe answered ${r.status}: ${text.slice(0, 300)}`);
  return text;
}

/** The assistant's text of an OpenAI answer; throws unless it has OpenAI's shape. */
function openAiContent(text: string, stream: boolean): string {
  return stream ? streamContent(text) : completionContent(text);
}

function completionContent(text: string): string {
  const c = JSON.parse(text) as { object?: unknown; choices?: { message?: { content?: unknown } }[] };
  const content = c.choices?.[0]?.message?.content;
  if (c.object !== 'chat.completion' || typeof content !== 'string') throw new Error(`probe: not an OpenAI chat.completion: ${text.slice(0, 300)}`);
  return content;
}

/** `data:` events of `chat.completion.chunk`s, one with the usage (asked for), then `[DONE]`. */
function streamContent(text: string): string {
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim());
  if (data.at(-1) !== '[DONE]') throw new Error(`probe: the stream does not end with data: [DONE]: ${text.slice(-300)}`);
  let content = '';
  let usage = false;
  for (const d of data.slice(0, -1)) {
    const chunk = JSON.parse(d) as { object?: unknown; choices?: { delta?: { content?: unknown } }[]; usage?: unknown };
    if (chunk.object !== 'chat.completion.chunk') throw new Error(`probe: not a chat.completion.chunk: ${d.slice(0, 300)}`);
    const piece = chunk.choices?.[0]?.delta?.content;
    if (typeof piece === 'string') content += piece;
    if (typeof chunk.usage === 'object' && chunk.usage !== null) usage = true;
  }
  if (!usage) throw new Error('probe: the stream has no usage chunk');
  return content;
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
  return { url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`, expect: { headers: { authorization: null }, model: 'gpt-3.5-turbo' }, stop: async () => {} };
}

export async function referenceHop(upstreamPort: number, launch: Launch = {}): Promise<Target> {
  const hop = tsxScript('reference-hop.ts', ['0', String(upstreamPort), TOKEN], launch);
  const stopIt = (): Promise<void> => stop(hop.child);
  let port = 0;
  await readyOrStop(stopIt, async () => (port = await listeningPort(hop, launch.readyMs)));
  return { url: `http://127.0.0.1:${port}/openai`, ...pidOf(hop), expect: HOP_EXPECT, stop: stopIt };
}

export type Provider = 'openai' | 'anthropic';

/**
 * The AI Backend the gateway's route leads to, named and routed (`/<name>`) after its provider.
 * The model override makes the gateway rewrite the body; to Anthropic it translates it as well.
 * `expect`: what the upstream then sees, its own credential header and no other.
 */
const BACKENDS: Record<Provider, { model: string; expect: Record<string, string | null> }> = {
  openai: { model: 'gpt-4o-mini', expect: { authorization: `Bearer ${TOKEN}` } },
  anthropic: { model: 'claude-3-5-haiku-latest', expect: { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01', authorization: null } },
};

export interface GatewayOptions {
  /** How many HTTPRoutes to load; all but the seed's one are other tenants under the same path. */
  routes?: number;
  provider?: Provider;
  launch?: Launch;
  /**
   * The Backend as two priority levels instead of one `llm`: `healthy` (both on the upstream:
   * the first answers), or `connect-error` (the first on a port nothing listens on, never taken
   * out, so every request fails over to the second).
   */
  failover?: 'healthy' | 'connect-error';
  /** Also a `/static` route to a Static Backend on the upstream: bodies streamed through unread. */
  staticRoute?: boolean;
}

export async function gateway(upstreamPort: number, logLevel: 'warn' | 'info', opts: GatewayOptions = {}): Promise<Target> {
  const { routes = 1, provider = 'openai', launch = {}, failover, staticRoute = false } = opts;
  const dir = tempDir('aigw-bench-');
  const [port, admin] = [await freePort(), await freePort()];
  const first = failover === undefined ? undefined : failover === 'healthy' ? upstreamPort : await freePort();
  const manifests = (version: string): string =>
    gatewayManifests(port, upstreamPort, provider, first) + tenantRoutes(routes - 1, provider, version) + (staticRoute ? staticManifests(upstreamPort) : '');
  writeFileSync(join(dir, 'manifests.yaml'), manifests('v1'));
  const args = [join(ROOT, 'dist/cli/main.js'), 'serve', '-f', dir, '--admin-address', `127.0.0.1:${admin}`, '--log-level', logLevel];
  if (failover === 'connect-error') args.push('--failover-eject-after', '1000000000');
  // At info every request writes an access-log line to stdout; /dev/null keeps the terminal out of the measurement.
  const gw = startNode(args, launch, { stdoutToNull: logLevel === 'info' });
  const stopIt = async (): Promise<void> => {
    await stop(gw.child);
    removeDir(dir);
  };
  await readyOrStop(stopIt, () => pollUntil('gateway /readyz', gw, async () => (await fetch(`http://127.0.0.1:${admin}/readyz`)).status === 200, launch.readyMs));
  return {
    url: `http://127.0.0.1:${port}/${provider}`,
    ...pidOf(gw),
    sampleRss: true,
    expect: { headers: BACKENDS[provider].expect, model: BACKENDS[provider].model },
    translates: provider !== 'openai',
    stop: stopIt,
    // Only tenant routes carry the version label: with none, the rewrite would change nothing.
    ...(routes > 1 ? { reload: () => timeReload(admin, join(dir, 'manifests.yaml'), manifests('v2')) } : {}),
  };
}

/** HTTPRoutes for other tenants, all under /<backend>/ so they share the seed route's path prefix. */
function tenantRoutes(count: number, backend: Provider, version: string): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: tenant-${i}, namespace: kgateway-system, labels: { version: ${version} } }
spec:
  parentRefs: [{ name: ai-gateway, namespace: kgateway-system }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /${backend}/tenant-${i} }, headers: [{ name: x-tenant, value: t${i} }] }]
    backendRefs: [{ name: ${backend}, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }]
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

/**
 * The seed's setup, pointed at the local upstream (a port other than 443: plain HTTP). With
 * `firstPort`, the Backend has two priority levels: the first provider there, the second on the
 * upstream.
 */
function gatewayManifests(port: number, upstreamPort: number, provider: Provider, firstPort?: number): string {
  const llm = (host: string): string => `{ ${host}, ${provider}: { authToken: { kind: Inline, inline: "${TOKEN}" }, model: "${BACKENDS[provider].model}" } }`;
  const ai =
    firstPort === undefined
      ? `    llm:
      hostOverride: { host: 127.0.0.1, port: ${upstreamPort} }
      provider:
        ${provider}:
          authToken: { kind: Inline, inline: "${TOKEN}" }
          model: "${BACKENDS[provider].model}"`
      : `    priorityGroups:
    - providers: [${llm(`name: primary, host: 127.0.0.1, port: ${firstPort}`)}]
    - providers: [${llm(`name: backup, host: 127.0.0.1, port: ${upstreamPort}`)}]`;
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
metadata: { name: ${provider}, namespace: kgateway-system }
spec:
  type: AI
  ai:
${ai}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${provider}, namespace: kgateway-system }
spec:
  parentRefs:
  - { name: ai-gateway, namespace: kgateway-system }
  rules:
  - matches:
    - path: { type: PathPrefix, value: /${provider} }
    backendRefs:
    - { name: ${provider}, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }
`;
}

/**
 * A one-provider gateway and a failover one, both up, for one measurement after the rounds:
 * prints its label and then its line (or FAILED, and gives undefined), and stops both.
 */
export async function besideFailover<T>(
  label: string,
  upstreamPort: number,
  failover: NonNullable<GatewayOptions['failover']>,
  measure: (plain: Target, failing: Target) => Promise<{ result: T; line: string }>,
): Promise<T | undefined> {
  process.stdout.write(`  ${label.padEnd(26)}`);
  let plain: Target | undefined;
  let failing: Target | undefined;
  try {
    plain = await gateway(upstreamPort, 'warn');
    failing = await gateway(upstreamPort, 'warn', { failover });
    const { result, line } = await measure(plain, failing);
    process.stdout.write(`${line}\n`);
    return result;
  } catch (e) {
    process.stdout.write(`FAILED\n${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  } finally {
    await plain?.stop();
    await failing?.stop();
  }
}

function staticManifests(upstreamPort: number): string {
  return `---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: { name: static, namespace: kgateway-system }
spec: { type: Static, static: { hosts: [{ host: 127.0.0.1, port: ${upstreamPort} }] } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: static, namespace: kgateway-system }
spec:
  parentRefs: [{ name: ai-gateway, namespace: kgateway-system }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /static } }]
    backendRefs: [{ name: static, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }]
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
