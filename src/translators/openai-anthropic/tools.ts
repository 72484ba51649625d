import type { Tool, ToolChoice } from '../../apischema/anthropic.js';
import { isPlainObject } from '../../core/json.js';
import { answerTool, refuseReservedToolName } from '../common/answer-tool.js';
import { unsupported } from '../common/errors.js';

/** Anthropic's choices; it also takes `disable_parallel_tool_use` when one tool is forced. */
type AnthropicToolChoice = Exclude<ToolChoice, { type: 'tool' }> | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean };

export interface ToolFields {
  tools?: Tool[];
  tool_choice?: AnthropicToolChoice;
}

/** A tool without parameters still needs an object schema on Anthropic. */
const NO_PARAMETERS = { type: 'object', properties: {} };

/**
 * `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` together, since a JSON
 * answer is itself a forced tool and cannot share the request with the client's tools.
 * `strict` is not sent: Anthropic takes it only behind a beta header.
 */
export function toolFields(body: Record<string, unknown>): ToolFields {
  const tools = clientTools(body.tools);
  const answer = answerTool(body);
  if (answer !== undefined) {
    return { tools: [{ name: answer.name, description: answer.description, input_schema: answer.schema }], tool_choice: { type: 'tool', name: answer.name } };
  }
  if (tools.length === 0) return {};
  const choice = toolChoice(body.tool_choice);
  if (body.parallel_tool_calls === false && choice.type !== 'none') choice.disable_parallel_tool_use = true;
  return { tools, tool_choice: choice };
}

function clientTools(tools: unknown): Tool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw unsupported('tools', 'tools must be an array');
  return tools.map((tool: unknown, i): Tool => {
    const path = `tools[${i}]`;
    if (!isPlainObject(tool) || tool.type !== 'function' || !isPlainObject(tool.function)) throw unsupported(`${path}.type`, `${path}: only function tools are supported on Anthropic`);
    const { name, description, parameters } = tool.function;
    if (typeof name !== 'string') throw unsupported(`${path}.function.name`, `${path}.function.name must be a string`);
    refuseReservedToolName(name, `${path}.function.name`);
    const out: Tool = { name, input_schema: isPlainObject(parameters) ? parameters : NO_PARAMETERS };
    if (typeof description === 'string') out.description = description;
    return out;
  });
}

function toolChoice(choice: unknown): AnthropicToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isPlainObject(choice) && choice.type === 'function' && isPlainObject(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name };
  throw unsupported('tool_choice', 'tool_choice must be auto, required, none or {type: function, function: {name}} on Anthropic');
}
