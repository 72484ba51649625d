import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestView } from '../../src/routing/request-view.js';
import { RouteTable, type RouteEntry } from '../../src/routing/route-table.js';
import type { PathMatch, RouteMatch, ValueMatch } from '../../src/routing/route-types.js';
import { params } from './support.js';

// RouteTable (src/routing/route-table.ts: a segment tree per hostname group) against a plain
// reference written from the Gateway API's rules: try every rule of the most specific hostname
// group that has a match (the exact host, then wildcards from the longest, then routes for any
// host), and take the first in precedence order (Exact path, longest PathPrefix, method, most
// header matches, most query matches, oldest route, namespace/name, rule and match order).
// Regular expression paths rank between Exact and PathPrefix, longest first, as the gateway
// defines it (the Gateway API leaves their precedence to the implementation).

type Entry = RouteEntry<number>;

// ---------- the reference ----------

/** PathPrefix matches whole path elements: the prefix's elements (a trailing slash ignored) begin the path's. */
function refPath(m: PathMatch, path: string): boolean {
  if (m.type === 'Exact') return path === m.value;
  if (m.type === 'RegularExpression') return new RegExp(`^(?:${m.value})$`).test(path);
  const prefix = m.value.split('/').slice(1);
  if (prefix.at(-1) === '') prefix.pop();
  const elements = path.split('/').slice(1);
  return prefix.every((segment, i) => elements[i] === segment);
}

function refValue(m: ValueMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  return m.type === 'Exact' ? value === m.value : new RegExp(`^(?:${m.value})$`).test(value);
}

/** The first value of a query parameter (the generated queries have no escapes). */
function refQuery(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq === -1 ? pair : pair.slice(0, eq)) === name) return eq === -1 ? '' : pair.slice(eq + 1);
  }
  return undefined;
}

function refMatches(m: RouteMatch, req: RequestView): boolean {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  return (
    refPath(m.path, req.path) &&
    (m.method === undefined || m.method === req.method) &&
    m.headers.every((h) => refValue(h, header(h.name))) &&
    m.queryParams.every((q) => refValue(q, refQuery(req.query, q.name)))
  );
}

const TYPE_ORDER = { Exact: 0, RegularExpression: 1, PathPrefix: 2 } as const;
const chars = (p: PathMatch): number => (p.type === 'PathPrefix' && p.value.length > 1 && p.value.endsWith('/') ? p.value.length - 1 : p.value.length);
const order = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

function precedence(a: Entry, b: Entry): number {
  return (
    TYPE_ORDER[a.match.path.type] - TYPE_ORDER[b.match.path.type] ||
    chars(b.match.path) - chars(a.match.path) ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length ||
    order(a.creationTimestamp, b.creationTimestamp) ||
    order(a.routeKey, b.routeKey) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

/** Hostname groups from the most specific: the exact host, wildcards covering it from the longest, then any host. */
function hostGroups(entries: readonly Entry[], host: string): Entry[][] {
  const exact = entries.filter((e) => e.hostnames.some((h) => !h.startsWith('*.') && h === host));
  const bySuffix = new Map<string, Entry[]>();
  for (const e of entries) {
    for (const h of e.hostnames) {
      const suffix = h.slice(1);
      if (h.startsWith('*.') && host.endsWith(suffix) && host.length > suffix.length) bySuffix.set(suffix, [...(bySuffix.get(suffix) ?? []), e]);
    }
  }
  const wildcards = [...bySuffix.entries()].sort(([a], [b]) => b.length - a.length).map(([, list]) => list);
  return [exact, ...wildcards, entries.filter((e) => e.hostnames.length === 0)];
}

function reference(entries: readonly Entry[], req: RequestView): Entry | undefined {
  for (const group of hostGroups(entries, req.host)) {
    const best = group.filter((e) => refMatches(e.match, req)).sort(precedence)[0];
    if (best !== undefined) return best;
  }
  return undefined;
}

// ---------- generators ----------

const ROUTE_SEGMENTS = ['a', 'b', 'ab', 'foo', 'foobar', 'v1'];
const REQUEST_SEGMENTS = [...ROUTE_SEGMENTS, '', 'A', 'fo', '%61', '.', '..', 'foo.bar'];

/** A path a route may hold: starts with "/", no "//" (as the HTTPRoute reader requires). */
const routePath = fc
  .tuple(fc.array(fc.constantFrom(...ROUTE_SEGMENTS), { maxLength: 3 }), fc.boolean())
  .map(([segments, slash]) => (segments.length === 0 ? '/' : `/${segments.join('/')}${slash ? '/' : ''}`));

const pathMatch: fc.Arbitrary<PathMatch> = fc.oneof(
  { weight: 3, arbitrary: routePath.map((value): PathMatch => ({ type: 'PathPrefix', value })) },
  { weight: 2, arbitrary: routePath.map((value): PathMatch => ({ type: 'Exact', value })) },
  { weight: 1, arbitrary: fc.constantFrom('/a/.*', '/(foo|bar)', '/[ab]+(/.*)?', '.*', '/v1/[^/]+').map((value): PathMatch => ({ type: 'RegularExpression', value })) },
);

function valueMatches(names: readonly string[], exact: readonly string[], patterns: readonly string[]): fc.Arbitrary<ValueMatch[]> {
  const one = (name: string): fc.Arbitrary<ValueMatch> =>
    fc.oneof(
      fc.constantFrom(...exact).map((value): ValueMatch => ({ type: 'Exact', name, value })),
      fc.constantFrom(...patterns).map((value): ValueMatch => ({ type: 'RegularExpression', name, value })),
    );
  // Names are unique within a match (the HTTPRoute reader refuses duplicates).
  return fc.subarray([...names]).chain((chosen) => fc.tuple(...chosen.map(one)));
}

const routeMatch: fc.Arbitrary<RouteMatch> = fc.record({
  path: pathMatch,
  method: fc.option(fc.constantFrom('GET', 'POST', 'DELETE'), { nil: undefined }),
  headers: valueMatches(['x-a', 'x-b'], ['1', '2', ''], ['1|2', '.*', '[0-9]+']),
  queryParams: valueMatches(['q', 'r'], ['1', 'x', ''], ['1|x', '.+']),
});

const ROUTE_HOSTS = ['api.example.com', 'example.com', '*.example.com', '*.b.example.com', 'other.org', '*.org'];

const table: fc.Arbitrary<Entry[]> = fc
  .array(
    fc.record({
      match: routeMatch,
      hostnames: fc.oneof(fc.constant([]), fc.subarray(ROUTE_HOSTS, { minLength: 1, maxLength: 2 })),
      creationTimestamp: fc.constantFrom('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'),
      routeKey: fc.constantFrom('ns/a', 'ns/b', 'other/a'),
      ruleIndex: fc.nat(2),
    }),
    { maxLength: 14 },
  )
  .map((list) => list.map((e, i): Entry => ({ ...e, rule: i, matchIndex: i })));

const REQUEST_HOSTS = ['api.example.com', 'example.com', 'x.example.com', 'a.b.example.com', 'b.example.com', 'other.org', 'x.org', 'localhost', ''];

const headerValue = fc.oneof(fc.constantFrom('1', '2', '', '12', 'x'), fc.array(fc.constantFrom('1', '2', ''), { minLength: 1, maxLength: 2 }));

function requestArb(hosts: readonly string[]): fc.Arbitrary<RequestView> {
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'get'),
    path: fc
      .tuple(fc.array(fc.constantFrom(...REQUEST_SEGMENTS), { maxLength: 4 }), fc.boolean())
      .map(([segments, slash]) => `/${segments.join('/')}${slash && segments.length > 0 ? '/' : ''}`),
    query: fc
      .array(fc.tuple(fc.constantFrom('q', 'r', 'Q'), fc.option(fc.constantFrom('1', 'x', '', '2'))), { maxLength: 3 })
      .map((pairs) => pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&')),
    host: fc.constantFrom(...hosts),
    headers: fc.record({ 'x-a': headerValue, 'x-b': headerValue }, { requiredKeys: [] }).map((h): IncomingHttpHeaders => h),
  });
}

function describeEntry(e: Entry | undefined): string {
  return e === undefined ? 'none' : `#${e.rule} ${JSON.stringify({ match: e.match, hostnames: e.hostnames, ts: e.creationTimestamp, key: e.routeKey, rule: e.ruleIndex })}`;
}

function agree(entries: Entry[], requests: RequestView[]): void {
  const routes = new RouteTable(entries);
  for (const req of requests) {
    const got = routes.match(req);
    const expected = reference(entries, req);
    assert.equal(got?.rule, expected?.rule, `${JSON.stringify(req)}: got ${describeEntry(entries[got?.rule ?? -1])}, expected ${describeEntry(expected)}`);
    if (got !== undefined) {
      const chosen = entries[got.rule] as Entry;
      assert.equal(got.pathMatch, chosen.match.path);
      assert.ok(refMatches(chosen.match, req), 'the chosen rule matches the request');
    }
  }
}

// ---------- properties ----------

test('RouteTable picks the rule the reference picks: hostname group, then match, then precedence', () => {
  fc.assert(
    fc.property(table, fc.array(requestArb(REQUEST_HOSTS), { minLength: 1, maxLength: 10 }), agree),
    params(600),
  );
});

test('a wildcard hostname covers only hosts with at least one label before its suffix', () => {
  const wildcard: Entry = { rule: 0, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], method: undefined }, hostnames: ['*.example.com'], creationTimestamp: '', routeKey: 'ns/r', ruleIndex: 0, matchIndex: 0 };
  agree([wildcard], [{ method: 'GET', path: '/', query: '', host: '.example.com', headers: {} }]);
  fc.assert(
    fc.property(table, fc.array(requestArb([...REQUEST_HOSTS, '.example.com', '.org', '.b.example.com']), { minLength: 1, maxLength: 10 }), agree),
    params(300),
  );
});

test('a PathPrefix matches at element boundaries only: /foo matches /foo, /foo/ and /foo/bar, never /foobar', () => {
  const prefixTable = (value: string): RouteTable<number> => new RouteTable([{ rule: 0, match: { path: { type: 'PathPrefix', value }, headers: [], queryParams: [], method: undefined }, hostnames: [], creationTimestamp: '', routeKey: 'ns/r', ruleIndex: 0, matchIndex: 0 }]);
  const at = (path: string): RequestView => ({ method: 'GET', path, query: '', host: 'example.com', headers: {} });
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...ROUTE_SEGMENTS), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.oneof(fc.constantFrom('', '/', '/x', 'x', 'bar', '.', '//', '/a/b', '?'), fc.string({ maxLength: 5 })),
      (segments, slash, rest) => {
        const prefix = `/${segments.join('/')}`;
        const routes = prefixTable(slash ? `${prefix}/` : prefix);
        const matched = routes.match(at(prefix + rest)) !== undefined;
        assert.equal(matched, rest === '' || rest.startsWith('/'), `${prefix}${slash ? '/' : ''} against ${prefix}${rest}`);
      },
    ),
    params(500),
  );
  const foo = prefixTable('/foo');
  assert.ok(foo.match(at('/foo/bar')) !== undefined && foo.match(at('/foo')) !== undefined);
  assert.equal(foo.match(at('/foobar')), undefined);
});

test('RouteTable never throws, whatever the method, path, host, headers and query', () => {
  const anyText = fc.string({ unit: 'binary', maxLength: 24 });
  const anything = fc.record({
    method: anyText,
    path: fc.oneof(anyText, anyText.map((p) => `/${p}`), fc.constantFrom('', '*', '/', '//', 'http://x/y', '/a//b', '/%2f')),
    query: anyText,
    host: fc.oneof(anyText, fc.constantFrom('.', '..', '.example.com', '*.example.com', 'example.com.')),
    headers: fc.dictionary(fc.constantFrom('x-a', 'x-b', 'host', '__proto__', 'constructor'), fc.oneof(anyText, fc.array(anyText, { maxLength: 3 }))).map((h): IncomingHttpHeaders => h),
  });
  fc.assert(
    fc.property(table, fc.array(anything, { minLength: 1, maxLength: 10 }), (entries, requests) => {
      const routes = new RouteTable(entries);
      for (const req of requests) {
        const got = routes.match(req);
        if (got !== undefined) assert.ok(refMatches((entries[got.rule] as Entry).match, req), `${JSON.stringify(req)}: the chosen rule matches the request`);
      }
    }),
    params(400),
  );
});
