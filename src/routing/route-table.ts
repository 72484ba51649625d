import type { PathMatch, RouteMatch } from '../config/resources/http-route.js';
import { hostnameMatches } from './hostnames.js';
import { compileRouteMatch, type RequestPredicate } from './matchers.js';
import type { RequestView } from './request-view.js';

/** One HTTPRouteMatch of one rule, as attached to one listener. */
export interface RouteEntry<R> {
  rule: R;
  match: RouteMatch;
  /** Hostnames the route serves on this listener; empty means any host. */
  hostnames: readonly string[];
  /** Tie-breakers across routes and rules (Gateway API HTTPRouteRule precedence). */
  creationTimestamp: string;
  routeKey: string;
  ruleIndex: number;
  matchIndex: number;
}

export interface RouteMatchResult<R> {
  rule: R;
  pathMatch: PathMatch;
}

interface Candidate<R> {
  entry: RouteEntry<R>;
  hostname: string | undefined;
  test: RequestPredicate;
}

/**
 * The compiled routes of one listener. Requests are first narrowed to a host group (exact
 * host, else the longest matching wildcard, else any host); every group already holds, in
 * precedence order, each rule whose hostnames cover it, so matching is a single ordered scan.
 * Built once per config version.
 */
export class RouteTable<R> {
  private readonly exact = new Map<string, Candidate<R>[]>();
  private readonly wildcards: { pattern: string; candidates: Candidate<R>[] }[] = [];
  private readonly anyHost: Candidate<R>[] = [];

  constructor(entries: readonly RouteEntry<R>[]) {
    const compiled = entries.map((entry) => ({ entry, test: compileRouteMatch(entry.match) }));
    const exactNames = new Set<string>();
    const wildcardNames = new Set<string>();
    for (const { entry } of compiled) {
      for (const h of entry.hostnames) (h.startsWith('*.') ? wildcardNames : exactNames).add(h);
    }
    // A group holds every entry whose hostname set covers the group's name.
    const collect = (covers: (h: string) => boolean): Candidate<R>[] =>
      sortByPrecedence(
        compiled.flatMap(({ entry, test }): Candidate<R>[] => {
          if (entry.hostnames.length === 0) return [{ entry, test, hostname: undefined }];
          const best = entry.hostnames.filter(covers).sort((a, b) => hostPrecedence(b) - hostPrecedence(a))[0];
          return best === undefined ? [] : [{ entry, test, hostname: best }];
        }),
      );
    for (const name of exactNames) this.exact.set(name, collect((h) => h === name || hostnameMatches(h, name)));
    for (const pattern of wildcardNames) {
      const suffix = pattern.slice(1);
      this.wildcards.push({ pattern, candidates: collect((h) => h === pattern || (h.startsWith('*.') && suffix.endsWith(h.slice(1)))) });
    }
    this.wildcards.sort((a, b) => b.pattern.length - a.pattern.length);
    this.anyHost.push(...collect(() => false));
  }

  match(req: RequestView): RouteMatchResult<R> | undefined {
    for (const c of this.groupFor(req.host)) {
      if (c.test(req)) return { rule: c.entry.rule, pathMatch: c.entry.match.path };
    }
    return undefined;
  }

  private groupFor(host: string): Candidate<R>[] {
    const exact = this.exact.get(host);
    if (exact !== undefined) return exact;
    for (const w of this.wildcards) if (hostnameMatches(w.pattern, host)) return w.candidates;
    return this.anyHost;
  }
}

function hostPrecedence(h: string | undefined): number {
  if (h === undefined) return 0;
  return h.startsWith('*.') ? h.length : 10_000 + h.length;
}

const PATH_RANK = { Exact: 3, RegularExpression: 2, PathPrefix: 1 } as const;

/**
 * Gateway API precedence: matching hostname (non-wildcard characters, then characters), Exact
 * path over the longest PathPrefix, method, most header matches, most query matches; then the
 * oldest route, then `namespace/name`, then rule and match order.
 */
function sortByPrecedence<R>(candidates: Candidate<R>[]): Candidate<R>[] {
  return candidates.sort((a, b) => {
    const ea = a.entry;
    const eb = b.entry;
    return (
      hostPrecedence(b.hostname) - hostPrecedence(a.hostname) ||
      PATH_RANK[eb.match.path.type] - PATH_RANK[ea.match.path.type] ||
      eb.match.path.value.length - ea.match.path.value.length ||
      Number(eb.match.method !== undefined) - Number(ea.match.method !== undefined) ||
      eb.match.headers.length - ea.match.headers.length ||
      eb.match.queryParams.length - ea.match.queryParams.length ||
      compareStrings(ea.creationTimestamp, eb.creationTimestamp) ||
      compareStrings(ea.routeKey, eb.routeKey) ||
      ea.ruleIndex - eb.ruleIndex ||
      ea.matchIndex - eb.matchIndex
    );
  });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
