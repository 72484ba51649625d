import type { Dispatcher } from 'undici';
import { formatAuthHeader, stripBearer } from '../auth/backend-credential.js';
import type { CompiledAiBackend } from '../config/runtime-config.js';
import { GatewayError } from '../core/errors.js';
import { readBody } from '../core/http.js';
import { parseJsonObject } from './body.js';
import { forward } from './forward.js';
import { forwardableHeaders } from './headers.js';
import { applyRequestHeaderFilters } from './filters.js';
import type { RouteFilter } from '../config/resources/http-route.js';
import { jsonKey, replaceOnlyStringValue } from './json-scan.js';

const MODEL_KEY = jsonKey('model');
import type { RequestContext } from './request-context.js';

/**
 * An AI Backend request: the Backend decides the upstream (host, path, credential, model);
 * the client's path only picks the operation, and route URLRewrites do not apply (as in kgateway).
 */
export async function proxyToAiBackend(ctx: RequestContext, backend: CompiledAiBackend, filters: readonly RouteFilter[]): Promise<void> {
  const { req, record } = ctx;
  const token = upstreamToken(ctx, backend);
  const operation = backend.provider.resolveOperation(ctx.view.path, ctx.view.method);
  record.operation = operation.name;
  record.llm = backend.provider.id;

  let body: Buffer | null = null;
  const expectsJson = operation.bodyHasModel && req.method === 'POST';
  if (expectsJson || hasBody(req.headers)) {
    body = await readBody(req, ctx.deps.options.maxBodyBytes);
    if (expectsJson) body = applyModel(ctx, backend, body);
  }
  // The client's credential is for the gateway; it never goes upstream as is.
  const headers = forwardableHeaders(req.headers, backend.dropRequestHeaders);
  // Route header filters apply; the credential and Host set below always win over them.
  applyRequestHeaderFilters(headers, filters);
  headers.host = backend.hostHeader;
  headers[backend.authHeaderName] = formatAuthHeader(backend.authPrefix, token);
  // Usage is read from the answer on the way back, which needs it uncompressed.
  headers['accept-encoding'] = 'identity';
  if (body !== null) headers['content-length'] = String(body.length);
  headers['x-request-id'] ??= ctx.id;

  const path = (backend.fullPath ?? operation.upstreamPath) + (ctx.view.query === '' ? '' : `?${ctx.view.query}`);
  await forward(ctx, { origin: backend.origin, path, method: req.method as Dispatcher.HttpMethod, headers, body, readUsage: true });
}

function upstreamToken(ctx: RequestContext, backend: CompiledAiBackend): string {
  const credential = backend.credential;
  switch (credential.kind) {
    case 'static':
      return credential.token;
    case 'unavailable':
      throw new GatewayError('backend_unavailable', `backend ${backend.ref} has no usable credential: ${credential.reason}`);
    case 'passthrough': {
      const header = ctx.req.headers.authorization;
      const token = header === undefined ? '' : stripBearer(header);
      if (token === '') {
        throw new GatewayError('missing_authorization', `backend ${backend.ref} passes the client's token through; send it as "Authorization: Bearer <token>"`);
      }
      return token;
    }
  }
}

/** The Backend's model replaces the body's; without one the client's model is kept. */
function applyModel(ctx: RequestContext, backend: CompiledAiBackend, body: Buffer): Buffer {
  const json = parseJsonObject(body);
  ctx.record.stream = json.stream === true;
  const clientModel = typeof json.model === 'string' ? json.model : undefined;
  if (backend.model === undefined || backend.model === clientModel) {
    ctx.record.model = clientModel;
    return body;
  }
  ctx.record.model = backend.model;
  // Splicing the one `model` value keeps the client's bytes and skips a re-serialization.
  const spliced = clientModel === undefined ? undefined : replaceOnlyStringValue(body, MODEL_KEY, backend.model);
  if (spliced !== undefined) return spliced;
  json.model = backend.model;
  return Buffer.from(JSON.stringify(json));
}

function hasBody(headers: RequestContext['req']['headers']): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}
