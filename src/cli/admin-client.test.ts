import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResources, resolveKind } from './admin-client.js';

test('kinds are named as kubectl names them: kind, plural or short name, any case', () => {
  assert.equal(resolveKind('gateways'), 'Gateway');
  assert.equal(resolveKind('gateway'), 'Gateway');
  assert.equal(resolveKind('gtw'), 'Gateway');
  assert.equal(resolveKind('backends'), 'Backend');
  assert.equal(resolveKind('GC'), 'GatewayClass');
  assert.equal(resolveKind('svc'), 'Service');
  assert.equal(resolveKind('refgrant'), 'ReferenceGrant');
  assert.equal(resolveKind('trafficpolicies'), 'TrafficPolicy');
  assert.equal(resolveKind('TrafficPolicy'), 'TrafficPolicy');
  assert.equal(resolveKind('gatewayclasses'), 'GatewayClass');
  assert.equal(resolveKind('httproutes'), 'HTTPRoute');
  assert.equal(resolveKind('backend'), 'Backend');
  assert.throws(() => resolveKind('trafficpolicie'), /unknown kind "trafficpolicie" \(one of gatewayclasses, gateways, httproutes, /);
  assert.throws(() => resolveKind('be'), /unknown kind "be"/, "kgateway's Backend CRD defines no short name");
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
