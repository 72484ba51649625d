/** An admin API answer: status and parsed JSON body. */
export interface AdminAnswer {
  status: number;
  body: { results?: Record<string, unknown>[]; error?: { message: string; code: string }; issues?: string[]; items?: unknown[] };
}

/** POSTs manifests to the admin API (`/apply` or `/delete`) as the CLI does: YAML, optionally with the admin token. */
export async function adminPost(admin: string, path: '/apply' | '/delete', manifests: string, token?: string): Promise<AdminAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/yaml' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${admin}${path}`, { method: 'POST', body: manifests, headers });
  return { status: res.status, body: (await res.json()) as AdminAnswer['body'] };
}
