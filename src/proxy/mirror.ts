import type { Dispatcher } from 'undici';
import type { CompiledMirror } from '../config/runtime-config.js';
import type { OutgoingHeaders } from './headers.js';
import type { RequestContext } from './request-context.js';

/**
 * RequestMirror: a copy of the request to each mirror backend, fire and forget. The answer is
 * read and dropped; it never delays or changes the client's answer, and failures are only logged.
 */
export function sendMirrors(
  ctx: RequestContext,
  mirrors: readonly CompiledMirror[],
  request: { method: Dispatcher.HttpMethod; path: string; headers: OutgoingHeaders; body: Buffer | null },
): void {
  for (const mirror of mirrors) {
    if (mirror.fraction < 1 && ctx.deps.random.next() >= mirror.fraction) continue;
    const { origins, state } = mirror.target;
    const origin = origins[state.next++ % Math.max(origins.length, 1)];
    if (origin === undefined) continue;
    ctx.deps.dispatcher
      .request({ origin, path: request.path, method: request.method, headers: request.headers, body: request.body })
      .then((res) => res.body.dump())
      .catch((err: unknown) => {
        if (ctx.deps.logger.isLevelEnabled('debug')) ctx.deps.logger.debug({ reqId: ctx.id, mirror: mirror.target.ref, err: String(err) }, 'mirror request failed');
      });
  }
}
