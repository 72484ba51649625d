import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorBody } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { errorText, openAiError } from '../openai-error.js';

/**
 * Errors from AWS's front end when the request's credentials are wrong (bad signature,
 * unknown or expired key), by their names without the `Exception` some of them end in. They
 * are sent as 403, but are authentication failures, not a missing permission, so the client
 * sees 401. `AccessDeniedException` (the identity may not use the model) stays 403.
 */
const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClient',
  'InvalidSignature',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

/** The error is about the gateway's AWS credentials. */
export function isCredentialError(errorName: string | undefined): boolean {
  return errorName !== undefined && CREDENTIAL_ERRORS.has(errorName.replace(/Exception$/, ''));
}

/**
 * The model behind Bedrock failed (424, a status OpenAI clients do not know): 502 tells them it
 * is the upstream's fault and worth a retry.
 */
const MODEL_ERRORS = new Set(['ModelErrorException', 'ModelStreamErrorException']);

/** The status a client sees for a Bedrock error; everything not listed keeps Bedrock's status. */
export function clientStatus(errorName: string | undefined, status: number): number {
  if (isCredentialError(errorName)) return 401;
  if (errorName !== undefined && MODEL_ERRORS.has(errorName)) return 502;
  return status;
}

/**
 * The error's name from `x-amzn-errortype` (`ThrottlingException:http://internal.amazon.com/…`):
 * what precedes the first `:`, after any `#` namespace, as the AWS SDKs read it. Without the
 * header, the body's `__type` or `code`.
 */
export function errorName(header: string | string[] | undefined, body: Record<string, unknown>): string | undefined {
  const raw = (Array.isArray(header) ? header[0] : header) ?? (typeof body.__type === 'string' ? body.__type : typeof body.code === 'string' ? body.code : undefined);
  if (raw === undefined) return undefined;
  const name = raw.split(':')[0] ?? '';
  const short = name.includes('#') ? name.slice(name.indexOf('#') + 1) : name;
  return short === '' ? undefined : short;
}

/**
 * Bedrock's message, with the model's own message when Bedrock passes one on. A credential
 * error's message is not passed on: AWS may echo the canonical request or the token in it,
 * which are the gateway's, not the client's, so its name alone is said.
 */
export function errorMessage(name: string | undefined, body: Record<string, unknown>): string | undefined {
  if (isCredentialError(name)) return `the provider rejected the gateway's AWS credentials (${name ?? ''})`;
  const message = text(body.message) ?? text(body.Message);
  const original = text(body.originalMessage);
  if (message !== undefined && original !== undefined && original !== message) return `${message}: ${original}`;
  return message ?? original;
}

/** A string that says something: an empty message is no message. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A Bedrock error answer (`{"message": …}` and its name in `x-amzn-errortype`) in OpenAI's shape. */
export function bedrockError(status: number, body: Buffer, headers: IncomingHttpHeaders): { status: number; body: ErrorBody } {
  let parsed: Record<string, unknown> = {};
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (isPlainObject(json)) parsed = json;
  } catch {
    // Not JSON (a proxy's page, say): its text is the message.
  }
  const name = errorName(headers['x-amzn-errortype'], parsed);
  // Without a message, any other body's text may help, so it is passed on; but the text of a
  // body in Bedrock's shape would only repeat its empty message, where the error's name says more.
  const bedrockShaped = typeof parsed.message === 'string' || typeof parsed.Message === 'string';
  const fallback = (bedrockShaped ? '' : errorText(body)) || `the provider answered ${name ?? `with status ${status}`}`;
  return openAiError(clientStatus(name, status), errorMessage(name, parsed) ?? fallback, name ?? null);
}
