import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestGuard, type GuardOptions } from './request-guard.js';

const guard = (options: Partial<GuardOptions> = {}): RequestGuard =>
  new RequestGuard({ bindHost: '127.0.0.1', allowedHosts: [], token: undefined, localAddresses: () => ['127.0.0.1', '10.1.2.3', 'fe80::1'], ...options });

const codeOf = (g: RequestGuard, headers: Record<string, string>, method = 'GET', path = '/config'): string | undefined => g.check(method, path, headers, false)?.code;

test('the Host must name the bound address, localhost or an allowed name; the port does not matter (port-forwards change it)', () => {
  const g = guard({ allowedHosts: ['admin.example.'] });
  assert.equal(codeOf(g, { host: '127.0.0.1:19000' }), undefined);
  assert.equal(codeOf(g, { host: 'localhost:8000' }), undefined);
  assert.equal(codeOf(g, { host: 'Admin.Example:443' }), undefined);
  assert.equal(codeOf(g, { host: '10.1.2.3:19000' }), 'forbidden_host', 'another address of this machine is not the bound one');
  assert.equal(codeOf(g, { host: 'evil.example:19000' }), 'forbidden_host');
  assert.equal(codeOf(g, { host: 'localhost.evil.example' }), 'forbidden_host');
  assert.equal(codeOf(g, {}), undefined, 'no Host: no browser sent it');
});

test('bound to every address, each address of this machine is the admin address; IPv6 hosts come bracketed', () => {
  for (const bindHost of ['0.0.0.0', '::']) {
    const g = guard({ bindHost });
    assert.equal(codeOf(g, { host: '10.1.2.3:19000' }), undefined);
    assert.equal(codeOf(g, { host: '[fe80::1]:19000' }), undefined);
    assert.equal(codeOf(g, { host: '10.9.9.9:19000' }), 'forbidden_host');
  }
  assert.equal(codeOf(guard({ bindHost: '::1' }), { host: '[::1]:19000' }), undefined);
});

test('bound to every address, an address added after start is recognised', () => {
  const addresses = ['127.0.0.1'];
  const g = guard({ bindHost: '0.0.0.0', localAddresses: () => addresses });
  assert.equal(codeOf(g, { host: '10.7.7.7:19000' }), 'forbidden_host');
  addresses.push('10.7.7.7');
  assert.equal(codeOf(g, { host: '10.7.7.7:19000' }), undefined);
});

test("an Origin must be the admin API's own (same host and port as the request) or an allowed name and port", () => {
  const g = guard({ allowedHosts: ['dashboard.internal', 'proxy.internal:8443', 'localhost'] });
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'http://127.0.0.1:19000' }), undefined);
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'https://dashboard.internal' }), undefined);
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'http://dashboard.internal:8080' }), 'forbidden_origin', 'another port of an allowed name is another origin');
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'https://proxy.internal:8443' }), undefined);
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'https://proxy.internal' }), 'forbidden_origin');
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'http://localhost:3000' }), 'forbidden_origin', 'allowing localhost does not allow every local dev server');
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'http://127.0.0.1:3000' }), 'forbidden_origin');
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'null' }), 'forbidden_origin');
  assert.equal(codeOf(g, { host: '127.0.0.1:19000', origin: 'file://' }), 'forbidden_origin');
});

test('the token: missing and wrong are told apart; health, readiness and metrics are open', () => {
  const g = guard({ token: 'tok' });
  assert.equal(g.check('GET', '/config', {}, false)?.code, 'admin_token_missing');
  assert.equal(g.check('GET', '/config', { authorization: 'Bearer nope' }, false)?.code, 'admin_token_rejected');
  assert.equal(g.check('GET', '/config', { authorization: 'Bearer tok' }, false), undefined);
  assert.equal(g.check('GET', '/healthz', {}, true), undefined);
});

test('apply and delete take YAML or JSON only', () => {
  const g = guard();
  for (const type of ['application/yaml', 'application/x-yaml', 'application/json; charset=utf-8', 'Application/YAML']) {
    assert.equal(codeOf(g, { 'content-type': type }, 'POST', '/apply'), undefined, type);
  }
  assert.equal(codeOf(g, { 'content-type': 'text/plain' }, 'POST', '/delete'), 'unsupported_media_type');
  assert.equal(codeOf(g, {}, 'POST', '/apply'), 'unsupported_media_type');
});
