import { GatewayError } from '../core/errors.js';
import { isPlainObject } from '../core/json.js';
import type { AiPlan } from './ai-plan.js';
import type { AttemptFailed } from './attempt-failure.js';
import { responseHeaders, type OutgoingHeaders } from './headers.js';
import { kept, sendJson, writeHead } from './relay.js';
import type { AttemptRecord, RequestContext } from './request-context.js';

/**
 * The client's answer when no provider answered: the last attempt's error, in the client's
 * schema (the provider's own bytes when one provider was tried and spoke the client's schema).
 * After several attempts its message says how many there were and how each ended; when every
 * provider is taken out, `retry-after` says when the first returns.
 */
export function sendFailure(ctx: RequestContext, failure: AttemptFailed, plan: AiPlan, tried: { attempts: readonly AttemptRecord[]; retryAfterMs: number | undefined }): void {
  const { answer } = failure;
  const sent = tried.attempts.filter((a) => a.reason !== 'unsupported');
  const note = sent.length > 1 ? `after ${sent.length} attempts (${sent.map(describe).join(', ')}): ` : '';
  const retryAfter = tried.retryAfterMs === undefined ? undefined : String(Math.max(1, Math.ceil(tried.retryAfterMs / 1000)));
  if (answer.kind === 'gateway') {
    const error = note === '' ? answer.error : new GatewayError(answer.error.code, note + answer.error.message, { cause: answer.error.cause, ...(answer.error.param === null ? {} : { param: answer.error.param }) });
    ctx.record.error = error.code;
    return sendJson(ctx, error.status, error.toObject(), retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  }
  if (answer.kind === 'stream') {
    return sendJson(ctx, answer.failure.status, withNote(answer.failure.body, note), retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  }
  const translation = plan.translation;
  if (translation === undefined && note === '' && retryAfter === undefined) {
    // The provider's own answer, as it sent it.
    const headers: OutgoingHeaders = responseHeaders(answer.headers);
    headers['content-length'] = String(answer.body.length);
    writeHead(ctx, answer.status, headers);
    ctx.res.end(answer.body);
    return;
  }
  const mapped = translation === undefined ? { status: answer.status, body: parsed(answer.body, answer.status) } : translation.translator.error(answer.status, answer.body, answer.headers);
  const headers = kept(answer.headers);
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  sendJson(ctx, mapped.status, withNote(mapped.body, note), headers);
}

function describe(a: AttemptRecord): string {
  return `${a.provider}: ${a.status === undefined ? (a.reason ?? 'answered') : `${a.status}`}${a.status !== undefined && a.reason !== undefined && a.reason !== 'status' ? ` ${a.reason}` : ''}`;
}

/** An error body of the client's schema (OpenAI's and Anthropic's both say `error.message`) with the note before its message. */
function withNote(body: unknown, note: string): unknown {
  if (note === '' || !isPlainObject(body) || !isPlainObject(body.error)) return body;
  const message = typeof body.error.message === 'string' ? body.error.message : '';
  return { ...body, error: { ...body.error, message: note + message } };
}

/** A passed-through provider's error body as JSON; one that is not (a proxy's HTML page) becomes an OpenAI error with its text. */
function parsed(body: Buffer, status: number): unknown {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (isPlainObject(value) && isPlainObject(value.error)) return value;
  } catch {
    // Not JSON: its text is the message.
  }
  const text = body.toString('utf8').trim().slice(0, 500);
  return { error: { message: text === '' ? `the provider answered with status ${status}` : text, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } };
}
