import type { PathRewrite } from './route-types.js';
import { normalizePrefix } from './matchers.js';

/**
 * Applies an HTTPRoute URLRewrite path modifier. ReplacePrefixMatch swaps the matched
 * PathPrefix, element-wise, for the replacement (`/prefix/one` + `/x` under `/prefix` with
 * `/new` gives `/new/one/x`; replacing with `/` never yields `//`).
 */
export function rewritePath(path: string, rewrite: PathRewrite, matchedPrefix: string | undefined): string {
  if (rewrite.type === 'ReplaceFullPath') return rewrite.value;
  if (matchedPrefix === undefined) return path;
  const prefix = normalizePrefix(matchedPrefix);
  const rest = prefix === '/' ? path : path.slice(prefix.length);
  const replacement = rewrite.value;
  if (rest === '' || rest === '/') return replacement === '' ? '/' : rest === '/' && !replacement.endsWith('/') ? `${replacement}/` : replacement;
  const joined = replacement.endsWith('/') ? replacement + rest.replace(/^\/+/, '') : replacement + (rest.startsWith('/') ? rest : `/${rest}`);
  return joined.startsWith('/') ? joined : `/${joined}`;
}
