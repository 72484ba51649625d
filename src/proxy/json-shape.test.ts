import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GatewayError } from '../core/errors.js';
import { FORWARD_LIMITS, PARSE_LIMITS, scanJsonObject, type JsonLimits } from './json-shape.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

/** What JSON.parse makes of the bytes: the object, or why the scanner must refuse them. */
function reference(buf: Buffer): Record<string, unknown> | 'invalid' {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch {
    return 'invalid';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : 'invalid';
}

function agreesWithJsonParse(buf: Buffer): void {
  const expected = reference(buf);
  let shape;
  try {
    shape = scanJsonObject(buf, FORWARD_LIMITS);
  } catch (err) {
    assert.ok(err instanceof GatewayError && err.code === 'invalid_json_body', `unexpected ${String(err)}`);
    assert.equal(expected, 'invalid', `refused what JSON.parse takes: ${JSON.stringify(buf.toString('latin1'))}`);
    return;
  }
  assert.notEqual(expected, 'invalid', `took what JSON.parse refuses: ${JSON.stringify(buf.toString('latin1'))}`);
  const object = expected as Record<string, unknown>;
  assert.deepEqual([...shape.members.keys()].sort(), Object.keys(object).sort());
  for (const [key, span] of shape.members) assert.deepEqual(JSON.parse(buf.toString('utf8', span.start, span.end)), object[key]);
}

/** Near-JSON text: valid documents with bytes dropped, doubled or changed. */
const mutated = fc
  .tuple(fc.json({ depthSize: 'medium' }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\n', '\u0001', '-', '0', '1e', '.', 'nul', '\\u12', '\\uZZZZ', 'é')), { maxLength: 3 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, piece] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + piece + out.slice(i + (at % 2));
    }
    return out;
  });

test('judges every document as JSON.parse does, and finds each top-level value', () => {
  fc.assert(fc.property(fc.json(), (text) => agreesWithJsonParse(Buffer.from(text))), { numRuns: RUNS });
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => agreesWithJsonParse(Buffer.from(JSON.stringify(object, null, 1)))), { numRuns: RUNS });
  fc.assert(fc.property(mutated, (text) => agreesWithJsonParse(Buffer.from(text))), { numRuns: RUNS });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => agreesWithJsonParse(Buffer.from(bytes))), { numRuns: RUNS });
});

test('edge cases JSON.parse is strict about', () => {
  for (const text of ['{}', ' {"a":1} ', '{"a":-0.5e+3}', '{"a":"\\u00e9\\n"}', '{"a":1,"a":2}', '{"\\u0061":[[],{}]}', '{"a":"é"}']) agreesWithJsonParse(Buffer.from(text));
  for (const text of ['', ' ', '[]', '1', '"x"', 'null', '{', '{"a"}', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":1,}', '{"a":[1,]}', '{"a":"\t"}', '{"a":tru}', '{"a":1}x', '\ufeff{}', '{"a":"\\x"}', '{"a":+1}', "{'a':1}"]) {
    agreesWithJsonParse(Buffer.from(text));
  }
});

test('a repeated top-level key is reported, and its last value kept (as JSON.parse keeps it)', () => {
  const buf = Buffer.from('{"model":"a","x":{"model":"nested"},"model":"b"}');
  const shape = scanJsonObject(buf, FORWARD_LIMITS);
  assert.deepEqual([...shape.repeated.keys()], ['model']);
  assert.deepEqual(shape.repeated.get('model')?.map((s) => buf.toString('utf8', s.start, s.end)), ['"a"']);
  const span = shape.members.get('model');
  assert.equal(buf.toString('utf8', span?.start, span?.end), '"b"');
});

function refusal(text: string, limits: JsonLimits): string {
  try {
    scanJsonObject(Buffer.from(text), limits);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'body_too_complex');
    assert.equal(err.status, 400);
    return err.message;
  }
  return 'accepted';
}

test('each limit refuses with a 400 that names it', () => {
  const small: JsonLimits = { maxDepth: 3, maxMembers: 3, maxElements: 4, maxValues: 10 };
  assert.equal(refusal('{"a":[[1]]}', small), 'accepted');
  assert.match(refusal('{"a":[[[1]]]}', small), /nested more than 3 levels deep/);
  assert.match(refusal('{"a":1,"b":2,"c":3,"d":4}', small), /an object has more than 3 members/);
  assert.match(refusal('{"a":{"a":1,"b":2,"c":3,"d":4}}', small), /an object has more than 3 members/);
  assert.match(refusal('{"a":[1,2,3,4,5]}', small), /an array has more than 4 elements/);
  assert.match(refusal('{"a":[1,2],"b":[3,4],"c":[[5,6],[7,8]]}', small), /more than 10 values/);
});

test('a body of a million short keys is refused after reading only as far as the limit', () => {
  const keys = Array.from({ length: 1_000_000 }, (_, i) => `"${i}":1`).join(',');
  const body = Buffer.from(`{"model":"m",${keys}}`);
  const started = performance.now();
  assert.match(refusal(body.toString(), PARSE_LIMITS), /more than 10000 members/);
  // The limit is crossed in the first 1% of the body.
  assert.ok(performance.now() - started < 1000);
  const nested = Buffer.from(`{"model":"m","x":{${keys}}}`);
  assert.match(refusal(nested.toString(), FORWARD_LIMITS), /more than 10000 members/);
});

test('deep nesting is refused without using the native stack', () => {
  const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  assert.match(refusal(deep, FORWARD_LIMITS), /nested more than 128 levels deep/);
  const unbounded = { ...FORWARD_LIMITS, maxDepth: Number.POSITIVE_INFINITY };
  assert.equal(refusal(deep, unbounded), 'accepted');
});
