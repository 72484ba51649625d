import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResources, resolveKind } from './admin-client.js';

test('kinds are named as kubectl names them: kind or plural, any case', () => {
  assert.equal(resolveKind('trafficpolicies'), 'TrafficPolicy');
  assert.equal(resolveKind('TrafficPolicy'), 'TrafficPolicy');
  assert.equal(resolveKind('gatewayclasses'), 'GatewayClass');
  assert.equal(resolveKind('httproutes'), 'HTTPRoute');
  assert.equal(resolveKind('backend'), 'Backend');
  assert.throws(() => resolveKind('trafficpolicie'), /unknown kind "trafficpolicie"/);
});

test('the table reads Accepted from conditions, route parents and policy ancestors', () => {
  const cond = (status: string, reason: string) => [{ type: 'Accepted', status, reason }];
  const table = formatResources(
    [
      { kind: 'TrafficPolicy', namespace: 'ns', name: 'guard', origin: { source: 'kubernetes' }, manifest: {}, status: { ancestors: [{ conditions: cond('False', 'Unsupported') }] } },
      { kind: 'Backend', namespace: 'ns', name: 'openai', origin: { source: 'file', path: 'b.yaml' }, manifest: {}, status: { conditions: cond('True', 'Accepted') } },
    ],
    'wide',
  );
  assert.match(table, /ns\s+guard\s+False \(Unsupported\)\s+kubernetes/);
  assert.match(table, /ns\s+openai\s+True\s+b\.yaml/);
});
