// Readers for values taken from a provider's answer or a client's request, which are JSON of
// any shape: a field the documentation calls a number may be a string, null or an object.

/**
 * A token count: a whole, non-negative number, else nothing. A count sent as a string ("5")
 * is not one: added to a number it would concatenate ("5" + 0 is "50"), not sum.
 */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The sum of the counts that are counts; what is not one adds nothing. */
export function sumCounts(...values: unknown[]): number {
  return values.reduce<number>((sum, value) => sum + (tokenCount(value) ?? 0), 0);
}

/**
 * A table's own entry for a key that came from outside. Indexing a plain object with
 * `constructor` or `__proto__` finds Object.prototype's members, which are not entries.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A string with something in it, else nothing. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A list of finite numbers (an embedding), else nothing. */
export function finiteNumbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (value as number[]) : undefined;
}
