import type { PathMatch, RouteMatch } from '../config/resources/http-route.js';
import { compileRouteMatch, normalizePrefix, type RequestPredicate } from './matchers.js';
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
  test: RequestPredicate;
}

/**
 * The compiled routes of one listener. Hostname precedence comes first in the Gateway API
 * (exact names, then longer wildcards, then routes for any host), so a request is tried against
 * the routes of its exact host, then of each wildcard covering it from the longest, then of
 * any host; the first group with a match wins. Within a group, candidates are in precedence
 * order and indexed by the first path segment, so a lookup scans only the rules that can match.
 * Built once per config version.
 */
export class RouteTable<R> {
  private readonly exact = new Map<string, SegmentIndex<R>>();
  private readonly wildcards = new Map<string, SegmentIndex<R>>();
  private readonly anyHost: SegmentIndex<R>;

  constructor(entries: readonly RouteEntry<R>[]) {
    const byExact = new Map<string, Candidate<R>[]>();
    const byWildcard = new Map<string, Candidate<R>[]>();
    const any: Candidate<R>[] = [];
    for (const entry of entries) {
      const candidate = { entry, test: compileRouteMatch(entry.match) };
      if (entry.hostnames.length === 0) any.push(candidate);
      for (const h of entry.hostnames) {
        // Keyed by the suffix after `*` (".example.com") for wildcards.
        const [map, key] = h.startsWith('*.') ? [byWildcard, h.slice(1)] : [byExact, h];
        const list = map.get(key) ?? [];
        list.push(candidate);
        map.set(key, list);
      }
    }
    for (const [host, list] of byExact) this.exact.set(host, new SegmentIndex(list));
    for (const [suffix, list] of byWildcard) this.wildcards.set(suffix, new SegmentIndex(list));
    this.anyHost = new SegmentIndex(any);
  }

  match(req: RequestView): RouteMatchResult<R> | undefined {
    const host = req.host;
    const exact = this.exact.get(host)?.match(req);
    if (exact !== undefined) return exact;
    if (this.wildcards.size > 0) {
      // "*.example.com" covers one or more labels: try ".b.example.com", ".example.com", ".com".
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        const found = this.wildcards.get(host.slice(dot))?.match(req);
        if (found !== undefined) return found;
      }
    }
    return this.anyHost.match(req);
  }
}

/** Candidates in precedence order, with per-first-segment lists so a lookup skips rules that cannot match. */
class SegmentIndex<R> {
  private readonly bySegment = new Map<string, Candidate<R>[]>();
  /** Candidates that can match any first segment (prefix "/", regular expressions). */
  private readonly anySegment: Candidate<R>[] = [];

  constructor(candidates: Candidate<R>[]) {
    const sorted = sortByPrecedence(candidates);
    const rank = new Map(sorted.map((c, i) => [c, i]));
    const own = new Map<string, Candidate<R>[]>();
    for (const c of sorted) {
      const segment = firstSegmentOf(c.entry.match.path);
      if (segment === undefined) this.anySegment.push(c);
      else {
        const list = own.get(segment);
        if (list === undefined) own.set(segment, [c]);
        else list.push(c);
      }
    }
    // Each segment's list is its own candidates merged, in precedence order, with those for any segment.
    for (const [segment, list] of own) this.bySegment.set(segment, mergeByRank(list, this.anySegment, rank));
  }

  match(req: RequestView): RouteMatchResult<R> | undefined {
    const list = this.bySegment.size === 0 ? this.anySegment : (this.bySegment.get(firstSegment(req.path)) ?? this.anySegment);
    for (const c of list) {
      if (c.test(req)) return { rule: c.entry.rule, pathMatch: c.entry.match.path };
    }
    return undefined;
  }
}

function mergeByRank<T>(a: readonly T[], b: readonly T[], rank: ReadonlyMap<T, number>): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && (rank.get(x) ?? 0) < (rank.get(y) ?? 0))) {
      out.push(x as T);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** The first path segment a match requires, or undefined when it can match any. */
function firstSegmentOf(path: PathMatch): string | undefined {
  if (path.type === 'RegularExpression') return undefined;
  const value = path.type === 'PathPrefix' ? normalizePrefix(path.value) : path.value;
  if (path.type === 'PathPrefix' && value === '/') return undefined;
  return firstSegment(value);
}

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

const PATH_RANK = { Exact: 3, RegularExpression: 2, PathPrefix: 1 } as const;

/**
 * Gateway API precedence within one hostname group: Exact path over the longest PathPrefix,
 * method, most header matches, most query matches; then the oldest route, then
 * `namespace/name`, then rule and match order.
 */
function sortByPrecedence<R>(candidates: Candidate<R>[]): Candidate<R>[] {
  return candidates.sort((a, b) => {
    const ea = a.entry;
    const eb = b.entry;
    return (
      PATH_RANK[eb.match.path.type] - PATH_RANK[ea.match.path.type] ||
      pathLength(eb.match.path) - pathLength(ea.match.path) ||
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

function pathLength(path: PathMatch): number {
  return path.type === 'PathPrefix' ? normalizePrefix(path.value).length : path.value.length;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
