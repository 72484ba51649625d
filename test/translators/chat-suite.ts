import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { SseParser } from '../../src/translators/sse.js';
import type { OperationTranslator, SchemaTranslator, StreamTranslator, TranslateContext } from '../../src/translators/translator.js';
import { hostileInputTests } from './hostile-input.js';

// The one suite every chat translator runs, whatever the pair: OpenAI chat completions to
// Anthropic, Gemini or Bedrock, and Anthropic messages to OpenAI. A stand-in for the provider
// answers each translated request the way the real provider would (its JSON, and the same
// answer as its stream bytes); a view of the client's schema reads what the client gets. The
// suite checks everything a client sees: shapes, finish reasons, tool calls, usage, streams
// that reassemble to the JSON answer (also through the official SDK's stream helper), streams
// split at every byte, errors, and what a provider's broken answers do (hostile-input.ts).

/**
 * The tokens an answer reports, in OpenAI's terms: the prompt tokens include the cached ones,
 * which a stand-in reports the way its provider does (apart, or as a part).
 */
interface ScenarioUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
}

/** What the stand-in is asked to answer. */
export type Scenario =
  | ({ kind: 'text'; text: string } & ScenarioUsage)
  | ({ kind: 'tool_calls'; calls: { name: string; args: Record<string, unknown> }[] } & ScenarioUsage)
  | ({ kind: 'length'; text: string } & ScenarioUsage);

/** One event of a provider's stream: its JSON payload and, where the framing names events, its name. */
export interface ProviderEvent {
  name: string | undefined;
  payload: unknown;
}

export type ProviderErrorKind = 'rate_limit' | 'overloaded' | 'bad_request' | 'auth';

/** A provider, as far as one translator needs it: answers in the provider's schema. */
export interface ProviderStandIn {
  /** The provider's JSON answer to `request` (already translated) for the scenario. */
  json(request: Record<string, unknown>, scenario: Scenario): unknown;
  /** The same answer as the provider streams it, as the bytes on the wire: `frame(streamEvents(…))`. */
  stream(request: Record<string, unknown>, scenario: Scenario): Buffer;
  /** The stream's events before framing, for tests that alter them. */
  streamEvents(request: Record<string, unknown>, scenario: Scenario): ProviderEvent[];
  /** Events framed as the provider sends them (SSE, or AWS event-stream messages), whatever their payloads hold. */
  frame(events: ProviderEvent[]): Buffer;
  /** A provider error answer. */
  error(kind: ProviderErrorKind): { status: number; body: Buffer };
  /** A stream that starts answering, then carries the provider's in-band error. */
  streamWithError(request: Record<string, unknown>): Buffer;
}

/** What a client makes of an answer, whatever its schema. */
export interface Assembled {
  text: string;
  calls: { name: string; args: unknown }[];
  /** Every finish (stop) reason seen: exactly one for a good answer. */
  finishes: string[];
  /** Prompt tokens include the cached ones, as OpenAI counts them; `cached` is 0 when none are reported. */
  usage: { prompt: number; completion: number; cached: number } | undefined;
}

/** The client's side of a schema: what it sends, and how it reads answers, streams and errors. */
export interface ClientView {
  schema: 'openai' | 'anthropic';
  /** The client's request body for a scenario. */
  request(scenario: Scenario, options: { stream: boolean; includeUsage: boolean; extra?: Record<string, unknown> }): Record<string, unknown>;
  /** Reads a JSON answer, asserting its shape. */
  readAnswer(body: unknown, ctx: TranslateContext): Assembled;
  /** Reads a translated stream, asserting every event's shape; `terminated` when it ended the way a good stream ends. */
  readStream(sse: string, ctx: TranslateContext): Assembled & { terminated: boolean };
  /** What the official SDK's stream helper assembles from the stream. */
  sdkReassemble(sse: string): Promise<Assembled>;
  /** The stream's last event is an error event in the client's shape. */
  endsWithError(sse: string): boolean;
  /** Reads an error body, asserting its shape; its type. */
  readError(body: unknown): string;
  /** The error type a client expects for a status. */
  errorType(status: number): string;
  finish: Record<Scenario['kind'], string>;
  /** Usage comes only when asked for (OpenAI's `stream_options.include_usage`). */
  usageOnRequest: boolean;
  /** The field asking for several answers, if the schema has one. */
  choicesField: string | undefined;
}

export interface ChatTranslatorSubject {
  name: string;
  translator: SchemaTranslator;
  client: ClientView;
  standIn: ProviderStandIn;
  /** The provider can return several choices. */
  supportsChoices: boolean;
  /** The status the client must see for each provider error. */
  errorStatus: Record<ProviderErrorKind, number>;
  /** Where the provider is told the model: in the body (Anthropic, OpenAI) or in the URL's path (Gemini, Bedrock). */
  modelIn: 'body' | 'path';
}

export const CTX: TranslateContext = { model: 'provider-model', stream: false, includeUsage: false, id: 'req-0001', created: 1_700_000_000 };

export const SCENARIOS: Scenario[] = [
  { kind: 'text', text: 'Hello there! Recursion is a function calling itself. Ünïcødé ✓ 漢字', promptTokens: 21, completionTokens: 13 },
  { kind: 'tool_calls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_time', args: { tz: 'Europe/Paris', nested: { a: [1, 2, { b: 'c"d' }] } } }], promptTokens: 40, completionTokens: 25 },
  { kind: 'length', text: 'This answer is cut', promptTokens: 9, completionTokens: 5 },
  { kind: 'text', text: 'From the cache.', promptTokens: 1200, completionTokens: 6, cachedTokens: 1024 },
];

/** A scenario's name in test titles. */
const titled = (s: Scenario): string => (s.cachedTokens === undefined ? s.kind : `${s.kind} with cached prompt tokens`);

/** What a client must read as the answer's usage. */
const expectedUsage = (s: Scenario): Assembled['usage'] => ({ prompt: s.promptTokens, completion: s.completionTokens, cached: s.cachedTokens ?? 0 });

/** The tools every tool scenario offers, as JSON Schema. */
export const TOOL_SPECS = [
  { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } },
];

/** Every `data:` payload of an SSE text, in order. */
export function dataLines(sse: string): string[] {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(sse)), ...parser.end()].map((e) => e.data);
}

/** Every event of an SSE text: its name and payload. */
export function sseEvents(sse: string): { event: string | undefined; data: string }[] {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(sse)), ...parser.end()];
}

function runStream(translator: StreamTranslator, bytes: Buffer, pieceSize: number): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += pieceSize) out += translator.push(bytes.subarray(i, i + pieceSize));
  return out + translator.end();
}

const parsedCalls = (calls: Assembled['calls']): { name: string; args: unknown }[] => calls.map((c) => ({ name: c.name, args: typeof c.args === 'string' ? (JSON.parse(c.args) as unknown) : c.args }));

export function chatTranslatorSuite(subject: ChatTranslatorSubject): void {
  const { client, translator } = subject;
  const chat = translator.operations.chat;
  describe(`${subject.name}: the shared chat translator suite`, () => {
    test(`translates ${client.schema} chat to ${translator.provider}`, () => {
      assert.ok(chat !== undefined);
      assert.equal(translator.client, client.schema);
    });
    if (chat === undefined) return;

    for (const scenario of SCENARIOS) {
      test(`${titled(scenario)}: the JSON answer has the client's shape, finish reason and usage`, () => {
        const request = chat.request(client.request(scenario, { stream: false, includeUsage: false }), CTX);
        const answer = chat.response(subject.standIn.json(request, scenario), CTX);
        const got = client.readAnswer(answer.body, CTX);
        assert.deepEqual(got.finishes, [client.finish[scenario.kind]]);
        assert.deepEqual(got.usage, expectedUsage(scenario));
        assert.deepEqual(answer.usage && [answer.usage.promptTokens, answer.usage.completionTokens, answer.usage.totalTokens], [
          scenario.promptTokens,
          scenario.completionTokens,
          scenario.promptTokens + scenario.completionTokens,
        ]);
        // The metrics count cached tokens only when the provider reported some.
        if (scenario.cachedTokens !== undefined) assert.equal(answer.usage?.cachedTokens, scenario.cachedTokens);
        if (scenario.kind === 'tool_calls') assert.deepEqual(parsedCalls(got.calls), scenario.calls);
        else {
          assert.equal(got.text, scenario.text);
          assert.deepEqual(got.calls, []);
        }
      });

      for (const includeUsage of client.usageOnRequest ? [true, false] : [true]) {
        test(`${titled(scenario)}: the stream reassembles to the JSON answer${client.usageOnRequest ? (includeUsage ? ', ending with usage' : ', without usage') : ''}`, async () => {
          const ctx = { ...CTX, stream: true, includeUsage };
          const request = chat.request(client.request(scenario, { stream: true, includeUsage }), ctx);
          const expected = client.readAnswer(chat.response(subject.standIn.json(request, scenario), ctx).body, ctx);
          const bytes = subject.standIn.stream(request, scenario);
          assert.ok(chat.stream !== undefined, 'chat streams');
          const whole = runStream(chat.stream(ctx), bytes, bytes.length);
          const got = client.readStream(whole, ctx);
          assert.ok(got.terminated, 'the stream ends the way a finished stream ends');
          assert.deepEqual(got.finishes, expected.finishes, 'exactly one finish reason, the same');
          if (scenario.kind === 'tool_calls') assert.deepEqual(parsedCalls(got.calls), scenario.calls);
          else assert.equal(got.text, scenario.text);
          assert.deepEqual(got.usage, includeUsage ? expectedUsage(scenario) : undefined);

          // Split anywhere, even inside a UTF-8 character: the same events.
          assert.equal(runStream(chat.stream(ctx), bytes, 1), whole);

          // The official SDK's stream helper builds the same message from it.
          const sdk = await client.sdkReassemble(whole);
          assert.deepEqual(sdk.finishes, expected.finishes);
          if (scenario.kind === 'tool_calls') assert.deepEqual(parsedCalls(sdk.calls), scenario.calls);
          else assert.equal(sdk.text, scenario.text);

          const counted = chat.stream(ctx);
          runStream(counted, bytes, 7);
          assert.deepEqual(counted.usage && [counted.usage.promptTokens, counted.usage.completionTokens], [scenario.promptTokens, scenario.completionTokens], 'usage is counted for the metrics, asked for or not');
          if (scenario.cachedTokens !== undefined) assert.equal(counted.usage?.cachedTokens, scenario.cachedTokens);
          assert.ok(subject.standIn.frame(subject.standIn.streamEvents(request, scenario)).equals(bytes), "the stand-in's events are its stream");
        });
      }
    }

    test(`fields the provider does not know are not sent, and the model is the context's, ${subject.modelIn === 'body' ? 'in the body' : 'in the path, not the body'}`, () => {
      const request = chat.request(client.request(SCENARIOS[0] as Scenario, { stream: false, includeUsage: false, extra: { x_unknown_field_zz: 1, logit_bias: { '50256': -100 } } }), CTX);
      const sent = JSON.stringify(request);
      assert.ok(!sent.includes('x_unknown_field_zz'));
      assert.ok(!sent.includes('logit_bias'));
      assert.ok(!sent.includes('client-model'), 'the client model is replaced');
      if (subject.modelIn === 'body') assert.equal(request.model, CTX.model);
      else assert.ok(!('model' in request), 'the model is named by the path; the body has no model field');
    });

    const field = client.choicesField;
    if (field !== undefined && !subject.supportsChoices) {
      test(`${field} > 1 is refused naming the field, not silently answered once`, () => {
        assert.throws(
          () => chat.request(client.request(SCENARIOS[0] as Scenario, { stream: false, includeUsage: false, extra: { [field]: 2 } }), CTX),
          (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === field && err.status === 400,
        );
        assert.doesNotThrow(() => chat.request(client.request(SCENARIOS[0] as Scenario, { stream: false, includeUsage: false, extra: { [field]: 1 } }), CTX));
      });
    }

    for (const kind of ['rate_limit', 'overloaded', 'bad_request', 'auth'] as const) {
      test(`a provider ${kind} error reaches the client in its error shape with status ${subject.errorStatus[kind]}`, () => {
        const provider = subject.standIn.error(kind);
        const mapped = translator.error(provider.status, provider.body, {});
        assert.equal(mapped.status, subject.errorStatus[kind]);
        assert.equal(client.readError(mapped.body), client.errorType(mapped.status));
      });
    }

    test("the provider's in-band stream error becomes the client's error event, and the stream does not look finished", () => {
      const ctx = { ...CTX, stream: true };
      const request = chat.request(client.request(SCENARIOS[0] as Scenario, { stream: true, includeUsage: false }), ctx);
      const stream = chat.stream?.(ctx);
      assert.ok(stream !== undefined);
      const sse = runStream(stream, subject.standIn.streamWithError(request), 5);
      assert.ok(client.endsWithError(sse), sse);
      assert.ok(!client.readStream(sse, ctx).terminated);
      assert.ok(stream.failed);
      assert.ok(stream.answered, 'the stand-in answers a little before its error');
      assert.ok(stream.failure !== undefined && stream.failure.status >= 400, 'the failure has a status for an error answer');
    });

    test('the answer begins (the commit point) with its first content, not with the opening events', () => {
      const ctx = { ...CTX, stream: true };
      for (const scenario of SCENARIOS) {
        const request = chat.request(client.request(scenario, { stream: true, includeUsage: false }), ctx);
        const events = subject.standIn.streamEvents(request, scenario);
        const stream: StreamTranslator | undefined = chat.stream?.(ctx);
        assert.ok(stream !== undefined);
        let before = '';
        let read = 0;
        while (!stream.answered && read < events.length) before += stream.push(frameOne(subject.standIn, events[read++] as ProviderEvent));
        assert.ok(stream.answered, `${scenario.kind}: never answered`);
        assert.ok(read > 1, `${scenario.kind}: answered at the opening event`);
        assert.equal(stream.failure, undefined);
        const sofar = client.readStream(before, ctx);
        assert.ok(sofar.text !== '' || sofar.calls.length > 0 || sofar.finishes.length > 0 || /tool_use|tool_calls/.test(before), `${scenario.kind}: answered before any content:\n${before}`);
      }
    });

    test('a stream that ends before its answer began fails, with an error answer to send instead', () => {
      const ctx = { ...CTX, stream: true };
      const request = chat.request(client.request(SCENARIOS[0] as Scenario, { stream: true, includeUsage: false }), ctx);
      const first = subject.standIn.streamEvents(request, SCENARIOS[0] as Scenario).slice(0, 1);
      const stream = chat.stream?.(ctx);
      assert.ok(stream !== undefined);
      stream.push(subject.standIn.frame(first));
      stream.end();
      assert.ok(!stream.answered);
      assert.equal(stream.failure?.status, 502);
    });

    hostileInputTests(subject, SCENARIOS, CTX);
  });
}

/** One event as the provider frames it, without the end marker its framing adds to a whole stream. */
function frameOne(standIn: ProviderStandIn, event: ProviderEvent): Buffer {
  const trailer = standIn.frame([]).length;
  const framed = standIn.frame([event]);
  return trailer === 0 ? framed : framed.subarray(0, framed.length - trailer);
}

/** A whole provider stream through a stream translator: its SSE text, chunks (without `[DONE]`), usage and whether it failed. */
export function translateWhole(operation: OperationTranslator, bytes: Buffer, ctx: TranslateContext): { text: string; failed: boolean; usage: unknown; chunks: Record<string, unknown>[] } {
  const stream = operation.stream?.(ctx);
  assert.ok(stream !== undefined);
  const text = stream.push(bytes) + stream.end();
  const chunks = dataLines(text)
    .filter((l) => l !== '[DONE]')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { text, failed: stream.failed, usage: stream.usage, chunks };
}
