import type { ChatCompletion, ToolCall } from '../../apischema/openai.js';
import type { TranslateContext, TranslatedAnswer } from '../translator.js';
import { finishReason, isAnswerTool, isRecord, openAiUsage, usageCount } from './mapping.js';

/**
 * A Converse answer as an OpenAI chat completion. Text blocks are the content, toolUse blocks
 * the tool calls (a `response_format` answer tool's input is the content, as JSON text), and
 * reasoning blocks stay out of the content. Bedrock does not say which model answered, so the
 * completion names the model asked for.
 */
export function chatResponse(body: unknown, ctx: TranslateContext): TranslatedAnswer {
  const answer = isRecord(body) ? body : {};
  const output = isRecord(answer.output) ? answer.output : {};
  const message = isRecord(output.message) ? output.message : {};
  const blocks = Array.isArray(message.content) ? (message.content as unknown[]) : [];

  const texts: string[] = [];
  const calls: ToolCall[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') texts.push(block.text);
    else if (isRecord(block.toolUse)) {
      const { toolUseId, name, input } = block.toolUse;
      const json = JSON.stringify(input ?? {});
      if (isAnswerTool(name)) texts.push(json);
      else calls.push({ id: String(toolUseId), type: 'function', function: { name: String(name), arguments: json } });
    }
    // reasoningContent is the model's thinking, not its answer; other blocks carry nothing to say.
  }

  const usage = isRecord(answer.usage) ? usageCount(answer.usage) : undefined;
  const stopReason = typeof answer.stopReason === 'string' ? answer.stopReason : undefined;
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
          content: texts.length > 0 ? texts.join('') : calls.length > 0 ? null : '',
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(stopReason, calls.length > 0),
      },
    ],
  };
  if (usage !== undefined) completion.usage = openAiUsage(usage);
  return { body: completion, usage, model: undefined };
}
