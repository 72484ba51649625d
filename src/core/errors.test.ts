import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOG, GatewayError } from './errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| ([a-z_]+) \|/gm)].map((m) => [m[1] as string, { status: Number(m[2]), type: m[3] }]));

test('every error code is documented in docs/errors.md with its status and type, and nothing more', () => {
  assert.deepEqual(
    Object.fromEntries(documented),
    Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, { status: e.status, type: e.type }])),
  );
});

test('errors serialize to the OpenAI error shape', () => {
  const body = JSON.parse(new GatewayError('route_not_found', 'no route').toBody()) as unknown;
  assert.deepEqual(body, { error: { message: 'no route', type: 'invalid_request_error', param: null, code: 'route_not_found' } });
});
