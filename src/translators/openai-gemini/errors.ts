import type { ErrorStatus } from '../../apischema/gemini.js';
import type { ErrorBody } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { errorText, openAiError } from '../openai-error.js';

/** The google.rpc.Status of an error body: `{error}`, or `[{error}]` as Google's JSON-array streams send it. */
export function readErrorStatus(value: unknown): ErrorStatus | undefined {
  const holder: unknown = Array.isArray(value) ? value[0] : value;
  if (!isPlainObject(holder) || !isPlainObject(holder.error)) return undefined;
  const e = holder.error;
  return {
    code: typeof e.code === 'number' ? e.code : 0,
    message: typeof e.message === 'string' ? e.message : '',
    status: typeof e.status === 'string' ? e.status : '',
    ...(Array.isArray(e.details) ? { details: e.details.filter(isPlainObject) } : {}),
  };
}

/**
 * Google says a bad API key with 400 INVALID_ARGUMENT and the ErrorInfo reason
 * API_KEY_INVALID; OpenAI clients only treat 401 as "fix your credentials".
 */
function isInvalidApiKey(status: ErrorStatus): boolean {
  return status.details?.some((d) => d.reason === 'API_KEY_INVALID') ?? false;
}

/** OpenAI's error `code` for a Google error: its google.rpc code name, as OpenAI's snake case. */
function openAiCode(status: ErrorStatus): string | null {
  if (isInvalidApiKey(status)) return 'invalid_api_key';
  return status.status === '' ? null : status.status.toLowerCase();
}

/**
 * A Gemini or Vertex AI error answer in OpenAI's shape. Statuses pass through (429
 * RESOURCE_EXHAUSTED and 503 UNAVAILABLE keep the meaning retrying clients look for), except
 * an invalid API key, which becomes 401.
 */
export function geminiError(httpStatus: number, body: Buffer): { status: number; body: ErrorBody } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const status = readErrorStatus(parsed);
  if (status === undefined) return openAiError(httpStatus, errorText(body) || `the provider answered with status ${httpStatus}`);
  const sent = isInvalidApiKey(status) ? 401 : httpStatus;
  return openAiError(sent, status.message || `the provider answered ${status.status || `with status ${httpStatus}`}`, openAiCode(status));
}

/** The OpenAI error event for an error Google sent inside a stream (its `code` is the HTTP status it stands for). */
export function streamError(status: ErrorStatus): { status: number; body: ErrorBody } {
  const httpStatus = Number.isInteger(status.code) && status.code >= 400 && status.code <= 599 ? status.code : 500;
  return openAiError(httpStatus, status.message || `the provider's stream failed with ${status.status || 'an error'}`, openAiCode(status));
}
