import { isPlainObject } from '../../core/json.js';
import { unsupported } from './errors.js';

// Anthropic and Bedrock's Converse have no JSON mode. A `response_format` asking for JSON
// becomes a tool the model is forced to call, whose input is the answer: the tool's input
// schema is the answer's schema, and the input (an object, as tool inputs always are) is
// given to the client as the message's content.

/**
 * The answer comes back without the request, so the tool's name carries this reserved prefix:
 * it is how the response and stream translators tell the answer tool from the client's own
 * tools (client tools with this prefix are refused for the same reason).
 */
export const ANSWER_TOOL_PREFIX = 'response_format__';

/** The longest tool name both Anthropic and Converse accept. */
const MAX_TOOL_NAME = 64;

/** The forced tool, in provider-neutral terms; each translator writes it in its provider's shape. */
export interface AnswerTool {
  name: string;
  description: string;
  /** A JSON Schema whose top level is an object, as every tool input is. */
  schema: Record<string, unknown>;
  /** The client asked for the schema to be followed exactly (json_schema.strict). */
  strict: boolean;
}

export function isAnswerTool(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith(ANSWER_TOOL_PREFIX);
}

/** A client tool may not take the reserved prefix: its calls would be read as the JSON answer. */
export function refuseReservedToolName(name: string, param: string): void {
  if (isAnswerTool(name)) throw unsupported(param, `tool names starting with "${ANSWER_TOOL_PREFIX}" are reserved for response_format answers`);
}

/**
 * The tool's name: the prefix and the schema's name, with the characters tool names may not
 * hold replaced. The client never sees this name (it gets the answer as content), so changing
 * it changes nothing the client sees, where an invalid name would fail the request.
 */
function answerToolName(schemaName: unknown): string {
  const name = typeof schemaName === 'string' && schemaName !== '' ? schemaName.replace(/[^a-zA-Z0-9_-]/g, '_') : 'answer';
  return `${ANSWER_TOOL_PREFIX}${name}`.slice(0, MAX_TOOL_NAME);
}

/**
 * The forced answer tool for the request's `response_format`, or undefined when the answer is
 * text. A JSON answer is a forced tool call, so it cannot share the request with tools of the
 * client's or with a tool choice that asks for a call: those are refused, not half honoured.
 */
export function answerTool(body: Record<string, unknown>): AnswerTool | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  if (!isPlainObject(format)) throw unsupported('response_format', 'response_format must be an object');
  if (format.type === 'text') return undefined;
  const tool = format.type === 'json_object' ? jsonObjectTool() : format.type === 'json_schema' ? jsonSchemaTool(format.json_schema) : undefined;
  if (tool === undefined) throw unsupported('response_format.type', 'response_format.type must be text, json_object or json_schema');
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    throw unsupported('response_format', 'response_format cannot be combined with tools here: the JSON answer is itself a forced tool call');
  }
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== null && choice !== 'auto' && choice !== 'none') {
    throw unsupported('tool_choice', 'tool_choice cannot ask for a tool call beside response_format, whose JSON answer is itself the forced tool call');
  }
  return tool;
}

function jsonObjectTool(): AnswerTool {
  return { name: answerToolName('json_object'), description: 'Give the answer as a JSON object: the input of this tool.', schema: { type: 'object' }, strict: false };
}

function jsonSchemaTool(spec: unknown): AnswerTool {
  if (!isPlainObject(spec)) throw unsupported('response_format.json_schema', 'response_format.json_schema must be an object with the schema');
  const { name, description, schema, strict } = spec;
  if (schema !== undefined && schema !== null && !isPlainObject(schema)) throw unsupported('response_format.json_schema.schema', 'response_format.json_schema.schema must be a JSON Schema object');
  if (isPlainObject(schema) && schema.type !== undefined && schema.type !== 'object') {
    throw unsupported('response_format.json_schema.schema', "the JSON answer is given as a tool's input, which is always an object: the schema's top level must be of type object");
  }
  const purpose = typeof description === 'string' && description !== '' ? ` ${description}` : '';
  return {
    name: answerToolName(name),
    description: `Give the answer as the input of this tool, following its schema.${purpose}`,
    // A schema without a type describes the object the input is anyway; the providers want it said.
    schema: isPlainObject(schema) ? { type: 'object', ...schema } : { type: 'object' },
    strict: strict === true,
  };
}
