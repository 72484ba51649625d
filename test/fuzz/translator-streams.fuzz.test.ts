import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isPlainObject } from '../../src/core/json.js';
import { anthropicToOpenAi } from '../../src/translators/anthropic-openai/index.js';
import { openAiToAnthropic } from '../../src/translators/openai-anthropic/index.js';
import { createEventStreamCodec } from '../../src/translators/openai-bedrock/event-stream.js';
import { openAiToBedrock } from '../../src/translators/openai-bedrock/index.js';
import { openAiToGemini } from '../../src/translators/openai-gemini/index.js';
import type { OperationTranslator, StreamTranslator, TranslateContext } from '../../src/translators/translator.js';
import { anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { openAiStandIn } from '../fixtures/openai/stand-in.js';
import { anthropicClientView } from '../translators/anthropic-client-view.js';
import { CTX, SCENARIOS, type ClientView, type ProviderEvent, type ProviderStandIn } from '../translators/chat-suite.js';
import { jsonPaths, replacedAt } from '../translators/hostile-input.js';
import { openAiClientView } from '../translators/openai-client-view.js';
import { liveHeap, MiB, params, sampleSeed } from './support.js';
import { describeError, isCount, junk, text } from './translator-inputs.js';

// The stream translators (src/translators/*/stream.ts) on provider streams of any shape: the
// stand-ins' own streams with events dropped, repeated, swapped or broken, events made up from
// the provider's vocabulary, raw bytes, all cut into any pieces. push() and end() never throw;
// what comes out is well-formed SSE of the client's schema (`data: <JSON>` or `data: [DONE]`
// for OpenAI clients, `event: <type>` + `data: <JSON>` for Anthropic ones), ending either the
// way a finished stream ends or with one error event, after which nothing follows, and `failed`
// and `failure` say which. A long stream leaves the heap where it was.

interface Subject {
  name: string;
  chat: OperationTranslator;
  client: ClientView;
  standIn: ProviderStandIn;
  /** Event names (and payload types) the provider uses. */
  vocabulary: readonly string[];
  /** Whether the framing names events (Anthropic, Bedrock) or only carries data (OpenAI, Gemini). */
  named: boolean;
  /** A text delta event, for long streams. */
  textEvent: (text: string) => ProviderEvent;
  /** Where text deltas may go in the text scenario's events. */
  textAt: (events: ProviderEvent[]) => number;
  /** Provider bytes that are not the stand-in's framing of an event: bare SSE lines, event-stream frames with any headers. */
  raw: fc.Arbitrary<Buffer>;
}

const CTXS: TranslateContext[] = [
  { ...CTX, stream: true, includeUsage: true },
  { ...CTX, stream: true, includeUsage: false },
];

const sseLines = fc
  .array(fc.oneof(fc.constantFrom('data: ', 'data:', 'event: ', 'event: error', 'event: message_stop', ':', '\n', '\r\n', '\n\n', 'data: {', 'data: [DONE]', 'data: null', 'data: []', 'data: {}', 'retry: 1'), text), { maxLength: 8 })
  .map((parts) => Buffer.from(parts.join('')));

/** Anthropic's one-token text deltas, which the translator reads without parsing when they are written exactly so. */
const anthropicTextDelta = fc
  .tuple(
    fc.constantFrom('0', '1', '00', '007', '123456', '1234567', '-1', '', '1.0', '0 '),
    fc.oneof(
      text.map((t) => JSON.stringify(t)),
      fc.constantFrom('"\\x"', '"\\u12"', '"\\u12zz"', '"\\"', '"\u0001"', '"abc', '"\\ud800"', '""', '"a"b"', '"\\/\\b\\f\\n\\r\\t"', '"\u2028"', 'null', '1', '"\\u0000"'),
    ),
    fc.constantFrom('}}', '}} ', '}', '}}}', ',"x":1}}'),
  )
  .map(([index, literal, end]) => Buffer.from(`event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${literal}${end}\n\n`));

const codec = createEventStreamCodec();

/** An AWS event-stream message with any headers and payload, or a prelude claiming any length with a valid CRC. */
const eventStreamFrame = fc.oneof(
  fc
    .record({
      messageType: fc.constantFrom('event', 'exception', 'error', 'other'),
      eventType: fc.oneof(fc.constantFrom('messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata'), text),
      extra: fc.dictionary(fc.constantFrom(':exception-type', ':error-code', ':error-message', ':content-type'), text, { maxKeys: 2 }),
      body: fc.oneof(junk.map((v) => JSON.stringify(v)), text),
    })
    .map(({ messageType, eventType, extra, body }) => {
      const headers: Record<string, { type: 'string'; value: string }> = { ':message-type': { type: 'string', value: messageType }, ':event-type': { type: 'string', value: eventType } };
      for (const [k, v] of Object.entries(extra)) headers[k] = { type: 'string', value: v };
      return Buffer.from(codec.encode({ headers, body: new TextEncoder().encode(body) }));
    }),
  fc.tuple(fc.nat(20 * MiB), fc.nat(64), fc.uint8Array({ maxLength: 32 })).map(([total, headersLength, rest]) => {
    const prelude = Buffer.alloc(12);
    prelude.writeUInt32BE(total, 0);
    prelude.writeUInt32BE(headersLength, 4);
    prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
    return Buffer.concat([prelude, rest]);
  }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);

const SUBJECTS: Subject[] = [
  {
    name: 'anthropic stream -> openai client',
    chat: openAiToAnthropic.operations.chat as OperationTranslator,
    client: openAiClientView,
    standIn: anthropicStandIn,
    vocabulary: ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error'],
    named: true,
    textEvent: (t) => ({ name: 'content_block_delta', payload: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } } }),
    textAt: (events) => events.findIndex((e) => isPlainObject(e.payload) && e.payload.type === 'content_block_start') + 1,
    raw: fc.oneof(sseLines, anthropicTextDelta),
  },
  {
    name: 'gemini stream -> openai client',
    chat: openAiToGemini.operations.chat as OperationTranslator,
    client: openAiClientView,
    standIn: geminiStandIn('gemini'),
    vocabulary: [],
    named: false,
    textEvent: (t) => ({ name: undefined, payload: { candidates: [{ content: { parts: [{ text: t }], role: 'model' }, index: 0 }], modelVersion: 'gemini-2.5-flash' } }),
    textAt: () => 1,
    raw: sseLines,
  },
  {
    name: 'bedrock event stream -> openai client',
    chat: openAiToBedrock.operations.chat as OperationTranslator,
    client: openAiClientView,
    standIn: bedrockStandIn,
    vocabulary: ['messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata'],
    named: true,
    textEvent: (t) => ({ name: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: t } } }),
    textAt: () => 1,
    raw: eventStreamFrame,
  },
  {
    name: 'openai stream -> anthropic client',
    chat: anthropicToOpenAi.operations.chat as OperationTranslator,
    client: anthropicClientView,
    standIn: openAiStandIn,
    vocabulary: [],
    named: false,
    textEvent: (t) => ({ name: undefined, payload: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: t }, finish_reason: null }] } }),
    textAt: () => 1,
    raw: sseLines,
  },
];

/** One event as the provider frames it, without the end marker its framing adds to a whole stream. */
function frameOne(standIn: ProviderStandIn, event: ProviderEvent): Buffer {
  const trailer = standIn.frame([]).length;
  const framed = standIn.frame([event]);
  return trailer === 0 ? framed : framed.subarray(0, framed.length - trailer);
}

/** The stand-in's stream events for every scenario. */
function baseStreams(subject: Subject): ProviderEvent[][] {
  return SCENARIOS.map((scenario) => {
    const request = subject.chat.request(subject.client.request(scenario, { stream: true, includeUsage: true }), CTXS[0] as TranslateContext);
    return subject.standIn.streamEvents(request, scenario);
  });
}

type Edit =
  | { kind: 'drop' | 'repeat'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'break'; at: number; path: number; value: unknown }
  | { kind: 'insert'; at: number; event: ProviderEvent }
  | { kind: 'raw'; at: number; bytes: Buffer };

function editArb(subject: Subject): fc.Arbitrary<Edit> {
  const name: fc.Arbitrary<string | undefined> = subject.named ? fc.oneof(fc.constantFrom(...subject.vocabulary), text) : fc.constant(undefined);
  const payload = fc.oneof(
    junk,
    fc.dictionary(fc.constantFrom('type', 'index', 'delta', 'message', 'content_block', 'usage', 'candidates', 'choices', 'contentBlockIndex', 'start', 'stopReason', 'error', 'usageMetadata'), junk, { maxKeys: 4 }),
    fc.record({ type: fc.constantFrom(...(subject.vocabulary.length > 0 ? subject.vocabulary : ['x'])), index: fc.oneof(fc.nat(3), junk), delta: junk, content_block: junk }, { requiredKeys: ['type'] }),
  );
  return fc.oneof(
    fc.record({ kind: fc.constantFrom('drop', 'repeat'), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap'), at: fc.nat(), with: fc.nat() }),
    fc.record({ kind: fc.constant('break'), at: fc.nat(), path: fc.nat(), value: junk }),
    fc.record({ kind: fc.constant('insert'), at: fc.nat(), event: fc.record({ name, payload }) }),
    fc.record({ kind: fc.constant('raw'), at: fc.nat(), bytes: subject.raw }),
  );
}

/** The stream's bytes after the edits. */
function edited(subject: Subject, events: ProviderEvent[], edits: readonly Edit[]): Buffer {
  const pieces: (ProviderEvent | Buffer)[] = [...events];
  for (const edit of edits) {
    const at = edit.at % (pieces.length + 1);
    const target = pieces[at];
    switch (edit.kind) {
      case 'drop':
        pieces.splice(at, 1);
        break;
      case 'repeat':
        if (target !== undefined) pieces.splice(at, 0, target);
        break;
      case 'swap': {
        const other = edit.with % Math.max(1, pieces.length);
        const a = pieces[at];
        const b = pieces[other];
        if (a !== undefined && b !== undefined) {
          pieces[at] = b;
          pieces[other] = a;
        }
        break;
      }
      case 'break':
        if (target !== undefined && !Buffer.isBuffer(target)) {
          const paths = jsonPaths(target.payload);
          pieces[at] = { name: target.name, payload: replacedAt(target.payload, paths[edit.path % paths.length] ?? [], edit.value) };
        }
        break;
      case 'insert':
        pieces.splice(at, 0, edit.event);
        break;
      case 'raw':
        pieces.splice(at, 0, edit.bytes);
        break;
    }
  }
  return Buffer.concat([...pieces.map((p) => (Buffer.isBuffer(p) ? p : frameOne(subject.standIn, p))), subject.standIn.frame([])]);
}

/** `bytes` cut at the given points (some pieces may be empty). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = points.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of at) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

interface ClientEvent {
  name: string | undefined;
  data: string;
}

const OPENAI_EVENT = /data: ([^\n]*)\n\n/y;
const ANTHROPIC_EVENT = /event: ([a-z_]+)\ndata: ([^\n]*)\n\n/y;

/** The translator's output as events, asserting the client's SSE framing byte for byte. */
function clientEvents(sse: string, schema: 'openai' | 'anthropic'): ClientEvent[] {
  const pattern = schema === 'openai' ? OPENAI_EVENT : ANTHROPIC_EVENT;
  pattern.lastIndex = 0;
  const out: ClientEvent[] = [];
  while (pattern.lastIndex < sse.length) {
    const at = pattern.lastIndex;
    const m = pattern.exec(sse);
    if (m === null) assert.fail(`not ${schema} SSE at ${at}: ${JSON.stringify(sse.slice(at, at + 200))}`);
    out.push(schema === 'openai' ? { name: undefined, data: m[1] ?? '' } : { name: m[1], data: m[2] ?? '' });
  }
  return out;
}

const isErrorObject = (value: unknown): boolean => isPlainObject(value) && typeof value.message === 'string' && typeof value.type === 'string';

/** Runs the pieces through a new stream translator and checks everything a client relies on. */
function checkStream(subject: Subject, ctx: TranslateContext, pieces: readonly Buffer[]): { failed: boolean; events: number } {
  const stream: StreamTranslator | undefined = subject.chat.stream?.(ctx);
  assert.ok(stream !== undefined);
  let sse = '';
  let answered = false;
  try {
    for (const piece of pieces) {
      sse += stream.push(piece);
      assert.ok(stream.answered || !answered, 'answered never goes back to false');
      answered = stream.answered;
    }
    sse += stream.end();
  } catch (err) {
    assert.fail(`${describeError(err)} escaped the stream translator`);
  }

  const events = clientEvents(sse, subject.client.schema);
  const values = events.map((e): unknown => {
    if (e.data === '[DONE]') return '[DONE]';
    try {
      return JSON.parse(e.data);
    } catch {
      assert.fail(`an event whose data is not JSON: ${e.data}`);
    }
  });
  const isError = (v: unknown): boolean => (subject.client.schema === 'openai' ? isPlainObject(v) && isErrorObject(v.error) : isPlainObject(v) && v.type === 'error' && isErrorObject(v.error));
  values.forEach((v, i) => {
    const last = i === values.length - 1;
    if (v === '[DONE]') assert.ok(subject.client.schema === 'openai' && last, '[DONE] comes last, once');
    else assert.ok(isPlainObject(v), `an event that is not a JSON object: ${events[i]?.data ?? ''}`);
    if (isError(v)) assert.ok(last, 'nothing follows an error event');
    if (subject.client.schema === 'anthropic') assert.equal(isPlainObject(v) ? v.type : undefined, events[i]?.name, 'the event is named by its type');
  });

  const last = values.at(-1);
  if (stream.failed) {
    assert.ok(isError(last), `a failed stream ends with an error event:\n${sse.slice(-500)}`);
    assert.ok(stream.failure !== undefined && Number.isInteger(stream.failure.status) && stream.failure.status >= 400 && stream.failure.status <= 599, `failure ${JSON.stringify(stream.failure)}`);
    assert.deepEqual(stream.failure.body, last, 'the failure is the error event');
  } else {
    assert.equal(stream.failure, undefined);
    if (subject.client.schema === 'openai') assert.equal(last, '[DONE]', `a stream that did not fail ends with [DONE]:\n${sse.slice(-500)}`);
    else assert.ok(isPlainObject(last) && last.type === 'message_stop', `a stream that did not fail ends with message_stop:\n${sse.slice(-500)}`);
  }
  if (subject.client.schema === 'openai') {
    const chunks = values.filter((v): v is Record<string, unknown> => isPlainObject(v) && !isError(v));
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.id, chunks[0]?.id, 'one id for the whole stream');
      assert.ok(Array.isArray(c.choices));
    }
  } else if (values.length > 0 && !isError(values[0])) assert.ok(isPlainObject(values[0]) && values[0].type === 'message_start', 'the stream opens with message_start');
  for (const [field, value] of Object.entries(stream.usage ?? {})) assert.ok(isCount(value), `usage ${field} is ${JSON.stringify(value)}`);
  assert.ok(stream.model === undefined || typeof stream.model === 'string');
  return { failed: stream.failed, events: values.length };
}

for (const subject of SUBJECTS) {
  describe(subject.name, () => {
    const bases = baseStreams(subject);

    test("the stand-in's streams, cut anywhere, end well", () => {
      fc.assert(
        fc.property(fc.nat(bases.length - 1), fc.constantFrom(...CTXS), fc.array(fc.nat(), { maxLength: 6 }), (base, ctx, points) => {
          const bytes = Buffer.concat([subject.standIn.frame(bases[base] ?? [])]);
          assert.equal(checkStream(subject, ctx, cut(bytes, points)).failed, false, 'a whole stream does not fail');
        }),
        params(100),
      );
    });

    test('streams with events dropped, repeated, swapped, broken or made up, and raw bytes, cut anywhere: no exception, well-formed client SSE', () => {
      fc.assert(
        fc.property(
          fc.nat(bases.length - 1),
          fc.constantFrom(...CTXS),
          fc.array(editArb(subject), { minLength: 1, maxLength: 5 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (base, ctx, edits, points) => {
            checkStream(subject, ctx, cut(edited(subject, bases[base] ?? [], edits), points));
          },
        ),
        params(600),
      );
    });

    test('any bytes at all: no exception, well-formed client SSE', () => {
      const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), subject.raw, fc.array(subject.raw, { maxLength: 4 }).map((list) => Buffer.concat(list)));
      fc.assert(
        fc.property(bytes, fc.constantFrom(...CTXS), fc.array(fc.nat(), { maxLength: 4 }), (buf, ctx, points) => {
          checkStream(subject, ctx, cut(buf, points));
        }),
        params(400),
      );
    });

    test('a long stream (8 MiB of random text deltas) leaves the heap where it was, and still ends well', () => {
      const events = bases[0] ?? [];
      const at = subject.textAt(events);
      assert.ok(at > 0);
      const texts = fc.sample(fc.string({ unit: 'grapheme', maxLength: 40 }), { numRuns: 400, seed: sampleSeed() });
      const batch = Buffer.concat(texts.map((t) => frameOne(subject.standIn, subject.textEvent(t))));
      const stream = subject.chat.stream?.(CTXS[0] as TranslateContext);
      assert.ok(stream !== undefined);
      let out = 0;
      out += stream.push(Buffer.concat(events.slice(0, at).map((e) => frameOne(subject.standIn, e)))).length;
      const before = liveHeap();
      let pushed = 0;
      for (; pushed < 8 * MiB; pushed += batch.length) {
        // Cut off-centre, so that every push leaves part of an event behind.
        out += stream.push(batch.subarray(0, 1001)).length + stream.push(batch.subarray(1001)).length;
      }
      const grown = liveHeap() - before;
      assert.ok(!stream.failed, 'the text deltas are a valid stream');
      assert.ok(out > pushed / 2, 'the text went out as it came');
      assert.ok(grown < 4 * MiB, `the heap grew by ${(grown / MiB).toFixed(1)} MiB while ${(pushed / MiB).toFixed(1)} MiB went through`);
      const rest = stream.push(Buffer.concat([...events.slice(at).map((e) => frameOne(subject.standIn, e)), subject.standIn.frame([])])) + stream.end();
      assert.ok(!stream.failed, rest);
    });
  });
}
