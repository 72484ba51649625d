import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstStringValue, jsonKey, lastObjectValue, replaceOnlyStringValue } from './json-scan.js';
import { createUsageTap } from './usage.js';

const buf = (v: string): Buffer => Buffer.from(v);

test('the model is spliced in place, keeping every other byte', () => {
  const body = '{ "model" : "gpt-4o", "messages": [{"role":"user","content":"say \\"model\\": \\"x\\" ünïcode"}] }';
  const out = replaceOnlyStringValue(buf(body), jsonKey('model'), 'gpt-3.5-turbo');
  assert.equal(out?.toString(), body.replace('"gpt-4o"', '"gpt-3.5-turbo"'));
  assert.deepEqual(JSON.parse(out?.toString() ?? ''), { ...JSON.parse(body) as object, model: 'gpt-3.5-turbo' });
});

test('a second "model" key anywhere (a tool schema) means no splice', () => {
  const body = '{"model":"a","tools":[{"function":{"parameters":{"properties":{"model":{"type":"string"}}}}}]}';
  assert.equal(replaceOnlyStringValue(buf(body), jsonKey('model'), 'b'), undefined);
});

test('usage is read from the last usage object, model from the first model string', () => {
  const body = buf('{"model":"gpt-4o-0125","choices":[{"message":{"content":"the \\"usage\\": {} of words"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"details":{"x":"}"}}}');
  assert.deepEqual(lastObjectValue(body, jsonKey('usage')), { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, details: { x: '}' } });
  assert.equal(firstStringValue(body, jsonKey('model')), 'gpt-4o-0125');
  const tap = createUsageTap('application/json');
  for (let i = 0; i < body.length; i += 7) tap?.push(body.subarray(i, i + 7));
  assert.deepEqual(tap?.finish(), { usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 }, model: 'gpt-4o-0125' });
});

test('SSE usage arrives in the final chunk, split across reads', () => {
  const stream = buf('data: {"model":"m","choices":[{"delta":{"content":"usage"}}]}\n\ndata: {"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\ndata: [DONE]\n\n');
  const tap = createUsageTap('text/event-stream; charset=utf-8');
  for (let i = 0; i < stream.length; i += 5) tap?.push(stream.subarray(i, i + 5));
  assert.deepEqual(tap?.finish(), { usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 }, model: 'm' });
});

test('a body without usage reads as none', () => {
  const tap = createUsageTap('application/json');
  tap?.push(buf('{"error":{"message":"bad"}}'));
  assert.deepEqual(tap?.finish(), { usage: undefined, model: undefined });
});

test('a "model" string value (Gemini roles) is not taken for the key', () => {
  const body = '{"contents":[{"role":"model"}],"model":"a"}';
  assert.equal(replaceOnlyStringValue(buf(body), jsonKey('model'), 'b')?.toString(), body.replace('"a"', '"b"'));
});

test('an SSE answer without line ends costs linear time, and a line past the limit is skipped whole', () => {
  const tap = createUsageTap('text/event-stream');
  const piece = buf('x'.repeat(16 * 1024));
  const started = performance.now();
  // 64 MiB with no line end: each read searches only what it brought.
  for (let i = 0; i < 4096; i++) tap?.push(piece);
  assert.ok(performance.now() - started < 3000, 'no rescanning of what is held');
  // The tail of the overlong line looks like a usage event: it is still part of that line.
  tap?.push(buf('data: {"usage":{"prompt_tokens":9,"completion_tokens":9}}\n'));
  tap?.push(buf('data: {"model":"m","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\n'));
  assert.deepEqual(tap?.finish(), { usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 }, model: 'm' });
});
