import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderHealth, retryAfterMs } from './provider-health.js';

function health(): { h: ProviderHealth; advance: (ms: number) => void } {
  let now = 0;
  return { h: new ProviderHealth({ now: () => now, monotonic: () => now }), advance: (ms) => void (now += ms) };
}

test('three failures in a row eject a provider for 5 s, doubling to 30 s while its returns fail', () => {
  const { h, advance } = health();
  h.failed('p');
  h.failed('p');
  assert.ok(h.available('p'));
  h.failed('p');
  assert.ok(!h.available('p'));
  assert.equal(h.waitMs('p'), 5_000);
  const outFor: number[] = [];
  for (let i = 0; i < 5; i++) {
    advance(h.waitMs('p'));
    assert.ok(h.available('p'));
    h.failed('p');
    outFor.push(h.waitMs('p'));
  }
  assert.deepEqual(outFor, [10_000, 20_000, 30_000, 30_000, 30_000]);
});

test('one success brings a provider fully back; failures between successes never eject it', () => {
  const { h } = health();
  for (let i = 0; i < 10; i++) {
    h.failed('p');
    h.failed('p');
    h.succeeded('p');
  }
  assert.ok(h.available('p'));
  h.failed('p');
  h.failed('p');
  assert.ok(h.available('p'));
});

test("a provider's retry-after ejects it at once for that long, capped", () => {
  const { h, advance } = health();
  h.failed('p', 20_000);
  assert.equal(h.waitMs('p'), 20_000);
  advance(20_000);
  assert.ok(h.available('p'));
  h.failed('q', 3_600_000);
  assert.equal(h.waitMs('q'), 300_000);
  assert.ok(h.available('other'), 'per provider');
});

test('retry-after: seconds or an HTTP date', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  assert.equal(retryAfterMs('7', now), 7_000);
  assert.equal(retryAfterMs('1.5', now), 1_500);
  assert.equal(retryAfterMs('Fri, 27 Nov 2026 12:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMs('Fri, 27 Nov 2026 11:00:00 GMT', now), 0);
  assert.equal(retryAfterMs('soon', now), undefined);
  assert.equal(retryAfterMs('-3', now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
});

test('round robin turns, per level', () => {
  const { h } = health();
  assert.deepEqual([h.nextTurn('a'), h.nextTurn('a'), h.nextTurn('b'), h.nextTurn('a')], [0, 1, 0, 2]);
});

test('failures of requests sent before a provider was taken out do not keep it out longer', () => {
  const { h, advance } = health();
  for (let i = 0; i < 3; i++) h.failed('p');
  assert.equal(h.waitMs('p'), 5_000);
  // Twenty stragglers fail while it is out.
  for (let i = 0; i < 20; i++) h.failed('p');
  assert.equal(h.waitMs('p'), 5_000);
  advance(5_000);
  assert.equal(h.available('p'), true);
  // Failing again on its return doubles the time out.
  h.failed('p');
  assert.equal(h.waitMs('p'), 10_000);
});
