import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { signAwsRequest } from './aws-sigv4.js';

// The signer against AWS's published SigV4 test vectors (test/fixtures/aws-sigv4-suite).

const SUITE = fileURLToPath(new URL('../../test/fixtures/aws-sigv4-suite/', import.meta.url));
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: undefined };
const DATE = new Date('2015-08-30T12:36:00Z');

/** Every case directory (those holding a `.req`), by name. */
function cases(dir: string, prefix = ''): { name: string; dir: string }[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) return [];
    const own = readdirSync(path).some((f) => f.endsWith('.req')) ? [{ name: prefix + entry, dir: path }] : [];
    return [...own, ...cases(path, `${prefix}${entry}/`)];
  });
}

/** A raw `.req`: request line, headers (repeated ones joined with commas, folded lines with spaces), body. */
function parseRequest(text: string): { method: string; path: string; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = text.split(/\n\n/, 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const path = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const headers: Record<string, string> = {};
  let last = '';
  for (const line of lines) {
    if (line === '') continue;
    if (/^\s/.test(line)) {
      headers[last] = `${headers[last] ?? ''} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    last = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1);
    headers[last] = headers[last] === undefined ? value : `${headers[last]},${value}`;
  }
  return { method, path, headers, body };
}

/**
 * Vectors for what the gateway never sends: a token added after signing (it always signs the
 * token, as Bedrock requires), paths with empty segments (`//`), and non-ASCII query keys (the
 * signer orders query keys before encoding them). Bedrock paths are `/model/{id}/{action}`
 * with no query.
 */
const NOT_APPLICABLE = new Set(['post-sts-token/post-sts-header-after', 'normalize-path/get-slash', 'normalize-path/get-slashes', 'get-vanilla-query-order-encoded']);

for (const c of cases(SUITE)) {
  if (NOT_APPLICABLE.has(c.name)) continue;
  const file = (ext: string): string => readFileSync(join(c.dir, `${c.name.split('/').at(-1) ?? ''}.${ext}`), 'utf8');
  test(`SigV4 test vector ${c.name}`, async () => {
    const request = parseRequest(file('req'));
    // The token is in the request, or (get-vanilla-with-session-token) only in the canonical request.
    const token = request.headers['x-amz-security-token'] ?? /^x-amz-security-token:(.*)$/m.exec(file('creq'))?.[1];
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'x-amz-security-token'));
    const added = await signAwsRequest(
      { method: request.method, origin: `https://${request.headers.host ?? ''}`, path: request.path, headers, body: request.body === '' ? null : Buffer.from(request.body) },
      { ...KEYS, sessionToken: token },
      { region: 'us-east-1', service: 'service' },
      DATE,
    );
    assert.equal(added.authorization, file('authz'));
  });
}

test('a Bedrock Converse call: the model id travels encoded once and is signed encoded twice', async () => {
  // The canonical request signs /model/anthropic.claude-3-haiku-20240307-v1%253A0/converse.
  const body = Buffer.from('{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}');
  const added = await signAwsRequest(
    { method: 'POST', origin: 'https://bedrock-runtime.us-east-1.amazonaws.com', path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', headers: { 'content-type': 'application/json', accept: 'application/json' }, body },
    KEYS,
    { region: 'us-east-1', service: 'bedrock' },
    DATE,
  );
  assert.equal(added['x-amz-date'], '20150830T123600Z');
  assert.equal(
    added.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=202e2d0b76609e71f2e58d963639675b167d7ead0eb4c835e4874b4e2dd12143',
  );
});
