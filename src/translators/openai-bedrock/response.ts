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
 * A Converse answer as an OpenAI chat completion. Text blocks are the content, toolUse blocks
 * the tool calls, and reasoning blocks stay out of the content. A `response_format` answer
 * tool's input is the whole content, as JSON text: text beside it would make it unreadable as
 * JSON. Bedrock does not say which model answered, so the completion names the model asked for.
 */
export function chatResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const output = isPlainObject(body) ? body.output : undefined;
  const message = isPlainObject(output) ? output.message : undefined;
  if (!isPlainObject(body) || !isPlainObject(message) || !Array.isArray(message.content)) throw malformedAnswer("Bedrock's answer is not a Converse answer with a message");

  const texts: string[] = [];
  const calls: ToolCall[] = [];
  let answer: string | undefined;
  for (const block of message.content as unknown[]) {
    if (!isPlainObject(block)) continue;
    if (typeof block.text === 'string') texts.push(block.text);
    else if (isPlainObject(block.toolUse)) {
      const { toolUseId, name, input } = block.toolUse;
      if (isAnswerTool(name)) answer ??= argumentsText(input);
      else if (typeof name !== 'string') throw malformedAnswer("Bedrock's answer calls a tool without a name");
      else calls.push({ id: nonEmptyString(toolUseId) ?? `call_${ctx.id}_${calls.length}`, type: 'function', function: { name, arguments: argumentsText(input) } });
    }
    // reasoningContent is the model's thinking, not its answer; other blocks carry nothing to say.
  }

  const usage = isPlainObject(body.usage) ? usageCount(body.usage) : undefined;
  const completion: ChatCompletion = {
    id: `chatcmpl-${ctx.id}`,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI's tool-call-only answers have no content at all.
          content: answer ?? (texts.length > 0 ? texts.join('') : calls.length > 0 ? null : ''),
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(body.stopReason, calls.length > 0),
      },
    ],
  };
  if (usage !== undefined) completion.usage = openAiUsage(usage);
  return { body: completion, usage, model: undefined };
}
