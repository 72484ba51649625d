import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GatewayError } from '../core/errors.js';
import { normalizePath } from './normalize-path.js';

function refused(raw: string): GatewayError {
  const result = normalizePath(raw);
  assert.ok(result instanceof GatewayError, `${raw} should be refused, got ${String(result)}`);
  assert.equal(result.code, 'invalid_path');
  assert.equal(result.status, 400);
  return result;
}

function cases(pairs: readonly (readonly [string, string])[]): void {
  for (const [raw, expected] of pairs) assert.equal(normalizePath(raw), expected, raw);
}

describe('normalizePath', () => {
  test('a clean path is returned as it is', () => {
    for (const p of ['/', '/v1/chat/completions', '/static/app.js', '/.well-known/x', '/a/.../b', '/a/..b/c.', '/a/b/']) {
      assert.equal(normalizePath(p), p);
    }
  });

  test('. and .. segments are resolved', () => {
    cases([
      ['/static/../internal/secret', '/internal/secret'],
      ['/a/b/../c', '/a/c'],
      ['/a/./b', '/a/b'],
      ['/a/b/..', '/a/'],
      ['/a/b/.', '/a/b/'],
      ['/a/b/../', '/a/'],
      ['/.', '/'],
    ]);
  });

  test('.. above the root stays at the root, as Envoy and RFC 3986 do', () => {
    cases([
      ['/..', '/'],
      ['/../a', '/a'],
      ['/a/../../../b', '/b'],
      ['/%2e%2e/%2e%2e/internal', '/internal'],
    ]);
  });

  test('%2E in any case is a dot, so encoded dot segments resolve too', () => {
    cases([
      ['/static/%2e%2e/internal/secret', '/internal/secret'],
      ['/static/%2E%2E/internal/secret', '/internal/secret'],
      ['/static/.%2E/internal', '/internal'],
      ['/static/%2e./internal', '/internal'],
      ['/static/%2e/a', '/static/a'],
      ['/file%2Etxt', '/file.txt'],
    ]);
  });

  test('repeated slashes are merged after dots are resolved, keeping a trailing slash', () => {
    cases([
      ['//a', '/a'],
      ['/a//b', '/a/b'],
      ['/a///b//', '/a/b/'],
      ['/static/./a//b', '/static/a/b'],
      // The `..` removes the empty segment, as in Envoy and WHATWG URL.
      ['/a//../b', '/a/b'],
      ['/static//../internal/secret', '/static/internal/secret'],
      ['//', '/'],
    ]);
  });

  test('escapes of unreserved characters are decoded, as an upstream that decodes them reads the path', () => {
    cases([
      ['/%69nternal/secret', '/internal/secret'],
      ['/a/%41%62%2D%5F%7e%30', '/a/Ab-_~0'],
    ]);
  });

  test('other percent escapes are kept byte for byte', () => {
    cases([
      ['/a/%20b/../c%3A', '/a/c%3A'],
      ['/a/%252e%252e/b', '/a/%252e%252e/b'],
      ['/%c3%a9/./x', '/%c3%a9/x'],
    ]);
  });

  test('an encoded slash or backslash is refused', () => {
    for (const p of ['/static/..%2finternal', '/a%2Fb', '/a%5cb', '/a%5C..%5Cb']) refused(p);
    assert.match(refused('/a%2F').message, /encoded slash/);
    assert.match(refused('/static/x#/../../internal').message, /fragment/);
  });

  test('a raw backslash is refused: some servers read it as a slash', () => {
    refused('/static\\..\\internal');
  });

  test('a malformed percent escape is refused', () => {
    for (const p of ['/a/%zz', '/a/%4', '/a/%', '/a%4/b', '/a/%g0', '/%%2e']) refused(p);
  });

  test('the asterisk-form is kept; an absolute-form target is reduced to its path', () => {
    assert.equal(normalizePath('*'), '*');
    cases([
      ['http://example.com/static/../internal', '/internal'],
      ['HTTPS://example.com:8443/a//b', '/a/b'],
      ['http://example.com', '/'],
    ]);
    refused('http://example.com/a%2fb');
  });

  test('any other target that does not start with / is refused', () => {
    for (const p of ['', 'a/b', '../internal', 'example.com/x']) refused(p);
  });
});

/** Segments that exercise every rule, including ones that must be refused. */
const SEGMENTS = ['', '', '.', '..', '%2e', '%2E%2e', '.%2E', '%2e.', 'a', 'b', '%41', '%20', '%2f', '%5C', '%zz', '%4', 'é', '日本', '..a', 'a.', '%252e', 'x%2ey', '\\'];

const pathArb = fc
  .array(fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[a-c.%2eEfF5]{0,4}$/)), { maxLength: 10 })
  .map((segments) => `/${segments.join('/')}`);

function mergeSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

/** RFC 3986 §5.2.4 as written there: a string buffer, not segments, so it shares no code path. */
function removeDotSegments(path: string): string {
  let input = path;
  let output = '';
  const dropLastOutputSegment = (): void => {
    output = output.slice(0, Math.max(0, output.lastIndexOf('/')));
  };
  while (input !== '') {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./') || input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      dropLastOutputSegment();
    } else if (input === '/..') {
      input = '/';
      dropLastOutputSegment();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', 1);
      const end = next === -1 ? input.length : next;
      output += input.slice(0, end);
      input = input.slice(end);
    }
  }
  return output;
}

/** Decodes the escapes of unreserved characters (RFC 3986 §2.3), leaving the rest. */
const decodeDots = (path: string): string =>
  path.replace(/%[0-9a-f]{2}/gi, (escape) => {
    const c = String.fromCharCode(parseInt(escape.slice(1), 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : escape;
  });

/**
 * WHATWG URL resolves the same dot segments (it keeps %2e elsewhere, and `//`). Node 20's
 * parser (ada) leaves dot segments unresolved after a segment such as `.f`
 * (ada-url/ada#935), so those paths are left to the RFC reference.
 */
function whatwg(path: string): string | undefined {
  if (decodeDots(path).split('/').some((s) => s.startsWith('.') && s !== '.' && s !== '..')) return undefined;
  return decodeDots(mergeSlashes(new URL(`http://x${path}`).pathname));
}

/** Percent-encodes what WHATWG URL would, so outputs with raw non-ASCII can be compared. */
function asUrlPath(path: string): string {
  return new URL(`http://x${path}`).pathname;
}

describe('normalizePath properties', () => {
  test('returns a normalized path or a 400 invalid_path, never throws', () => {
    fc.assert(
      fc.property(pathArb, (raw) => {
        const result = normalizePath(raw);
        if (result instanceof GatewayError) {
          assert.equal(result.code, 'invalid_path');
          return;
        }
        assert.ok(result.startsWith('/'), result);
        assert.ok(!result.includes('//'), result);
        assert.ok(!/%2e/i.test(result), result);
        for (const segment of result.split('/')) assert.ok(segment !== '.' && segment !== '..', result);
      }),
      { numRuns: 2000 },
    );
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(pathArb, (raw) => {
        const once = normalizePath(raw);
        if (typeof once === 'string') assert.equal(normalizePath(once), once);
      }),
      { numRuns: 2000 },
    );
  });

  test('agrees with RFC 3986 remove_dot_segments followed by merging slashes', () => {
    fc.assert(
      fc.property(pathArb, (raw) => {
        const result = normalizePath(raw);
        if (typeof result === 'string') assert.equal(result, mergeSlashes(removeDotSegments(decodeDots(raw))), raw);
      }),
      { numRuns: 2000 },
    );
  });

  test('agrees with WHATWG URL followed by merging slashes', () => {
    fc.assert(
      fc.property(pathArb, (raw) => {
        const result = normalizePath(raw);
        const expected = whatwg(raw);
        if (typeof result === 'string' && expected !== undefined) assert.equal(asUrlPath(result), expected, raw);
      }),
      { numRuns: 2000 },
    );
  });

  test('refuses exactly the paths with an encoded slash, a backslash or a malformed escape', () => {
    const unsafe = /%(?:2f|5c)|\\|%(?![0-9a-f]{2})/i;
    fc.assert(
      fc.property(pathArb, (raw) => {
        assert.equal(normalizePath(raw) instanceof GatewayError, unsafe.test(raw), raw);
      }),
      { numRuns: 2000 },
    );
  });
});
