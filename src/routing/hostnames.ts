/** Gateway API hostnames: exact names, or `*.suffix` matching one or more leading labels. */

export function hostnameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The hostnames a route serves on a listener: the intersection of the two sets, keeping the
 * more specific name of each intersecting pair. `undefined` means no intersection (the route
 * does not attach: NoMatchingListenerHostname); `[]` means any host.
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[]): string[] | undefined {
  if (routeHostnames.length === 0) return listenerHostname === undefined ? [] : [listenerHostname];
  if (listenerHostname === undefined) return [...routeHostnames];
  const out: string[] = [];
  for (const r of routeHostnames) {
    if (r === listenerHostname || hostnameMatches(listenerHostname, r)) out.push(r);
    else if (hostnameMatches(r, listenerHostname)) out.push(listenerHostname);
  }
  return out.length === 0 ? undefined : [...new Set(out)];
}

/** Most specific first: exact names by length, then wildcards by length, then none. */
export function compareHostnameSpecificity(a: string | undefined, b: string | undefined): number {
  return hostnameRank(b) - hostnameRank(a);
}

function hostnameRank(h: string | undefined): number {
  if (h === undefined) return 0;
  return h.startsWith('*.') ? 1_000 + h.length : 100_000 + h.length;
}
