import { GatewayError } from '../core/errors.js';

/** The body as a JSON object, or a 400 that says what is wrong with it. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('invalid_json_body', body.length === 0 ? 'request body is empty; expected a JSON object' : 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('invalid_json_body', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
