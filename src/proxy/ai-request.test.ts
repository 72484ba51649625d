import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyWithModel, type ParsedAiRequest } from './ai-request.js';
import { FORWARD_LIMITS, scanJsonObject } from './json-shape.js';

/** The request as readAiRequest reads a body it forwards: scanned, not parsed. */
function forwarded(text: string): ParsedAiRequest {
  const raw = Buffer.from(text);
  const shape = scanJsonObject(raw, FORWARD_LIMITS);
  const span = shape.members.get('model');
  const model: unknown = span === undefined ? undefined : JSON.parse(raw.toString('utf8', span.start, span.end));
  return { raw, json: undefined, shape, model: typeof model === 'string' ? model : undefined, stream: false, includeUsage: false };
}

const withModel = (text: string, model: string): string => bodyWithModel(forwarded(text), model)?.toString() ?? '';

test('the model is spliced in place, keeping every other byte', () => {
  const body = '{ "model" : "gpt-4o", "messages": [{"role":"user","content":"say \\"model\\": \\"x\\" ünïcode"}] }';
  assert.equal(withModel(body, 'gpt-3.5-turbo'), body.replace('"gpt-4o"', '"gpt-3.5-turbo"'));
});

test('only the top-level model is replaced: not a tool schema\'s, not a Gemini role, not a key written with escapes', () => {
  const schema = '{"model":"a","tools":[{"function":{"parameters":{"properties":{"model":{"type":"string"}}}}}]}';
  assert.equal(withModel(schema, 'b'), schema.replace('"a"', '"b"'));
  const roles = '{"contents":[{"role":"model"}],"model":"a"}';
  assert.equal(withModel(roles, 'b'), roles.replace('"a"', '"b"'));
  const escaped = '{"mod\\u0065l":"a","x":{"model":"nested"}}';
  assert.deepEqual(JSON.parse(withModel(escaped, 'b')), { model: 'b', x: { model: 'nested' } });
});

test('a model that is not a string is replaced; a missing one is added first', () => {
  assert.equal(withModel('{"model":5,"n":1}', 'b'), '{"model":"b","n":1}');
  assert.equal(withModel('{"n":1}', 'b'), '{"model":"b","n":1}');
  assert.equal(withModel('{}', 'b'), '{"model":"b"}');
});
