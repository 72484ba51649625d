import type { PathMatch, RouteMatch } from './route-types.js';
import { compileRouteMatch, normalizePrefix, type RequestPredicate } from './matchers.js';
import type { RequestView } from './request-view.js';
import { suffixCovers, wildcardSuffix } from './hostnames.js';

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
 * any host; the first group with a match wins. Within a group, a tree of path segments leaves
 * only the rules that can match the path to test, in precedence order.
 * Built once per config version.
 */
export class RouteTable<R> {
  private readonly exact = new Map<string, PathIndex<R>>();
  private readonly wildcards = new Map<string, PathIndex<R>>();
  private readonly anyHost: PathIndex<R>;

  constructor(entries: readonly RouteEntry<R>[]) {
    const byExact = new Map<string, Candidate<R>[]>();
    const byWildcard = new Map<string, Candidate<R>[]>();
    const any: Candidate<R>[] = [];
    for (const entry of entries) {
      const candidate = { entry, test: compileRouteMatch(entry.match) };
      if (entry.hostnames.length === 0) any.push(candidate);
      for (const h of entry.hostnames) {
        // Keyed by the suffix after `*` (".example.com") for wildcards.
        const suffix = wildcardSuffix(h);
        const [map, key] = suffix === undefined ? [byExact, h] : [byWildcard, suffix];
        const list = map.get(key) ?? [];
        list.push(candidate);
        map.set(key, list);
      }
    }
    for (const [host, list] of byExact) this.exact.set(host, new PathIndex(list));
    for (const [suffix, list] of byWildcard) this.wildcards.set(suffix, new PathIndex(list));
    this.anyHost = new PathIndex(any);
  }

  match(req: RequestView): RouteMatchResult<R> | undefined {
    const host = req.host;
    const exact = this.exact.get(host)?.match(req);
    if (exact !== undefined) return exact;
    if (this.wildcards.size > 0) {
      // "*.example.com" covers one or more labels: try ".b.example.com", ".example.com", ".com",
      // by the rule listeners are chosen by, so Host ".example.com" is not under "*.example.com".
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        const suffix = host.slice(dot);
        if (!suffixCovers(suffix, host)) continue;
        const found = this.wildcards.get(suffix)?.match(req);
        if (found !== undefined) return found;
      }
    }
    return this.anyHost.match(req);
  }
}

interface Ranked<R> {
  candidate: Candidate<R>;
  /** Position in the precedence order: lower wins. */
  rank: number;
}

interface PathNode<R> {
  children: Map<string, PathNode<R>>;
  /** PathPrefix candidates whose segments end here: they cover this node and everything below. */
  prefix: Ranked<R>[];
  /** Exact candidates whose segments end here. */
  exact: Ranked<R>[];
}

/**
 * Candidates in precedence order, in a tree of path segments: a lookup walks the request's
 * segments and tries only the prefixes along that walk, the exact paths at its end, and the
 * candidates any path can match (prefix "/", regular expressions), in precedence order. The
 * cost grows with the depth of the path, not with the number of routes.
 */
class PathIndex<R> {
  private readonly root: PathNode<R> = newNode();
  private readonly anyPath: Ranked<R>[] = [];

  constructor(candidates: Candidate<R>[]) {
    for (const [rank, candidate] of sortByPrecedence(candidates).entries()) {
      const path = candidate.entry.match.path;
      const ranked = { candidate, rank };
      const prefix = path.type === 'PathPrefix' ? normalizePrefix(path.value) : undefined;
      if (path.type === 'RegularExpression' || prefix === '/') {
        this.anyPath.push(ranked);
        continue;
      }
      let node = this.root;
      for (const segment of (prefix ?? path.value).slice(1).split('/')) {
        let child = node.children.get(segment);
        if (child === undefined) {
          child = newNode();
          node.children.set(segment, child);
        }
        node = child;
      }
      (path.type === 'Exact' ? node.exact : node.prefix).push(ranked);
    }
  }

  match(req: RequestView): RouteMatchResult<R> | undefined {
    const lists: Ranked<R>[][] = this.anyPath.length > 0 ? [this.anyPath] : [];
    const path = req.path;
    let node: PathNode<R> | undefined = this.root;
    let start = 1;
    while (node !== undefined) {
      const end = path.indexOf('/', start);
      node = node.children.get(end === -1 ? path.slice(start) : path.slice(start, end));
      if (node === undefined) break;
      if (node.prefix.length > 0) lists.push(node.prefix);
      if (end === -1) {
        if (node.exact.length > 0) lists.push(node.exact);
        break;
      }
      start = end + 1;
    }
    return firstMatch(lists, req);
  }
}

function newNode<R>(): PathNode<R> {
  return { children: new Map(), prefix: [], exact: [] };
}

/** Tries the candidates of several rank-sorted lists in overall rank order; the first that matches wins. */
function firstMatch<R>(lists: Ranked<R>[][], req: RequestView): RouteMatchResult<R> | undefined {
  if (lists.length === 1) {
    for (const r of lists[0] as Ranked<R>[]) if (r.candidate.test(req)) return result(r.candidate);
    return undefined;
  }
  const heads = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < lists.length; i++) {
      const r = (lists[i] as Ranked<R>[])[heads[i] as number];
      if (r !== undefined && r.rank < bestRank) {
        best = i;
        bestRank = r.rank;
      }
    }
    if (best === -1) return undefined;
    const r = (lists[best] as Ranked<R>[])[heads[best] as number] as Ranked<R>;
    heads[best] = (heads[best] as number) + 1;
    if (r.candidate.test(req)) return result(r.candidate);
  }
}

function result<R>(c: Candidate<R>): RouteMatchResult<R> {
  return { rule: c.entry.rule, pathMatch: c.entry.match.path };
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
