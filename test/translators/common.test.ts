import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { parseDataUrl } from '../../src/translators/common/data-url.js';
import { argumentsObject } from '../../src/translators/common/tool-arguments.js';
import { lookup, tokenCount } from '../../src/translators/common/values.js';
import { openAiToAnthropic } from '../../src/translators/openai-anthropic/index.js';
import { openAiToBedrock } from '../../src/translators/openai-bedrock/index.js';
import { openAiToGemini } from '../../src/translators/openai-gemini/index.js';
import type { SchemaTranslator } from '../../src/translators/translator.js';
import { anthropicStandIn } from '../fixtures/anthropic/stand-in.js';
import { bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { geminiStandIn } from '../fixtures/gemini/stand-in.js';
import { CTX, dataLines, type ProviderStandIn, type Scenario } from './chat-suite.js';
import { openAiClientView } from './openai-client-view.js';

// The toolbox the translators share (src/translators/common/), and what it is for: one
// behaviour wherever two translators do the same thing.

const OPENAI_CLIENT_PAIRS: [string, SchemaTranslator, ProviderStandIn][] = [
  ['anthropic', openAiToAnthropic, anthropicStandIn],
  ['gemini', openAiToGemini, geminiStandIn('gemini')],
  ['bedrock', openAiToBedrock, bedrockStandIn],
];

const refusal = (param: string) => (err: unknown): boolean => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param;

describe('the response_format answer tool, alike on Anthropic and Bedrock', () => {
  const ask = { model: 'm', messages: [{ role: 'user', content: 'Where?' }] };
  /** The forced tool each translator sends, in neutral terms. */
  const answerTools = (format: unknown): { name: unknown; description: unknown; schema: unknown; forced: unknown }[] => {
    const anthropic = openAiToAnthropic.operations.chat?.request({ ...ask, response_format: format }, CTX) as { tools: { name: string; description: string; input_schema: unknown }[]; tool_choice: { name: string } };
    const bedrock = openAiToBedrock.operations.chat?.request({ ...ask, response_format: format }, CTX) as { toolConfig: { tools: { toolSpec: { name: string; description: string; inputSchema: { json: unknown } } }[]; toolChoice: { tool: { name: string } } } };
    const spec = bedrock.toolConfig.tools[0]?.toolSpec;
    return [
      { name: anthropic.tools[0]?.name, description: anthropic.tools[0]?.description, schema: anthropic.tools[0]?.input_schema, forced: anthropic.tool_choice.name },
      { name: spec?.name, description: spec?.description, schema: spec?.inputSchema.json, forced: bedrock.toolConfig.toolChoice.tool.name },
    ];
  };

  test('the same tool: a valid name from any schema name, an object schema, forced', () => {
    const [anthropic, bedrock] = answerTools({ type: 'json_schema', json_schema: { name: 'the place (v2)', schema: { properties: { city: { type: 'string' } } } } });
    assert.deepEqual(anthropic, bedrock);
    assert.deepEqual([anthropic?.name, anthropic?.forced, anthropic?.schema], ['response_format__the_place__v2_', 'response_format__the_place__v2_', { type: 'object', properties: { city: { type: 'string' } } }]);
    const [objectA, objectB] = answerTools({ type: 'json_object' });
    assert.deepEqual(objectA, objectB);
    assert.equal(answerTools({ type: 'json_schema', json_schema: { schema: { type: 'object' } } })[0]?.name, 'response_format__answer');
    assert.equal(String(answerTools({ type: 'json_schema', json_schema: { name: 'x'.repeat(80) } })[0]?.name).length, 64);
  });

  test('the same refusals, naming the same fields', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } } }, 'response_format.json_schema.schema'],
      [{ response_format: { type: 'json_schema', json_schema: 'x' } }, 'response_format.json_schema'],
      [{ response_format: { type: 'grammar' } }, 'response_format.type'],
      [{ response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] }, 'response_format'],
      [{ response_format: { type: 'json_object' }, tool_choice: 'required' }, 'tool_choice'],
      [{ tools: [{ type: 'function', function: { name: 'response_format__mine' } }] }, 'tools[0].function.name'],
    ];
    for (const translator of [openAiToAnthropic, openAiToBedrock]) {
      for (const [extra, param] of cases) assert.throws(() => translator.operations.chat?.request({ ...ask, ...extra }, CTX), refusal(param), `${translator.provider}: ${param}`);
    }
  });
});

describe('one OpenAI chunk shape for every provider', () => {
  /** A chunk's shape: its keys and the types of its values, all the way down. */
  const shape = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(shape) : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : value === null ? null : typeof value;
  const scenario: Scenario = { kind: 'tool_calls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }], promptTokens: 5, completionTokens: 3 };

  for (const includeUsage of [true, false]) {
    test(`the role chunk, the tool call deltas, the finish and the envelope match OpenAI's own${includeUsage ? ', with usage: null until the usage chunk' : ''}`, () => {
      const ctx = { ...CTX, stream: true, includeUsage };
      const streams = OPENAI_CLIENT_PAIRS.map(([name, translator, standIn]) => {
        const chat = translator.operations.chat;
        assert.ok(chat?.stream !== undefined);
        const stream = chat.stream(ctx);
        const sse = stream.push(standIn.stream(chat.request(openAiClientView.request(scenario, { stream: true, includeUsage }), ctx), scenario)) + stream.end();
        const chunks = dataLines(sse).filter((l) => l !== '[DONE]').map((l) => JSON.parse(l) as { choices: { delta: Record<string, unknown> }[]; usage?: unknown });
        return { name, chunks };
      });
      for (const { name, chunks } of streams) {
        assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' }, `${name}: the role chunk says who speaks, and nothing else`);
        const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => (ch.delta.tool_calls as Record<string, unknown>[] | undefined) ?? []));
        assert.deepEqual(shape(calls[0]), { index: 'number', id: 'string', type: 'string', function: { name: 'string', arguments: 'string' } }, `${name}: a call opens with its id, type, name and empty arguments`);
        assert.ok(calls.slice(1).every((c) => Object.keys(c).join() === 'index,function'), `${name}: later deltas carry arguments only`);
        const withChoices = chunks.filter((c) => c.choices.length > 0);
        assert.ok(withChoices.every((c) => (includeUsage ? c.usage === null : !('usage' in c))), `${name}: usage: null exactly when usage was asked for`);
      }
      // The finish chunk, and the usage chunk but for the details only some providers report.
      const ends = streams.map(({ chunks }) => {
        const finish = chunks.find((c) => c.choices.some((ch) => (ch as { finish_reason?: unknown }).finish_reason !== null));
        const usage = chunks.find((c) => c.choices.length === 0) as { usage?: Record<string, unknown> } | undefined;
        const totals = usage?.usage === undefined ? undefined : { ...usage, usage: { prompt_tokens: usage.usage.prompt_tokens, completion_tokens: usage.usage.completion_tokens, total_tokens: usage.usage.total_tokens } };
        return shape([finish, totals]);
      });
      for (const other of ends.slice(1)) assert.deepEqual(other, ends[0], 'the last chunks have one shape');
    });
  }
});

describe('shared readers', () => {
  test('data URLs: the media type and base64 data, parameters or not; anything else is none', () => {
    assert.deepEqual(parseDataUrl('data:image/PNG;base64,iVBOR'), { mediaType: 'image/png', data: 'iVBOR' });
    assert.deepEqual(parseDataUrl('data:application/pdf;name=a.pdf;base64,JVBE'), { mediaType: 'application/pdf', data: 'JVBE' });
    assert.equal(parseDataUrl('data:text/plain,hello'), undefined);
    assert.equal(parseDataUrl('https://example.com/a.png'), undefined);
  });

  test('tool arguments: the JSON object they stand for, {} for none, undefined for anything else', () => {
    assert.deepEqual(argumentsObject('{"a":1}'), { a: 1 });
    for (const none of ['', '  ', undefined, null]) assert.deepEqual(argumentsObject(none), {});
    for (const bad of ['[1]', '"x"', '{"a":', 7]) assert.equal(argumentsObject(bad), undefined, JSON.stringify(bad));
  });

  test('token counts are whole non-negative numbers; table keys are own keys', () => {
    assert.deepEqual([5, 0, '5', -1, 2.5, Number.NaN, null].map(tokenCount), [5, 0, undefined, undefined, undefined, undefined, undefined]);
    assert.equal(lookup({ a: 1 }, 'constructor'), undefined);
    assert.equal(lookup({ a: 1 }, 'a'), 1);
  });
});
