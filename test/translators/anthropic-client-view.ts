import assert from 'node:assert/strict';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ContentBlock, MessagesRequest, MessagesResponse, StreamEvent, Usage } from '../../src/apischema/anthropic.js';
import { sseEvents, TOOL_SPECS, type Assembled, type ClientView, type Scenario } from './chat-suite.js';

// An Anthropic Messages client (the official SDK, a coding agent), as the shared translator
// suite sees it. The error types by status are Anthropic's documented ones, written out here
// rather than taken from a translator, so that a translator's mapping can be wrong and fail.

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/** What a client counts as the prompt: Anthropic reports cached prompt tokens apart. */
function promptTokens(usage: Partial<Usage>): number {
  return (usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
}

const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function assertUsage(usage: Partial<Usage> | undefined): void {
  for (const field of ['input_tokens', 'output_tokens'] as const) assert.ok(isCount(usage?.[field]), `${field} is a whole count: ${JSON.stringify(usage)}`);
  for (const field of ['cache_read_input_tokens', 'cache_creation_input_tokens'] as const) if (usage?.[field] !== undefined) assert.ok(isCount(usage[field]), `${field} is a whole count`);
}

/** The usage a client reads: all prompt tokens, of which `cached` were read from the cache. */
function readUsage(usage: Partial<Usage>): NonNullable<Assembled['usage']> {
  return { prompt: promptTokens(usage), completion: usage.output_tokens ?? 0, cached: usage.cache_read_input_tokens ?? 0 };
}

export const anthropicClientView: ClientView = {
  schema: 'anthropic',
  request(scenario: Scenario, { stream, extra }): MessagesRequest {
    return {
      model: 'client-model',
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'What is recursion? And the weather in Paris?' }],
      max_tokens: scenario.kind === 'length' ? 5 : 1024,
      ...(scenario.kind === 'tool_calls'
        ? { tools: TOOL_SPECS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })), tool_choice: { type: 'auto' as const } }
        : {}),
      ...(stream ? { stream: true } : {}),
      ...extra,
    };
  },

  readAnswer(body): Assembled {
    const m = body as MessagesResponse;
    assert.equal(m.type, 'message');
    assert.match(m.id, /^msg_/);
    assert.equal(m.role, 'assistant');
    assert.equal(typeof m.model, 'string');
    assert.ok(Array.isArray(m.content));
    assert.equal(m.stop_sequence, null);
    assert.equal(typeof m.stop_reason, 'string');
    assertUsage(m.usage);
    const out: Assembled = { text: '', calls: [], finishes: [m.stop_reason ?? ''], usage: readUsage(m.usage) };
    const ids = new Set<string>();
    for (const block of m.content) {
      if (block.type === 'text') out.text += (block as { text: string }).text;
      else if (block.type === 'tool_use') {
        const call = block as { id: string; name: string; input: unknown };
        assert.ok(call.id.length > 0, 'every tool_use has an id');
        assert.ok(!ids.has(call.id), 'tool_use ids are distinct');
        ids.add(call.id);
        assert.equal(typeof call.input, 'object', 'tool input is an object');
        out.calls.push({ name: call.name, args: call.input });
      } else assert.fail(`unexpected content block ${block.type}`);
    }
    return out;
  },

  readStream(sse): Assembled & { terminated: boolean } {
    const events = sseEvents(sse);
    const out: Assembled = { text: '', calls: [], finishes: [], usage: undefined };
    let phase: 'start' | 'blocks' | 'delta' | 'stopped' = 'start';
    let open: { index: number; type: string; name: string; args: string } | undefined;
    let nextIndex = 0;
    const ids = new Set<string>();
    for (const [i, e] of events.entries()) {
      const data = JSON.parse(e.data) as StreamEvent;
      assert.equal(e.event, data.type, 'each event is named by its type');
      assert.notEqual(phase, 'stopped', 'nothing follows message_stop');
      switch (data.type) {
        case 'error':
          assert.equal(i, events.length - 1, 'an error event ends the stream');
          assert.equal(typeof data.error.type, 'string');
          assert.equal(typeof data.error.message, 'string');
          break;
        case 'ping':
          break;
        case 'message_start':
          assert.equal(phase, 'start', 'message_start comes first');
          assert.match(data.message.id, /^msg_/);
          assert.equal(data.message.type, 'message');
          assert.equal(data.message.role, 'assistant');
          assert.equal(typeof data.message.model, 'string');
          assert.deepEqual(data.message.content, []);
          assert.equal(data.message.stop_reason, null);
          assertUsage(data.message.usage);
          phase = 'blocks';
          break;
        case 'content_block_start': {
          assert.equal(phase, 'blocks', 'blocks come after message_start and before message_delta');
          assert.equal(open, undefined, 'one block at a time');
          assert.equal(data.index, nextIndex++, 'block indexes count up from 0');
          const block = data.content_block as ContentBlock & { id?: string; name?: string; text?: string; input?: unknown };
          if (block.type === 'text') assert.equal(block.text, '');
          else {
            assert.equal(block.type, 'tool_use');
            assert.ok(typeof block.id === 'string' && block.id !== '' && !ids.has(block.id), 'tool_use ids are present and distinct');
            ids.add(block.id);
            assert.deepEqual(block.input, {});
          }
          open = { index: data.index, type: block.type, name: block.name ?? '', args: '' };
          break;
        }
        case 'content_block_delta':
          assert.equal(data.index, open?.index, 'deltas go to the open block');
          if (data.delta.type === 'text_delta') {
            assert.equal(open?.type, 'text');
            out.text += data.delta.text;
          } else {
            assert.equal(data.delta.type, 'input_json_delta');
            assert.equal(open?.type, 'tool_use');
            if (open !== undefined) open.args += data.delta.partial_json;
          }
          break;
        case 'content_block_stop':
          assert.equal(data.index, open?.index, 'the open block stops');
          if (open?.type === 'tool_use') out.calls.push({ name: open.name, args: open.args === '' ? {} : (JSON.parse(open.args) as unknown) });
          open = undefined;
          break;
        case 'message_delta':
          assert.equal(phase, 'blocks', 'one message_delta, after message_start');
          assert.equal(open, undefined, 'every block stopped before message_delta');
          assert.equal(data.delta.stop_sequence, null);
          out.finishes.push(data.delta.stop_reason ?? '');
          assert.ok(isCount(data.usage.output_tokens), 'output_tokens is a whole count');
          out.usage = readUsage(data.usage);
          phase = 'delta';
          break;
        case 'message_stop':
          assert.equal(phase, 'delta', 'message_stop follows message_delta');
          phase = 'stopped';
          break;
      }
    }
    return { ...out, terminated: phase === 'stopped' };
  },

  async sdkReassemble(sse): Promise<Assembled> {
    // The SDK's own SSE reader (as on a real response), then its message accumulator.
    const events = Stream.fromSSEResponse<RawMessageStreamEvent>(new Response(sse, { headers: { 'content-type': 'text/event-stream' } }), new AbortController());
    const message = await MessageStream.fromReadableStream(events.toReadableStream()).finalMessage();
    const out: Assembled = { text: '', calls: [], finishes: [message.stop_reason ?? ''], usage: readUsage(message.usage) };
    for (const block of message.content) {
      if (block.type === 'text') out.text += block.text;
      else if (block.type === 'tool_use') out.calls.push({ name: block.name, args: block.input });
    }
    return out;
  },

  endsWithError(sse): boolean {
    const last = sseEvents(sse).at(-1);
    if (last?.event !== 'error') return false;
    const body = JSON.parse(last.data) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    return body.type === 'error' && typeof body.error?.type === 'string' && typeof body.error.message === 'string';
  },

  readError(body): string {
    const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    assert.equal(b.type, 'error');
    assert.equal(typeof b.error?.message, 'string');
    assert.ok((b.error?.message as string).length > 0);
    return String(b.error?.type);
  },

  errorType: (status) => ERROR_TYPES[status] ?? 'api_error',
  finish: { text: 'end_turn', tool_calls: 'tool_use', length: 'max_tokens' },
  usageOnRequest: false,
  choicesField: undefined,
};
