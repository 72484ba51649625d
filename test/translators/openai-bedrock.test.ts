import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import yaml from 'js-yaml';
import type { ChatCompletion, EmbeddingsResponse, ErrorBody } from '../../src/apischema/openai.js';
import { GatewayError } from '../../src/core/errors.js';
import { openAiToBedrock } from '../../src/translators/openai-bedrock/index.js';
import type { OperationTranslator } from '../../src/translators/translator.js';
import { assertConverseRequest, bedrockStandIn } from '../fixtures/bedrock/bedrock-stand-in.js';
import { CTX, chatTranslatorSuite } from './chat-suite.js';
import { openAiClientView } from './openai-client-view.js';

chatTranslatorSuite({
  name: 'openai → bedrock',
  translator: openAiToBedrock,
  client: openAiClientView,
  standIn: bedrockStandIn,
  supportsChoices: false,
  // A 403 without its error name is a permission problem; credential errors are told apart by name (below).
  errorStatus: { rate_limit: 429, overloaded: 503, bad_request: 400, auth: 403 },
  modelIn: 'path',
});

const chat = openAiToBedrock.operations.chat as Required<OperationTranslator>;
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/bedrock/${name}`, import.meta.url), 'utf8');

interface Cassette {
  interactions: { request: { body: string }; response: { body?: { string: Uint8Array }; parsed_body?: unknown } }[];
}
const cassette = (name: string): Cassette => yaml.load(fixture(name)) as Cassette;
/** A vercel/ai fixture: the file as recorded, inside its attribution. */
const recordedJson = (name: string): unknown => (JSON.parse(fixture(name)) as { recorded: unknown }).recorded;

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });
const convert = (body: Record<string, unknown>): Record<string, unknown> => chat.request({ model: 'client-model', ...body }, CTX);
const answer = (body: unknown): ChatCompletion => chat.response(body, CTX).body as ChatCompletion;

function refused(body: Record<string, unknown>, param: string): void {
  assert.throws(
    () => convert(body),
    (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param && err.message.length > 20,
  );
}

describe('openai → bedrock: the request', () => {
  test('system and developer messages become the system prompt; turns of one role merge, so roles alternate', () => {
    const sent = convert({
      messages: [
        { role: 'system', content: 'Be terse.' },
        user('Hi'),
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user([{ type: 'text', text: 'What is 2+2?' }]),
        { role: 'assistant', content: '4' },
        { role: 'assistant', content: [{ type: 'text', text: 'Quatre.' }] },
        user('Merci'),
      ],
    });
    assert.deepEqual(sent, {
      system: [{ text: 'Be terse.' }, { text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }, { text: 'What is 2+2?' }] },
        { role: 'assistant', content: [{ text: '4' }, { text: 'Quatre.' }] },
        { role: 'user', content: [{ text: 'Merci' }] },
      ],
    });
    assertConverseRequest(sent);
  });

  test('tool calls become toolUse with their input as an object; consecutive tool results share one user turn', () => {
    const sent = convert({
      messages: [
        user('Weather and time in Paris?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
        user('Thanks'),
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }, { type: 'function', function: { name: 'get_time', description: '' } }],
    });
    assert.deepEqual(sent.messages, [
      { role: 'user', content: [{ text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'call_2', name: 'get_time', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: '{"temp":21}' }] } },
          { toolResult: { toolUseId: 'call_2', content: [{ text: '14:00' }] } },
          { text: 'Thanks' },
        ],
      },
    ]);
    // No empty description (Converse rejects one), and an object schema even when none was given.
    assert.deepEqual(sent.toolConfig, {
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }, { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
    assertConverseRequest(sent);
  });

  test('a tool result that said nothing is an empty JSON object: Converse rejects blank text', () => {
    const sent = convert({
      messages: [
        user('Ping?'),
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ping', arguments: '{}' } }, { id: 'call_2', type: 'function', function: { name: 'ping', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '  ' }] },
      ],
      tools: [{ type: 'function', function: { name: 'ping' } }],
    });
    assertConverseRequest(sent);
    assert.deepEqual((sent.messages as { content: unknown }[])[2]?.content, [
      { toolResult: { toolUseId: 'call_1', content: [{ json: {} }] } },
      { toolResult: { toolUseId: 'call_2', content: [{ json: {} }] } },
    ]);
  });

  test('a data: image becomes an image block with its base64 bytes; URLs and other formats are refused', () => {
    const sent = convert({ messages: [user([{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ', detail: 'high' } }])] });
    assert.deepEqual(sent.messages, [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } }] }]);
    refused({ messages: [user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])] }, 'messages[0].content[0].image_url.url');
    refused({ messages: [user([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }])] }, 'messages[0].content[0].image_url.url');
    refused({ messages: [user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])] }, 'messages[0].content[0]');
  });

  test('tool_choice: auto → auto, required → any, a function → tool, none → no tools at all', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const choice = (tool_choice: unknown): unknown => (convert({ messages: [user('Hi')], tools, tool_choice }).toolConfig as { toolChoice?: unknown } | undefined)?.toolChoice;
    assert.deepEqual(choice('auto'), { auto: {} });
    assert.deepEqual(choice('required'), { any: {} });
    assert.deepEqual(choice({ type: 'function', function: { name: 'get_weather' } }), { tool: { name: 'get_weather' } });
    assert.equal(choice(undefined), undefined);
    assert.equal(convert({ messages: [user('Hi')], tools, tool_choice: 'none' }).toolConfig, undefined);
    refused({ messages: [user('Hi')], tools, tool_choice: { type: 'allowed_tools' } }, 'tool_choice');
  });

  test('with tool calls in the conversation, Bedrock needs toolConfig: none keeps the tools without a choice, and no tools is refused', () => {
    const messages = [
      user('Weather?'),
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ];
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const sent = convert({ messages, tools, tool_choice: 'none' });
    assert.deepEqual(sent.toolConfig, { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] });
    assertConverseRequest(sent);
    refused({ messages }, 'tools');
  });

  test('inference settings map to inferenceConfig; max_completion_tokens wins over max_tokens; the rest is not sent', () => {
    const sent = convert({ messages: [user('Hi')], max_tokens: 10, max_completion_tokens: 20, temperature: 0.3, top_p: 0.9, stop: 'END', seed: 7, user: 'u1', presence_penalty: 1, n: 1 });
    assert.deepEqual(Object.keys(sent).sort(), ['inferenceConfig', 'messages']);
    assert.deepEqual(sent.inferenceConfig, { maxTokens: 20, temperature: 0.3, topP: 0.9, stopSequences: ['END'] });
    assert.deepEqual(convert({ messages: [user('Hi')], stop: ['a', '', 'b'] }).inferenceConfig, { stopSequences: ['a', 'b'] });
    assert.equal(convert({ messages: [user('Hi')] }).inferenceConfig, undefined);
  });

  test('response_format becomes a forced answer tool; with tools of its own it is refused', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const sent = convert({ messages: [user('Hi')], response_format: { type: 'json_schema', json_schema: { name: 'reply', schema, strict: true } } });
    assert.deepEqual(sent.toolConfig, {
      tools: [{ toolSpec: { name: 'response_format__reply', description: 'Give the answer as the input of this tool, following its schema.', inputSchema: { json: schema }, strict: true } }],
      toolChoice: { tool: { name: 'response_format__reply' } },
    });
    const jsonObject = convert({ messages: [user('Hi')], response_format: { type: 'json_object' } }).toolConfig as { toolChoice: unknown };
    assert.deepEqual(jsonObject.toolChoice, { tool: { name: 'response_format__json_object' } });
    assert.equal(convert({ messages: [user('Hi')], response_format: { type: 'text' } }).toolConfig, undefined);
    refused({ messages: [user('Hi')], response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] }, 'response_format');
    refused({ messages: [user('Hi')], response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } } }, 'response_format.json_schema.schema');
  });

  test('what Converse cannot do is refused, naming the field', () => {
    refused({ messages: [user('Hi')], logprobs: true }, 'logprobs');
    refused({ messages: [user('Hi')], tools: [{ type: 'web_search' }] }, 'tools[0].type');
    refused({ messages: [user('Hi')], tools: [{ type: 'function', function: { name: 'response_format__x' } }] }, 'tools[0].function.name');
    refused({ messages: [user('Hi'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }] }, 'messages[1].tool_calls[0].function.arguments');
    refused({ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role');
  });
});

describe('openai → bedrock: the JSON answer', () => {
  test('stop reasons map to finish reasons', () => {
    const finish = (stopReason: string): string => answer({ output: { message: { role: 'assistant', content: [{ text: 'x' }] } }, stopReason, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }).choices[0]?.finish_reason ?? '';
    assert.equal(finish('end_turn'), 'stop');
    assert.equal(finish('stop_sequence'), 'stop');
    assert.equal(finish('max_tokens'), 'length');
    assert.equal(finish('guardrail_intervened'), 'content_filter');
    assert.equal(finish('content_filtered'), 'content_filter');
  });

  test('a recorded tool call (pydantic-ai cassette) becomes an OpenAI tool call', () => {
    const recorded = cassette('test_bedrock_model_structured_output.yaml').interactions[0]?.response.parsed_body;
    const translated = chat.response(recorded, CTX);
    const completion = translated.body as ChatCompletion;
    assert.equal(completion.id, 'chatcmpl-req-0001');
    assert.equal(completion.model, CTX.model, 'Bedrock does not name the model: the one asked for');
    assert.deepEqual(completion.choices[0], {
      index: 0,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'tooluse_Mj06ft-ITJik1Otgpkc1uA', type: 'function', function: { name: 'temperature', arguments: '{"city":"London","date":"2022-01-01"}' } }] },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    assert.deepEqual(completion.usage, { prompt_tokens: 571, completion_tokens: 22, total_tokens: 593 });
    assert.equal(translated.model, undefined);
  });

  test('a recorded max_tokens answer (vercel/ai fixture) ends with length', () => {
    const completion = answer(recordedJson('issue-17523-converse.json'));
    assert.equal(completion.choices[0]?.message.content, 'Hello! How can I assist you today? If');
    assert.equal(completion.choices[0]?.finish_reason, 'length');
  });

  test('cached prompt tokens count as prompt tokens, and cache reads are cached_tokens (recorded cache write, then read)', () => {
    const [write, read] = cassette('test_bedrock_cache_write_and_read.yaml').interactions.map((i) => chat.response(i.response.parsed_body, CTX));
    assert.deepEqual((write?.body as ChatCompletion).usage, { prompt_tokens: 1324, completion_tokens: 5, total_tokens: 1329, prompt_tokens_details: { cached_tokens: 0 } });
    assert.deepEqual((read?.body as ChatCompletion).usage, { prompt_tokens: 1324, completion_tokens: 5, total_tokens: 1329, prompt_tokens_details: { cached_tokens: 1322 } });
    assert.deepEqual(read?.usage, { promptTokens: 1324, completionTokens: 5, totalTokens: 1329, cachedTokens: 1322 });
  });

  test('a response_format answer is the whole content: text beside it is left out, and so is a second answer', () => {
    const completion = answer({
      output: {
        message: {
          role: 'assistant',
          content: [{ text: 'Sure, here it is:' }, { toolUse: { toolUseId: 'tooluse_1', name: 'response_format__reply', input: { answer: 'yes' } } }, { toolUse: { toolUseId: 'tooluse_2', name: 'response_format__reply', input: { answer: 'no' } } }],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 },
    });
    assert.equal(completion.choices[0]?.message.content, '{"answer":"yes"}');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
  });

  test('reasoning is not content; a response_format answer tool is the content, ending with stop', () => {
    const completion = answer({
      output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Thinking…', signature: 'sig' } } }, { toolUse: { toolUseId: 'tooluse_1', name: 'response_format__reply', input: { answer: 'yes' } } }] } },
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 },
    });
    assert.equal(completion.choices[0]?.message.content, '{"answer":"yes"}');
    assert.equal(completion.choices[0]?.message.tool_calls, undefined);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
  });
});

describe('openai → bedrock: errors', () => {
  const mapped = (status: number, body: unknown, errortype?: string): { status: number; body: ErrorBody } =>
    openAiToBedrock.error(status, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), errortype === undefined ? {} : { 'x-amzn-errortype': errortype }) as { status: number; body: ErrorBody };

  test('a recorded ValidationException (vercel/ai) keeps its status and message, and is named in the code', () => {
    const recorded = recordedJson('amazon-bedrock-empty-message-validation-error.json') as { status: number; headers: Record<string, string>; body: unknown };
    const { status, body } = mapped(recorded.status, recorded.body, recorded.headers['x-amzn-errortype']);
    assert.equal(status, 400);
    assert.deepEqual(body.error, {
      message: 'The content field in the Message object at messages.1 is empty. Add a ContentBlock object to the content field and try again.',
      type: 'invalid_request_error',
      param: null,
      code: 'ValidationException',
    });
  });

  test('bad credentials are 401, a missing permission 403', () => {
    const token = mapped(403, { message: 'The security token included in the request is invalid.' }, 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/');
    assert.deepEqual([token.status, token.body.error.type, token.body.error.code], [401, 'authentication_error', 'UnrecognizedClientException']);
    assert.equal(mapped(403, { message: 'The request signature we calculated does not match the signature you provided.' }, 'InvalidSignatureException').status, 401);
    const denied = mapped(403, { Message: 'You don\'t have access to the model with the specified model ID.' }, 'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/');
    assert.deepEqual([denied.status, denied.body.error.type, denied.body.error.message], [403, 'permission_error', "You don't have access to the model with the specified model ID."]);
  });

  test("credential errors do not pass on AWS's text, which may echo the gateway's canonical request or token", () => {
    const echoed = 'The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\nPOST\n/model/x/converse\n\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-security-token:IQoJb3JpZ2luX2VjE';
    for (const name of ['InvalidSignatureException', 'UnrecognizedClientException', 'IncompleteSignature', 'MissingAuthenticationToken', 'ExpiredTokenException']) {
      const { status, body } = mapped(403, { message: echoed }, `${name}:http://internal.amazon.com/coral/com.amazon.coral.service/`);
      assert.deepEqual([status, body.error.message, body.error.code], [401, `the provider rejected the gateway's AWS credentials (${name})`, name]);
    }
    assert.equal(mapped(403, { message: 'You are not authorized to perform: bedrock:InvokeModel' }, 'AccessDeniedException').body.error.message, 'You are not authorized to perform: bedrock:InvokeModel');
  });

  test('throttling stays 429, unavailability 503, a failing model becomes 502; a body that is not JSON is the message', () => {
    assert.deepEqual(mapped(429, { message: 'Too many requests' }, 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/').body.error.type, 'rate_limit_error');
    assert.equal(mapped(503, { message: 'Bedrock is unable to process your request.' }, 'ServiceUnavailableException').status, 503);
    assert.equal(mapped(424, { message: 'Received error from model', originalStatusCode: 500 }, 'ModelErrorException').status, 502);
    assert.equal(mapped(500, { message: 'x' }, 'aws.protocols#InternalServerException:http://x').body.error.code, 'InternalServerException');
    assert.deepEqual(mapped(502, '<html>Bad Gateway</html>').body.error, { message: '<html>Bad Gateway</html>', type: 'server_error', param: null, code: null });
  });
});

describe('openai → bedrock: Titan embeddings', () => {
  const embeddings = openAiToBedrock.operations.embeddings as OperationTranslator;
  const recorded = cassette('TestBedrock.test_titan_v2_with_dimensions.yaml').interactions[0];

  test('a recorded Titan v2 exchange (pydantic-ai): the request body, and the answer as an OpenAI embedding list', () => {
    const sent = embeddings.request({ model: 'amazon.titan-embed-text-v2:0', input: 'Test embedding dimensions', dimensions: 256, encoding_format: 'float' }, CTX);
    // The recorded client also sent normalize: true, which is Titan's default.
    assert.deepEqual({ ...sent, normalize: true }, JSON.parse(recorded?.request.body ?? '{}'));
    const translated = embeddings.response(recorded?.response.parsed_body, CTX);
    const list = translated.body as EmbeddingsResponse;
    assert.equal(list.object, 'list');
    assert.equal(list.data.length, 1);
    assert.equal(list.data[0]?.embedding.length, 256);
    assert.equal(list.data[0]?.embedding[0], -0.1208660751581192);
    assert.deepEqual(list.usage, { prompt_tokens: 4, total_tokens: 4 });
    assert.deepEqual(translated.usage, { promptTokens: 4, completionTokens: 0, totalTokens: 4 });
  });

  test('one text per request: several inputs, token arrays and base64 are refused; one text in an array is fine', () => {
    const refusedEmbedding = (body: Record<string, unknown>, param: string): void =>
      assert.throws(() => embeddings.request({ model: 'm', ...body }, CTX), (err: unknown) => err instanceof GatewayError && err.code === 'unsupported_parameter' && err.param === param);
    refusedEmbedding({ input: ['a', 'b'] }, 'input');
    refusedEmbedding({ input: [1, 2, 3] }, 'input');
    refusedEmbedding({ input: 'a', encoding_format: 'base64' }, 'encoding_format');
    assert.deepEqual(embeddings.request({ model: 'm', input: ['only'] }, CTX), { inputText: 'only' });
  });

  test('there is no model listing: Bedrock lists models on another API', () => {
    assert.equal(openAiToBedrock.operations.models, undefined);
  });
});
