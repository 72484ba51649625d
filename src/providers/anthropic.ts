import { DEFAULT_ANTHROPIC_VERSION } from '../apischema/anthropic.js';
import { queryWithoutKey } from '../auth/backend-credential.js';
import type { NativeCall, Provider, Target } from './provider.js';

/** The Messages API's own paths, as the Anthropic SDKs call them under any base URL. */
const NATIVE = /\/(v1\/)?messages(\/count_tokens)?$/;

/**
 * Anthropic: the Messages API at api.anthropic.com, authenticated with `x-api-key` and
 * `anthropic-version` (the Backend's `apiVersion`, else 2023-06-01, unless the client sent one).
 */
export const anthropic: Provider = {
  id: 'anthropic',
  metricLabel: 'anthropic',
  schema: 'anthropic',
  defaultHost: () => 'api.anthropic.com',
  target({ operation }): Target {
    if (operation === 'chat') return { path: '/v1/messages' };
    // Anthropic pages its list 20 at a time by default; an OpenAI client expects all of it.
    if (operation === 'models') return { path: '/v1/models?limit=1000' };
    return { unsupported: `anthropic has no ${operation} API` };
  },
  credential: { header: 'x-api-key', prefix: '' },
  headers: (settings) => ({ 'anthropic-version': settings.apiVersion ?? DEFAULT_ANTHROPIC_VERSION }),
  nativeCall(call): NativeCall | undefined {
    const match = NATIVE.exec(call.path);
    if (match !== null) return { operation: match[2] === undefined ? 'chat' : 'native', path: match[2] === undefined ? '/v1/messages' : '/v1/messages/count_tokens', bodyModel: 'backend' };
    // The Anthropic SDK lists models at /v1/models too; it always sends anthropic-version.
    if (call.path.endsWith('/models') && call.headers['anthropic-version'] !== undefined) return { operation: 'native', method: 'GET', path: `/v1/models${queryWithoutKey(call.query)}`, bodyModel: 'none' };
    return undefined;
  },
};
