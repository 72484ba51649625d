import type { RouteFilter } from '../config/resources/http-route.js';
import type { HeaderModifier } from '../routing/route-types.js';
import { applyHeaderModifier } from '../routing/filters.js';
import type { OutgoingHeaders } from './headers.js';

/** Applies every RequestHeaderModifier in order (rule filters first, then the backendRef's). */
export function applyRequestHeaderFilters(headers: OutgoingHeaders, filters: readonly RouteFilter[]): void {
  for (const f of filters) if (f.type === 'RequestHeaderModifier') applyHeaderModifier(headers, f.modifier);
}

/** The ResponseHeaderModifiers to apply to the upstream's answer. */
export function responseModifiers(filters: readonly RouteFilter[]): HeaderModifier[] {
  const out: HeaderModifier[] = [];
  for (const f of filters) if (f.type === 'ResponseHeaderModifier') out.push(f.modifier);
  return out;
}
