import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bodyWithModel } from '../../src/proxy/ai-request.js';
import { firstStringValue, jsonKey, lastObjectValue, valueEnd } from '../../src/proxy/json-scan.js';
import { FORWARD_LIMITS, scanJsonObject } from '../../src/proxy/json-shape.js';
import { entriesInOrder, keyArb, parsedValue, styleArb, treeArb, writeJson, type JsonTree } from './json-text.js';
import { params, timed } from './support.js';

// The byte-level JSON lookups of src/proxy/json-scan.ts against JSON.parse. Documents come
// from json-text.ts: trees written with varying whitespace and escapes, holding keys named
// "model" and "usage" at any depth and strings made to look like them.

const MODEL = jsonKey('model');
const USAGE = jsonKey('usage');

/** Documents whose keys hold no quote and are written without escapes, as JSON.stringify writes them. */
const plainKeys = treeArb(keyArb({ quotes: false }));
/** Documents whose keys may hold anything, written with escapes anywhere. */
const anyKeys = treeArb(keyArb({ quotes: true }));

const newModel = fc.oneof(fc.constantFrom('gpt-4o', '', 'a"b\\c', '\u2028', '\ud800', '漢字'), fc.string({ unit: 'binary', maxLength: 8 }));

/** A top-level object, often with a top-level "model" string placed among its entries. */
function bodyArb(tree: { object: fc.Arbitrary<JsonTree> }): fc.Arbitrary<JsonTree> {
  return fc
    .record({
      body: tree.object,
      model: fc.option(fc.string({ unit: 'binary', maxLength: 8 }), { freq: 3 }),
      at: fc.nat(),
    })
    .map(({ body, model, at }) => {
      if (body.t !== 'object' || model === null) return body;
      const entries = [...body.entries];
      entries.splice(at % (entries.length + 1), 0, ['model', { t: 'string', value: model }]);
      return { t: 'object', entries };
    });
}

/**
 * The body a Backend's model is set in, as the gateway forwards it (scanned, never parsed):
 * it means the client's body with the one model, and every `model` key it has holds that
 * model, so that no provider, whichever of two keys it reads, gets the client's.
 */
function checkSplice(text: string, model: string): void {
  const raw = Buffer.from(text);
  const shape = scanJsonObject(raw, FORWARD_LIMITS);
  const span = shape.members.get('model');
  const clientModel: unknown = span === undefined ? undefined : JSON.parse(raw.toString('utf8', span.start, span.end));
  const out = bodyWithModel({ raw, json: undefined, shape, model: typeof clientModel === 'string' ? clientModel : undefined, stream: false, includeUsage: false }, model);
  assert.ok(out !== null);
  assert.deepEqual(JSON.parse(out.toString('utf8')), { ...(JSON.parse(text) as Record<string, unknown>), model }, 'the body means the client\'s with the one model');
  const sent = scanJsonObject(out, FORWARD_LIMITS);
  for (const s of [...(sent.repeated.get('model') ?? []), ...[sent.members.get('model')]]) {
    assert.equal(s === undefined ? undefined : JSON.parse(out.toString('utf8', s.start, s.end)), model, 'every model key holds the Backend\'s');
  }
}

test('bodyWithModel: the body means the client\'s with the Backend\'s model, whatever its keys and their escapes', () => {
  checkSplice('{"mod\\u0065l":"a","x":{"model":"b"}}', 'backend-model');
  checkSplice('{"model":"a","model":"b"}', 'backend-model');
  fc.assert(
    fc.property(bodyArb(anyKeys), styleArb, newModel, (tree, style, model) => {
      if (tree.t === 'object') checkSplice(writeJson(tree, style, true), model);
    }),
    params(400),
  );
});

/** The reference for firstStringValue: the first "model" entry in document order whose value is a string. */
function firstModelString(tree: JsonTree): string | undefined {
  for (const [k, v] of entriesInOrder(tree)) if (k === 'model' && v.t === 'string') return v.value;
  return undefined;
}

/** The reference for lastObjectValue: the last "usage" entry in document order whose value is an object. */
function lastUsageObject(tree: JsonTree): unknown {
  let found: JsonTree | undefined;
  for (const [k, v] of entriesInOrder(tree)) if (k === 'usage' && v.t === 'object') found = v;
  return found === undefined ? undefined : parsedValue(found);
}

test('firstStringValue and lastObjectValue read what JSON.parse reads (keys written as JSON.stringify writes them)', () => {
  fc.assert(
    fc.property(plainKeys.value, styleArb, (tree, style) => {
      const buf = Buffer.from(writeJson(tree, style, false));
      assert.equal(firstStringValue(buf, MODEL), firstModelString(tree));
      assert.deepEqual(lastObjectValue(buf, USAGE), lastUsageObject(tree));
    }),
    params(400),
  );
});

test(
  'firstStringValue and lastObjectValue do not take a key ending in an escaped quote and the name for the key',
  () => {
    assert.equal(firstStringValue(Buffer.from('{"x\\"model":"v"}'), MODEL), undefined);
    fc.assert(
      fc.property(anyKeys.value, styleArb, (tree, style) => {
        const buf = Buffer.from(writeJson(tree, style, false));
        assert.equal(firstStringValue(buf, MODEL), firstModelString(tree));
        assert.deepEqual(lastObjectValue(buf, USAGE), lastUsageObject(tree));
      }),
      params(400),
    );
  },
);

test('valueEnd finds the end of any string, object or array at any offset, whatever surrounds it; -1 for other values', () => {
  fc.assert(
    fc.property(anyKeys.value, styleArb, fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), (tree, style, before, after) => {
      const value = Buffer.from(writeJson(tree, style, true).trim());
      const buf = Buffer.concat([before, value, after]);
      const expected = tree.t === 'literal' ? -1 : before.length + value.length;
      assert.equal(valueEnd(buf, before.length), expected);
      // Cut short, the value has no end.
      if (tree.t !== 'literal') assert.equal(valueEnd(buf.subarray(0, before.length + value.length - 1), before.length), -1);
    }),
    params(400),
  );
});

/** The key lookups on any bytes: no exception, results of the documented types and ranges. */
function scanAnything(buf: Buffer, start: number): void {
  const end = valueEnd(buf, start);
  assert.ok(end === -1 || (end > start && end <= buf.length), `valueEnd ${end} from ${start} in ${buf.length} bytes`);
  const model = firstStringValue(buf, MODEL);
  assert.ok(model === undefined || typeof model === 'string');
  const usage = lastObjectValue(buf, USAGE);
  assert.ok(usage === undefined || (typeof usage === 'object' && usage !== null && !Array.isArray(usage)));
}

test('on arbitrary bytes, and on JSON with bytes changed or cut off, every lookup returns and nothing throws', () => {
  const mutatedJson = fc
    .record({ tree: anyKeys.value, style: styleArb, edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), cut: fc.nat() })
    .map(({ tree, style, edits, cut }) => {
      const buf = Buffer.from(writeJson(tree, style, true));
      for (const [at, byte] of edits) if (buf.length > 0) buf[at % buf.length] = byte;
      return buf.subarray(0, buf.length - (cut % (buf.length + 1)));
    });
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.array(fc.constantFrom('"model"', '"usage"', ':', ' ', '"', '\\', '{', '}', '[', ']', 'x', ','), { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''))),
    mutatedJson,
  );
  fc.assert(
    fc.property(bytes, fc.nat(), (buf, start) => scanAnything(buf, buf.length === 0 ? 0 : start % buf.length)),
    params(1500),
  );
});

test('no input makes a lookup slower than linear: 1 MiB of adversarial repetitions scans in well under a second', () => {
  const fragments = ['"model":', '"model" ', '"model"', '"usage":{', '"usage":"', '"usage" :[', '\\', '"', '{', '[', '"model":"\\', ' '];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 4 }), (parts) => {
      const unit = parts.join('');
      const buf = Buffer.from(unit.repeat(Math.ceil((1024 * 1024) / unit.length)));
      const took = timed(() => scanAnything(buf, 0));
      assert.ok(took < 1500, `${took.toFixed(0)} ms on ${JSON.stringify(unit)} repeated`);
    }),
    params(12, 50),
  );
});
