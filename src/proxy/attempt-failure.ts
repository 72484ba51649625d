import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import type { StreamFailure } from '../translators/translator.js';

/** Why an attempt failed, in a word, for the access log and metrics. */
/**
 * Why an attempt failed (the metrics' `outcome` label and the access line's `reason`):
 * - `status`: the provider answered with an error status;
 * - `connect`: no connection: refused, DNS, TLS, connect timeout;
 * - `first_byte_timeout`: no response headers within the first-byte timeout;
 * - `idle_timeout`: the answer stopped coming for the stream idle timeout;
 * - `timeout`: the request's whole time limit ran out;
 * - `reset`: the connection broke before the answer was complete;
 * - `closed_early`: the stream ended before its answer began;
 * - `malformed`: an answer or stream event the gateway cannot read;
 * - `stream_error`: the provider's stream carried an error;
 * - `unsupported`: this provider cannot serve the request (its translation refuses it); nothing was sent;
 * - `gateway`: the gateway could not make the attempt at all (no credential, an internal error).
 */
export const FAILURE_REASONS = ['status', 'connect', 'first_byte_timeout', 'idle_timeout', 'timeout', 'reset', 'closed_early', 'malformed', 'stream_error', 'unsupported', 'gateway'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** What the client gets from a failed attempt when no other provider answers instead. */
export type FailedAnswer =
  /** The provider's HTTP error answer, as it sent it. */
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  /** A stream that failed before its answer began: the error in the client's schema. */
  | { kind: 'stream'; failure: StreamFailure }
  | { kind: 'gateway'; error: GatewayError };

/**
 * An attempt that failed with nothing sent to the client, so the request may still go to
 * another provider (when `retryable`), or its error is the answer.
 */
export class AttemptFailed extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly retryable: boolean,
    readonly answer: FailedAnswer,
    /** The provider asked for this long before it is tried again (`retry-after` on a 429 or 503). */
    readonly retryAfterMs?: number,
  ) {
    super(answer.kind === 'gateway' ? answer.error.message : `attempt failed (${reason})`);
    this.name = 'AttemptFailed';
  }

  /** The upstream status, when the provider answered with one. */
  get status(): number | undefined {
    return this.answer.kind === 'answer' ? this.answer.status : this.answer.kind === 'stream' ? this.answer.failure.status : undefined;
  }

  /** Whether the provider was at fault (its health suffers), rather than the request. */
  get providerFault(): boolean {
    return this.retryable && this.reason !== 'unsupported';
  }
}

/** Statuses that say "not now" rather than "not this request": another provider may answer. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EPROTO']);
/** TLS handshake and certificate failures (OpenSSL's and Node's codes). */
const TLS_CODE = /^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/**
 * A failed exchange as an attempt failure: connection failures, timeouts and broken answers may
 * go elsewhere; the request's own time limit running out, or the gateway refusing the request
 * before sending it, end the request. A translation that refuses the request is this provider's
 * limit: another may serve it.
 */
export function attemptFailure(err: unknown, timedOut: boolean): AttemptFailed {
  if (err instanceof AttemptFailed) return err;
  const error = err instanceof GatewayError ? err : new GatewayError('internal_error', 'internal gateway error', { cause: err });
  if (timedOut) return new AttemptFailed('timeout', false, { kind: 'gateway', error });
  switch (error.code) {
    case 'upstream_unreachable': {
      const code = (error.cause as { code?: unknown } | undefined)?.code;
      const connect = typeof code === 'string' && (CONNECT_CODES.has(code) || TLS_CODE.test(code));
      return new AttemptFailed(connect ? 'connect' : 'reset', true, { kind: 'gateway', error });
    }
    case 'upstream_timeout': {
      const code = (error.cause as { code?: unknown } | undefined)?.code;
      return new AttemptFailed(code === 'UND_ERR_HEADERS_TIMEOUT' ? 'first_byte_timeout' : code === 'UND_ERR_BODY_TIMEOUT' ? 'idle_timeout' : 'timeout', true, { kind: 'gateway', error });
    }
    case 'upstream_invalid_response':
      return new AttemptFailed('malformed', true, { kind: 'gateway', error });
    case 'unsupported_parameter':
    case 'operation_not_supported':
      return new AttemptFailed('unsupported', true, { kind: 'gateway', error });
    default:
      return new AttemptFailed('gateway', false, { kind: 'gateway', error });
  }
}
