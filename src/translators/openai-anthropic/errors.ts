import type { ErrorBody } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { lookup } from '../common/values.js';
import { errorText, openAiError } from '../openai-error.js';

/** The status Anthropic answers each error type with, for errors that arrive inside a stream. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

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
  if (error !== undefined) return openAiError(status, error.message, error.type);
  const text = errorText(body);
  return openAiError(status, text === '' ? `Anthropic answered with status ${status}` : text);
}

/** An `event: error` of Anthropic's stream as the `data:` error payload an OpenAI stream carries. */
export function streamError(event: unknown): ErrorBody {
  const error = anthropicError(event) ?? { type: 'api_error', message: 'Anthropic sent an error without details' };
  return openAiError(lookup(STATUS_OF_TYPE, error.type) ?? 500, error.message, error.type).body;
}
