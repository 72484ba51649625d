import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GatewayError } from '../../src/core/errors.js';
import { isPlainObject } from '../../src/core/json.js';
import { jsonPaths, replacedAt } from '../translators/hostile-input.js';

// What the translator properties feed in: client requests shaped like the real ones with any
// field possibly wrong, provider answers, and checks shared by the request, response and stream
// properties.

/** Any JSON value, small. */
export const junk: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** Names a careless lookup table finds on Object.prototype. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

export const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '\n', 'response_format__x', ...PROTOTYPE_NAMES));

/** Mostly the given shape, sometimes any JSON value instead. */
export function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: junk });
}

/** One of the values, now and then a name found on Object.prototype instead. */
function oneOf(...values: string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) });
}

/** A message's role: one of the schema's, seldom anything else (any wrong role refuses the whole request). */
function role(...roles: string[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...roles) }, { weight: 1, arbitrary: fc.constantFrom('function', 'model', ...PROTOTYPE_NAMES) }, { weight: 1, arbitrary: junk });
}

/**
 * Fields a translator refuses whenever they are present (or true, or above 1): present in one
 * body out of five, so that most bodies get past them to the rest of the translation.
 */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | Record<string, never>> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: arb });
}

/** An object with the fields of both. */
function merged(a: fc.Arbitrary<object>, b: fc.Arbitrary<object>): fc.Arbitrary<unknown> {
  return fc.tuple(a, b).map(([x, y]) => ({ ...x, ...y }));
}

const num = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(0, 1, 2, 0.5, 1.5, -1, 1e308, 4096, 2 ** 53, 1e-300), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Image, audio and file URLs: mostly ones a provider takes, else broken data URLs and schemes none takes. */
const url = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('data:image/png;base64,iVBORw0KGgo=', 'https://example.com/a.png') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'data:image/jpeg;base64,',
      'data:;base64,AAAA',
      'data:image/png,abc',
      'data:audio/wav;base64,UklGRg==',
      'data:application/pdf;base64,JVBERi0=',
      'data:',
      'HTTP://x',
      'ftp://x',
      'gs://bucket/x.png',
      '',
    ),
  },
);

/** Tool arguments: JSON text of any value, broken JSON, or not text. */
const argumentsText = fc.oneof(junk.map((v) => JSON.stringify(v)), fc.constantFrom('{}', '', '{"a":1}', '[1]', 'null', '{', '"x"', ' {"a" : [1, {"b": null}] } '), text);

const schema = sometimes(fc.record({ type: sometimes(fc.constantFrom('object', 'array', 'string')), properties: junk, required: junk }, { requiredKeys: [] }));

// ---------- OpenAI chat completions requests ----------

const openAiPart = fc.oneof(
  { weight: 12, arbitrary: fc.record({ type: fc.constant('text'), text: sometimes(text) }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('image_url'), image_url: sometimes(fc.record({ url: sometimes(url), detail: fc.constantFrom('auto', 'low', 'high') }, { requiredKeys: ['url'] })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('input_audio'), input_audio: sometimes(fc.record({ data: sometimes(text), format: sometimes(fc.constantFrom('wav', 'mp3', 'x')) })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('file'), file: sometimes(fc.record({ file_data: sometimes(url), filename: text, file_id: text }, { requiredKeys: ['file_data'] })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('refusal'), refusal: sometimes(text) }) },
  { weight: 1, arbitrary: fc.record({ type: sometimes(fc.constantFrom('image', 'audio', 'tool_use', ...PROTOTYPE_NAMES)) }, { requiredKeys: [] }) },
);

const openAiToolCall = fc.record(
  {
    id: sometimes(text),
    type: sometimes(fc.constant('function')),
    function: sometimes(fc.record({ name: sometimes(text), arguments: sometimes(argumentsText) })),
    extra_content: junk,
  },
  { requiredKeys: ['id', 'type', 'function'] },
);

const openAiMessage = fc.record(
  {
    role: role('system', 'developer', 'user', 'user', 'assistant', 'assistant', 'tool'),
    content: fc.oneof({ weight: 8, arbitrary: text }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 8, arbitrary: fc.array(openAiPart, { maxLength: 3 }) }, { weight: 1, arbitrary: junk }),
    name: text,
    tool_calls: sometimes(fc.array(openAiToolCall, { maxLength: 2 })),
    tool_call_id: sometimes(text),
    refusal: sometimes(text),
  },
  { requiredKeys: ['role', 'content', 'tool_call_id'] },
);

const openAiTool = fc.record(
  {
    type: sometimes(fc.constant('function')),
    function: sometimes(fc.record({ name: sometimes(text), description: sometimes(text), parameters: schema, strict: junk }, { requiredKeys: ['name'] })),
  },
  { requiredKeys: ['type', 'function'] },
);

export const openAiChatRequest: fc.Arbitrary<unknown> = merged(
  fc.record(
    {
      model: text,
      messages: sometimes(fc.array(openAiMessage, { minLength: 1, maxLength: 4 })),
      tools: sometimes(fc.array(openAiTool, { maxLength: 2 })),
      tool_choice: sometimes(fc.oneof(oneOf('auto', 'none', 'required'), fc.record({ type: sometimes(fc.constant('function')), function: sometimes(fc.record({ name: sometimes(text) })) }))),
      response_format: sometimes(
        fc.record(
          {
            type: sometimes(fc.constantFrom('text', 'json_object', 'json_schema')),
            json_schema: sometimes(fc.record({ name: sometimes(text), description: sometimes(text), schema, strict: junk }, { requiredKeys: [] })),
          },
          { requiredKeys: [] },
        ),
      ),
      parallel_tool_calls: sometimes(fc.boolean()),
      temperature: sometimes(num),
      top_p: sometimes(num),
      max_tokens: sometimes(num),
      max_completion_tokens: sometimes(num),
      seed: sometimes(num),
      presence_penalty: sometimes(num),
      frequency_penalty: sometimes(num),
      stop: sometimes(fc.oneof(text, fc.array(text, { maxLength: 5 }))),
      stream: sometimes(fc.boolean()),
      stream_options: sometimes(fc.record({ include_usage: sometimes(fc.boolean()) }, { requiredKeys: [] })),
      user: sometimes(text),
      safety_identifier: sometimes(text),
      reasoning_effort: sometimes(fc.constantFrom('minimal', 'low', 'medium', 'high', 'none')),
      logit_bias: junk,
      metadata: junk,
      store: junk,
      service_tier: junk,
      prediction: junk,
    },
    { requiredKeys: ['messages'] },
  ),
  rarely(
    fc.record(
      {
        n: sometimes(num),
        top_logprobs: sometimes(num),
        logprobs: sometimes(fc.boolean()),
        modalities: sometimes(fc.array(fc.constantFrom('text', 'audio'), { maxLength: 2 })),
        audio: junk,
        web_search_options: junk,
        functions: junk,
        function_call: junk,
      },
      { requiredKeys: [] },
    ),
  ),
);

// ---------- Anthropic messages requests ----------

const imageSource = fc.record(
  { type: sometimes(fc.constantFrom('base64', 'url', 'file')), media_type: sometimes(fc.constantFrom('image/png', 'image/jpeg', '')), data: sometimes(text), url: sometimes(url) },
  { requiredKeys: ['type'] },
);

const anthropicBlock = fc.oneof(
  fc.record({ type: fc.constant('text'), text: sometimes(text), cache_control: junk }, { requiredKeys: ['type', 'text'] }),
  fc.record({ type: fc.constant('image'), source: sometimes(imageSource) }),
  fc.record({ type: fc.constant('tool_use'), id: sometimes(text), name: sometimes(text), input: sometimes(fc.dictionary(text, junk, { maxKeys: 2 })) }, { requiredKeys: ['type', 'id', 'name', 'input'] }),
  fc.record(
    {
      type: fc.constant('tool_result'),
      tool_use_id: sometimes(text),
      content: fc.oneof(text, fc.array(fc.oneof(fc.record({ type: fc.constant('text'), text: sometimes(text) }), fc.record({ type: fc.constant('image'), source: imageSource }), junk), { maxLength: 2 }), junk),
      is_error: junk,
    },
    { requiredKeys: ['type', 'tool_use_id'] },
  ),
  fc.record({ type: fc.constantFrom('thinking', 'redacted_thinking'), thinking: text, signature: text, data: text }, { requiredKeys: ['type'] }),
  fc.record({ type: sometimes(fc.constantFrom('document', 'search_result', 'server_tool_use', ...PROTOTYPE_NAMES)) }, { requiredKeys: [] }),
);

const anthropicMessage = fc.record(
  { role: role('user', 'assistant'), content: fc.oneof({ weight: 8, arbitrary: text }, { weight: 8, arbitrary: fc.array(anthropicBlock, { maxLength: 3 }) }, { weight: 1, arbitrary: junk }) },
  { requiredKeys: ['role'] },
);

export const anthropicMessagesRequest: fc.Arbitrary<unknown> = merged(
  fc.record(
    {
      model: text,
      max_tokens: sometimes(num),
      system: sometimes(fc.oneof(text, fc.array(fc.record({ type: sometimes(fc.constant('text')), text: sometimes(text), cache_control: junk }, { requiredKeys: ['type'] }), { maxLength: 2 }))),
      messages: sometimes(fc.array(anthropicMessage, { minLength: 1, maxLength: 4 })),
      tools: sometimes(
        fc.array(
          fc.record({ name: sometimes(text), description: sometimes(text), input_schema: schema, type: sometimes(fc.constantFrom('custom', 'custom', 'web_search_20250305')), strict: junk }, { requiredKeys: ['input_schema'] }),
          { maxLength: 2 },
        ),
      ),
      tool_choice: sometimes(fc.record({ type: sometimes(oneOf('auto', 'any', 'tool', 'none')), name: sometimes(text), disable_parallel_tool_use: junk }, { requiredKeys: [] })),
      stop_sequences: sometimes(fc.array(text, { maxLength: 3 })),
      metadata: sometimes(fc.record({ user_id: sometimes(text) }, { requiredKeys: [] })),
      temperature: sometimes(num),
      top_p: sometimes(num),
      top_k: sometimes(num),
      thinking: junk,
      stream: sometimes(fc.boolean()),
      service_tier: junk,
    },
    { requiredKeys: ['messages', 'max_tokens'] },
  ),
  rarely(fc.record({ output_config: sometimes(fc.record({ format: junk, effort: junk }, { requiredKeys: [] })), mcp_servers: junk, container: junk, output_format: junk }, { requiredKeys: [] })),
);

export const embeddingsRequest: fc.Arbitrary<unknown> = fc.record(
  {
    model: text,
    input: sometimes(fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.array(fc.integer({ min: -1, max: 100_000 }), { maxLength: 3 }), fc.array(fc.array(fc.nat(50), { maxLength: 3 }), { maxLength: 2 }))),
    dimensions: sometimes(num),
    encoding_format: sometimes(fc.constantFrom('float', 'base64')),
    user: sometimes(text),
  },
  { requiredKeys: [] },
);

/** Any object, its keys often ones a translator reads. */
export const anyObject: fc.Arbitrary<unknown> = fc.dictionary(
  fc.oneof(fc.constantFrom('messages', 'model', 'tools', 'tool_choice', 'response_format', 'stream', 'system', 'max_tokens', 'input', 'stop', 'n', 'choices', 'candidates', 'output', 'usage', 'content', 'data', 'models', 'embeddings', 'predictions'), fc.string({ maxLength: 6 })),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 6 },
);

/** The value as JSON.parse would give it (what every body the gateway reads is). */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
}

/** A valid value with some fields (anywhere in it) replaced by any JSON values. */
export function mutated(valid: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.record({ base: fc.nat(), edits: fc.array(fc.tuple(fc.nat(), junk), { minLength: 1, maxLength: 3 }) }).map(({ base, edits }) => {
    let value = valid[base % valid.length];
    for (const [at, by] of edits) {
      const paths = jsonPaths(value);
      // The root only rarely: a body that is not an object at all is the least interesting.
      const path = paths[(at % Math.max(1, paths.length - 1)) + (paths.length > 1 ? 1 : 0)] ?? [];
      value = replacedAt(value, path, by);
    }
    return value;
  });
}

/** Bodies of one schema: shaped ones, valid ones with fields broken, and any objects. */
export function bodies(shaped: fc.Arbitrary<unknown>, valid: readonly unknown[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .oneof({ weight: 4, arbitrary: shaped }, { weight: 3, arbitrary: mutated(valid) }, { weight: 1, arbitrary: anyObject })
    .map(asJson)
    .filter(isPlainObject);
}

// ---------- checks ----------

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
}

/** Only what JSON can hold: no undefined in arrays, no NaN or Infinity, no functions, no class instances, no cycles. */
export function assertJsonValue(value: unknown, where = '$', seen: unknown[] = []): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${where} is ${value}`);
    return;
  }
  assert.ok(typeof value === 'object', `${where} is ${typeof value}`);
  assert.ok(!seen.includes(value), `${where} is a cycle`);
  if (Array.isArray(value)) {
    value.forEach((v: unknown, i) => {
      assert.ok(v !== undefined, `${where}[${i}] is undefined`);
      assertJsonValue(v, `${where}[${i}]`, [...seen, value]);
    });
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  assert.ok(proto === Object.prototype || proto === null, `${where} is not a plain object`);
  for (const [k, v] of Object.entries(value)) if (v !== undefined) assertJsonValue(v, `${where}.${k}`, [...seen, value]);
}

export const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The translation of a client request: a JSON object for the provider, or a GatewayError of the 400 class; the client's body is left as it was. */
export function checkRequestTranslation(translate: () => unknown, body: Record<string, unknown>): void {
  const before = structuredClone(body);
  let out: unknown;
  try {
    out = translate();
  } catch (err) {
    assert.ok(err instanceof GatewayError, `${describeError(err)}\nfor ${JSON.stringify(body)}`);
    assert.ok(err.status >= 400 && err.status < 500, `status ${err.status} (${err.code}) for a client's request`);
    const shaped = err.toObject().error;
    assert.ok(shaped.message.length > 0 && shaped.type === 'invalid_request_error', JSON.stringify(shaped));
    assert.deepEqual(body, before, "the client's body is left as it was");
    return;
  }
  assert.deepEqual(body, before, "the client's body is left as it was (it is sent again on failover)");
  assert.ok(isPlainObject(out), 'the provider body is an object');
  assertJsonValue(out);
}
