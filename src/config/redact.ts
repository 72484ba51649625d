import { isPlainObject } from '../core/json.js';
import type { KubeObject } from './resources/kube-object.js';

export const REDACTED = '[redacted]';

/** Field names whose string values are credentials wherever they appear in a manifest. */
const SECRET_FIELDS = new Set(['inline', 'key', 'apiKey', 'token', 'password']);

/**
 * A copy of a manifest fit for `/config` and logs: Secret data values and inline tokens are
 * replaced, keys are kept so users can see what is there.
 */
export function redactManifest(object: KubeObject): unknown {
  if (object.kind === 'Secret') {
    const copy: Record<string, unknown> = { ...object };
    for (const field of ['data', 'stringData']) {
      const values = object[field];
      if (isPlainObject(values)) copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
    }
    return copy;
  }
  return redactDeep(object);
}

function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) && typeof v === 'string' ? REDACTED : redactDeep(v);
  return out;
}
