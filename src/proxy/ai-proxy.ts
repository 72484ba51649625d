import { CLIENT_CREDENTIAL_HEADERS, stripBearer } from '../auth/backend-credential.js';
import type { RouteFilter } from '../config/resources/http-route.js';
import type { CompiledAiBackend } from '../config/runtime-config.js';
import { GatewayError } from '../core/errors.js';
import { planAiRequest, planForBody, type AiPlan } from './ai-plan.js';
import { readAiRequest, type ParsedAiRequest } from './ai-request.js';
import { runAttempt, type UpstreamCredential } from './attempt.js';
import type { RequestContext } from './request-context.js';

/**
 * An AI Backend request: parse once, then attempts (translate, authenticate, send), then the
 * answer relayed through its processor. The Backend decides the upstream (host, path,
 * credential, model); the client's path only picks the operation, and route URLRewrites do not
 * apply (as in kgateway).
 */
export async function proxyToAiBackend(ctx: RequestContext, backend: CompiledAiBackend, filters: readonly RouteFilter[]): Promise<void> {
  const first = planAiRequest(backend, { method: ctx.view.method, path: ctx.view.path, query: ctx.view.query, headers: ctx.req.headers });
  ctx.record.llm = backend.provider.metricLabel;
  // Checked before the body is read: nothing is sent without a usable credential.
  const credential = upstreamCredential(ctx, backend);
  const parsed = await readAiRequest(ctx, first);
  const plan = planForBody(first, backend, parsed.json, ctx.view.query);
  const request = plan === first ? parsed : { ...parsed, stream: plan.googleStream === true };
  ctx.record.operation = plan.client === 'anthropic' && plan.translation !== undefined ? 'messages' : plan.operation;
  const model = modelFor(backend, plan, request);
  ctx.record.model = model;
  ctx.record.stream = request.stream;
  await runAttempt(ctx, { backend, plan, request, credential, model, filters });
}

/**
 * The Backend's model replaces the client's for generation and is never forced onto embeddings
 * or model listing. A provider that names the model in its path needs one.
 */
function modelFor(backend: CompiledAiBackend, plan: AiPlan, request: ParsedAiRequest): string | undefined {
  const model = plan.pathModel ?? (plan.bodyModel === 'backend' ? (backend.settings.model ?? request.model) : request.model);
  if (model === undefined && plan.translation !== undefined && plan.operation !== 'models') {
    throw new GatewayError('unsupported_parameter', `backend ${backend.ref} (${backend.provider.id}) needs a model: set one in the request or on the Backend`, { param: 'model' });
  }
  return model;
}

function upstreamCredential(ctx: RequestContext, backend: CompiledAiBackend): UpstreamCredential {
  const credential = backend.credential;
  switch (credential.kind) {
    case 'static':
      return { kind: 'token', token: credential.token };
    case 'aws':
      return { kind: 'aws', keys: credential.keys };
    case 'unavailable':
      throw new GatewayError('backend_unavailable', `backend ${backend.ref} has no usable credential: ${credential.reason}`);
    case 'passthrough': {
      const token = clientToken(ctx);
      if (token === '') {
        throw new GatewayError('missing_authorization', `backend ${backend.ref} passes the client's key through; send it as "Authorization: Bearer <key>" (or the provider's own header)`);
      }
      return { kind: 'token', token };
    }
  }
}

/** The client's key from the first header that holds one (any provider SDK's), or Google's `key` query parameter. */
function clientToken(ctx: RequestContext): string {
  for (const name of CLIENT_CREDENTIAL_HEADERS) {
    const value = ctx.req.headers[name];
    const token = typeof value === 'string' ? stripBearer(value) : '';
    if (token !== '') return token;
  }
  return ctx.view.query === '' ? '' : (new URLSearchParams(ctx.view.query).get('key') ?? '').trim();
}
