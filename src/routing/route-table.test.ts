import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteMatch } from './route-types.js';
import { intersectHostnames } from './hostnames.js';
import type { RequestView } from './request-view.js';
import { RouteTable, type RouteEntry } from './route-table.js';
import { rewritePath } from './url-rewrite.js';

const match = (path: RouteMatch['path'], extra: Partial<RouteMatch> = {}): RouteMatch => ({ path, headers: [], queryParams: [], method: undefined, ...extra });
const entry = (rule: string, m: RouteMatch, more: Partial<RouteEntry<string>> = {}): RouteEntry<string> => ({
  rule,
  match: m,
  hostnames: [],
  creationTimestamp: '',
  routeKey: `ns/${rule}`,
  ruleIndex: 0,
  matchIndex: 0,
  ...more,
});
const req = (path: string, more: Partial<RequestView> = {}): RequestView => ({ method: 'GET', path, query: '', host: 'example.com', headers: {}, ...more });

test('PathPrefix matches element by element and ignores a trailing slash', () => {
  const table = new RouteTable([entry('abc', match({ type: 'PathPrefix', value: '/abc/' }))]);
  for (const p of ['/abc', '/abc/', '/abc/def']) assert.equal(table.match(req(p))?.rule, 'abc', p);
  for (const p of ['/abcd', '/ab', '/']) assert.equal(table.match(req(p)), undefined, p);
});

test('Exact beats the longest prefix, which beats a shorter one', () => {
  const table = new RouteTable([
    entry('root', match({ type: 'PathPrefix', value: '/' })),
    entry('long', match({ type: 'PathPrefix', value: '/openai/v1' })),
    entry('short', match({ type: 'PathPrefix', value: '/openai' })),
    entry('exact', match({ type: 'Exact', value: '/openai/v1/models' })),
  ]);
  assert.equal(table.match(req('/openai/v1/models'))?.rule, 'exact');
  assert.equal(table.match(req('/openai/v1/chat'))?.rule, 'long');
  assert.equal(table.match(req('/openai/x'))?.rule, 'short');
  assert.equal(table.match(req('/other'))?.rule, 'root');
});

test('method, then more header matches win among equal paths; conditions AND together', () => {
  const p = { type: 'PathPrefix', value: '/' } as const;
  const table = new RouteTable([
    entry('plain', match(p)),
    entry('post', match(p, { method: 'POST' })),
    entry('header', match(p, { headers: [{ type: 'Exact', name: 'x-model', value: 'a' }] })),
    entry('post+header', match(p, { method: 'POST', headers: [{ type: 'RegularExpression', name: 'x-model', value: 'gpt-.*' }] })),
  ]);
  assert.equal(table.match(req('/', { method: 'POST', headers: { 'x-model': 'gpt-4o' } }))?.rule, 'post+header');
  assert.equal(table.match(req('/', { method: 'POST', headers: { 'x-model': 'a' } }))?.rule, 'post');
  assert.equal(table.match(req('/', { headers: { 'x-model': 'a' } }))?.rule, 'header');
  assert.equal(table.match(req('/'))?.rule, 'plain');
});

test('query parameter matches', () => {
  const table = new RouteTable([entry('q', match({ type: 'PathPrefix', value: '/' }, { queryParams: [{ type: 'Exact', name: 'v', value: '2' }] }))]);
  assert.equal(table.match(req('/', { query: 'a=1&v=2' }))?.rule, 'q');
  assert.equal(table.match(req('/', { query: 'v=3' })), undefined);
});

test('ties go to the oldest route, then namespace/name, then rule order', () => {
  const p = match({ type: 'PathPrefix', value: '/' });
  const table = new RouteTable([
    entry('b-new', p, { routeKey: 'ns/b', creationTimestamp: '2025-01-02' }),
    entry('z-old', p, { routeKey: 'ns/z', creationTimestamp: '2025-01-01' }),
  ]);
  assert.equal(table.match(req('/'))?.rule, 'z-old');
  const byName = new RouteTable([entry('b', p, { routeKey: 'ns/b' }), entry('a', p, { routeKey: 'ns/a' })]);
  assert.equal(byName.match(req('/'))?.rule, 'a');
});

test('hostnames: exact over wildcard over any, and routes for any host still serve named hosts', () => {
  const p = (v: string): RouteMatch => match({ type: 'PathPrefix', value: v });
  const table = new RouteTable([
    entry('any', p('/'), { routeKey: 'ns/any' }),
    entry('wild', p('/'), { hostnames: ['*.example.com'], routeKey: 'ns/wild' }),
    entry('exact', p('/only-exact'), { hostnames: ['api.example.com'], routeKey: 'ns/exact' }),
  ]);
  assert.equal(table.match(req('/only-exact', { host: 'api.example.com' }))?.rule, 'exact');
  assert.equal(table.match(req('/x', { host: 'api.example.com' }))?.rule, 'wild');
  assert.equal(table.match(req('/x', { host: 'a.b.example.com' }))?.rule, 'wild');
  assert.equal(table.match(req('/x', { host: 'example.com' }))?.rule, 'any');
});

test('listener and route hostnames intersect to the more specific name', () => {
  assert.deepEqual(intersectHostnames(undefined, []), []);
  assert.deepEqual(intersectHostnames('*.example.com', []), ['*.example.com']);
  assert.deepEqual(intersectHostnames('*.example.com', ['api.example.com', 'other.org']), ['api.example.com']);
  assert.deepEqual(intersectHostnames('api.example.com', ['*.example.com']), ['api.example.com']);
  assert.equal(intersectHostnames('api.example.com', ['other.org']), undefined);
});

test('URLRewrite path modifiers', () => {
  assert.equal(rewritePath('/openai/x', { type: 'ReplaceFullPath', value: '/v1/chat/completions' }, '/openai'), '/v1/chat/completions');
  assert.equal(rewritePath('/prefix/one/two', { type: 'ReplacePrefixMatch', value: '/one' }, '/prefix'), '/one/one/two');
  assert.equal(rewritePath('/prefix/one/two', { type: 'ReplacePrefixMatch', value: '/' }, '/prefix/one'), '/two');
  assert.equal(rewritePath('/prefix', { type: 'ReplacePrefixMatch', value: '/new' }, '/prefix'), '/new');
  assert.equal(rewritePath('/prefix/', { type: 'ReplacePrefixMatch', value: '/new' }, '/prefix/'), '/new/');
  assert.equal(rewritePath('/x', { type: 'ReplacePrefixMatch', value: '/new' }, '/'), '/new/x');
});

test('a route for any first segment (prefix /) still competes with segment-indexed ones', () => {
  const table = new RouteTable([
    entry('root-post', match({ type: 'PathPrefix', value: '/' }, { method: 'POST', headers: [{ type: 'Exact', name: 'x', value: '1' }] })),
    entry('api', match({ type: 'PathPrefix', value: '/api' })),
    entry('regex', match({ type: 'RegularExpression', value: '/api/v[0-9]+/.*' })),
  ]);
  assert.equal(table.match(req('/api/v2/x'))?.rule, 'regex', 'a regular expression ranks over a prefix');
  assert.equal(table.match(req('/api/other'))?.rule, 'api');
  assert.equal(table.match(req('/api', { method: 'POST', headers: { x: '1' } }))?.rule, 'api', 'the longer prefix wins over method and headers');
  assert.equal(table.match(req('/zzz', { method: 'POST', headers: { x: '1' } }))?.rule, 'root-post');
});

test('5,000 routes under one prefix: a lookup still finds the right one, and building the table is fast', () => {
  const entries = Array.from({ length: 5000 }, (_, i) => entry(`r${i}`, match({ type: 'PathPrefix', value: `/openai/tenant-${i}` }), { routeKey: `ns/r${i}` }));
  entries.push(entry('openai', match({ type: 'PathPrefix', value: '/openai' })), entry('exact', match({ type: 'Exact', value: '/openai/tenant-7' })));
  const started = performance.now();
  const table = new RouteTable(entries);
  assert.ok(performance.now() - started < 500, 'built in well under a second');
  assert.equal(table.match(req('/openai/tenant-4999/chat/completions'))?.rule, 'r4999');
  assert.equal(table.match(req('/openai/tenant-49999'))?.rule, 'openai');
  assert.equal(table.match(req('/openai/tenant-7'))?.rule, 'exact');
  assert.equal(table.match(req('/openai/tenant-7/x'))?.rule, 'r7');
  assert.equal(table.match(req('/other')), undefined);
});
