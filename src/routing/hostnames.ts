/** Gateway API hostnames: exact names, or `*.suffix` matching one or more leading labels. */

export function hostnameMatches(pattern: string, host: string): boolean {
  const suffix = wildcardSuffix(pattern);
  return suffix === undefined ? pattern === host : suffixCovers(suffix, host);
}

/** The suffix a wildcard stands for (".example.com" for "*.example.com"); `undefined` for an exact name. */
export function wildcardSuffix(pattern: string): string | undefined {
  return pattern.startsWith('*.') ? pattern.slice(1) : undefined;
}

/**
 * Whether a wildcard's suffix (".example.com") covers `host`: the host ends with it and has a
 * label before it, as the Gateway API requires, so neither "example.com" nor ".example.com".
 */
export function suffixCovers(suffix: string, host: string): boolean {
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
