import { dump } from 'js-yaml';
import { KINDS } from '../config/resources/kinds.js';
import { describeOrigin, type Origin } from '../config/resources/kube-object.js';
import { parseHostPort, UsageError } from './args.js';
import { adminTokenOf, type CliIo } from './io.js';

export interface AdminReply {
  status: number;
  body: unknown;
}

/** Calls the running gateway's admin API; undefined (with a message) when it cannot be reached. */
export async function callAdmin(
  io: CliIo,
  values: { 'admin-address': string; 'admin-token'?: string | undefined },
  method: string,
  path: string,
  body?: string,
): Promise<AdminReply | undefined> {
  const admin = parseHostPort('--admin-address', values['admin-address']);
  const token = adminTokenOf(values['admin-token'], io.env);
  const headers: Record<string, string> = { 'content-type': 'application/yaml' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  try {
    const response = await fetch(`http://${admin.host.includes(':') ? `[${admin.host}]` : admin.host}:${admin.port}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    return { status: response.status, body: (await response.json()) };
  } catch {
    io.stderr(`error: no gateway admin API at ${admin.host}:${admin.port} (is "ai-gateway serve" running?)\n`);
    return undefined;
  }
}

/** What the CLI says for the admin API's own refusals, where its message would not tell a user what to do. */
const ADMIN_REFUSALS: Record<string, string> = {
  admin_token_missing: "401 Unauthorized: this gateway's admin API needs a token (--admin-token or AI_GATEWAY_ADMIN_TOKEN)",
  admin_token_rejected: '401 Unauthorized: the admin token was rejected',
};

interface ChangeReply {
  results?: { kind: string; name: string; action: string; over?: string; restored?: string }[];
  error?: { message: string; code?: string };
}

/** kubectl-style lines (`backend/openai created`), or the error; the exit code. */
export function reportResults(reply: AdminReply | undefined, io: CliIo): number {
  if (reply === undefined) return 1;
  const body = reply.body as ChangeReply;
  if (reply.status !== 200) {
    const error = body.error;
    io.stderr(`error: ${ADMIN_REFUSALS[error?.code ?? ''] ?? error?.message ?? `admin API answered ${reply.status}`}\n`);
    return 1;
  }
  for (const r of body.results ?? []) {
    const note = r.over !== undefined ? ` (over ${r.over} until that version changes)` : r.restored !== undefined ? ` (${r.restored} is in force again)` : '';
    io.stdout(`${r.kind.toLowerCase()}/${r.name} ${r.action}${note}\n`);
  }
  return 0;
}

/** `backend`, `backends`, `Backend`, `gtw`...: the kind, its plural or a short name, in any case, as kubectl takes them. */
export function resolveKind(arg: string): string {
  const wanted = arg.toLowerCase();
  const info = KINDS.find((k) => k.kind.toLowerCase() === wanted || k.plural === wanted || (k.shortNames ?? []).includes(wanted));
  if (info === undefined) throw new UsageError(`unknown kind "${arg}" (one of ${KINDS.map((k) => k.plural).join(', ')})`);
  return info.kind;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export interface ResourceItem {
  kind: string;
  namespace: string;
  name: string;
  origin: Origin;
  manifest: unknown;
  status: { conditions?: ItemCondition[]; parents?: { conditions: ItemCondition[] }[]; ancestors?: { conditions: ItemCondition[] }[] };
}

interface ItemCondition {
  type: string;
  status: string;
  reason: string;
}

/** A table (`wide` adds where each came from), or the manifests with status as YAML or JSON. */
export function formatResources(items: readonly ResourceItem[], output: string): string {
  if (output === 'json') return `${JSON.stringify({ items: items.map(withStatus) }, null, 2)}\n`;
  if (output === 'yaml') return items.map((i) => dump(withStatus(i))).join('---\n');
  if (output !== 'table' && output !== 'wide') throw new UsageError(`-o must be table, wide, yaml or json, got "${output}"`);
  const rows = items.map((i) => {
    const conditions = i.status.conditions ?? (i.status.parents ?? i.status.ancestors)?.flatMap((p) => p.conditions) ?? [];
    const accepted = conditions.filter((c) => c.type === 'Accepted');
    const state = accepted.length === 0 ? '-' : accepted.every((c) => c.status === 'True') ? 'True' : `False (${accepted.find((c) => c.status !== 'True')?.reason ?? ''})`;
    const row = [i.namespace, i.name, state];
    if (output === 'wide') row.push(describeOrigin(i.origin));
    return row;
  });
  const header = output === 'wide' ? ['NAMESPACE', 'NAME', 'ACCEPTED', 'ORIGIN'] : ['NAMESPACE', 'NAME', 'ACCEPTED'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  return [header, ...rows].map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('   ').trimEnd()).join('\n') + '\n';
}

function withStatus(i: ResourceItem): unknown {
  return { ...(i.manifest as object), status: i.status };
}
