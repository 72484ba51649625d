import type { IncomingHttpHeaders } from 'node:http';
import { readBody } from '../core/http.js';
import { isPlainObject } from '../core/json.js';
import type { AiPlan } from './ai-plan.js';
import { parseJsonObject } from './body.js';
import { jsonKey, replaceOnlyStringValue } from './json-scan.js';
import type { RequestContext } from './request-context.js';

/** The client's request body, read and parsed once for every attempt that sends it. */
export interface ParsedAiRequest {
  /** The bytes the client sent, or null without a body. */
  raw: Buffer | null;
  /** The body as JSON, when the plan needs to read it. */
  json: Record<string, unknown> | undefined;
  /** The model the client named. */
  model: string | undefined;
  stream: boolean;
  /** OpenAI's `stream_options.include_usage`. */
  includeUsage: boolean;
}

const MODEL_KEY = jsonKey('model');

/**
 * Reads the body (within the size limit) and parses it when a plan needs it: to translate it,
 * or to put the Backend's model in it. Invalid JSON is the client's 400 before anything is sent.
 */
export async function readAiRequest(ctx: RequestContext, plan: AiPlan, others: readonly AiPlan[] = []): Promise<ParsedAiRequest> {
  const { req } = ctx;
  const needsJson = req.method === 'POST' && (readsJson(plan) || others.some(readsJson));
  if (!needsJson && !hasBody(req.headers)) return { raw: null, json: undefined, model: plan.pathModel, stream: streamingPath(plan), includeUsage: false };
  const raw = await readBody(req, ctx.deps.options.maxBodyBytes);
  if (!needsJson) return { raw, json: undefined, model: plan.pathModel, stream: streamingPath(plan), includeUsage: false };
  const json = parseJsonObject(raw);
  const options = json.stream_options;
  return {
    raw,
    json,
    model: typeof json.model === 'string' ? json.model : plan.pathModel,
    stream: json.stream === true || streamingPath(plan),
    includeUsage: isPlainObject(options) && options.include_usage === true,
  };
}

function readsJson(plan: AiPlan): boolean {
  return plan.translation !== undefined || plan.bodyModel !== 'none';
}

/** Google's streaming method names the stream in the path (or `alt=sse`), not the body. */
function streamingPath(plan: AiPlan): boolean {
  return plan.googleStream === true || (plan.path?.includes(':streamGenerateContent') ?? false);
}

/**
 * The body to send untranslated, with `model` set to the given one. Only the one value is
 * spliced into the client's bytes when it can be (no re-serialization: the hop stays as fast as
 * a bare proxy); the body is re-serialized only when `model` is missing or appears twice.
 */
export function bodyWithModel(request: ParsedAiRequest, model: string | undefined): Buffer | null {
  if (request.raw === null || request.json === undefined || model === undefined || model === request.model) return request.raw;
  const spliced = request.model === undefined ? undefined : replaceOnlyStringValue(request.raw, MODEL_KEY, model);
  return spliced ?? Buffer.from(JSON.stringify({ ...request.json, model }));
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}
