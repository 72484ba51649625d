import assert from 'node:assert/strict';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from '../../src/apischema/openai.js';
import { openAiErrorType } from '../../src/translators/openai-error.js';
import { dataLines, TOOL_SPECS, type Assembled, type ClientView, type Scenario } from './chat-suite.js';

// An OpenAI chat completions client, as the shared translator suite sees it.

const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** OpenAI's usage, checked the way a client adding it up relies on it: whole counts, the total their sum. */
function readUsage(usage: Usage): NonNullable<Assembled['usage']> {
  assert.ok(isCount(usage.prompt_tokens) && isCount(usage.completion_tokens), `usage counts are whole numbers: ${JSON.stringify(usage)}`);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined) assert.ok(isCount(cached) && cached <= usage.prompt_tokens, 'cached tokens are part of the prompt tokens');
  return { prompt: usage.prompt_tokens, completion: usage.completion_tokens, cached: cached ?? 0 };
}

export const openAiClientView: ClientView = {
  schema: 'openai',
  request(scenario: Scenario, { stream, includeUsage, extra }): ChatCompletionRequest {
    return {
      model: 'client-model',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is recursion? And the weather in Paris?' },
      ],
      ...(scenario.kind === 'tool_calls' ? { tools: TOOL_SPECS.map((f) => ({ type: 'function' as const, function: f })), tool_choice: 'auto' as const } : {}),
      ...(scenario.kind === 'length' ? { max_tokens: 5 } : {}),
      ...(stream ? { stream: true } : {}),
      ...(stream && includeUsage ? { stream_options: { include_usage: true } } : {}),
      ...extra,
    };
  },

  readAnswer(body, ctx): Assembled {
    const c = body as ChatCompletion;
    assert.equal(c.object, 'chat.completion');
    assert.match(c.id, /^chatcmpl-/);
    assert.equal(c.created, ctx.created);
    assert.equal(typeof c.model, 'string');
    assert.equal(c.choices.length, 1);
    const choice = c.choices[0];
    assert.equal(choice?.index, 0);
    assert.equal(choice?.message.role, 'assistant');
    const calls = choice?.message.tool_calls ?? [];
    for (const t of calls) {
      assert.equal(t.type, 'function');
      assert.ok(t.id.length > 0, 'every tool call has an id');
    }
    assert.equal(new Set(calls.map((t) => t.id)).size, calls.length, 'tool call ids are distinct');
    return {
      text: choice?.message.content ?? '',
      calls: calls.map((t) => ({ name: t.function.name, args: t.function.arguments })),
      finishes: choice === undefined ? [] : [choice.finish_reason],
      usage: c.usage === undefined ? undefined : readUsage(c.usage),
    };
  },

  readStream(sse): Assembled & { terminated: boolean } {
    const lines = dataLines(sse);
    const terminated = lines.at(-1) === '[DONE]';
    const chunks = lines.filter((l) => l !== '[DONE]').map((l) => JSON.parse(l) as ChatCompletionChunk & { error?: unknown }).filter((c) => c.error === undefined);
    const out: Assembled = { text: '', calls: [], finishes: [], usage: undefined };
    const calls: { id: string; name: string; args: string }[] = [];
    chunks.forEach((c, i) => {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.id, chunks[0]?.id, 'one id for the whole stream');
      assert.equal(typeof c.created, 'number');
      assert.equal(typeof c.model, 'string');
      if (i === 0) assert.equal(c.choices[0]?.delta.role, 'assistant', 'the first chunk carries the role');
      for (const choice of c.choices) {
        out.text += choice.delta.content ?? '';
        for (const t of choice.delta.tool_calls ?? []) {
          const call = (calls[t.index] ??= { id: '', name: '', args: '' });
          call.id += t.id ?? '';
          call.name += t.function?.name ?? '';
          call.args += t.function?.arguments ?? '';
        }
        if (choice.finish_reason !== null) out.finishes.push(choice.finish_reason);
      }
      if (c.usage !== undefined && c.usage !== null) {
        assert.deepEqual(c.choices, [], 'usage comes in a last chunk without choices');
        assert.equal(i, chunks.length - 1, 'the usage chunk is the last');
        out.usage = readUsage(c.usage);
      }
    });
    assert.ok(calls.every((c) => c.id !== ''), 'every streamed tool call has an id');
    out.calls = calls.map((c) => ({ name: c.name, args: c.args }));
    return { ...out, terminated };
  },

  async sdkReassemble(sse): Promise<Assembled> {
    const lines = dataLines(sse)
      .filter((l) => l !== '[DONE]')
      .map((l) => `${l}\n`)
      .join('');
    const final = await ChatCompletionStream.fromReadableStream(new Blob([lines]).stream()).finalChatCompletion();
    const choice = final.choices[0];
    return {
      text: choice?.message.content ?? '',
      calls: (choice?.message.tool_calls ?? []).flatMap((t) => (t.type === 'function' ? [{ name: t.function.name, args: t.function.arguments }] : [])),
      finishes: choice === undefined ? [] : [choice.finish_reason],
      usage: undefined,
    };
  },

  endsWithError(sse): boolean {
    const last = dataLines(sse).at(-1);
    if (last === undefined || last === '[DONE]') return false;
    const error = (JSON.parse(last) as { error?: { message?: unknown; type?: unknown } }).error;
    return typeof error?.message === 'string' && typeof error.type === 'string';
  },

  readError(body): string {
    const e = (body as { error?: { message?: unknown; type?: unknown } }).error;
    assert.equal(typeof e?.message, 'string');
    assert.ok((e?.message as string).length > 0);
    return String(e?.type);
  },

  errorType: openAiErrorType,
  finish: { text: 'stop', tool_calls: 'tool_calls', length: 'length' },
  usageOnRequest: true,
  choicesField: 'n',
};
