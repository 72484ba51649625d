/** The soak's HTTP client: requests to the gateway, and what an answer must look like. */
import { Agent, request } from 'undici';

/** How one request ended, as the tally counts it: `ok` is whether that was what its kind expects. */
export interface Outcome {
  ok: boolean;
  /** Short and low-cardinality (`200`, `503 providers_unavailable`, `aborted`): the tally groups by it. */
  detail: string;
  /** Why it was unexpected, in full; kept for the first few only. */
  why?: string;
}

export const ok = (detail: string): Outcome => ({ ok: true, detail });
export const unexpected = (detail: string, why: string): Outcome => ({ ok: false, detail, why });

/** No request may take this long; one that does is a hang, counted as unexpected. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Keep-alive connections to the gateway, like a real client's. `reset` closes them all, so the
 * gateway's socket count can come back to its idle level before it is measured.
 */
export class Client {
  private agent = new Agent({ connections: 256 });

  constructor(readonly base: string) {}

  async reset(): Promise<void> {
    const old = this.agent;
    this.agent = new Agent({ connections: 256 });
    await old.close();
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** A whole answer. */
  async send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await request(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body ?? null, dispatcher: this.agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  post(path: string, body: string): Promise<Answer> {
    return this.send('POST', `${this.base}${path}`, body);
  }

  /**
   * Hangs up mid-answer: once the first body bytes arrive (`afterFirstChunk`), or after `ms`
   * whatever has come. Returns what arrived before.
   */
  async hangUp(path: string, body: string, when: { afterFirstChunk: true } | { ms: number }): Promise<{ status: number | undefined; received: string }> {
    const controller = new AbortController();
    const timer = 'ms' in when ? setTimeout(() => controller.abort(), when.ms) : undefined;
    let status: number | undefined;
    let received = '';
    try {
      const res = await request(`${this.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: this.agent, signal: AbortSignal.any([controller.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
      status = res.statusCode;
      for await (const chunk of res.body) {
        received += (chunk as Buffer).toString('utf8');
        if ('afterFirstChunk' in when) controller.abort();
      }
    } catch (err) {
      // Our own abort is the point; anything else (a timeout, a refused connection) is not.
      if (!controller.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
    }
    return { status, received };
  }
}

export const TEXT = 'Recursion is a function that calls itself.';
const MESSAGES = [{ role: 'user', content: 'Explain recursion' }];

export function chatBody(opts: { stream?: boolean; model?: string | null } = {}): string {
  const model = opts.model === null ? {} : { model: opts.model ?? 'gpt-4o' };
  return JSON.stringify({ ...model, messages: MESSAGES, ...(opts.stream === true ? { stream: true } : {}) });
}

/** `503 providers_unavailable`: the status and, for the gateway's own errors, the code. */
export function describe(a: Answer): string {
  const code = errorOf(a.text)?.code;
  return typeof code === 'string' ? `${a.status} ${code}` : String(a.status);
}

function errorOf(text: string): { code?: unknown; message?: unknown } | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

const snippet = (a: Answer): string => `${a.status} ${a.text.slice(0, 300)}`;

/** An OpenAI chat.completion with the fake's whole text. */
export function expectCompletion(a: Answer): Outcome {
  if (a.status !== 200) return unexpected(describe(a), snippet(a));
  try {
    const c = JSON.parse(a.text) as { choices?: { message?: { content?: unknown } }[] };
    const content = c.choices?.[0]?.message?.content;
    return content === TEXT ? ok('200') : unexpected('200 wrong content', snippet(a));
  } catch {
    return unexpected('200 not JSON', snippet(a));
  }
}

/** The SSE events of a stream, without their blank-line separators. */
export function events(text: string): string[] {
  return text.split('\n\n').filter((e) => e.trim() !== '');
}

/** The text carried by a stream's chat.completion.chunk events. */
export function streamedText(evs: readonly string[]): string {
  let text = '';
  for (const e of evs) {
    if (!e.startsWith('data: {')) continue;
    const chunk = JSON.parse(e.slice(6)) as { choices?: { delta?: { content?: unknown } }[] };
    const piece = chunk.choices?.[0]?.delta?.content;
    if (typeof piece === 'string') text += piece;
  }
  return text;
}

/** A whole OpenAI stream: the fake's text, ending with `data: [DONE]`. */
export function expectStream(a: Answer): Outcome {
  if (a.status !== 200) return unexpected(describe(a), snippet(a));
  const type = a.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('text/event-stream')) return unexpected('200 not a stream', snippet(a));
  const evs = events(a.text);
  if (evs.at(-1) !== 'data: [DONE]') return unexpected('stream without [DONE]', a.text.slice(-300));
  try {
    return streamedText(evs) === TEXT ? ok('200 stream') : unexpected('stream wrong content', a.text.slice(0, 300));
  } catch {
    return unexpected('stream not JSON', a.text.slice(0, 300));
  }
}

/** A stream that started answering, then ended with the gateway's error event of `code` and no `[DONE]`. */
export function expectBrokenStream(a: Answer, code: string): Outcome {
  if (a.status !== 200) return unexpected(describe(a), snippet(a));
  const evs = events(a.text);
  const last = evs.at(-1) ?? '';
  const error = last.startsWith('data: {"error"') ? errorOf(last.slice(6)) : undefined;
  if (error?.code !== code) return unexpected('stream without its error event', a.text.slice(-300));
  if (evs.includes('data: [DONE]')) return unexpected('broken stream with [DONE]', a.text.slice(-300));
  return streamedText(evs.slice(0, -1)).length > 0 ? ok(`200 stream, then ${code}`) : unexpected('broken stream without content', a.text.slice(0, 300));
}

/** One of the gateway's error answers: a status from `statuses`, the OpenAI error shape, and its `code` when given. */
export function expectError(a: Answer, statuses: readonly number[], code?: string): Outcome {
  const detail = describe(a);
  const error = errorOf(a.text);
  if (!statuses.includes(a.status) || typeof error?.message !== 'string') return unexpected(detail, snippet(a));
  if (code !== undefined && error.code !== code) return unexpected(detail, snippet(a));
  return ok(detail);
}
