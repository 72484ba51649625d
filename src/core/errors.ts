/**
 * The one catalog of errors a client can receive. Each code has a fixed HTTP status and
 * OpenAI error `type`; `docs/errors.md` lists every code (a test keeps the two in step).
 * Messages are written for the client and must never carry a secret value.
 */
export const ERROR_CATALOG = {
  route_not_found: { status: 404, type: 'invalid_request_error' },
  invalid_json_body: { status: 400, type: 'invalid_request_error' },
  body_too_complex: { status: 400, type: 'invalid_request_error' },
  invalid_path: { status: 400, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  unsupported_parameter: { status: 400, type: 'invalid_request_error' },
  operation_not_supported: { status: 404, type: 'invalid_request_error' },
  body_too_large: { status: 413, type: 'invalid_request_error' },
  missing_authorization: { status: 401, type: 'authentication_error' },
  backend_not_found: { status: 500, type: 'server_error' },
  no_backends: { status: 500, type: 'server_error' },
  unsupported_filter: { status: 500, type: 'server_error' },
  backend_unavailable: { status: 503, type: 'server_error' },
  no_healthy_endpoints: { status: 503, type: 'server_error' },
  providers_unavailable: { status: 503, type: 'server_error' },
  upstream_unreachable: { status: 502, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'server_error' },
  upstream_invalid_response: { status: 502, type: 'server_error' },
  internal_error: { status: 500, type: 'server_error' },
  // The admin API (apply, get, delete, config).
  invalid_manifest: { status: 400, type: 'invalid_request_error' },
  invalid_resource: { status: 422, type: 'invalid_request_error' },
  resource_not_found: { status: 404, type: 'invalid_request_error' },
  resource_in_file: { status: 409, type: 'invalid_request_error' },
  source_not_ready: { status: 503, type: 'server_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  admin_token_missing: { status: 401, type: 'authentication_error' },
  admin_token_rejected: { status: 401, type: 'authentication_error' },
  forbidden_host: { status: 403, type: 'permission_error' },
  forbidden_origin: { status: 403, type: 'permission_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  /** The request field at fault, when there is one. */
  readonly param: string | null;
  /** Response headers that go with the error (`allow` with a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; param?: string; headers?: Record<string, string> }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.type = ERROR_CATALOG[code].type;
    this.param = options?.param ?? null;
    this.headers = options?.headers ?? {};
  }

  /** The OpenAI error shape: `{"error":{"message","type","param","code"}}`. */
  toObject(): { error: { message: string; type: string; param: string | null; code: ErrorCode } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  toBody(): string {
    return JSON.stringify(this.toObject());
  }
}

/** Anything thrown that is not a GatewayError becomes a generic 500 without its details. */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('internal_error', 'internal gateway error', { cause: err });
}
