// The shapes of HTTPRoute matches and filters that routing evaluates; the HTTPRoute reader
// (config/resources) produces them.

export type PathMatch = { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
export type ValueMatch = { type: 'Exact' | 'RegularExpression'; name: string; value: string };

export interface RouteMatch {
  path: PathMatch;
  headers: readonly ValueMatch[];
  queryParams: readonly ValueMatch[];
  method: string | undefined;
}

export type PathRewrite = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

export interface HeaderModifier {
  set: readonly { name: string; value: string }[];
  add: readonly { name: string; value: string }[];
  /** Lower-cased header names. */
  remove: readonly string[];
}
