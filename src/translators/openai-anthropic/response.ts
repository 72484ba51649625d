import type { StopReason } from '../../apischema/anthropic.js';
import type { ChatCompletion, ToolCall } from '../../apischema/openai.js';
import type { TranslateContext, TranslatedAnswer } from '../translator.js';
import { finishReason, isAnswerTool, isRecord, openAiUsage, usageCount } from './mapping.js';

/**
 * An Anthropic message as an OpenAI chat completion: text blocks are the content, tool_use
 * blocks the tool calls, and a `response_format` answer tool's input the content as JSON text.
 * Thinking blocks are the model's working, not its answer, and stay out.
 */
export function chatResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const message = isRecord(body) ? body : {};
  const blocks = Array.isArray(message.content) ? (message.content as unknown[]) : [];
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  let answer: string | undefined;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use' && isAnswerTool(block.name)) answer = JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }

  const model = typeof message.model === 'string' ? message.model : undefined;
  const usage = isRecord(message.usage) ? usageCount(message.usage) : undefined;
  const choice: ChatCompletion['choices'][number] = {
    index: 0,
    // A JSON answer is the whole content: text beside it would make it unreadable as JSON.
    message: { role: 'assistant', content: answer ?? (texts.length > 0 ? texts.join('') : null), refusal: null },
    logprobs: null,
    finish_reason: finishReason(typeof message.stop_reason === 'string' ? (message.stop_reason as StopReason) : null, calls.length > 0),
  };
  if (calls.length > 0) choice.message.tool_calls = calls;
  const completion: ChatCompletion = { id: `chatcmpl-${ctx.id}`, object: 'chat.completion', created: ctx.created, model: model ?? ctx.model, choices: [choice] };
  if (usage !== undefined) completion.usage = openAiUsage(usage);
  return { body: completion, usage, model };
}
