import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseEventTooLarge, SseParser } from './sse.js';

const parse = (pieces: readonly string[]): { event: string | undefined; data: string }[] => {
  const p = new SseParser();
  return [...pieces.flatMap((piece) => p.push(Buffer.from(piece))), ...p.end()];
};

test('events end at a blank line, whatever the line ends and wherever the stream is cut', () => {
  const text = 'event: a\r\ndata: 1\r\n\r\n: comment\ndata: 2\ndata: 3\n\ndata:4\r\rdata: last';
  const expected = [
    { event: 'a', data: '1' },
    { event: undefined, data: '2\n3' },
    { event: undefined, data: '4' },
    { event: undefined, data: 'last' },
  ];
  assert.deepEqual(parse([text]), expected);
  assert.deepEqual(parse(Array.from({ length: text.length }, (_, i) => text.charAt(i))), expected, 'one character at a time, \\r\\n split between chunks');
});

test('a large event arriving in small chunks is read in time proportional to its size', () => {
  const big = `data: ${'x'.repeat(4 * 1024 * 1024)}\n\n`;
  const pieces: string[] = [];
  for (let i = 0; i < big.length; i += 16 * 1024) pieces.push(big.slice(i, i + 16 * 1024));
  const started = performance.now();
  const events = parse(pieces);
  assert.equal(events[0]?.data.length, 4 * 1024 * 1024);
  assert.ok(performance.now() - started < 1000, 'not rescanned on every chunk');
});

test('an event that never ends is refused once it outgrows the limit, not buffered forever', () => {
  const p = new SseParser();
  const line = `data: ${'y'.repeat(1024 * 1024)}\n`;
  assert.throws(() => {
    for (let i = 0; i < 20; i++) p.push(Buffer.from(line));
  }, SseEventTooLarge);
  const q = new SseParser();
  assert.throws(() => q.push(Buffer.alloc(9 * 1024 * 1024, 'z')), SseEventTooLarge, 'one endless line too');
});
