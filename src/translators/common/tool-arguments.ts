import { isPlainObject } from '../../core/json.js';

// OpenAI carries a tool call's arguments as JSON text; Anthropic, Gemini and Bedrock carry the
// JSON object itself. These convert between the two, in one way for every translator.

/**
 * A tool call's arguments as the JSON object they stand for, or undefined when they are not
 * one (broken JSON, an array, a string). Empty text is how many models and clients write a
 * call without arguments: `{}`. An object given as it is (some clients send one) is taken.
 */
export function argumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null) return {};
  if (isPlainObject(args)) return args;
  if (typeof args !== 'string') return undefined;
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A tool call's input (a JSON value) as OpenAI's arguments text; a call without input has `{}`. */
export function argumentsText(input: unknown): string {
  return JSON.stringify(input ?? {});
}
