import { GatewayError } from '../core/errors.js';

/**
 * One linear pass over a JSON body that checks it is a well-formed object (exactly as
 * JSON.parse would judge the bytes decoded as UTF-8), bounds its shape before anything builds
 * it into objects, and finds where each top-level member's value lies. Parsing is what costs:
 * a body of a million short keys holds the event loop for seconds in JSON.parse, while this
 * pass stops at the first limit it crosses. A body the gateway only forwards, with at most its
 * model replaced, is never parsed at all: the spans are enough.
 */

export interface JsonLimits {
  /** Containers nested in one another. */
  maxDepth: number;
  /** Members of one object. */
  maxMembers: number;
  /** Elements of one array. */
  maxElements: number;
  /** Values in the whole body, containers and object members included. */
  maxValues: number;
}

/** For a body that is only forwarded: its shape is checked, it is never built into objects. */
export const FORWARD_LIMITS: JsonLimits = { maxDepth: 128, maxMembers: 10_000, maxElements: 1_000_000, maxValues: Number.POSITIVE_INFINITY };
/** For a body that is parsed (to translate it): its values bound what parsing it costs. */
export const PARSE_LIMITS: JsonLimits = { ...FORWARD_LIMITS, maxValues: 200_000 };

/** Where a top-level member's value lies in the body: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface JsonObjectShape {
  /** Each top-level key's value (the last one when a key is repeated, as JSON.parse keeps). */
  members: Map<string, Span>;
  /** Top-level keys that appear more than once, with the values before the last. */
  repeated: Map<string, Span[]>;
}

/** The bytes JSON is made of. */
const B_TAB = 0x09;
const B_LF = 0x0a;
const B_CR = 0x0d;
const B_SPACE = 0x20;
const B_QUOTE = 0x22;
const B_PLUS = 0x2b;
const B_COMMA = 0x2c;
const B_MINUS = 0x2d;
const B_DOT = 0x2e;
const B_ZERO = 0x30;
const B_NINE = 0x39;
const B_COLON = 0x3a;
const B_OPEN_BRACKET = 0x5b;
const B_BACKSLASH = 0x5c;
const B_CLOSE_BRACKET = 0x5d;
const B_OPEN_BRACE = 0x7b;
const B_CLOSE_BRACE = 0x7d;

const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const LITERALS: readonly Buffer[] = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

class Invalid extends Error {}

function isSpace(c: number): boolean {
  return c === B_SPACE || c === B_LF || c === B_CR || c === B_TAB;
}

function isDigit(c: number): boolean {
  return c >= B_ZERO && c <= B_NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/**
 * Checks the body and returns its top-level members. Throws `invalid_json_body` for anything
 * JSON.parse would refuse or that is not an object, and `body_too_complex` naming the limit.
 */
export function scanJsonObject(buf: Buffer, limits: JsonLimits): JsonObjectShape {
  try {
    return new Scanner(buf, limits).object();
  } catch (err) {
    if (err instanceof Invalid) {
      throw new GatewayError('invalid_json_body', buf.length === 0 ? 'request body is empty; expected a JSON object' : err.message === '' ? 'request body is not valid JSON' : err.message);
    }
    throw err;
  }
}

class Scanner {
  private i = 0;
  private values = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: JsonLimits,
  ) {}

  object(): JsonObjectShape {
    const { buf } = this;
    this.skipSpace();
    if (buf[this.i] !== B_OPEN_BRACE) {
      this.value(0);
      this.end();
      throw new Invalid('request body must be a JSON object');
    }
    const members = new Map<string, Span>();
    const repeated = new Map<string, Span[]>();
    this.count();
    this.i++;
    this.skipSpace();
    if (buf[this.i] === B_CLOSE_BRACE) {
      this.i++;
      this.end();
      return { members, repeated };
    }
    let n = 0;
    for (;;) {
      if (++n > this.limits.maxMembers) throw tooComplex(`an object has more than ${this.limits.maxMembers} members`);
      const keyStart = this.i;
      this.key();
      const key = decodeKey(buf, keyStart, this.i);
      this.colon();
      const start = this.i;
      this.value(1);
      const before = members.get(key);
      if (before !== undefined) repeated.set(key, [...(repeated.get(key) ?? []), before]);
      members.set(key, { start, end: this.i });
      this.skipSpace();
      const c = buf[this.i++];
      if (c === B_CLOSE_BRACE) break;
      if (c !== B_COMMA) throw new Invalid();
      this.skipSpace();
    }
    this.end();
    return { members, repeated };
  }

  private end(): void {
    this.skipSpace();
    if (this.i !== this.buf.length) throw new Invalid();
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) throw tooComplex(`the body holds more than ${this.limits.maxValues} values`);
  }

  private skipSpace(): void {
    const { buf } = this;
    while (this.i < buf.length && isSpace(buf[this.i] as number)) this.i++;
  }

  private colon(): void {
    this.skipSpace();
    if (this.buf[this.i] !== B_COLON) throw new Invalid();
    this.i++;
    this.skipSpace();
  }

  private key(): void {
    if (this.buf[this.i] !== B_QUOTE) throw new Invalid();
    this.string();
  }

  /** One value starting at `i` (no leading space), ending with `i` just after it. */
  private value(depth: number): void {
    this.count();
    const c = this.buf[this.i];
    if (c === B_QUOTE) this.string();
    else if (c === B_OPEN_BRACE || c === B_OPEN_BRACKET) this.container(depth + 1);
    else if (c === B_MINUS || (c !== undefined && isDigit(c))) this.number();
    else this.literal();
  }

  /**
   * An object or array, walked with an explicit stack (one byte per level: the closing
   * bracket expected) so depth costs no native stack.
   */
  private container(depth: number): void {
    const { buf, limits } = this;
    const stack: number[] = [];
    const counts: number[] = [];
    let level = depth;
    const open = (c: number): boolean => {
      if (level > limits.maxDepth) throw tooComplex(`values are nested more than ${limits.maxDepth} levels deep`);
      stack.push(c === B_OPEN_BRACE ? B_CLOSE_BRACE : B_CLOSE_BRACKET);
      counts.push(0);
      this.i++;
      this.skipSpace();
      if (buf[this.i] !== stack[stack.length - 1]) return true;
      this.i++;
      stack.pop();
      counts.pop();
      return false;
    };
    if (!open(buf[this.i] as number)) return;
    for (;;) {
      const close = stack[stack.length - 1] as number;
      const top = counts.length - 1;
      const n = (counts[top] as number) + 1;
      counts[top] = n;
      if (close === B_CLOSE_BRACE) {
        if (n > limits.maxMembers) throw tooComplex(`an object has more than ${limits.maxMembers} members`);
        this.key();
        this.colon();
      } else if (n > limits.maxElements) throw tooComplex(`an array has more than ${limits.maxElements} elements`);
      const c = buf[this.i];
      let closed = false;
      if (c === B_OPEN_BRACE || c === B_OPEN_BRACKET) {
        this.count();
        level++;
        if (open(c)) continue;
        level--;
      } else this.value(level);
      // After a value: a comma, or the end of as many containers as close here.
      for (;;) {
        this.skipSpace();
        const next = buf[this.i++];
        if (next === B_COMMA) {
          this.skipSpace();
          break;
        }
        if (next !== stack[stack.length - 1]) throw new Invalid();
        stack.pop();
        counts.pop();
        level--;
        if (stack.length === 0) {
          closed = true;
          break;
        }
      }
      if (closed) return;
    }
  }

  private string(): void {
    const { buf } = this;
    const n = buf.length;
    let i = this.i + 1;
    while (i < n) {
      const c = buf[i] as number;
      if (c === B_QUOTE) {
        this.i = i + 1;
        return;
      }
      if (c === B_BACKSLASH) {
        const e = buf[i + 1];
        if (e === 0x75) {
          for (let k = i + 2; k < i + 6; k++) if (!isHex(buf[k] ?? 0)) throw new Invalid();
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else throw new Invalid();
      } else if (c < B_SPACE) throw new Invalid();
      else i++;
    }
    throw new Invalid();
  }

  private number(): void {
    const { buf } = this;
    let i = this.i;
    if (buf[i] === B_MINUS) i++;
    if (buf[i] === B_ZERO) i++;
    else if (isDigit(buf[i] ?? 0)) while (isDigit(buf[i] ?? 0)) i++;
    else throw new Invalid();
    if (buf[i] === B_DOT) {
      i++;
      if (!isDigit(buf[i] ?? 0)) throw new Invalid();
      while (isDigit(buf[i] ?? 0)) i++;
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++;
      if (buf[i] === B_PLUS || buf[i] === B_MINUS) i++;
      if (!isDigit(buf[i] ?? 0)) throw new Invalid();
      while (isDigit(buf[i] ?? 0)) i++;
    }
    this.i = i;
  }

  private literal(): void {
    for (const word of LITERALS) {
      if (this.buf.subarray(this.i, this.i + word.length).equals(word)) {
        this.i += word.length;
        return;
      }
    }
    throw new Invalid();
  }
}

function decodeKey(buf: Buffer, start: number, end: number): string {
  const raw = buf.subarray(start + 1, end - 1);
  return raw.includes(B_BACKSLASH) ? (JSON.parse(buf.toString('utf8', start, end)) as string) : raw.toString('utf8');
}

function tooComplex(what: string): GatewayError {
  return new GatewayError('body_too_complex', `request body is too complex to read: ${what}`);
}
