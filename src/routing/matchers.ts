import type { PathMatch, RouteMatch, ValueMatch } from './route-types.js';
import type { RequestView } from './request-view.js';

export type RequestPredicate = (req: RequestView) => boolean;

/**
 * PathPrefix matches element by element and ignores a trailing slash on the prefix:
 * `/abc` matches `/abc`, `/abc/` and `/abc/def`, not `/abcd` (Gateway API HTTPPathMatch).
 */
export function compilePathMatch(match: PathMatch): RequestPredicate {
  switch (match.type) {
    case 'Exact': {
      const value = match.value;
      return (req) => req.path === value;
    }
    case 'PathPrefix': {
      const prefix = normalizePrefix(match.value);
      if (prefix === '/') return () => true;
      const withSlash = `${prefix}/`;
      return (req) => req.path === prefix || req.path.startsWith(withSlash);
    }
    case 'RegularExpression': {
      const re = new RegExp(`^(?:${match.value})$`);
      return (req) => re.test(req.path);
    }
  }
}

export function normalizePrefix(prefix: string): string {
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

function compileValueTest(m: ValueMatch): (value: string | undefined) => boolean {
  if (m.type === 'Exact') return (v) => v === m.value;
  const re = new RegExp(`^(?:${m.value})$`);
  return (v) => v !== undefined && re.test(v);
}

/** All conditions of one HTTPRouteMatch must hold (AND); rules OR their matches. */
export function compileRouteMatch(match: RouteMatch): RequestPredicate {
  const tests: RequestPredicate[] = [compilePathMatch(match.path)];
  if (match.method !== undefined) {
    const method = match.method;
    tests.push((req) => req.method === method);
  }
  for (const h of match.headers) {
    const test = compileValueTest(h);
    tests.push((req) => {
      const v = req.headers[h.name];
      return test(Array.isArray(v) ? v.join(',') : v);
    });
  }
  if (match.queryParams.length > 0) {
    const paramTests = match.queryParams.map((q) => ({ name: q.name, test: compileValueTest(q) }));
    tests.push((req) => {
      const params = new URLSearchParams(req.query);
      return paramTests.every((p) => p.test(params.get(p.name) ?? undefined));
    });
  }
  if (tests.length === 1) return tests[0] as RequestPredicate;
  return (req) => tests.every((t) => t(req));
}
