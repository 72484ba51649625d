import type { Tool, ToolChoice } from '../../apischema/anthropic.js';
import { GatewayError } from '../../core/errors.js';
import { ANSWER_TOOL_PREFIX, answerToolName, isAnswerTool, isRecord } from './mapping.js';

/** Anthropic's choices; it also takes `disable_parallel_tool_use` when one tool is forced. */
type AnthropicToolChoice = Exclude<ToolChoice, { type: 'tool' }> | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean };

export interface ToolFields {
  tools?: Tool[];
  tool_choice?: AnthropicToolChoice;
}

const unsupported = (message: string, param: string): GatewayError => new GatewayError('unsupported_parameter', message, { param });

/** A tool without parameters still needs an object schema on Anthropic. */
const NO_PARAMETERS = { type: 'object', properties: {} };

/**
 * `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` together, since a JSON
 * answer is itself a forced tool and cannot share the request with the client's tools.
 */
export function toolFields(body: Record<string, unknown>): ToolFields {
  const answer = answerTool(body.response_format);
  const tools = clientTools(body.tools);
  if (answer !== undefined) {
    if (tools.length > 0) throw unsupported('response_format cannot be combined with tools on Anthropic: the JSON answer is itself a forced tool call', 'response_format');
    if (body.tool_choice !== undefined && body.tool_choice !== null) throw unsupported('tool_choice has no meaning with response_format on Anthropic, which forces the answer tool', 'tool_choice');
    return { tools: [answer], tool_choice: { type: 'tool', name: answer.name } };
  }
  if (tools.length === 0) return {};
  const choice = toolChoice(body.tool_choice);
  if (body.parallel_tool_calls === false && choice.type !== 'none') choice.disable_parallel_tool_use = true;
  return { tools, tool_choice: choice };
}

function clientTools(tools: unknown): Tool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw unsupported('tools must be an array', 'tools');
  return tools.map((tool: unknown, i): Tool => {
    const path = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) throw unsupported(`${path}: only function tools are supported on Anthropic`, `${path}.type`);
    const { name, description, parameters } = tool.function;
    if (typeof name !== 'string') throw unsupported(`${path}.function.name must be a string`, `${path}.function.name`);
    if (isAnswerTool(name)) throw unsupported(`${path}.function.name: the prefix ${ANSWER_TOOL_PREFIX} is reserved for response_format answers`, `${path}.function.name`);
    const out: Tool = { name, input_schema: isRecord(parameters) ? parameters : NO_PARAMETERS };
    if (typeof description === 'string') out.description = description;
    return out;
  });
}

function toolChoice(choice: unknown): AnthropicToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name };
  throw unsupported('tool_choice must be auto, required, none or {type: function, function: {name}} on Anthropic', 'tool_choice');
}

/** The forced tool that carries a `response_format` answer, if one is asked for. */
function answerTool(format: unknown): Tool | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw unsupported('response_format must be an object', 'response_format');
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return { name: answerToolName('json_object'), description: 'Give the answer as a JSON object: the input of this tool.', input_schema: { type: 'object' } };
  if (format.type === 'json_schema' && isRecord(format.json_schema) && typeof format.json_schema.name === 'string') {
    const { name, description, schema } = format.json_schema;
    const purpose = typeof description === 'string' ? ` ${description}` : '';
    return { name: answerToolName(name), description: `Give the answer as the input of this tool, following its schema.${purpose}`, input_schema: isRecord(schema) ? schema : { type: 'object' } };
  }
  throw unsupported('response_format must be text, json_object or json_schema with a name', 'response_format');
}
