import { CLIENT_CREDENTIAL_HEADERS } from '../auth/backend-credential.js';
import type { RouteFilter } from '../config/resources/http-route.js';
import type { CompiledAiBackend, CompiledLlm } from '../config/runtime-config.js';
import { GatewayError } from '../core/errors.js';
import { planAiRequest, planForBody, type AiPlan } from './ai-plan.js';
import { readAiRequest, type ParsedAiRequest } from './ai-request.js';
import { attemptFailure, type AttemptFailed } from './attempt-failure.js';
import { runAttempt, type UpstreamCredential } from './attempt.js';
import { sendFailure } from './failure-answer.js';
import type { RequestContext } from './request-context.js';

/** A provider of the Backend that can serve this request, with how. */
interface Candidate {
  llm: CompiledLlm;
  plan: AiPlan;
  credential: UpstreamCredential;
  /** The provider's position: its priority level and the level's size, for the round robin. */
  level: number;
}

/**
 * An AI Backend request: parse once, then attempts (translate, authenticate, send), then the
 * answer relayed through its processor. The Backend decides the upstream (host, path,
 * credential, model); the client's path only picks the operation, and route URLRewrites do not
 * apply (as in kgateway).
 *
 * With several providers (priority levels, each with one or more), an attempt that fails before
 * anything reached the client moves the same request on: to the next provider of its level
 * (they take turns, healthy ones only), then to the next level. Each provider is tried at most
 * once, within the attempt budget and the request's one time limit.
 */
export async function proxyToAiBackend(ctx: RequestContext, backend: CompiledAiBackend, filters: readonly RouteFilter[]): Promise<void> {
  const call = { method: ctx.view.method, path: ctx.view.path, query: ctx.view.query, headers: ctx.req.headers };
  const candidates = candidatesFor(ctx, backend, call);
  const first = candidates[0] as Candidate;
  ctx.record.llm = first.llm.provider.metricLabel;
  const parsed = await readAiRequest(ctx, first.plan, candidates.length === 1 ? [] : candidates.map((c) => c.plan));
  if (candidates.length === 1) return attemptOnly(ctx, first, parsed, filters);
  return failover(ctx, backend, candidates, parsed, filters);
}

/** A Backend with one usable provider: no health to consult, nothing to fail over to. */
async function attemptOnly(ctx: RequestContext, candidate: Candidate, parsed: ParsedAiRequest, filters: readonly RouteFilter[]): Promise<void> {
  const started = ctx.deps.clock.monotonic();
  const attempt = prepare(ctx, candidate, parsed);
  try {
    const broken = await runAttempt(ctx, { ...attempt, filters, timeoutMs: ctx.timeoutMs });
    record(ctx, candidate.llm, broken, ctx.record.upstreamStatus, started, false);
    if (broken === undefined) ctx.deps.health.succeeded(candidate.llm.healthKey);
    else ctx.deps.health.failed(candidate.llm.healthKey);
  } catch (err) {
    const failure = attemptFailure(err, ctx.timedOut);
    record(ctx, candidate.llm, failure.reason, failure.status, started, false);
    noteHealth(ctx, candidate.llm, failure);
    if (ctx.res.headersSent || ctx.res.destroyed) return void ctx.res.destroy();
    if (isBug(failure)) throw err;
    sendFailure(ctx, failure, candidate.plan, { attempts: ctx.record.attempts ?? [], retryAfterMs: undefined });
  }
}

async function failover(ctx: RequestContext, backend: CompiledAiBackend, candidates: readonly Candidate[], parsed: ParsedAiRequest, filters: readonly RouteFilter[]): Promise<void> {
  const { clock, health, options } = ctx.deps;
  const deadline = clock.monotonic() + ctx.timeoutMs;
  let gone = false;
  const onGone = (): void => void (gone = true);
  ctx.abort.once('abort', onGone);
  let last: { failure: AttemptFailed; candidate: Candidate } | undefined;
  let sent = 0;
  try {
    for (const candidate of ordered(ctx, backend, candidates)) {
      if (sent >= options.maxAttempts) break;
      const started = clock.monotonic();
      const left = deadline - started;
      if (left <= 0) break;
      try {
        const attempt = prepare(ctx, candidate, parsed);
        ctx.record.llm = candidate.llm.provider.metricLabel;
        const broken = await runAttempt(ctx, { ...attempt, filters, timeoutMs: left });
        record(ctx, candidate.llm, broken, ctx.record.upstreamStatus, started, true);
        if (broken === undefined) health.succeeded(candidate.llm.healthKey);
        else health.failed(candidate.llm.healthKey);
        return;
      } catch (err) {
        const failure = attemptFailure(err, ctx.timedOut);
        record(ctx, candidate.llm, failure.reason, failure.status, started, true);
        noteHealth(ctx, candidate.llm, failure);
        // Never after the answer began (the relay does not fail then; a last guard all the same).
        if (ctx.res.headersSent) return void ctx.res.destroy();
        if (gone || ctx.res.destroyed) return;
        // A fault of the gateway's own is reported as one (and logged), not passed off as the provider's.
        if (isBug(failure)) throw err;
        if (failure.reason !== 'unsupported') sent++;
        last = { failure, candidate };
        if (!failure.retryable) break;
      }
    }
  } finally {
    ctx.abort.off('abort', onGone);
  }
  const waitMs = allOut(ctx, candidates);
  if (last === undefined) {
    const error = new GatewayError('providers_unavailable', `every provider of backend ${backend.ref} is taken out after failing; the first returns in ${Math.ceil((waitMs ?? 0) / 1000)} s`);
    return sendFailure(ctx, attemptFailure(error, false), first(candidates).plan, { attempts: [], retryAfterMs: waitMs });
  }
  sendFailure(ctx, last.failure, last.candidate.plan, { attempts: ctx.record.attempts ?? [], retryAfterMs: waitMs });
}

function isBug(failure: AttemptFailed): boolean {
  return failure.answer.kind === 'gateway' && failure.answer.error.code === 'internal_error';
}

function first(candidates: readonly Candidate[]): Candidate {
  return candidates[0] as Candidate;
}

/**
 * The order providers are tried in: level by level; within a level, the healthy ones taking
 * turns request by request. A provider taken out after failing is skipped until its time is up.
 */
function* ordered(ctx: RequestContext, backend: CompiledAiBackend, candidates: readonly Candidate[]): Generator<Candidate> {
  const { health } = ctx.deps;
  for (let level = 0; level < backend.levels.length; level++) {
    const here = candidates.filter((c) => c.level === level && health.available(c.llm.healthKey));
    if (here.length === 0) continue;
    const start = here.length === 1 ? 0 : health.nextTurn(`${backend.ref}#${level}`) % here.length;
    for (let i = 0; i < here.length; i++) yield here[(start + i) % here.length] as Candidate;
  }
}

/** When every provider is taken out: how long until the first returns. */
function allOut(ctx: RequestContext, candidates: readonly Candidate[]): number | undefined {
  let soonest = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const wait = ctx.deps.health.waitMs(c.llm.healthKey);
    if (wait === 0) return undefined;
    soonest = Math.min(soonest, wait);
  }
  return soonest;
}

/** An attempt for the metrics, and for the access log when it failed or the Backend has others to try. */
function record(ctx: RequestContext, llm: CompiledLlm, reason: string | undefined, status: number | undefined, started: number, log: boolean): void {
  const durationMs = ctx.deps.clock.monotonic() - started;
  ctx.deps.metrics.attempts.inc([llm.name, reason ?? 'answered']);
  ctx.deps.metrics.attemptDuration.observe([llm.name], durationMs / 1000);
  if (log || reason !== undefined) (ctx.record.attempts ??= []).push({ provider: llm.name, status, reason, durationMs: Math.round(durationMs * 100) / 100 });
}

/** A provider at fault is marked down; one that answered (even with the client's error) is up. */
function noteHealth(ctx: RequestContext, llm: CompiledLlm, failure: AttemptFailed): void {
  if (failure.providerFault) ctx.deps.health.failed(llm.healthKey, failure.retryAfterMs);
  else if (failure.reason === 'status') ctx.deps.health.succeeded(llm.healthKey);
}

/**
 * The Backend's providers that can serve this call, in priority order. One that cannot (its API
 * lacks the operation, its credential is unusable, or it would need the client to speak another
 * schema) is left out; when none can, the first one's reason is the error.
 */
function candidatesFor(ctx: RequestContext, backend: CompiledAiBackend, call: Parameters<typeof planAiRequest>[1]): Candidate[] {
  const out: Candidate[] = [];
  let firstError: unknown;
  backend.levels.forEach((entries, level) => {
    for (const llm of entries) {
      try {
        const plan = planAiRequest(llm, call);
        if (out.length > 0 && plan.client !== (out[0] as Candidate).plan.client) {
          throw new GatewayError('operation_not_supported', `${llm.name} (${llm.provider.id}) does not serve this ${(out[0] as Candidate).plan.client} API call`);
        }
        out.push({ llm, plan, credential: upstreamCredential(ctx, llm), level });
      } catch (err) {
        firstError ??= err;
      }
    }
  });
  if (out.length === 0) throw firstError;
  return out;
}

/** The attempt's plan for the body read, and the model it sends. */
function prepare(ctx: RequestContext, candidate: Candidate, parsed: ParsedAiRequest): { llm: CompiledLlm; plan: AiPlan; request: ParsedAiRequest; credential: UpstreamCredential; model: string | undefined } {
  const { llm } = candidate;
  const plan = planForBody(candidate.plan, llm, parsed.json, ctx.view.query);
  const request = plan === candidate.plan ? parsed : { ...parsed, stream: plan.googleStream === true };
  ctx.record.operation = plan.client === 'anthropic' && plan.translation !== undefined ? 'messages' : plan.operation;
  const model = modelFor(llm, plan, request);
  ctx.record.model = model;
  ctx.record.stream = request.stream;
  return { llm, plan, request, credential: candidate.credential, model };
}

/**
 * The Backend's model replaces the client's for generation and is never forced onto embeddings
 * or model listing. A provider that names the model in its path needs one.
 */
function modelFor(llm: CompiledLlm, plan: AiPlan, request: ParsedAiRequest): string | undefined {
  const model = plan.pathModel ?? (plan.bodyModel === 'backend' ? (llm.settings.model ?? request.model) : request.model);
  if (model === undefined && plan.translation !== undefined && plan.operation !== 'models') {
    throw new GatewayError('unsupported_parameter', `${llm.name} (${llm.provider.id}) needs a model: set one in the request or on the Backend`, { param: 'model' });
  }
  return model;
}

function upstreamCredential(ctx: RequestContext, llm: CompiledLlm): UpstreamCredential {
  const credential = llm.credential;
  switch (credential.kind) {
    case 'static':
      return { kind: 'token', token: credential.token };
    case 'aws':
      return { kind: 'aws', keys: credential.keys };
    case 'unavailable':
      throw new GatewayError('backend_unavailable', `${llm.name} has no usable credential: ${credential.reason}`);
    case 'passthrough': {
      const token = clientToken(ctx);
      if (token === '') {
        throw new GatewayError('missing_authorization', `${llm.name} passes the client's key through; send it as "Authorization: Bearer <key>" (or the provider's own header)`);
      }
      return { kind: 'token', token };
    }
  }
}

/**
 * The client's key: `Authorization: Bearer <key>`, else the first of the providers' own key
 * headers, else Google's `key` query parameter. A header that is there but holds no single
 * token (`Bearer` alone, `Basic …`, words with spaces) is refused, never sent on as a key.
 */
function clientToken(ctx: RequestContext): string {
  for (const name of CLIENT_CREDENTIAL_HEADERS) {
    const value = ctx.req.headers[name];
    if (value === undefined) continue;
    const token = typeof value === 'string' ? (name === 'authorization' ? BEARER.exec(value)?.[1] : TOKEN.exec(value)?.[1]) : undefined;
    if (token === undefined) {
      throw new GatewayError('missing_authorization', name === 'authorization' ? 'the Authorization header must be "Bearer <key>"' : `the ${name} header must hold one key`);
    }
    return token;
  }
  return ctx.view.query === '' ? '' : (new URLSearchParams(ctx.view.query).get('key') ?? '').trim();
}

/** A token as RFC 6750 has it (every provider's key is one). */
const BEARER = /^\s*bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i;
const TOKEN = /^\s*([A-Za-z0-9\-._~+/]+=*)\s*$/;
