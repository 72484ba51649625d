import { unsupported } from './errors.js';

// Small readers for the client's JSON: every field is checked before it is used, and what is
// wrong is refused naming the field, so the client learns which part of its request to change.

export function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw unsupported(param, `${param} must be a string`);
  return value;
}

/** A number field, or undefined when absent (`null` counts as absent, as the SDKs send it). */
export function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw unsupported(param, `${param} must be a number`);
  return value;
}
