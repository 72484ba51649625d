import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassStream } from './pass-stream.js';

const data = (value: unknown): string => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
const event = (name: string, value: unknown): string => `event: ${name}\n${data(value)}`;
const chunk = (delta: unknown, finish: string | null = null): string => data({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

/** Pushes each piece; what the client got, and the processor. */
function run(schema: 'openai' | 'anthropic' | 'gemini', pieces: string[], interruption?: boolean): { out: string; stream: PassStream } {
  const stream = new PassStream(schema);
  let out = '';
  for (const piece of pieces) {
    const sent = stream.push(Buffer.from(piece));
    out += typeof sent === 'string' ? sent : sent.toString('utf8');
  }
  out += stream.end(interruption === true ? { message: 'dropped', code: 'upstream_unreachable' } : undefined);
  return { out, stream };
}

const ROLE = chunk({ role: 'assistant', content: '' });
const HELLO = chunk({ content: 'Hello' });
const OPENAI = [ROLE, HELLO, chunk({}, 'stop'), 'data: [DONE]\n\n'];

test('an OpenAI stream passes through byte for byte, however it is split', () => {
  const whole = OPENAI.join('');
  for (let at = 1; at < whole.length; at += 7) {
    const { out, stream } = run('openai', [whole.slice(0, at), whole.slice(at)]);
    assert.equal(out, whole);
    assert.ok(stream.answered);
    assert.equal(stream.failure, undefined);
  }
});

test('the answer begins with content, a tool call or a finish, not with the role chunk or a filter-results chunk', () => {
  const opening = new PassStream('openai');
  opening.push(Buffer.from(data({ choices: [], prompt_filter_results: [{ prompt_index: 0 }] }) + ROLE));
  assert.ok(!opening.answered);
  opening.push(Buffer.from(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] })));
  assert.ok(opening.answered);
  const anthropic = new PassStream('anthropic');
  anthropic.push(Buffer.from(event('message_start', { type: 'message_start', message: {} }) + event('ping', { type: 'ping' }) + event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })));
  assert.ok(!anthropic.answered);
  anthropic.push(Buffer.from(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } })));
  assert.ok(anthropic.answered);
});

test("an error before the answer is the attempt's failure, with the status it stands for", () => {
  const cases: ['openai' | 'anthropic' | 'gemini', string, number][] = [
    ['openai', data({ error: { message: 'boom', type: 'server_error' } }), 500],
    ['openai', data({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }), 429],
    ['anthropic', event('message_start', { type: 'message_start', message: {} }) + event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), 529],
    ['gemini', data({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }), 503],
    ['openai', ROLE + 'data: {"choices": [{"delta": {"content": "tru\n\n', 502],
    ['openai', ROLE + 'data: <html>\n\n', 502],
  ];
  for (const [schema, text, status] of cases) {
    // The relay holds everything before the answer, so the client gets none of it and another provider may answer.
    const { stream } = run(schema, [text]);
    assert.equal(stream.failure?.status, status, text);
    assert.ok(!stream.answered);
  }
});

test('after the answer began, a broken line is replaced by an error event, and nothing after it goes out', () => {
  const { out, stream } = run('openai', [ROLE + HELLO, 'data: {"choices": [{"delta": {"content": "tru\n\n' + chunk({ content: 'more' })]);
  assert.equal(out.startsWith(ROLE + HELLO), true);
  assert.match(out, /data: \{"error":\{"message":"the provider sent a stream event that is not JSON".*"code":"upstream_invalid_response"\}\}\n\n$/);
  assert.ok(!out.includes('more'));
  assert.equal(stream.failure?.status, 502);
});

test('a stream that finished its answer without its end marker gets it; one that did not gets an error event', () => {
  assert.equal(run('openai', OPENAI.slice(0, 3)).out, OPENAI.slice(0, 3).join('') + 'data: [DONE]\n\n');
  const anthropic = [event('message_start', { type: 'message_start' }), event('content_block_delta', { type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } }), event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' } })];
  assert.equal(run('anthropic', anthropic).out, anthropic.join('') + 'event: message_stop\ndata: {"type":"message_stop"}\n\n');
  const gemini = [data({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] })];
  assert.equal(run('gemini', gemini).out, gemini.join(''), 'Gemini has no end marker');
  const cut = run('openai', OPENAI.slice(0, 2), true);
  assert.equal(cut.out, OPENAI.slice(0, 2).join('') + 'data: {"error":{"message":"dropped","type":"server_error","param":null,"code":"upstream_unreachable"}}\n\n');
  assert.equal(cut.stream.failure?.status, 502);
  const anthropicCut = run('anthropic', anthropic.slice(0, 2));
  assert.match(anthropicCut.out, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"the provider's stream ended before the answer was complete"\}\}\n\n$/);
});

test('an error event the provider sent after the answer began is its own end', () => {
  const text = OPENAI.slice(0, 2).join('') + data({ error: { message: 'boom' } });
  const { out, stream } = run('openai', [text]);
  assert.equal(out, text);
  assert.ok(stream.answered);
});

test('CRLF streams and a last line without its line end are read the same', () => {
  const crlf = OPENAI.join('').replaceAll('\n', '\r\n');
  assert.equal(run('openai', [crlf]).out, crlf);
  const { out } = run('openai', [OPENAI.slice(0, 3).join('') + 'data: [DONE]']);
  assert.equal(out, OPENAI.slice(0, 3).join('') + 'data: [DONE]\n');
});

test('usage is read as the stream passes', () => {
  const { stream } = run('openai', [OPENAI.slice(0, 3).join('') + data({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) + 'data: [DONE]\n\n']);
  assert.deepEqual(stream.usage, { promptTokens: 3, completionTokens: 2, totalTokens: 5 });
});
