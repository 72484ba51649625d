/**
 * Byte-level lookups of one field in a provider's JSON answer, to avoid parsing a whole body
 * (an embeddings answer can be megabytes of numbers) for its usage. In JSON a quote inside a
 * string is always escaped, so the bytes `"key"` whose first quote is not escaped, followed by
 * `:`, can only be that object key. (A key written with escapes, `"mod\u0065l"`, is not
 * found: no provider writes its own field names so.)
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A key to look for, with its quoted bytes prepared once. */
export interface JsonKey {
  needle: Buffer;
}

export function jsonKey(name: string): JsonKey {
  return { needle: Buffer.from(JSON.stringify(name)) };
}

/** Where the value begins if the needle found at `at` is an object key (`"key" :`), else -1. */
function valueStartAfter(buf: Buffer, at: number, key: JsonKey): number {
  // An odd run of backslashes escapes the quote: the needle ends a longer key (`"x\"key"`).
  let slashes = 0;
  while (buf[at - 1 - slashes] === BACKSLASH) slashes++;
  if (slashes % 2 === 1) return -1;
  let i = at + key.needle.length;
  while (isSpace(buf[i])) i++;
  if (buf[i] !== COLON) return -1;
  i++;
  while (isSpace(buf[i])) i++;
  return i;
}

/** The end (exclusive) of the string, object or array value starting at `start`; -1 if unterminated or another type. */
export function valueEnd(buf: Buffer, start: number): number {
  const open = buf[start];
  if (open === QUOTE) return stringEnd(buf, start);
  if (open !== 0x7b && open !== 0x5b) return -1;
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      i = stringEnd(buf, i) - 1;
      if (i < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

function stringEnd(buf: Buffer, start: number): number {
  for (let i = start + 1; i < buf.length; i++) {
    const c = buf[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** The parsed value of the last `"key":` holding an object, or undefined. */
export function lastObjectValue(buf: Buffer, key: JsonKey): unknown {
  for (let at = buf.lastIndexOf(key.needle); at !== -1; at = at === 0 ? -1 : buf.lastIndexOf(key.needle, at - 1)) {
    const start = valueStartAfter(buf, at, key);
    if (start === -1 || buf[start] !== 0x7b) continue;
    return parseSlice(buf, start, valueEnd(buf, start));
  }
  return undefined;
}

/** The first `"key":` string value, or undefined. */
export function firstStringValue(buf: Buffer, key: JsonKey): string | undefined {
  for (let at = buf.indexOf(key.needle); at !== -1; at = buf.indexOf(key.needle, at + 1)) {
    const start = valueStartAfter(buf, at, key);
    if (start === -1 || buf[start] !== QUOTE) continue;
    const value = parseSlice(buf, start, stringEnd(buf, start));
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function parseSlice(buf: Buffer, start: number, end: number): unknown {
  if (end === -1) return undefined;
  try {
    return JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return undefined;
  }
}
