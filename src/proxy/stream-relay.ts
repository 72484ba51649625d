import type { Readable } from 'node:stream';
import { streamErrorEvent } from '../translators/sse.js';
import type { ApiSchema, StreamFailure, StreamTranslator, UsageCount } from '../translators/translator.js';
import { AttemptFailed, retryableStatus } from './attempt-failure.js';
import type { OutgoingHeaders } from './headers.js';
import type { RequestContext } from './request-context.js';

/**
 * A streamed answer on its way to the client: provider bytes in, client bytes out, and where
 * the answer begins (the commit point).
 */
export interface StreamProcessor {
  /** Provider bytes in; what the client gets for them. */
  push(chunk: Buffer): string | Buffer;
  /**
   * The provider's stream ended (`interruption` says why, when it broke off): the client's last
   * events, which finish the answer or end it with an error event.
   */
  end(interruption?: Interruption): string;
  /** Events carrying the answer have come: from here the client sees the stream. */
  readonly answered: boolean;
  /** The stream failed (an error event, a broken stream): its error as an HTTP error answer. */
  readonly failure: StreamFailure | undefined;
  readonly usage: UsageCount | undefined;
  readonly model: string | undefined;
}

/** Why a stream broke off, for its error event: the message and the error code. */
export interface Interruption {
  message: string;
  code: 'upstream_timeout' | 'upstream_unreachable';
}

/** A provider stream translated into the client's schema. */
export function translatedStream(translator: StreamTranslator): StreamProcessor {
  return {
    push: (chunk) => translator.push(chunk),
    end: () => translator.end(),
    get answered() {
      return translator.answered;
    },
    get failure() {
      return translator.failure;
    },
    get usage() {
      return translator.usage;
    },
    get model() {
      return translator.model;
    },
  };
}

/**
 * Relays a streamed answer with a commit point. Nothing reaches the client until the answer
 * begins: until then the events are held, and a failure (the provider's error event, a broken
 * event, the connection dropping, the stream ending or stalling) rejects with AttemptFailed, the
 * client none the wiser, so that another provider may answer. Once the answer has begun the
 * stream is the client's: backpressure holds both ways, and a failure ends it with an error
 * event in the client's schema (no `[DONE]`), which is what the promise then resolves with
 * (undefined for a stream that ended well).
 */
export function relayStream(ctx: RequestContext, body: Readable, processor: StreamProcessor, head: { headers: OutgoingHeaders; write: (headers: OutgoingHeaders) => void; schema: ApiSchema }): Promise<string | undefined> {
  const { res } = ctx;
  return new Promise((resolve, reject) => {
    /** Events held until the answer begins; undefined once the client has the stream. */
    let held: (string | Buffer)[] | undefined = [];
    let over = false;

    const detach = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      // Destroying the body aborts the upstream request, which then reports that as an error.
      body.on('error', ignore);
    };
    const fail = (err: Error): void => {
      over = true;
      detach();
      body.destroy();
      reject(err);
    };
    const failBefore = (reason: 'stream_error' | 'closed_early', failure: StreamFailure): void => {
      fail(new AttemptFailed(reason, retryableStatus(failure.status), { kind: 'stream', failure }));
    };
    const commit = (): boolean => {
      head.write(head.headers);
      let ok = true;
      for (const part of held ?? []) ok = res.write(part);
      held = undefined;
      return ok;
    };
    const finish = (tail: string, broken: string | undefined): void => {
      over = true;
      detach();
      ctx.record.usage = processor.usage;
      ctx.record.providerModel = processor.model;
      res.end(tail, () => resolve(broken));
    };
    const pause = (): void => {
      body.pause();
      res.once('drain', () => body.resume());
    };

    const onData = (chunk: Buffer): void => {
      let out: string | Buffer;
      try {
        out = processor.push(chunk);
      } catch (err) {
        const message = `the provider's stream could not be read (${err instanceof Error ? err.message : 'malformed'})`;
        if (held !== undefined) return failBefore('stream_error', { status: 502, body: { error: { message, type: 'server_error', param: null, code: 'upstream_invalid_response' } } });
        body.destroy();
        return finish(streamErrorEvent(head.schema, message), 'malformed');
      }
      if (held !== undefined) {
        const failure = processor.failure;
        if (failure !== undefined && !processor.answered) return failBefore('stream_error', failure);
        held.push(out);
        if (!processor.answered) return;
        const ok = commit();
        // Content and then an error in one read: the content counts, the error ends the stream.
        if (failure !== undefined) {
          body.destroy();
          return finish('', 'stream_error');
        }
        if (!ok) pause();
        return;
      }
      if (processor.failure !== undefined) {
        // The error event is the stream's last word: nothing the provider sends after it counts.
        body.destroy();
        return finish(typeof out === 'string' ? out : out.toString('utf8'), 'stream_error');
      }
      if (out.length > 0 && !res.write(out)) pause();
    };
    const onEnd = (): void => {
      const tail = processor.end();
      const failure = processor.failure;
      if (held !== undefined) {
        if (failure !== undefined && !processor.answered) return failBefore('closed_early', failure);
        commit();
      }
      finish(tail, failure === undefined ? undefined : 'closed_early');
    };
    const onError = (err: Error): void => {
      if (held !== undefined) return fail(err);
      const [reason, interruption] = interruptionOf(ctx, err);
      const tail = processor.end(interruption);
      finish(tail, processor.failure === undefined ? undefined : reason);
    };

    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    res.once('close', () => {
      if (over) return;
      over = true;
      detach();
      body.destroy();
      resolve(undefined);
    });
  });
}

/** Why a stream whose answer had begun broke off. */
function interruptionOf(ctx: RequestContext, err: Error): ['timeout' | 'idle_timeout' | 'reset', Interruption] {
  if (ctx.timedOut) return ['timeout', { message: `the answer did not finish within the upstream timeout (${ctx.timeoutMs} ms)`, code: 'upstream_timeout' }];
  if ((err as { code?: unknown }).code === 'UND_ERR_BODY_TIMEOUT') {
    return ['idle_timeout', { message: `the provider sent nothing for ${ctx.deps.options.streamIdleTimeoutMs} ms`, code: 'upstream_timeout' }];
  }
  return ['reset', { message: "the provider's connection dropped before the answer was complete", code: 'upstream_unreachable' }];
}

function ignore(): void {}
