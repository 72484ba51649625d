import type { FunctionDeclaration, GenerateContentRequest, GenerationConfig, Tool, ToolConfig } from '../../apischema/gemini.js';
import { isPlainObject } from '../../core/json.js';
import { unsupported } from '../common/errors.js';
import { optionalNumber } from '../common/request-fields.js';
import { lookup } from '../common/values.js';
import { translateMessages } from './messages.js';

// An OpenAI chat completions request as a Gemini GenerateContentRequest. The body is built
// from the fields below only; the rest (logit_bias, user, store, metadata, service_tier,
// prediction, stream…) is dropped, as Gemini has no use for it or would reject it. `stream`
// picks the method (`:streamGenerateContent`), which is the gateway's business, not the body's.

/**
 * OpenAI fields whose loss a client would notice in the answer: refused, not dropped.
 * `parallel_tool_calls` is not among them: Gemini has no switch for it, and a client
 * that set it false still handles each call it gets.
 */
const REFUSED: readonly { field: string; when: (value: unknown) => boolean; why: string }[] = [
  { field: 'logprobs', when: (v) => v === true, why: 'log probabilities are not translated from Gemini' },
  { field: 'top_logprobs', when: (v) => typeof v === 'number' && v > 0, why: 'log probabilities are not translated from Gemini' },
  { field: 'functions', when: (v) => v !== undefined && v !== null, why: 'the legacy functions API is not supported for Gemini; use tools' },
  { field: 'function_call', when: (v) => v !== undefined && v !== null, why: 'the legacy functions API is not supported for Gemini; use tool_choice' },
  { field: 'audio', when: (v) => v !== undefined && v !== null, why: 'audio answers are not supported for Gemini' },
  { field: 'modalities', when: (v) => Array.isArray(v) && v.some((m) => m !== 'text'), why: 'only text answers are supported for Gemini' },
  { field: 'web_search_options', when: (v) => v !== undefined && v !== null, why: 'web search is not supported for Gemini here' },
];

/**
 * Thinking budgets for OpenAI's efforts, as Google's own OpenAI-compatible endpoint maps them.
 * `thinkingBudget` works on Gemini 2.5 and, for compatibility, on Gemini 3; a model that cannot
 * turn thinking off answers `none` with an error of its own.
 */
const THINKING_BUDGETS: Readonly<Record<string, number>> = { none: 0, low: 1024, medium: 8192, high: 24_576 };

export function chatRequest(body: Record<string, unknown>): Record<string, unknown> {
  for (const rule of REFUSED) if (rule.when(body[rule.field])) throw unsupported(rule.field, rule.why);
  const { contents, systemInstruction } = translateMessages(body.messages);
  const tools = translateTools(body.tools);
  const toolConfig = tools === undefined ? undefined : translateToolChoice(body.tool_choice);
  const generationConfig = translateGenerationConfig(body);
  const request: GenerateContentRequest = {
    contents,
    ...(systemInstruction !== undefined ? { systemInstruction } : {}),
    ...(tools !== undefined ? { tools } : {}),
    ...(toolConfig !== undefined ? { toolConfig } : {}),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
  return request;
}

/**
 * Function tools as one Gemini tool of function declarations. The schema goes in
 * `parametersJsonSchema`, which takes JSON Schema as it is; `parameters` takes Google's
 * OpenAPI subset and rejects whole requests over keywords it lacks (`additionalProperties`,
 * `$schema`, `$ref`…), which ordinary OpenAI tool schemas carry.
 */
function translateTools(tools: unknown): Tool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw unsupported('tools', 'tools must be an array');
  if (tools.length === 0) return undefined;
  const functionDeclarations = tools.map((tool: unknown, i): FunctionDeclaration => {
    if (!isPlainObject(tool) || tool.type !== 'function') throw unsupported(`tools[${i}].type`, 'only function tools are supported for Gemini');
    const fn = tool.function;
    if (!isPlainObject(fn) || typeof fn.name !== 'string') throw unsupported(`tools[${i}].function.name`, 'a function tool needs a name');
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      ...(isPlainObject(fn.parameters) ? { parametersJsonSchema: fn.parameters } : {}),
    };
  });
  return [{ functionDeclarations }];
}

function translateToolChoice(choice: unknown): ToolConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (isPlainObject(choice) && choice.type === 'function' && isPlainObject(choice.function) && typeof choice.function.name === 'string') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  throw unsupported('tool_choice', 'tool_choice must be auto, none, required or a named function for Gemini');
}

function translateGenerationConfig(body: Record<string, unknown>): GenerationConfig {
  const config: GenerationConfig = {};
  const maxTokens = optionalNumber(body.max_completion_tokens, 'max_completion_tokens') ?? optionalNumber(body.max_tokens, 'max_tokens');
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) config.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) config.topP = topP;
  const stop = stopSequences(body.stop);
  if (stop !== undefined) config.stopSequences = stop;
  // Gemini answers several candidates in one call, as choices; 1 is its default, so it is not sent.
  const n = optionalNumber(body.n, 'n');
  if (n !== undefined && n !== 1) config.candidateCount = n;
  const seed = optionalNumber(body.seed, 'seed');
  if (seed !== undefined) config.seed = seed;
  const presencePenalty = optionalNumber(body.presence_penalty, 'presence_penalty');
  if (presencePenalty !== undefined) config.presencePenalty = presencePenalty;
  const frequencyPenalty = optionalNumber(body.frequency_penalty, 'frequency_penalty');
  if (frequencyPenalty !== undefined) config.frequencyPenalty = frequencyPenalty;
  Object.assign(config, responseFormat(body.response_format));
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null) {
    const budget = lookup(THINKING_BUDGETS, effort);
    if (budget === undefined) throw unsupported('reasoning_effort', `reasoning_effort must be one of ${Object.keys(THINKING_BUDGETS).join(', ')} for Gemini`);
    config.thinkingConfig = { thinkingBudget: budget };
  }
  return config;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop.length > 0 ? stop : undefined;
  throw unsupported('stop', 'stop must be a string or an array of strings');
}

/** JSON mode and structured output. The schema goes in `responseJsonSchema` (JSON Schema), for the reason tools use `parametersJsonSchema`. */
function responseFormat(format: unknown): Pick<GenerationConfig, 'responseMimeType' | 'responseJsonSchema'> {
  if (format === undefined || format === null) return {};
  if (!isPlainObject(format)) throw unsupported('response_format', 'response_format must be an object');
  if (format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  if (format.type === 'json_schema' && isPlainObject(format.json_schema)) {
    const schema = format.json_schema.schema;
    return { responseMimeType: 'application/json', ...(isPlainObject(schema) ? { responseJsonSchema: schema } : {}) };
  }
  throw unsupported('response_format.type', 'response_format must be text, json_object or json_schema for Gemini');
}
