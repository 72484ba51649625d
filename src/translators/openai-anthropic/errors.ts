import { ANTHROPIC_ERROR_STATUS } from '../../apischema/anthropic.js';
import type { ErrorBody } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { lookup } from '../common/values.js';
import { errorText, openAiError } from '../openai-error.js';

/** `{type:'error', error:{type, message}}`'s inner error, if the value has that shape. */
function anthropicError(value: unknown): { type: string; message: string } | undefined {
  const error = isPlainObject(value) ? value.error : undefined;
  if (!isPlainObject(error) || typeof error.message !== 'string') return undefined;
  return { type: typeof error.type === 'string' ? error.type : 'api_error', message: error.message };
}

/**
 * An Anthropic error answer in OpenAI's shape. Anthropic's error type becomes the `code`, so a
 * client can still tell `overloaded_error` from other server errors.
 */
export function providerError(status: number, body: Buffer): { status: number; body: ErrorBody } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const error = anthropicError(parsed);
  // An empty message tells the client nothing: its type says more.
  if (error !== undefined) return openAiError(status, error.message || `the provider answered ${error.type}`, error.type);
  return openAiError(status, errorText(body) || `the provider answered with status ${status}`);
}

/** An `event: error` of Anthropic's stream as the `data:` error payload an OpenAI stream carries. */
export function streamError(event: unknown): { status: number; body: ErrorBody } {
  const error = anthropicError(event);
  const type = error?.type ?? 'api_error';
  const message = error?.message || `the provider's stream failed with ${error === undefined ? 'an error' : type}`;
  return openAiError(lookup(ANTHROPIC_ERROR_STATUS, type) ?? 500, message, type);
}
