import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { compileConfig } from '../config/compile.js';
import { formatIssue } from '../config/resources/parse.js';
import { loadManifestPaths } from '../config/sources/file-source.js';
import { Gateway } from '../main.js';
import { startMockProvider } from '../mock-provider/server.js';
import { createLoggers } from '../observability/logger.js';
import { parseConnectTo } from '../proxy/upstream.js';
import { parseBytes, parseDurationMs, parseHostPort, UsageError } from './args.js';
import type { CliIo } from './io.js';

export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:19000';

export const USAGE = `Usage:
  ai-gateway serve -f PATH [-f PATH ...] [options]   serve the Gateways in the manifests
      --admin-address HOST:PORT   admin API (default ${DEFAULT_ADMIN_ADDRESS})
      --gateway-class NAME        serve Gateways of this class (default kgateway)
      --max-body-size SIZE        larger request bodies get 413 (default 10MiB)
      --upstream-timeout DURATION whole upstream answer must finish in this (default 600s)
      --connect-to H:P:H2:P2      connect to H2:P2 for requests to H:P, keeping SNI and Host
      --mock-provider HOST:PORT   also run the bundled OpenAI-compatible mock provider
      --log-level LEVEL           debug, info, warn or error (default info)
  ai-gateway apply -f FILE|- [--admin-address HOST:PORT]   apply manifests to a running gateway
  ai-gateway validate -f PATH [-f PATH ...]                 check manifests; exit 1 on errors
  ai-gateway mock-provider [--port N] [--host HOST]         run the mock provider alone`;

export async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS },
      'gateway-class': { type: 'string', default: 'kgateway' },
      'max-body-size': { type: 'string', default: '10MiB' },
      'upstream-timeout': { type: 'string', default: '600s' },
      'connect-to': { type: 'string', multiple: true },
      'mock-provider': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const paths = values.filename ?? [];
  if (paths.length === 0) throw new UsageError('serve needs at least one -f PATH');
  const { logger, accessLog } = createLoggers({ level: values['log-level'] });
  const mock = values['mock-provider'];
  if (mock !== undefined) {
    const addr = parseHostPort('--mock-provider', mock);
    const started = await startMockProvider(addr.host, addr.port);
    logger.info({ url: started.url }, 'mock provider listening');
  }
  const gateway = new Gateway({
    paths,
    gatewayClassName: values['gateway-class'],
    admin: parseHostPort('--admin-address', values['admin-address']),
    proxy: {
      maxBodyBytes: parseBytes('--max-body-size', values['max-body-size']),
      upstreamTimeoutMs: parseDurationMs('--upstream-timeout', values['upstream-timeout']),
    },
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
    options: { filename: { type: 'string', short: 'f', multiple: true }, 'admin-address': { type: 'string', default: DEFAULT_ADMIN_ADDRESS } },
  });
  const files = values.filename ?? [];
  if (files.length === 0) throw new UsageError('apply needs -f FILE (or -f - for standard input)');
  const texts = await Promise.all(files.map((f) => (f === '-' ? io.readStdin() : readFile(f, 'utf8'))));
  const admin = parseHostPort('--admin-address', values['admin-address']);
  let response: Response;
  try {
    response = await fetch(`http://${admin.host}:${admin.port}/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: texts.join('\n---\n'),
    });
  } catch {
    io.stderr(`error: no gateway admin API at ${admin.host}:${admin.port} (is "ai-gateway serve" running?)\n`);
    return 1;
  }
  const body = (await response.json()) as { results?: { kind: string; name: string; action: string }[]; error?: { message: string } };
  if (!response.ok) {
    io.stderr(`error: ${body.error?.message ?? `admin API answered ${response.status}`}\n`);
    return 1;
  }
  for (const r of body.results ?? []) io.stdout(`${r.kind.toLowerCase()}/${r.name} ${r.action}\n`);
  return 0;
}

export async function validate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { filename: { type: 'string', short: 'f', multiple: true }, 'gateway-class': { type: 'string', default: 'kgateway' } },
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
  const config = compileConfig(objects, { gatewayClassName: values['gateway-class'], version: 1 });
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
