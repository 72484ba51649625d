import type { ErrorBody } from '../apischema/openai.js';

/** The OpenAI error `type` for a status, as OpenAI's own API and SDKs use them. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * A provider's error in OpenAI's shape. A 529 (Anthropic's "overloaded") becomes 503, which
 * every OpenAI client knows to retry; everything else keeps its status.
 */
export function openAiError(status: number, message: string, code: string | null = null): { status: number; body: ErrorBody } {
  const sent = status === 529 ? 503 : status;
  return { status: sent, body: { error: { message, type: openAiErrorType(sent), param: null, code } } };
}

/** The text of an error body that is not JSON, cut short, for the message. */
export function errorText(body: Buffer): string {
  const text = body.toString('utf8').trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
