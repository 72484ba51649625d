import { isPlainObject } from '../../core/json.js';

/**
 * Reads an untrusted object field by field, collecting errors that carry the field path
 * (`spec.rules[0].backendRefs[1].weight`). Values are never echoed into messages unless the
 * caller passes an enum, so a misplaced secret cannot leak through a validation error.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class FieldReader {
  readonly errors: FieldError[];
  private readonly value: Record<string, unknown>;
  readonly path: string;

  /**
   * Set when this object (or one it sits in) is not an object: its one error says so, and the
   * fields it lacks as a result ("is required") are not reported on top of it.
   */
  private readonly silent: boolean;

  constructor(value: unknown, path: string, errors: FieldError[] = [], silent = false) {
    this.errors = errors;
    this.path = path;
    this.value = isPlainObject(value) ? value : {};
    const notObject = !isPlainObject(value) && value !== undefined;
    if (notObject && !silent) errors.push({ field: path, message: 'must be an object' });
    this.silent = silent || notObject;
  }

  fail(message: string, field?: string): void {
    if (this.silent) return;
    this.errors.push({ field: field === undefined ? this.path : this.child(field), message });
  }

  child(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  has(field: string): boolean {
    return this.value[field] !== undefined && this.value[field] !== null;
  }

  raw(field: string): unknown {
    return this.value[field];
  }

  optionalString(field: string, opts: { minLength?: number } = {}): string | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.fail('must be a string', field);
      return undefined;
    }
    if (opts.minLength !== undefined && v.length < opts.minLength) {
      this.fail(`must be at least ${opts.minLength} character${opts.minLength === 1 ? '' : 's'} long`, field);
      return undefined;
    }
    return v;
  }

  string(field: string, opts: { minLength?: number } = {}): string | undefined {
    if (!this.has(field)) {
      this.fail('is required', field);
      return undefined;
    }
    return this.optionalString(field, opts);
  }

  optionalEnum<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(`must be one of ${allowed.join(', ')}${typeof v === 'string' ? ` (got "${v}")` : ''}`, field);
      return undefined;
    }
    return v as T;
  }

  enumOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    if (!this.has(field)) {
      this.fail(`is required (one of ${allowed.join(', ')})`, field);
      return undefined;
    }
    return this.optionalEnum(field, allowed);
  }

  optionalBoolean(field: string): boolean | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.fail('must be true or false', field);
      return undefined;
    }
    return v;
  }

  optionalInteger(field: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.fail('must be an integer', field);
      return undefined;
    }
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.fail(`must be between ${opts.min ?? '-inf'} and ${opts.max ?? 'inf'}`, field);
      return undefined;
    }
    return v;
  }

  integer(field: string, opts: { min?: number; max?: number } = {}): number | undefined {
    if (!this.has(field)) {
      this.fail('is required', field);
      return undefined;
    }
    return this.optionalInteger(field, opts);
  }

  /** A nested object; an absent field gives a reader over `{}` so callers need no branches. */
  object(field: string): FieldReader {
    return new FieldReader(this.value[field], this.child(field), this.errors, this.silent);
  }

  /** Each element of an optional array, with its indexed path. */
  array(field: string, opts: { min?: number; max?: number } = {}): { value: unknown; path: string }[] {
    const v = this.value[field];
    if (v === undefined || v === null) {
      if (opts.min !== undefined && opts.min > 0) this.fail('is required', field);
      return [];
    }
    if (!Array.isArray(v)) {
      this.fail('must be a list', field);
      return [];
    }
    if (opts.min !== undefined && v.length < opts.min) this.fail(`must have at least ${opts.min} item(s)`, field);
    if (opts.max !== undefined && v.length > opts.max) this.fail(`must have at most ${opts.max} items`, field);
    return v.map((value: unknown, i) => ({ value, path: `${this.child(field)}[${i}]` }));
  }

  stringMap(field: string): Record<string, string> {
    const v = this.value[field];
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) {
      this.fail('must be a map of strings', field);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, item] of Object.entries(v)) {
      if (typeof item !== 'string') this.fail('must be a string', `${field}.${k}`);
      else out[k] = item;
    }
    return out;
  }

  /** Fields present on the object that the caller does not know, to report typos. */
  unknownFields(known: readonly string[]): string[] {
    return Object.keys(this.value).filter((k) => !known.includes(k));
  }
}
