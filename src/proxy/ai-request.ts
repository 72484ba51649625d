import type { IncomingHttpHeaders } from 'node:http';
import { readBody } from '../core/http.js';
import { isPlainObject } from '../core/json.js';
import type { AiPlan } from './ai-plan.js';
import { FORWARD_LIMITS, PARSE_LIMITS, scanJsonObject, type JsonObjectShape } from './json-shape.js';
import type { RequestContext } from './request-context.js';

/** The client's request body, read and parsed once for every attempt that sends it. */
export interface ParsedAiRequest {
  /** The bytes the client sent, or null without a body. */
  raw: Buffer | null;
  /** The body as JSON, when a plan translates it. */
  json: Record<string, unknown> | undefined;
  /** Where the body's top-level values lie, when it was read. */
  shape: JsonObjectShape | undefined;
  /** The model the client named. */
  model: string | undefined;
  stream: boolean;
  /** OpenAI's `stream_options.include_usage`. */
  includeUsage: boolean;
}

/**
 * Reads the body (within the size limit) and checks it when a plan reads it: to translate it,
 * or to find and set its model. Only a body to translate is parsed; one that is forwarded is
 * read in place (its shape bounded all the same). Invalid JSON is the client's 400 before
 * anything is sent.
 */
export async function readAiRequest(ctx: RequestContext, plan: AiPlan, others: readonly AiPlan[] = []): Promise<ParsedAiRequest> {
  const { req } = ctx;
  const all = [plan, ...others];
  const reads = req.method === 'POST' && all.some(readsBody);
  const unread = { json: undefined, shape: undefined, model: plan.pathModel, stream: streamingPath(plan), includeUsage: false };
  if (!reads && !hasBody(req.headers)) return { raw: null, ...unread };
  const raw = await readBody(req, ctx.deps.options.maxBodyBytes);
  if (!reads) return { raw, ...unread };
  const parse = all.some((p) => p.translation !== undefined);
  const shape = scanJsonObject(raw, parse ? PARSE_LIMITS : FORWARD_LIMITS);
  const member = (key: string): unknown => {
    const span = shape.members.get(key);
    return span === undefined ? undefined : JSON.parse(raw.toString('utf8', span.start, span.end));
  };
  const model = member('model');
  const options = member('stream_options');
  return {
    raw,
    json: parse ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined,
    shape,
    model: typeof model === 'string' ? model : plan.pathModel,
    stream: member('stream') === true || streamingPath(plan),
    includeUsage: isPlainObject(options) && options.include_usage === true,
  };
}

function readsBody(plan: AiPlan): boolean {
  return plan.translation !== undefined || plan.bodyModel !== 'none';
}

/** Google's streaming method names the stream in the path (or `alt=sse`), not the body. */
function streamingPath(plan: AiPlan): boolean {
  return plan.googleStream === true || (plan.path?.includes(':streamGenerateContent') ?? false);
}

/**
 * The body to send untranslated, with `model` set to the given one. Only that value is spliced
 * into the client's bytes (no re-serialization: the hop stays as fast as a bare proxy, and every
 * other byte is the client's). A body that names `model` twice has each one set, so that no
 * provider, whichever it reads, gets the client's.
 */
export function bodyWithModel(request: ParsedAiRequest, model: string | undefined): Buffer | null {
  const { raw, shape } = request;
  if (raw === null || shape === undefined || model === undefined) return raw;
  const quoted = Buffer.from(JSON.stringify(model));
  const span = shape.members.get('model');
  if (span !== undefined) {
    const earlier = shape.repeated.get('model');
    if (earlier === undefined && model === request.model) return raw;
    const pieces: Buffer[] = [];
    let at = 0;
    for (const s of [...(earlier ?? []), span]) {
      pieces.push(raw.subarray(at, s.start), quoted);
      at = s.end;
    }
    pieces.push(raw.subarray(at));
    return Buffer.concat(pieces);
  }
  // No model yet: it becomes the first member.
  const open = raw.indexOf(0x7b) + 1;
  const separator = shape.members.size === 0 ? '' : ',';
  return Buffer.concat([raw.subarray(0, open), Buffer.from('"model":'), quoted, Buffer.from(separator), raw.subarray(open)]);
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}
