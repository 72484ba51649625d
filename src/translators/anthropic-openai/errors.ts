import type { ErrorBody } from '../../apischema/anthropic.js';
import { errorText } from '../openai-error.js';

// Provider errors (OpenAI's shape, or whatever an OpenAI-compatible server sends) in the shape
// Anthropic clients raise from: `{"type":"error","error":{"type","message"}}`. The SDKs pick
// their exception class by status, and retry 429, 5xx and 529, so the status matters as much
// as the body.

/** Anthropic's error `type` for a status, as its API documents them. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/**
 * The status an Anthropic client should see. A 503 becomes 529, Anthropic's "overloaded", so
 * that clients treat a busy OpenAI-compatible server the way they treat a busy Anthropic API.
 */
export function anthropicStatus(status: number): number {
  return status === 503 ? 529 : status;
}

export function anthropicErrorBody(type: string, message: string): ErrorBody {
  return { type: 'error', error: { type, message } };
}

/**
 * The Anthropic error type for an error object found inside an OpenAI stream, which has no
 * status: by the numeric `code` some servers (vLLM) put there, else by OpenAI's `type`.
 */
export function anthropicTypeOfInBandError(error: Record<string, unknown>): string {
  if (typeof error.code === 'number') return anthropicErrorType(anthropicStatus(error.code));
  const type = typeof error.type === 'string' ? error.type : '';
  const code = typeof error.code === 'string' ? error.code : '';
  if (type === 'invalid_request_error') return 'invalid_request_error';
  if (type === 'authentication_error') return 'authentication_error';
  if (type === 'permission_error') return 'permission_error';
  if (type === 'not_found_error') return 'not_found_error';
  if (type.includes('rate_limit') || code.includes('rate_limit')) return 'rate_limit_error';
  if (type.includes('overloaded') || code.includes('overloaded')) return 'overloaded_error';
  return 'api_error';
}

/**
 * The message of an OpenAI-style error body: `error.message` (OpenAI, and vLLM, Ollama and
 * most others), a top-level `message` (older vLLM: `{"object":"error","message":…}`), or
 * `error` as a string; else the body's text.
 */
export function openAiErrorMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.error === 'string' && o.error !== '') return o.error;
  if (typeof o.error === 'object' && o.error !== null) {
    const message = (o.error as Record<string, unknown>).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  if (typeof o.message === 'string' && o.message !== '') return o.message;
  return undefined;
}

/** A provider error answer (status >= 400) as an Anthropic client expects it. */
export function toAnthropicError(status: number, body: Buffer): { status: number; body: ErrorBody } {
  const sent = anthropicStatus(status);
  let message: string | undefined;
  try {
    message = openAiErrorMessage(JSON.parse(body.toString('utf8')));
  } catch {
    // Not JSON (a proxy's HTML page, a plain-text message): its text is the message.
  }
  message ??= errorText(body);
  if (message === '') message = `the provider answered with status ${status} and no message`;
  return { status: sent, body: anthropicErrorBody(anthropicErrorType(sent), message) };
}
