import type { Dispatcher } from 'undici';
import { signAwsRequest } from '../auth/aws-sigv4.js';
import { formatAuthHeader, queryWithoutKey, type AwsKeys } from '../auth/backend-credential.js';
import type { RouteFilter } from '../config/resources/http-route.js';
import type { CompiledLlm } from '../config/runtime-config.js';
import type { Clock } from '../core/clock.js';
import { GatewayError } from '../core/errors.js';
import type { TranslateContext } from '../translators/translator.js';
import type { AiPlan } from './ai-plan.js';
import { bodyWithModel, type ParsedAiRequest } from './ai-request.js';
import { applyRequestHeaderFilters } from './filters.js';
import { exchange, type UpstreamRequest } from './forward.js';
import { forwardableHeaders, type OutgoingHeaders } from './headers.js';
import { relayAnswer, type AnswerProcessor } from './relay.js';
import type { RequestContext } from './request-context.js';

/** The credential an attempt sends: a token for a header, or AWS keys to sign with. */
export type UpstreamCredential = { kind: 'token'; token: string } | { kind: 'aws'; keys: AwsKeys };

/** One try at one provider: everything needed to translate, authenticate and send the request. */
export interface Attempt {
  llm: CompiledLlm;
  plan: AiPlan;
  request: ParsedAiRequest;
  credential: UpstreamCredential;
  /** The model sent: the Backend's for generation, else the client's. */
  model: string | undefined;
  /** Route header filters; the provider's headers and credential always win over them. */
  filters: readonly RouteFilter[];
  /** What is left of the request's time limit. */
  timeoutMs: number;
}

/**
 * Runs one attempt: translate, authenticate, send, and relay the answer through its processor.
 * Resolves once the answer is delivered, with why it broke off if it failed after it began;
 * rejects (AttemptFailed, or the exchange's GatewayError) when it failed with nothing sent.
 */
export async function runAttempt(ctx: RequestContext, attempt: Attempt): Promise<string | undefined> {
  const translation = attempt.plan.translation;
  const context = translation === undefined ? undefined : translateContext(ctx, attempt);
  const upstream = await buildUpstreamRequest(ctx, attempt, context);
  const processor: AnswerProcessor =
    translation === undefined || context === undefined
      ? { kind: 'pass', schema: attempt.plan.client, stream: attempt.request.stream }
      : { kind: 'translate', translator: translation.translator, operation: translation.operation, context };
  return exchange(ctx, upstream, (answer) => relayAnswer(ctx, answer, processor), attempt.timeoutMs);
}

function translateContext(ctx: RequestContext, attempt: Attempt): TranslateContext {
  return {
    model: attempt.model ?? '',
    stream: attempt.request.stream,
    includeUsage: attempt.request.includeUsage,
    id: ctx.id,
    created: Math.floor(ctx.deps.clock.now() / 1000),
  };
}

async function buildUpstreamRequest(ctx: RequestContext, attempt: Attempt, context: TranslateContext | undefined): Promise<UpstreamRequest> {
  const { llm, plan } = attempt;
  const body = requestBody(attempt, context);
  const headers = forwardableHeaders(ctx.req.headers, llm.dropHeaders);
  applyRequestHeaderFilters(headers, attempt.filters);
  for (const name in llm.providerHeaders) headers[name] ??= llm.providerHeaders[name] as string;
  headers.host = llm.hostHeader;
  // Usage is read from the answer on the way back, which needs it uncompressed.
  headers['accept-encoding'] = 'identity';
  headers['x-request-id'] ??= ctx.id;
  if (plan.translation !== undefined) headers['content-type'] = 'application/json';
  if (body !== null) headers['content-length'] = String(body.length);
  const path = upstreamPath(ctx, attempt);
  const method = (plan.translation !== undefined ? (body === null ? 'GET' : 'POST') : ctx.req.method) as Dispatcher.HttpMethod;
  await authenticate(headers, attempt, { method, path, body }, ctx.deps.clock);
  const { firstByteTimeoutMs, streamIdleTimeoutMs } = ctx.deps.options;
  return {
    origin: llm.origin,
    path,
    method,
    headers,
    body,
    tls: llm.tls,
    // A non-streamed answer's headers come only once it is whole, which may take minutes: the
    // first-byte limit is for streams, whose headers come at once.
    firstByteTimeoutMs: attempt.request.stream ? firstByteTimeoutMs : undefined,
    idleTimeoutMs: streamIdleTimeoutMs,
  };
}

function requestBody(attempt: Attempt, context: TranslateContext | undefined): Buffer | null {
  const { plan, request, llm } = attempt;
  const translation = plan.translation;
  if (translation === undefined || context === undefined) return plan.bodyModel === 'backend' ? bodyWithModel(request, attempt.model) : request.raw;
  if (request.json === undefined) return null;
  const body = translation.operation.request(request.json, context);
  llm.provider.decorateBody?.(body, { operation: plan.operation, settings: llm.settings });
  return Buffer.from(JSON.stringify(body));
}

/**
 * Where the request goes: the provider's path for the operation, the path the client's own
 * provider API named, or the Backend's `path.full` for generation. The client's query string
 * follows untranslated OpenAI-compatible requests, as it always has.
 */
function upstreamPath(ctx: RequestContext, attempt: Attempt): string {
  const { llm, plan } = attempt;
  const clientQuery = plan.translation === undefined && llm.provider.schema === 'openai' ? queryWithoutKey(ctx.view.query) : '';
  if (plan.operation === 'native' || (plan.path !== undefined && plan.operation !== 'object')) return plan.path ?? '/';
  const full = llm.fullPath === undefined ? undefined : overridePath(llm.fullPath, plan.operation);
  if (full !== undefined) return full + clientQuery;
  const target = llm.provider.target({ operation: plan.operation, model: attempt.model, stream: attempt.request.stream, settings: llm.settings, ...(plan.path === undefined ? {} : { path: plan.path }) });
  if ('unsupported' in target) throw new GatewayError('operation_not_supported', `${llm.name}: ${target.unsupported}`);
  return target.path + clientQuery;
}

/**
 * `path.full` names the generation endpoint. An OpenAI-compatible server's other endpoints sit
 * beside its chat endpoint (`…/chat/completions` -> `…/embeddings`), so they are derived from it;
 * a full path of any other form is used for generation only.
 */
function overridePath(fullPath: string, operation: AiPlan['operation']): string | undefined {
  if (operation === 'chat') return fullPath;
  const base = fullPath.endsWith('/chat/completions') ? fullPath.slice(0, -'/chat/completions'.length) : undefined;
  const suffix = { completions: '/completions', embeddings: '/embeddings', responses: '/responses', models: '/models' }[operation as string];
  return base === undefined || suffix === undefined ? undefined : base + suffix;
}

async function authenticate(headers: OutgoingHeaders, attempt: Attempt, request: { method: string; path: string; body: Buffer | null }, clock: Clock): Promise<void> {
  const { llm, credential } = attempt;
  const placement = llm.placement;
  if ('header' in placement) {
    if (credential.kind !== 'token') throw new GatewayError('backend_unavailable', `${llm.name} has no token for its ${placement.header} header`);
    headers[placement.header] = formatAuthHeader(placement.prefix, credential.token);
    return;
  }
  if (credential.kind !== 'aws') throw new GatewayError('backend_unavailable', `${llm.name} has no AWS keys to sign with`);
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  const signed = await signAwsRequest(
    { method: request.method, origin: llm.origin, path: request.path, headers: flat, body: request.body },
    credential.keys,
    { region: llm.settings.region ?? 'us-east-1', service: placement.sigv4.service },
    new Date(clock.now()),
  );
  Object.assign(headers, flat, signed);
}
