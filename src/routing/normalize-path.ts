import { GatewayError } from '../core/errors.js';

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const DOT = 0x2e;
const HASH = 0x23;

/**
 * What can make a path change under normalization: a percent escape, a backslash, `//`, or a
 * `.`/`..` segment. A path without any of them (nearly every request) is returned as it is.
 */
const NEEDS_WORK = /[%\\#]|\/\/|\/\.\.?(?:\/|$)/;

/** `scheme://authority` at the start of an absolute-form request target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/**
 * The path rules are matched against and the upstream receives, from the request target
 * without its query. Both must be the same string: an upstream that resolves `..` or merges
 * slashes itself would otherwise serve a path no rule matched (`/static/../internal`).
 *
 * As Envoy does with `normalize_path` and `merge_slashes`:
 * - escapes of unreserved characters (letters, digits, `-._~`) are decoded (RFC 3986
 *   §6.2.2.2): `%2e%2e` is a `..` segment and `/%69nternal` is `/internal`, as an upstream
 *   that decodes them would read it;
 * - `.` and `..` segments are removed (RFC 3986 §5.2.4); a `..` at the root stays at the root;
 * - then repeated slashes are merged;
 * - every other percent escape is kept byte for byte (decoding `%2F` would change segments).
 *
 * A fragment (`#`, which no client sends in a request target) is refused too.
 *
 * An encoded slash or backslash (`%2F`, `%5C`), a raw backslash (which some servers take for
 * a slash) or a malformed escape (`%zz`, `%4`) gives 400 `invalid_path`: the segments the
 * upstream sees could differ from the ones matched. The asterisk-form `*` is kept; an
 * absolute-form target (`http://host/path`) is reduced to its path.
 */
export function normalizePath(raw: string): string | GatewayError {
  if (raw.charCodeAt(0) === SLASH) return NEEDS_WORK.test(raw) ? normalizeOriginForm(raw) : raw;
  if (raw === '*') return raw;
  const authority = ABSOLUTE_FORM.exec(raw);
  if (authority !== null) return normalizePath(raw.slice(authority[0].length) || '/');
  return invalid('the request target must be a path starting with "/"');
}

function normalizeOriginForm(raw: string): string | GatewayError {
  const decoded = decodeUnreserved(raw);
  return decoded instanceof GatewayError ? decoded : removeDotSegments(decoded);
}

/** Checks every escape, decodes those of unreserved characters and refuses what could split a segment differently upstream. */
function decodeUnreserved(raw: string): string | GatewayError {
  let out = '';
  let copied = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH) return invalid('the path has a backslash');
    if (c === HASH) return invalid('the request target has a fragment');
    if (c !== PERCENT) continue;
    const byte = hexByte(raw, i + 1);
    if (byte === -1) return invalid('the path has a malformed percent escape');
    if (byte === SLASH || byte === BACKSLASH) return invalid('the path has an encoded slash or backslash (%2F, %5C)');
    if (isUnreserved(byte)) {
      out += raw.slice(copied, i) + String.fromCharCode(byte);
      copied = i + 3;
    }
    i += 2;
  }
  return copied === 0 ? raw : out + raw.slice(copied);
}

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(byte: number): boolean {
  const lower = byte | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === DOT || byte === 0x2d || byte === 0x5f || byte === 0x7e;
}

/**
 * RFC 3986 remove_dot_segments, then merge_slashes. Empty segments count while dots are
 * resolved (`/a//../b` is `/a/b`, as in Envoy and WHATWG URL) and are dropped afterwards; a
 * path that ended in `/`, `/.` or `/..` keeps its trailing slash.
 */
function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const kept: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment === '..') kept.pop();
    else if (segment !== '.') kept.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailingSlash = last === '' || last === '.' || last === '..';
  const merged = kept.filter((s) => s !== '');
  if (merged.length === 0) return '/';
  return `/${merged.join('/')}${trailingSlash ? '/' : ''}`;
}

/** The byte of the two hex digits at `at`, or -1. */
function hexByte(s: string, at: number): number {
  const hi = hexDigit(s.charCodeAt(at));
  const lo = hexDigit(s.charCodeAt(at + 1));
  return hi === -1 || lo === -1 ? -1 : hi * 16 + lo;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_path', message);
}
