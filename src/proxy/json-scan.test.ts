import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstStringValue, jsonKey, lastObjectValue } from './json-scan.js';
import { createUsageTap } from './usage.js';

const buf = (v: string): Buffer => Buffer.from(v);

test('a key that only ends in the name is not the name: {"x\\"model": ...}', () => {
  assert.equal(firstStringValue(buf('{"x\\"model":"v","model":"m"}'), jsonKey('model')), 'm');
  assert.deepEqual(lastObjectValue(buf('{"usage":{"a":1},"x\\"usage":{"b":2}}'), jsonKey('usage')), { a: 1 });
  assert.equal(firstStringValue(buf('{"x\\\\":"model","model":"m"}'), jsonKey('model')), 'm');
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
