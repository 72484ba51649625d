import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonStringEnd } from './json-literal.js';
import { textDelta } from '../openai-anthropic/text-delta.js';

test('every string JSON.stringify writes is a literal, to its last character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const literal = JSON.stringify(s);
      assert.equal(jsonStringEnd(`${literal}}}`, 0), literal.length);
    }),
  );
});

test('whatever passes as a literal is one: JSON.parse reads it as a string', () => {
  const pieces = fc.constantFrom('"', '\\', 'a', 'é', '\n', '\u0001', '\\u00e9', '\\uZZZZ', '\\n', '\\x', '/', '\\/', '\u2028');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
      const text = `"${parts.join('')}`;
      const end = jsonStringEnd(text, 0);
      if (end === -1) return;
      assert.equal(typeof JSON.parse(text.slice(0, end)), 'string');
    }),
    { numRuns: 2000 },
  );
});

test("Anthropic's text deltas are read without parsing; anything not written exactly so is left to the parser", () => {
  assert.deepEqual(textDelta('{"type":"content_block_delta","index":12,"delta":{"type":"text_delta","text":"a \\"b\\" \\u00e9"}}'), { index: 12, literal: '"a \\"b\\" \\u00e9"' });
  for (const other of [
    '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{"}}',
    '{"type": "content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"},"extra":1}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bad \\q"}}',
    '{"type":"content_block_delta","index":,"delta":{"type":"text_delta","text":"x"}}',
  ]) {
    assert.equal(textDelta(other), undefined, other);
  }
});
