import type { ConverseRequest, InferenceConfiguration, ToolChoice, ToolConfiguration, ToolSpecification } from '../../apischema/bedrock.js';
import { isPlainObject } from '../../core/json.js';
import { answerTool, refuseReservedToolName } from '../common/answer-tool.js';
import { unsupported } from '../common/errors.js';
import { converseConversation } from './messages.js';

/**
 * An OpenAI chat completions body as a Converse body. The body is built from what Converse
 * knows, so fields it would reject never reach it; what it cannot do and a client would miss
 * is refused, naming the field. The same body serves `/converse` and `/converse-stream`.
 */
export function chatRequest(body: Record<string, unknown>): Record<string, unknown> {
  refuseWhatConverseCannotDo(body);
  const conversation = converseConversation(body.messages);
  const out: ConverseRequest = { messages: conversation.messages };
  if (conversation.system.length > 0) out.system = conversation.system;
  const inference = inferenceConfig(body);
  if (Object.keys(inference).length > 0) out.inferenceConfig = inference;
  const tools = toolConfig(body, conversation.holdsToolBlocks);
  if (tools !== undefined) out.toolConfig = tools;
  return { ...out };
}

function refuseWhatConverseCannotDo(body: Record<string, unknown>): void {
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw unsupported('n', 'Bedrock answers with one choice per request; n must be 1');
  }
  if (body.logprobs === true) throw unsupported('logprobs', "Bedrock's Converse API does not return log probabilities");
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0) {
    throw unsupported('top_logprobs', "Bedrock's Converse API does not return log probabilities");
  }
}

function inferenceConfig(body: Record<string, unknown>): InferenceConfiguration {
  const out: InferenceConfiguration = {};
  const maxTokens = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : body.max_tokens;
  if (typeof maxTokens === 'number') out.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.topP = body.top_p;
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop : [];
  // Converse rejects empty stop sequences; an empty one never matches anything anyway.
  const stopSequences = stop.filter((s: unknown): s is string => typeof s === 'string' && s !== '');
  if (stopSequences.length > 0) out.stopSequences = stopSequences;
  return out;
}

/**
 * Tools, the tool choice and JSON answers. Converse has no "none" choice and no JSON mode:
 * "none" is a turn without tools, and a `response_format` is a tool the model must call.
 */
function toolConfig(body: Record<string, unknown>, holdsToolBlocks: boolean): ToolConfiguration | undefined {
  const tools = toolSpecs(body.tools);
  const answer = answerTool(body);
  if (answer !== undefined) {
    const spec: ToolSpecification = { name: answer.name, description: answer.description, inputSchema: { json: answer.schema } };
    if (answer.strict) spec.strict = true;
    return { tools: [{ toolSpec: spec }], toolChoice: { tool: { name: answer.name } } };
  }
  if (tools.length === 0) {
    if (holdsToolBlocks) {
      throw unsupported('tools', 'the conversation holds tool calls or tool results, and Bedrock requires the tool definitions with them: send tools');
    }
    return undefined;
  }
  if (body.tool_choice === 'none') {
    // Bedrock refuses tool calls and results in the conversation unless toolConfig is present,
    // so then the tools stay, with no choice (Converse's default lets the model decide).
    return holdsToolBlocks ? { tools } : undefined;
  }
  const choice = toolChoice(body.tool_choice);
  return choice === undefined ? { tools } : { tools, toolChoice: choice };
}

function toolSpecs(tools: unknown): { toolSpec: ToolSpecification }[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw unsupported('tools', 'tools must be an array');
  return tools.map((tool: unknown, i) => {
    const path = `tools[${i}]`;
    if (!isPlainObject(tool) || tool.type !== 'function' || !isPlainObject(tool.function)) {
      throw unsupported(`${path}.type`, 'Bedrock supports function tools only');
    }
    const fn = tool.function;
    if (typeof fn.name !== 'string') throw unsupported(`${path}.function.name`, `${path}.function.name must be a string`);
    refuseReservedToolName(fn.name, `${path}.function.name`);
    const spec: ToolSpecification = { name: fn.name, inputSchema: { json: isPlainObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} } } };
    if (typeof fn.description === 'string' && fn.description !== '') spec.description = fn.description;
    if (fn.strict === true) spec.strict = true;
    return { toolSpec: spec };
  });
}

function toolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (isPlainObject(choice) && choice.type === 'function' && isPlainObject(choice.function) && typeof choice.function.name === 'string') {
    return { tool: { name: choice.function.name } };
  }
  throw unsupported('tool_choice', 'Bedrock supports tool_choice "none", "auto", "required" or one named function');
}
