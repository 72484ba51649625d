import type { KubeConfig } from '@kubernetes/client-node';
import fetch from 'node-fetch';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Plain JSON requests to the API server, authenticated the kubeconfig's way (token, client
 * certificate, exec plugin). The user agent names the replica, so audit logs tell replicas apart.
 */
export class KubeApiClient {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly userAgent = 'ai-gateway',
  ) {}

  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    return cluster.server;
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (body !== undefined) headers['content-type'] = contentType;
    const init = await this.kubeConfig.applyToFetchOptions({ headers });
    const res = await fetch(`${this.server}${path}`, { ...init, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): kept as text for the error message.
    }
    return { status: res.status, body: parsed };
  }
}
