import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SseEventTooLarge, SseParser, type SseEvent } from '../../src/translators/sse.js';
import { liveHeap, MiB, params } from './support.js';

// SseParser (src/translators/sse.ts): a stream written from known events, with every line
// ending SSE allows, comments and fields it ignores, parses to those events; cut anywhere (even
// inside a UTF-8 character or a \r\n) it parses the same; any bytes at all parse without an
// exception other than SseEventTooLarge; and what it holds stays under its limit.

interface Block {
  event: string | undefined;
  data: string[];
  /** Lines the parser skips: comments, other fields. */
  noise: { line: string; at: number }[];
}

/** Text on one line: any Unicode but line ends. */
const lineText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));

const block: fc.Arbitrary<Block> = fc.record({
  event: fc.option(fc.oneof(fc.constantFrom('message_start', 'content_block_delta', 'error', 'ping', ''), lineText), { nil: undefined }),
  data: fc.array(fc.oneof(lineText, fc.constantFrom('', ' lead', ':x', '{"a":"b"}', '[DONE]')), { maxLength: 4 }),
  noise: fc.array(
    fc.record({
      line: fc.oneof(lineText.map((t) => `:${t}`), fc.constantFrom('id: 7', 'retry: 100', 'dat: x', 'Data: x', 'data_x: y', 'eventx: y', ':')),
      at: fc.nat(),
    }),
    { maxLength: 2 },
  ),
});

const EOLS = ['\n', '\r\n', '\r'] as const;

interface Stream {
  text: string;
  events: SseEvent[];
}

/** The events' text, and the events a reader of it must see. */
const stream: fc.Arbitrary<Stream> = fc
  .record({
    blocks: fc.array(block, { maxLength: 6 }),
    eols: fc.array(fc.nat(2), { minLength: 1, maxLength: 10 }),
    spaced: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
    extraBlank: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    /** The last event: ended by a blank line, by a line end only, or by nothing. */
    tail: fc.constantFrom('blank', 'eol', 'none'),
  })
  .map(({ blocks, eols, spaced, extraBlank, tail }) => {
    let turn = 0;
    const pick = <T>(list: readonly T[]): T => list[turn++ % list.length] as T;
    let text = '';
    let lastEol = '';
    const line = (content: string): void => {
      let eol = EOLS[pick(eols)] ?? '\n';
      // A blank line after a lone \r must not start with \n: the two would read as one \r\n.
      if (content === '' && lastEol === '\r' && eol !== '\r') eol = '\r';
      text += content + eol;
      lastEol = eol;
    };
    const events: SseEvent[] = [];
    blocks.forEach((b, i) => {
      const lines = [
        ...(b.event === undefined ? [] : [pick(spaced) || b.event.startsWith(' ') ? `event: ${b.event}` : `event:${b.event}`]),
        ...b.data.map((d) => (d === '' && pick(spaced) ? 'data' : pick(spaced) || d.startsWith(' ') ? `data: ${d}` : `data:${d}`)),
      ];
      for (const n of b.noise) lines.splice(n.at % (lines.length + 1), 0, n.line);
      const last = i === blocks.length - 1;
      const cut = last && tail !== 'blank';
      lines.forEach((l, j) => {
        if (cut && tail === 'none' && j === lines.length - 1) text += l;
        else line(l);
      });
      if (!cut) {
        line('');
        if (pick(extraBlank)) line('');
      }
      // A blank line ends an event that has data or a name; the stream's end, one that has data.
      if (cut ? b.data.length > 0 : b.data.length > 0 || b.event !== undefined) events.push({ event: b.event, data: b.data.join('\n') });
    });
    return { text, events };
  });

function parseWhole(bytes: Buffer): SseEvent[] {
  const p = new SseParser();
  return [...p.push(bytes), ...p.end()];
}

function parsePieces(pieces: readonly Buffer[]): SseEvent[] {
  const p = new SseParser();
  return [...pieces.flatMap((piece) => p.push(piece)), ...p.end()];
}

/** `bytes` cut at the given points; with `empty`, cut points may repeat and give empty pieces. */
function split(bytes: Buffer, points: readonly number[], empty: boolean): Buffer[] {
  const at = points.map((p) => (bytes.length === 0 ? 0 : p % (bytes.length + 1))).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of at) {
    if (p > start || empty) out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

test('a stream written from events parses to those events, whatever its line ends, comments and other fields', () => {
  fc.assert(
    fc.property(stream, ({ text, events }) => assert.deepEqual(parseWhole(Buffer.from(text)), events, JSON.stringify(text))),
    params(800),
  );
});

test('cut into pieces anywhere (inside UTF-8 characters and \\r\\n too), a stream parses to the same events', () => {
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), ({ text, events }, points) => {
      const bytes = Buffer.from(text);
      assert.deepEqual(parsePieces(split(bytes, points, false)), events);
      // One byte at a time, the most cut a stream can be.
      assert.deepEqual(parsePieces(split(bytes, Array.from(bytes.keys()), false)), events);
    }),
    params(500),
  );
});

test('an empty chunk between two pieces changes nothing', () => {
  assert.deepEqual(parsePieces([Buffer.from('data: a\r'), Buffer.alloc(0), Buffer.from('\ndata: b\n\n')]), parseWhole(Buffer.from('data: a\r\ndata: b\n\n')));
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), ({ text, events }, points) => {
      assert.deepEqual(parsePieces(split(Buffer.from(text), points, true)), events);
    }),
    params(500),
  );
});

/** Pushes bytes through a parser; the only exception allowed is the documented one. */
function parseAnything(pieces: readonly Buffer[]): SseEvent[] | 'too large' {
  try {
    return parsePieces(pieces);
  } catch (err) {
    assert.ok(err instanceof SseEventTooLarge, `${String(err)} is not SseEventTooLarge`);
    return 'too large';
  }
}

test('any bytes parse without an exception, to the same events however they are cut', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.array(fc.constantFrom('data:', 'data: ', 'event:', ':', '\r', '\n', '\r\n', 'x', 'é', '\xff', '\u{1F600}', ' '), { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''))),
    fc.tuple(fc.array(fc.constantFrom('data: é\r', '\n', '\r', 'data:x'), { maxLength: 10 }), fc.uint8Array({ maxLength: 8 })).map(([parts, noise]) => Buffer.concat([Buffer.from(parts.join('')), noise])),
  );
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 10 }), (buf, points) => {
      const whole = parseAnything([buf]);
      assert.notEqual(whole, 'too large');
      assert.deepEqual(parseAnything(split(buf, points, false)), whole);
      if (whole !== 'too large') for (const e of whole) assert.ok(typeof e.data === 'string' && (e.event === undefined || typeof e.event === 'string'));
    }),
    params(1000),
  );
});

const LIMIT = 8 * MiB;

test('an event that never ends is refused once its data outgrows the 8 MiB limit, whatever it is made of', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('one endless line', 'data lines without a blank line', 'event lines and data lines'),
      fc.integer({ min: 1024, max: 256 * 1024 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 32, maxLength: 64 }).map((s) => s.replace(/[\r\n]/g, 'x')),
      (shape, chunkSize, text) => {
        const unit = shape === 'one endless line' ? text : shape === 'data lines without a blank line' ? `data: ${text}\n` : `event: e\ndata: ${text}\n`;
        const chunk = Buffer.from(unit.repeat(Math.ceil(chunkSize / unit.length)));
        // The bytes that carry LIMIT characters of data, and a chunk more.
        const bound = Math.ceil(LIMIT / text.length) * unit.length + chunk.length;
        const parser = new SseParser();
        let pushed = 0;
        assert.throws(() => {
          while (pushed <= bound) {
            pushed += chunk.length;
            parser.push(chunk);
          }
        }, SseEventTooLarge);
      },
    ),
    params(6, 30),
  );
});

test('the limit counts the whole event: its data lines and the line ends joining them', () => {
  const line = `data: ${'x'.repeat(127)}\n`;
  const lines = 65_700;
  assert.ok(lines * 128 - 1 > LIMIT && lines * 127 <= LIMIT, 'an event over the limit only with its line ends counted');
  const parser = new SseParser();
  const chunk = Buffer.from(line.repeat(100));
  assert.throws(() => {
    for (let i = 0; i < lines; i += 100) parser.push(chunk);
    parser.push(Buffer.from('\n'));
  }, SseEventTooLarge);
});

test('20 MiB of complete events pass through with the heap flat: only the unfinished event is held', () => {
  const parser = new SseParser();
  const chunk = Buffer.from(Array.from({ length: 2000 }, (_, i) => `event: e${i % 7}\r\ndata: ${'x'.repeat(i % 300)}\r\n\r\n`).join(''));
  const before = liveHeap();
  let events = 0;
  for (let pushed = 0; pushed < 20 * MiB; pushed += chunk.length) {
    // Cut off-centre, so that every push leaves half an event behind.
    events += parser.push(chunk.subarray(0, 777)).length + parser.push(chunk.subarray(777)).length;
  }
  const grown = liveHeap() - before;
  assert.ok(events > 50_000);
  assert.ok(grown < 4 * MiB, `the heap grew by ${(grown / MiB).toFixed(1)} MiB`);
});
