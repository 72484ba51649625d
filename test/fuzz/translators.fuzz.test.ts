import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../src/core/errors.js';
import { isPlainObject } from '../../src/core/json.js';
import { anthropicToOpenAi } from '../../src/translators/anthropic-openai/index.js';
import { openAiToAnthropic } from '../../src/translators/openai-anthropic/index.js';
import { openAiToBedrock } from '../../src/translators/openai-bedrock/index.js';
import { openAiToGemini, openAiToVertex } from '../../src/translators/openai-gemini/index.js';
import { translatorFor } from '../../src/translators/registry.js';
import type { ApiSchema, OperationTranslator, SchemaTranslator, TranslatedOperation, TranslateContext } from '../../src/translators/translator.js';
import { anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { openAiStandIn } from '../fixtures/openai/stand-in.js';
import { anthropicClientView } from '../translators/anthropic-client-view.js';
import { CTX, SCENARIOS, type ClientView, type ProviderStandIn } from '../translators/chat-suite.js';
import { openAiClientView } from '../translators/openai-client-view.js';
import { params } from './support.js';
import {
  anthropicMessagesRequest,
  anyObject,
  assertJsonValue,
  bodies,
  checkRequestTranslation,
  describeError,
  embeddingsRequest,
  isCount,
  junk,
  mutated,
  openAiChatRequest,
  text,
} from './translator-inputs.js';

// The translators (src/translators/*) on requests and answers of any shape: a client request
// is translated to a JSON object or refused with a 400-class GatewayError in OpenAI's error
// shape, never with another exception, and is not changed on the way (it is sent again on
// failover); a provider's 2xx answer is translated to the client's shape or refused with
// upstream_invalid_response; a provider's error answer always becomes an error in the client's
// shape. Streams are in translator-streams.fuzz.test.ts.

interface Subject {
  name: string;
  translator: SchemaTranslator;
  client: ClientView;
  standIn: ProviderStandIn;
  shaped: fc.Arbitrary<unknown>;
}

const SUBJECTS: Subject[] = [
  { name: 'openai -> anthropic', translator: openAiToAnthropic, client: openAiClientView, standIn: anthropicStandIn, shaped: openAiChatRequest },
  { name: 'openai -> gemini', translator: openAiToGemini, client: openAiClientView, standIn: geminiStandIn('gemini'), shaped: openAiChatRequest },
  { name: 'openai -> vertex', translator: openAiToVertex, client: openAiClientView, standIn: geminiStandIn('vertex'), shaped: openAiChatRequest },
  { name: 'openai -> bedrock', translator: openAiToBedrock, client: openAiClientView, standIn: bedrockStandIn, shaped: openAiChatRequest },
  { name: 'anthropic -> openai', translator: anthropicToOpenAi, client: anthropicClientView, standIn: openAiStandIn, shaped: anthropicMessagesRequest },
];

const ctxArb: fc.Arbitrary<TranslateContext> = fc.record({
  model: fc.constantFrom('provider-model', 'models/gemini-2.5-flash', 'anthropic.claude-3', ''),
  stream: fc.boolean(),
  includeUsage: fc.boolean(),
  id: fc.constantFrom('req-0001', 'x'),
  created: fc.constant(CTX.created),
});

function chatOf(subject: Subject): OperationTranslator {
  const chat = subject.translator.operations.chat;
  assert.ok(chat !== undefined);
  return chat;
}

/** The client's own requests for every scenario, streamed or not, and with a JSON answer asked for. */
function validRequests(subject: Subject): Record<string, unknown>[] {
  const extras: Record<string, unknown>[] =
    subject.client.schema === 'openai'
      ? [{}, { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } } }, { stop: ['x'], temperature: 0.5, user: 'u' }]
      : [{}, { stop_sequences: ['x'], temperature: 0.5, metadata: { user_id: 'u' } }];
  return SCENARIOS.flatMap((scenario) => [false, true].flatMap((stream) => extras.map((extra) => subject.client.request(scenario, { stream, includeUsage: stream, extra }))));
}

/** The provider's answers to them. */
function validAnswers(subject: Subject): unknown[] {
  const chat = chatOf(subject);
  return SCENARIOS.map((scenario) => subject.standIn.json(chat.request(subject.client.request(scenario, { stream: false, includeUsage: false }), CTX), scenario));
}

// ---------- answer shapes, checked the way a client reads them ----------

const OPENAI_FINISHES = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];
const ANTHROPIC_STOPS = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal'];

function assertOpenAiUsage(usage: unknown): void {
  if (usage === undefined) return;
  assert.ok(isPlainObject(usage));
  for (const field of ['prompt_tokens', 'total_tokens']) assert.ok(isCount(usage[field]), `usage.${field} is ${JSON.stringify(usage[field])}`);
  if (usage.completion_tokens !== undefined) assert.ok(isCount(usage.completion_tokens));
}

function assertOpenAiCompletion(body: unknown, ctx: TranslateContext): void {
  assert.ok(isPlainObject(body));
  assert.equal(body.object, 'chat.completion');
  assert.ok(typeof body.id === 'string' && body.id.length > 0);
  assert.equal(body.created, ctx.created);
  assert.equal(typeof body.model, 'string');
  assert.ok(Array.isArray(body.choices));
  const indexes = new Set<unknown>();
  for (const choice of body.choices as unknown[]) {
    assert.ok(isPlainObject(choice));
    assert.ok(isCount(choice.index) && !indexes.has(choice.index), 'choice indexes are distinct counts');
    indexes.add(choice.index);
    assert.ok(typeof choice.finish_reason === 'string' && OPENAI_FINISHES.includes(choice.finish_reason), `finish_reason ${JSON.stringify(choice.finish_reason)}`);
    const message = choice.message;
    assert.ok(isPlainObject(message));
    assert.equal(message.role, 'assistant');
    assert.ok(message.content === null || typeof message.content === 'string', 'content is text or null');
    if (message.tool_calls !== undefined) {
      assert.ok(Array.isArray(message.tool_calls));
      for (const call of message.tool_calls as unknown[]) {
        assert.ok(isPlainObject(call) && typeof call.id === 'string' && call.id !== '' && call.type === 'function');
        assert.ok(isPlainObject(call.function) && typeof call.function.name === 'string' && typeof call.function.arguments === 'string');
      }
    }
  }
  assertOpenAiUsage(body.usage);
}

function assertAnthropicMessage(body: unknown): void {
  assert.ok(isPlainObject(body));
  assert.equal(body.type, 'message');
  assert.ok(typeof body.id === 'string' && body.id.startsWith('msg_'));
  assert.equal(body.role, 'assistant');
  assert.equal(typeof body.model, 'string');
  assert.ok(typeof body.stop_reason === 'string' && ANTHROPIC_STOPS.includes(body.stop_reason), `stop_reason ${JSON.stringify(body.stop_reason)}`);
  assert.ok(body.stop_sequence === null || typeof body.stop_sequence === 'string');
  assert.ok(Array.isArray(body.content));
  for (const block of body.content as unknown[]) {
    assert.ok(isPlainObject(block));
    if (block.type === 'text') assert.equal(typeof block.text, 'string');
    else {
      assert.equal(block.type, 'tool_use');
      assert.ok(typeof block.id === 'string' && block.id !== '' && typeof block.name === 'string' && isPlainObject(block.input));
    }
  }
  assert.ok(isPlainObject(body.usage) && isCount(body.usage.input_tokens) && isCount(body.usage.output_tokens), JSON.stringify(body.usage));
}

function assertEmbeddings(body: unknown): void {
  assert.ok(isPlainObject(body));
  assert.equal(body.object, 'list');
  assert.equal(typeof body.model, 'string');
  assert.ok(Array.isArray(body.data));
  (body.data as unknown[]).forEach((item, i) => {
    assert.ok(isPlainObject(item) && item.object === 'embedding' && item.index === i);
    assert.ok(Array.isArray(item.embedding) && (item.embedding as unknown[]).every((v) => typeof v === 'number' && Number.isFinite(v)));
  });
  assertOpenAiUsage(body.usage);
}

function assertModelList(body: unknown): void {
  assert.ok(isPlainObject(body));
  assert.equal(body.object, 'list');
  assert.ok(Array.isArray(body.data));
  for (const m of body.data as unknown[]) assert.ok(isPlainObject(m) && typeof m.id === 'string' && m.object === 'model' && isCount(m.created) && typeof m.owned_by === 'string', JSON.stringify(m));
}

/** A provider's 2xx answer: translated to the client's shape, or refused as upstream_invalid_response; nothing else. */
function checkResponse(operation: OperationTranslator, body: unknown, ctx: TranslateContext, assertShape: (answer: unknown) => void): void {
  let answer: ReturnType<OperationTranslator['response']>;
  try {
    answer = operation.response(body, ctx);
  } catch (err) {
    assert.ok(err instanceof GatewayError, `${describeError(err)}\nfor ${JSON.stringify(body)}`);
    assert.equal(err.code, 'upstream_invalid_response', err.message);
    return;
  }
  try {
    assertJsonValue(answer.body);
    assertShape(answer.body);
  } catch (err) {
    assert.fail(`${describeError(err)}\nanswer ${JSON.stringify(answer.body)}\nfor ${JSON.stringify(body)}`);
  }
  assert.ok(answer.model === undefined || typeof answer.model === 'string');
  for (const [field, value] of Object.entries(answer.usage ?? {})) assert.ok(isCount(value), `usage ${field} is ${JSON.stringify(value)}`);
}

// ---------- chat ----------

for (const subject of SUBJECTS) {
  describe(`${subject.name} chat`, () => {
    const chat = chatOf(subject);
    const valid = validRequests(subject);

    test('any request: a JSON object for the provider, or a 400 GatewayError; the client body unchanged', () => {
      fc.assert(
        fc.property(bodies(subject.shaped, valid), ctxArb, (body, ctx) => checkRequestTranslation(() => chat.request(body, ctx), body)),
        params(700),
      );
    });

    test("any 2xx answer: the client's shape, or upstream_invalid_response", () => {
      const assertShape = subject.client.schema === 'openai' ? (b: unknown): void => assertOpenAiCompletion(b, CTX) : assertAnthropicMessage;
      const answers = fc.oneof({ weight: 3, arbitrary: mutated(validAnswers(subject)) }, { weight: 1, arbitrary: fc.oneof(anyObject, junk) });
      fc.assert(
        fc.property(answers, (body) => checkResponse(chat, body, CTX, assertShape)),
        params(700),
      );
    });
  });
}

// ---------- embeddings and model lists ----------

interface SideOperation {
  name: string;
  operation: OperationTranslator | undefined;
  valid: unknown[];
  assertShape: (body: unknown) => void;
}

const SIDE: SideOperation[] = [
  { name: 'openai -> gemini embeddings', operation: openAiToGemini.operations.embeddings, valid: [{ embeddings: [{ values: [0.1, -2] }, { values: [] }] }], assertShape: assertEmbeddings },
  {
    name: 'openai -> vertex embeddings',
    operation: openAiToVertex.operations.embeddings,
    valid: [{ predictions: [{ embeddings: { values: [0.5, 1], statistics: { token_count: 3, truncated: false } } }] }],
    assertShape: assertEmbeddings,
  },
  {
    name: 'openai -> bedrock embeddings',
    operation: openAiToBedrock.operations.embeddings,
    valid: [{ embedding: [0.1, 0.2], inputTextTokenCount: 4 }, { embeddingsByType: { float: [1] }, inputTextTokenCount: 1 }],
    assertShape: assertEmbeddings,
  },
  {
    name: 'openai -> anthropic models',
    operation: openAiToAnthropic.operations.models,
    valid: [{ data: [{ id: 'claude-x', type: 'model', created_at: '2025-02-19T00:00:00Z', display_name: 'X' }], has_more: false }],
    assertShape: assertModelList,
  },
  { name: 'openai -> gemini models', operation: openAiToGemini.operations.models, valid: [{ models: [{ name: 'models/gemini-2.5-flash', displayName: 'x' }], nextPageToken: 'x' }], assertShape: assertModelList },
];

for (const side of SIDE) {
  describe(side.name, () => {
    const operation = side.operation;
    assert.ok(operation !== undefined);

    test('any request: a JSON object for the provider, or a 400 GatewayError', () => {
      const valid = [{ model: 'm', input: 'hello' }, { model: 'm', input: ['a', 'b'], dimensions: 256, encoding_format: 'float' }];
      fc.assert(
        fc.property(bodies(embeddingsRequest, valid), ctxArb, (body, ctx) => checkRequestTranslation(() => operation.request(body, ctx), body)),
        params(300),
      );
    });

    test("any 2xx answer: the client's shape, or upstream_invalid_response", () => {
      const answers = fc.oneof(mutated(side.valid), anyObject, junk);
      fc.assert(
        fc.property(answers, (body) => checkResponse(operation, body, CTX, side.assertShape)),
        params(300),
      );
    });
  });
}

// ---------- provider errors ----------

const errorBody = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.oneof(
    junk,
    anyObject,
    fc.record({ error: fc.oneof(junk, fc.record({ message: fc.oneof(text, junk), type: fc.oneof(text, junk), code: fc.oneof(text, fc.integer({ min: 0, max: 600 }), junk), status: fc.oneof(text, junk), details: junk }, { requiredKeys: [] })) }),
    fc.record({ type: fc.constant('error'), error: fc.record({ type: fc.oneof(text, junk), message: fc.oneof(text, junk) }, { requiredKeys: [] }) }),
    fc.record({ message: fc.oneof(text, junk), Message: fc.oneof(text, junk), __type: fc.oneof(text, junk), object: fc.constantFrom('error', 'x') }, { requiredKeys: [] }),
  ).map((v) => Buffer.from(JSON.stringify(v))),
  fc.constantFrom('', ' ', '<html>Bad Gateway</html>', 'x'.repeat(2000), '\ud800').map((t) => Buffer.from(t)),
);

const errorHeaders: fc.Arbitrary<IncomingHttpHeaders> = fc.record(
  {
    'x-amzn-errortype': fc.oneof(text, fc.constantFrom('ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/', 'ValidationException', 'ModelErrorException')),
    'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain'),
    'retry-after': text,
  },
  { requiredKeys: [] },
);

/** A provider's error answer through the translator: no exception, an error status, a JSON body. */
function mapError(subject: Subject, status: number, body: Buffer, headers: IncomingHttpHeaders): { status: number; body: Record<string, unknown>; error: Record<string, unknown> } {
  let mapped: { status: number; body: unknown };
  try {
    mapped = subject.translator.error(status, body, headers);
  } catch (err) {
    assert.fail(`${describeError(err)} for ${status} ${JSON.stringify(body.toString())}`);
  }
  assert.ok(Number.isInteger(mapped.status) && mapped.status >= 400 && mapped.status <= 599, `status ${mapped.status}`);
  assertJsonValue(mapped.body);
  assert.ok(isPlainObject(mapped.body) && isPlainObject(mapped.body.error), JSON.stringify(mapped.body));
  return { status: mapped.status, body: mapped.body, error: mapped.body.error };
}

describe('provider error answers', () => {
  for (const subject of SUBJECTS) {
    test(`${subject.name}: any status and body becomes an error in the client's shape`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 400, max: 599 }), errorBody, errorHeaders, (status, body, headers) => {
          const mapped = mapError(subject, status, body, headers);
          assert.ok(typeof mapped.error.message === 'string' && typeof mapped.error.type === 'string', JSON.stringify(mapped.body));
          if (subject.client.schema === 'anthropic') assert.equal(mapped.body.type, 'error');
        }),
        params(500),
      );
    });
  }

  test('the error message a client gets is never empty', () => {
    const empty = (subject: Subject, body: string): unknown => mapError(subject, 400, Buffer.from(body), {}).error.message;
    assert.notEqual(empty(SUBJECTS[0] as Subject, '{"type":"error","error":{"type":"invalid_request_error","message":""}}'), '');
    assert.notEqual(empty(SUBJECTS[3] as Subject, '{"Message":""}'), '');
    fc.assert(
      fc.property(fc.constantFrom(...SUBJECTS), fc.integer({ min: 400, max: 599 }), errorBody, errorHeaders, (subject, status, body, headers) => {
        const message = mapError(subject, status, body, headers).error.message;
        assert.ok(typeof message === 'string' && message.length > 0, `${subject.name}: an empty message for ${JSON.stringify(body.toString())}`);
      }),
      params(500),
    );
  });
});

test('the registry finds a translator for each pair it lists and none for a schema with itself', () => {
  const schemas: ApiSchema[] = ['openai', 'anthropic', 'gemini', 'vertex', 'bedrock'];
  for (const client of schemas) {
    for (const provider of schemas) {
      const found = translatorFor(client, provider);
      if (client === provider) assert.equal(found, undefined);
      if (found === undefined) continue;
      assert.equal(found.client, client);
      assert.equal(found.provider, provider);
      for (const op of ['chat', 'embeddings', 'models'] as TranslatedOperation[]) assert.ok(found.operations[op] === undefined || typeof found.operations[op].request === 'function');
    }
  }
  assert.deepEqual(
    SUBJECTS.map((s) => translatorFor(s.translator.client, s.translator.provider)),
    SUBJECTS.map((s) => s.translator),
  );
});
