import type { ChatCompletion, ToolCall } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { isAnswerTool } from '../common/answer-tool.js';
import { malformedAnswer } from '../common/errors.js';
import { argumentsText } from '../common/tool-arguments.js';
import { openAiUsage } from '../common/usage.js';
import { nonEmptyString } from '../common/values.js';
import type { TranslateContext, TranslatedAnswer } from '../translator.js';
import { finishReason, usageCount } from './mapping.js';

/**
 * An Anthropic message as an OpenAI chat completion: text blocks are the content, tool_use
 * blocks the tool calls, and a `response_format` answer tool's input the content as JSON text.
 * Thinking blocks are the model's working, not its answer, and stay out.
 */
export function chatResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  if (!isPlainObject(body) || !Array.isArray(body.content)) throw malformedAnswer("Anthropic's answer is not a message with content");
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  let answer: string | undefined;
  for (const block of body.content as unknown[]) {
    if (!isPlainObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use' && isAnswerTool(block.name)) answer ??= argumentsText(block.input);
    else if (block.type === 'tool_use') {
      if (typeof block.name !== 'string') throw malformedAnswer("Anthropic's answer calls a tool without a name");
      const id = nonEmptyString(block.id) ?? `call_${ctx.id}_${calls.length}`;
      calls.push({ id, type: 'function', function: { name: block.name, arguments: argumentsText(block.input) } });
    }
  }

  const model = nonEmptyString(body.model);
  const usage = isPlainObject(body.usage) ? usageCount(body.usage) : undefined;
  const choice: ChatCompletion['choices'][number] = {
    index: 0,
    // A JSON answer is the whole content: text beside it would make it unreadable as JSON.
    message: { role: 'assistant', content: answer ?? (texts.length > 0 ? texts.join('') : null), refusal: null },
    logprobs: null,
    finish_reason: finishReason(body.stop_reason, calls.length > 0),
  };
  if (calls.length > 0) choice.message.tool_calls = calls;
  const completion: ChatCompletion = { id: `chatcmpl-${ctx.id}`, object: 'chat.completion', created: ctx.created, model: model ?? ctx.model, choices: [choice] };
  if (usage !== undefined) completion.usage = openAiUsage(usage);
  return { body: completion, usage, model };
}
