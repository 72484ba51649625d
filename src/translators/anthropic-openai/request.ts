import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { unsupported } from '../common/errors.js';
import { optionalNumber, requireString } from '../common/request-fields.js';
import type { TranslateContext } from '../translator.js';
import { chatMessages, systemMessages } from './messages.js';

// An Anthropic Messages request as an OpenAI chat completions request. The body is built from
// the fields below only: anything else the client sent is not forwarded, since OpenAI-compatible
// servers reject fields they do not know.

/** Anthropic features that change what is asked for and that no OpenAI-compatible server offers. */
const REFUSED_FIELDS: Record<string, string> = {
  mcp_servers: "remote MCP servers are run by Anthropic's API; an OpenAI-compatible provider cannot call them",
  container: "code execution containers are Anthropic's; an OpenAI-compatible provider has none",
  output_format: 'structured output formats are not translated to an OpenAI-compatible provider; describe the format in the prompt or use a tool',
};

export function toChatCompletionRequest(body: Record<string, unknown>, ctx: TranslateContext): ChatCompletionRequest {
  for (const [field, why] of Object.entries(REFUSED_FIELDS)) {
    if (body[field] !== undefined && body[field] !== null) throw unsupported(field, `${field} is not supported: ${why}`);
  }
  if (isPlainObject(body.output_config) && body.output_config.format !== undefined && body.output_config.format !== null) {
    throw unsupported('output_config.format', `output_config.format is not supported: ${REFUSED_FIELDS.output_format ?? ''}`);
  }

  const request: ChatCompletionRequest = { model: ctx.model, messages: [...systemMessages(body.system), ...chatMessages(body.messages)] };

  // `max_tokens`, not `max_completion_tokens`: every OpenAI-compatible server knows the former.
  const maxTokens = optionalNumber(body.max_tokens, 'max_tokens');
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) request.top_p = topP;
  // `top_k` has no OpenAI equivalent: it only narrows sampling further than top_p, so it is
  // left out. So are `thinking` (no portable switch: `reasoning_effort` is refused by models
  // that do not reason; answers without thinking blocks are valid Anthropic answers) and
  // `service_tier` (a scheduling wish about Anthropic's capacity).

  const stop = stopSequences(body.stop_sequences);
  if (stop !== undefined) request.stop = stop;

  if (isPlainObject(body.metadata) && body.metadata.user_id !== undefined && body.metadata.user_id !== null) {
    request.user = requireString(body.metadata.user_id, 'metadata.user_id');
  }

  const tools = body.tools === undefined || body.tools === null ? [] : functionTools(body.tools);
  if (tools.length > 0) request.tools = tools;
  if (body.tool_choice !== undefined && body.tool_choice !== null) Object.assign(request, toolChoice(body.tool_choice, tools.length > 0));

  if (body.stream === true) {
    request.stream = true;
    // An Anthropic stream always ends with usage; OpenAI sends it only when asked.
    request.stream_options = { include_usage: true };
  }
  return request;
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw unsupported('stop_sequences', 'stop_sequences must be a list of strings');
  const stops = value.map((s: unknown, i) => requireString(s, `stop_sequences[${i}]`));
  return stops.length > 0 ? stops : undefined;
}

function functionTools(value: unknown): FunctionTool[] {
  if (!Array.isArray(value)) throw unsupported('tools', 'tools must be a list of tools');
  return value.map((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isPlainObject(tool)) throw unsupported(at, `${at} must be a tool object`);
    // Typed tools (web_search_…, bash_…, text_editor_…, computer_…) are Anthropic's server or
    // built-in tools, defined by Anthropic rather than by a schema a model elsewhere could follow.
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw unsupported(`${at}.type`, `${typeof tool.type === 'string' ? tool.type : JSON.stringify(tool.type)} is one of Anthropic's own tools; an OpenAI-compatible provider only calls tools defined by name and input_schema`);
    }
    if (!isPlainObject(tool.input_schema)) throw unsupported(`${at}.input_schema`, `${at}.input_schema must be a JSON Schema object`);
    const fn: FunctionTool['function'] = { name: requireString(tool.name, `${at}.name`), parameters: tool.input_schema };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { type: 'function', function: fn };
  });
}

function toolChoice(value: unknown, hasTools: boolean): { tool_choice?: ToolChoice; parallel_tool_calls?: boolean } {
  if (!isPlainObject(value)) throw unsupported('tool_choice', 'tool_choice must be an object with a type');
  let choice: ToolChoice;
  switch (value.type) {
    case 'auto':
      choice = 'auto';
      break;
    case 'any':
      choice = 'required';
      break;
    case 'tool':
      choice = { type: 'function', function: { name: requireString(value.name, 'tool_choice.name') } };
      break;
    case 'none':
      choice = 'none';
      break;
    default:
      throw unsupported('tool_choice.type', 'tool_choice.type must be auto, any, tool or none');
  }
  // OpenAI refuses tool_choice and parallel_tool_calls in a request without tools.
  if (!hasTools) {
    if (choice === 'auto' || choice === 'none') return {};
    throw unsupported('tool_choice', 'tool_choice asks for a tool call but the request has no tools');
  }
  const out: { tool_choice: ToolChoice; parallel_tool_calls?: boolean } = { tool_choice: choice };
  if (value.disable_parallel_tool_use === true && choice !== 'none') out.parallel_tool_calls = false;
  return out;
}
