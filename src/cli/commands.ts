import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { compileConfig } from '../config/compile.js';
import { systemClock } from '../core/clock.js';
import { formatNotAccepted, notAcceptedConditions } from '../config/not-accepted.js';
import { formatIssue } from '../config/resources/parse.js';
import { loadManifestPaths } from '../config/sources/file-source.js';
import { DEFAULT_CONTROLLER_NAME } from '../config/compile-routes.js';
import type { KubernetesMode, KubernetesModeOptions } from '../kubernetes/kubernetes-mode.js';
import { Gateway } from '../main.js';
import { startMockProvider } from '../mock-provider/server.js';
import { createLoggers } from '../observability/logger.js';
import { parseConnectTo } from '../proxy/upstream.js';
import { parseBytes, parseCount, parseDurationMs, parseHostPort, UsageError } from './args.js';
import { HELP_FLAG, type FlagTable } from './help.js';
import { adminTokenOf, type CliIo } from './io.js';
import { callAdmin, formatResources, isLoopback, reportResults, resolveKind, type ResourceItem } from './admin-client.js';

export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:19000';

/** How `apply`, `get` and `delete` reach the running gateway. */
const ADMIN_CLIENT_OPTIONS = {
  'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS, value: 'HOST:PORT', help: "the running gateway's admin API" },
  'admin-token': { type: 'string', value: 'TOKEN', help: "the admin API's token (or AI_GATEWAY_ADMIN_TOKEN)" },
} as const satisfies FlagTable;

/** `serve`'s flags; deploy/ runs the CLI with them, and its test parses those args with these. */
export const SERVE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true, value: 'PATH', help: 'a manifest file or a directory of them, watched for edits; repeat for more' },
  'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS, value: 'HOST:PORT', help: 'where the admin API listens (apply, get, delete, /config, /metrics, probes)' },
  'gateway-class': { type: 'string', default: 'kgateway', value: 'NAME', help: 'serve the Gateways of this GatewayClass' },
  'max-body-size': { type: 'string', default: '10MiB', value: 'SIZE', help: 'larger request bodies get 413' },
  'upstream-timeout': { type: 'string', default: '600s', value: 'DURATION', help: 'the whole upstream answer must finish in this, every provider tried included' },
  'first-byte-timeout': { type: 'string', default: '30s', value: 'DURATION', help: "a streamed request's provider that sends no response headers in this is given up for the next" },
  'stream-idle-timeout': { type: 'string', default: '60s', value: 'DURATION', help: 'an answer that sends nothing for this long is given up' },
  'failover-max-attempts': { type: 'string', default: '5', value: 'N', help: 'the most providers one request is sent to' },
  'failover-eject-after': { type: 'string', default: '3', value: 'N', help: 'failures in a row that take a provider out' },
  'failover-eject-time': { type: 'string', default: '5s', value: 'DURATION', help: 'how long a provider first stays out, doubling each time it fails again on its return' },
  'failover-eject-max': { type: 'string', default: '30s', value: 'DURATION', help: 'the longest a provider stays out' },
  'failover-retry-after-max': { type: 'string', default: '5m', value: 'DURATION', help: "the longest a provider's retry-after keeps it out" },
  'max-connections': { type: 'string', default: '10000', value: 'N', help: 'open client connections per listener; more are closed at once' },
  'drain-timeout': { type: 'string', default: '10s', value: 'DURATION', help: 'on stop, how long requests in flight may finish before their connections are closed' },
  'reload-settle': { type: 'string', default: '2s', value: 'DURATION', help: 'how long an edit that empties a file or removes all its Gateways or routes must stay before it applies' },
  'connect-to': { type: 'string', multiple: true, value: 'H:P:H2:P2', help: 'connect to H2:P2 for requests to H:P, keeping SNI and Host; repeat for more' },
  'mock-provider': { type: 'string', value: 'HOST:PORT', help: 'also run the bundled OpenAI-compatible mock provider there' },
  'log-level': { type: 'string', default: 'info', value: 'LEVEL', help: 'debug, info, warn or error' },
  'state-dir': { type: 'string', default: '.ai-gateway', value: 'DIR', help: 'where applied resources are kept across restarts' },
  kubernetes: { type: 'boolean', help: 'read resources from the Kubernetes API server instead of -f files, and write their status back from the replica holding the lease' },
  kubeconfig: { type: 'string', value: 'PATH', help: "with --kubernetes: the cluster to use (default KUBECONFIG, ~/.kube/config, or the pod's service account)" },
  'controller-name': { type: 'string', default: DEFAULT_CONTROLLER_NAME, value: 'NAME', help: 'the GatewayClass controllerName served' },
  lease: { type: 'string', value: 'NAMESPACE/NAME', help: "with --kubernetes: the Lease that elects the replica writing status (default ai-gateway in the pod's namespace)" },
  'publish-service': { type: 'string', value: 'NAMESPACE/NAME', help: "with --kubernetes: the Service in front of the pods, whose addresses go to each Gateway's status" },
  'admin-token': { type: 'string', value: 'TOKEN', help: 'require this token on the admin API (or AI_GATEWAY_ADMIN_TOKEN); needed when it is not on loopback' },
  'admin-allowed-hosts': {
    type: 'string',
    multiple: true,
    value: 'NAMES',
    help: 'NAME or NAME:PORT, comma-separated or repeated: names the admin API may be reached by besides its address and localhost (a proxy, a Service), and whose pages (http(s)://NAME[:PORT]) may call it',
  },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const APPLY_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true, value: 'FILE', help: 'a manifest file, or - for standard input; repeat for more' },
  ...ADMIN_CLIENT_OPTIONS,
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const GET_OPTIONS = {
  namespace: { type: 'string', short: 'n', value: 'NAMESPACE', help: 'only this namespace (without it: every namespace, or "default" with a NAME)' },
  output: { type: 'string', short: 'o', default: 'table', value: 'FORMAT', help: 'table, wide (adds where each came from), yaml or json (with status)' },
  ...ADMIN_CLIENT_OPTIONS,
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const DELETE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true, value: 'FILE', help: 'delete the resources these manifests name (- for standard input); repeat for more' },
  namespace: { type: 'string', short: 'n', default: 'default', value: 'NAMESPACE', help: 'the namespace of KIND NAME' },
  ...ADMIN_CLIENT_OPTIONS,
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const VALIDATE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true, value: 'PATH', help: 'a manifest file or a directory of them; repeat for more' },
  'gateway-class': { type: 'string', default: 'kgateway', value: 'NAME', help: 'check as serve --gateway-class NAME would serve them' },
  'controller-name': { type: 'string', default: DEFAULT_CONTROLLER_NAME, value: 'NAME', help: 'check as serve --controller-name NAME would serve them' },
  strict: { type: 'boolean', help: 'also exit 1 when a status condition is not fully accepted' },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const MOCK_PROVIDER_OPTIONS = {
  port: { type: 'string', default: '11434', value: 'N', help: 'the port to listen on' },
  host: { type: 'string', default: '127.0.0.1', value: 'HOST', help: 'the address to listen on' },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SERVE_OPTIONS });
  const paths = values.filename ?? [];
  if (paths.length === 0 && !values.kubernetes) throw new UsageError('serve needs at least one -f PATH, or --kubernetes');
  if (paths.length > 0 && values.kubernetes) throw new UsageError('serve reads either -f files or --kubernetes, not both');
  const adminAddress = parseHostPort('--admin-address', values['admin-address']);
  const adminToken = adminTokenOf(values['admin-token'], io.env);
  if (adminToken === undefined && !isLoopback(adminAddress.host)) {
    throw new UsageError(`the admin API on ${adminAddress.host} is reachable from other hosts; set --admin-token or AI_GATEWAY_ADMIN_TOKEN`);
  }
  const { logger, accessLog } = createLoggers({ level: values['log-level'] });
  const mock = values['mock-provider'];
  if (mock !== undefined) {
    const addr = parseHostPort('--mock-provider', mock);
    const started = await startMockProvider(addr.host, addr.port);
    logger.info({ url: started.url }, 'mock provider listening');
  }
  const controllerName = values['controller-name'];
  const kubernetes = values.kubernetes
    ? await kubernetesMode(values.kubeconfig, {
        logger,
        controllerName,
        lease: await leaseOf(values.lease, io.env),
        ...(values['publish-service'] === undefined ? {} : { publishService: namespacedName('--publish-service', values['publish-service']) }),
      })
    : undefined;
  const gateway = new Gateway({
    ...(kubernetes === undefined ? {} : { kubernetes }),
    paths,
    gatewayClassName: values['gateway-class'],
    controllerName,
    admin: adminAddress,
    stateDir: values['state-dir'],
    ...(adminToken === undefined ? {} : { adminToken }),
    adminAllowedHosts: (values['admin-allowed-hosts'] ?? []).flatMap((v) => v.split(',')).map((h) => h.trim()).filter((h) => h !== ''),
    proxy: {
      maxBodyBytes: parseBytes('--max-body-size', values['max-body-size']),
      upstreamTimeoutMs: parseDurationMs('--upstream-timeout', values['upstream-timeout']),
      firstByteTimeoutMs: parseDurationMs('--first-byte-timeout', values['first-byte-timeout']),
      streamIdleTimeoutMs: parseDurationMs('--stream-idle-timeout', values['stream-idle-timeout']),
      maxAttempts: parseCount('--failover-max-attempts', values['failover-max-attempts']),
    },
    failover: {
      ejectAfter: parseCount('--failover-eject-after', values['failover-eject-after']),
      baseEjectMs: parseDurationMs('--failover-eject-time', values['failover-eject-time']),
      maxEjectMs: parseDurationMs('--failover-eject-max', values['failover-eject-max']),
      retryAfterCapMs: parseDurationMs('--failover-retry-after-max', values['failover-retry-after-max']),
    },
    maxConnections: parseCount('--max-connections', values['max-connections']),
    drainMs: parseDurationMs('--drain-timeout', values['drain-timeout']),
    reloadSettleMs: parseDurationMs('--reload-settle', values['reload-settle']),
    logger,
    accessLog,
    connectTo: (values['connect-to'] ?? []).map(parseConnectTo),
  });
  await gateway.start();
  logger.info({ admin: gateway.adminAddress }, 'ai-gateway started');
  await io.stopSignal;
  logger.info('stopping');
  await gateway.stop();
  return 0;
}

export async function apply(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: APPLY_OPTIONS });
  const files = values.filename ?? [];
  if (files.length === 0) throw new UsageError('apply needs -f FILE (or -f - for standard input)');
  const texts = await Promise.all(files.map((f) => (f === '-' ? io.readStdin() : readFile(f, 'utf8'))));
  return reportResults(await callAdmin(io, values, 'POST', '/apply', texts.join('\n---\n')), io);
}

export async function deleteCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: DELETE_OPTIONS });
  const files = values.filename ?? [];
  if (files.length > 0) {
    const texts = await Promise.all(files.map((f) => (f === '-' ? io.readStdin() : readFile(f, 'utf8'))));
    return reportResults(await callAdmin(io, values, 'POST', '/delete', texts.join('\n---\n')), io);
  }
  const [kindArg, name] = positionals;
  if (kindArg === undefined || name === undefined) throw new UsageError('delete needs -f FILE, or KIND NAME [-n NAMESPACE]');
  return reportResults(await callAdmin(io, values, 'DELETE', `/resources/${resolveKind(kindArg)}/${encodeURIComponent(values.namespace)}/${encodeURIComponent(name)}`), io);
}

export async function get(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: GET_OPTIONS });
  const [kindArg, name] = positionals;
  if (kindArg === undefined) throw new UsageError('get needs a KIND');
  const kind = resolveKind(kindArg);
  const ns = values.namespace ?? (name === undefined ? undefined : 'default');
  const path = `/resources/${kind}${ns === undefined ? '' : `/${encodeURIComponent(ns)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`}`;
  const answer = await callAdmin(io, values, 'GET', path);
  if (answer === undefined) return 1;
  if (answer.status !== 200) return reportResults(answer, io);
  const items = (answer.body as { items: ResourceItem[] }).items;
  if (name !== undefined && items.length === 0) {
    io.stderr(`error: ${kind} ${ns ?? 'default'}/${name} not found\n`);
    return 1;
  }
  io.stdout(formatResources(items, values.output));
  return 0;
}

/**
 * Compiles the manifests as `serve` would and reports what it would refuse: validation errors
 * (exit 1), then every status condition that is not fully accepted (warnings; errors with --strict).
 */
export async function validate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: VALIDATE_OPTIONS });
  const paths = values.filename ?? [];
  if (paths.length === 0) throw new UsageError('validate needs at least one -f PATH');
  let objects;
  try {
    objects = await loadManifestPaths(paths);
  } catch (err) {
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const config = compileConfig(objects, { gatewayClassName: values['gateway-class'], controllerName: values['controller-name'], version: 1 });
  const errors = config.issues.filter((i) => i.severity === 'error');
  for (const issue of config.issues) io.stderr(`${issue.severity}: ${formatIssue(issue)}\n`);
  const notAccepted = notAcceptedConditions(config);
  const strict = values.strict === true;
  for (const n of notAccepted) io.stderr(`${strict ? 'error' : 'warning'}: ${formatNotAccepted(n)}\n`);
  if (errors.length > 0 || (strict && notAccepted.length > 0)) return 1;
  io.stdout(`${objects.length} resource(s) valid${notAccepted.length === 0 ? '' : `; ${notAccepted.length} status condition(s) not fully accepted`}\n`);
  return 0;
}

export async function mockProvider(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: MOCK_PROVIDER_OPTIONS });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const { server, url } = await startMockProvider(values.host, port);
  io.stdout(`mock provider listening on ${url}\n`);
  await io.stopSignal;
  server.close();
  return 0;
}

/**
 * Kubernetes mode, from a kubeconfig file when given, else KUBECONFIG, ~/.kube/config or the
 * in-cluster service account. Loaded on demand: the client library is large, and every other
 * command starts faster without it.
 */
async function kubernetesMode(
  path: string | undefined,
  options: Pick<KubernetesModeOptions, 'logger' | 'controllerName' | 'lease' | 'publishService'>,
): Promise<KubernetesMode> {
  const [{ KubeConfig }, { KubernetesMode: Mode }] = await Promise.all([import('@kubernetes/client-node'), import('../kubernetes/kubernetes-mode.js')]);
  const kubeConfig = new KubeConfig();
  if (path === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(path);
  return new Mode({ kubeConfig, clock: systemClock, ...options });
}

function namespacedName(flag: string, value: string): { namespace: string; name: string } {
  const [namespace, name, extra] = value.split('/');
  if (namespace === undefined || name === undefined || namespace === '' || name === '' || extra !== undefined) throw new UsageError(`${flag} must be NAMESPACE/NAME, got "${value}"`);
  return { namespace, name };
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The Lease from --lease, else in the pod's namespace; the replica is named by its pod. */
async function leaseOf(flag: string | undefined, env: CliIo['env']): Promise<KubernetesModeOptions['lease']> {
  const identity = env.POD_NAME ?? hostname();
  if (flag !== undefined) return { ...namespacedName('--lease', flag), identity };
  const namespace = env.POD_NAMESPACE ?? (await readFile(SERVICE_ACCOUNT_NAMESPACE, 'utf8').then((t) => t.trim(), () => 'default'));
  return { namespace, name: 'ai-gateway', identity };
}
