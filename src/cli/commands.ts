import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { compileConfig } from '../config/compile.js';
import { systemClock } from '../core/clock.js';
import { formatIssue } from '../config/resources/parse.js';
import { loadManifestPaths } from '../config/sources/file-source.js';
import { DEFAULT_CONTROLLER_NAME } from '../config/compile-routes.js';
import type { KubernetesMode, KubernetesModeOptions } from '../kubernetes/kubernetes-mode.js';
import { Gateway } from '../main.js';
import { startMockProvider } from '../mock-provider/server.js';
import { createLoggers } from '../observability/logger.js';
import { parseConnectTo } from '../proxy/upstream.js';
import { parseBytes, parseCount, parseDurationMs, parseHostPort, UsageError } from './args.js';
import { adminTokenOf, type CliIo } from './io.js';
import { callAdmin, formatResources, isLoopback, reportResults, resolveKind, type ResourceItem } from './admin-client.js';

export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:19000';

const ADMIN_CLIENT_OPTIONS = {
  'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS },
  'admin-token': { type: 'string' },
} as const;

export const USAGE = `Usage:
  ai-gateway serve -f PATH [-f PATH ...] [options]   serve the Gateways in the manifests
      --admin-address HOST:PORT   admin API (default ${DEFAULT_ADMIN_ADDRESS})
      --gateway-class NAME        serve Gateways of this class (default kgateway)
      --max-body-size SIZE        larger request bodies get 413 (default 10MiB)
      --upstream-timeout DURATION whole upstream answer must finish in this, every provider
                                  tried included (default 600s)
      --first-byte-timeout DURATION  a streamed request's provider that sends no response
                                  headers in this is given up for the next (default 30s)
      --stream-idle-timeout DURATION an answer that sends nothing for this long is given up
                                  (default 60s)
      --failover-max-attempts N   the most providers one request is sent to (default 5)
      --failover-eject-after N    failures in a row that take a provider out (default 3)
      --failover-eject-time D     how long it first stays out, doubling each time it fails
                                  again on its return (default 5s)
      --failover-eject-max D      the longest it stays out (default 30s)
      --failover-retry-after-max D  the longest a provider's retry-after keeps it out
                                  (default 5m)
      --max-connections N         open client connections per listener; more are closed at
                                  once (default 10000)
      --drain-timeout DURATION    on stop, how long requests in flight may finish before
                                  their connections are closed (default 10s)
      --reload-settle DURATION    how long an edit that empties a file or removes every
                                  Gateway or route it had must stay before it is applied
                                  (default 2s)
      --connect-to H:P:H2:P2      connect to H2:P2 for requests to H:P, keeping SNI and Host
      --mock-provider HOST:PORT   also run the bundled OpenAI-compatible mock provider
      --log-level LEVEL           debug, info, warn or error (default info)
      --state-dir DIR             where applied resources are kept (default ./.ai-gateway)
      --kubernetes [--kubeconfig PATH]  read resources from the Kubernetes API server instead
                                  of -f files (in a pod: its service account), and write
                                  their status back from the replica holding the lease
      --controller-name NAME      the GatewayClass controllerName served (default
                                  ${DEFAULT_CONTROLLER_NAME})
      --lease NAMESPACE/NAME      the leader-election Lease (default: the pod's namespace,
                                  from POD_NAMESPACE or the service account, /ai-gateway)
      --publish-service NAMESPACE/NAME  the Service in front of the pods; its addresses are
                                  written to each Gateway's status.addresses
      --admin-token TOKEN         require it on the admin API (or AI_GATEWAY_ADMIN_TOKEN);
                                  needed when the admin address is not loopback
      --admin-allowed-hosts NAMES NAME or NAME:PORT, comma-separated or repeated: names clients
                                  may reach the admin API by besides its address and localhost
                                  (a proxy, a Service), and origins http(s)://NAME[:PORT] whose
                                  pages may call it (the proxy's own)
  ai-gateway apply -f FILE|- [--admin-address HOST:PORT]   apply manifests to a running gateway
  ai-gateway get KIND [NAME] [-n NS] [-o yaml|json|wide]    show loaded resources and their status
  ai-gateway delete -f FILE|- | KIND NAME [-n NS]           delete applied resources
  ai-gateway validate -f PATH [-f PATH ...]                 check manifests; exit 1 on errors
  ai-gateway mock-provider [--port N] [--host HOST]         run the mock provider alone`;

/** `serve`'s flags; deploy/ runs the CLI with them, and its test parses those args with these. */
export const SERVE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS },
  'gateway-class': { type: 'string', default: 'kgateway' },
  'max-body-size': { type: 'string', default: '10MiB' },
  'upstream-timeout': { type: 'string', default: '600s' },
  'first-byte-timeout': { type: 'string', default: '30s' },
  'stream-idle-timeout': { type: 'string', default: '60s' },
  'failover-max-attempts': { type: 'string', default: '5' },
  'failover-eject-after': { type: 'string', default: '3' },
  'failover-eject-time': { type: 'string', default: '5s' },
  'failover-eject-max': { type: 'string', default: '30s' },
  'failover-retry-after-max': { type: 'string', default: '5m' },
  'max-connections': { type: 'string', default: '10000' },
  'drain-timeout': { type: 'string', default: '10s' },
  'reload-settle': { type: 'string', default: '2s' },
  'connect-to': { type: 'string', multiple: true },
  'mock-provider': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'state-dir': { type: 'string', default: '.ai-gateway' },
  kubernetes: { type: 'boolean', default: false },
  kubeconfig: { type: 'string' },
  'controller-name': { type: 'string', default: DEFAULT_CONTROLLER_NAME },
  lease: { type: 'string' },
  'publish-service': { type: 'string' },
  'admin-token': { type: 'string' },
  'admin-allowed-hosts': { type: 'string', multiple: true },
} as const;

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
  const { values } = parseArgs({
    args: argv,
    options: { filename: { type: 'string', short: 'f', multiple: true }, ...ADMIN_CLIENT_OPTIONS },
  });
  const files = values.filename ?? [];
  if (files.length === 0) throw new UsageError('apply needs -f FILE (or -f - for standard input)');
  const texts = await Promise.all(files.map((f) => (f === '-' ? io.readStdin() : readFile(f, 'utf8'))));
  return reportResults(await callAdmin(io, values, 'POST', '/apply', texts.join('\n---\n')), io);
}

export async function deleteCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { filename: { type: 'string', short: 'f', multiple: true }, namespace: { type: 'string', short: 'n', default: 'default' }, ...ADMIN_CLIENT_OPTIONS },
  });
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
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { namespace: { type: 'string', short: 'n' }, output: { type: 'string', short: 'o' }, ...ADMIN_CLIENT_OPTIONS },
  });
  const [kindArg, name] = positionals;
  if (kindArg === undefined) throw new UsageError('get needs KIND [NAME] [-n NAMESPACE] [-o yaml|json|wide]');
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
  io.stdout(formatResources(items, values.output ?? 'table'));
  return 0;
}

export async function validate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      'gateway-class': { type: 'string', default: 'kgateway' },
      'controller-name': { type: 'string', default: DEFAULT_CONTROLLER_NAME },
    },
  });
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
  if (errors.length > 0) return 1;
  io.stdout(`${objects.length} resource(s) valid\n`);
  return 0;
}

export async function mockProvider(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string', default: '11434' }, host: { type: 'string', default: '127.0.0.1' } } });
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
