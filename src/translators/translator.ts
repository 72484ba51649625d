import type { IncomingHttpHeaders } from 'node:http';

/**
 * The API shapes the gateway speaks: with clients (openai, anthropic) and with providers (all).
 * `vertex` is Vertex AI: Gemini's generation API, but its own embeddings (`:predict`).
 */
export type ApiSchema = 'openai' | 'anthropic' | 'gemini' | 'vertex' | 'bedrock';

/** The schemas clients speak to the gateway. */
export type ClientSchema = 'openai' | 'anthropic';

/** What a translator knows about one exchange besides the bodies. */
export interface TranslateContext {
  /** The model the provider is asked for: the Backend's, else the client's. */
  model: string;
  /** The client asked for a streamed answer. */
  stream: boolean;
  /** The client asked for usage at the end of the stream (OpenAI `stream_options.include_usage`). */
  includeUsage: boolean;
  /** A unique id for this answer, for the ids the client's schema needs (`chatcmpl-…`, `msg_…`). */
  id: string;
  /** Seconds since the epoch, for `created`. */
  created: number;
}

/** Token usage in OpenAI's terms (prompt tokens include cached ones), for the access log and metrics. */
export interface UsageCount {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens?: number;
  reasoningTokens?: number;
}

export interface TranslatedAnswer {
  /** The answer in the client's schema, to be sent as JSON. */
  body: unknown;
  usage: UsageCount | undefined;
  /** The model the provider says answered. */
  model: string | undefined;
}

/**
 * One streamed answer, translated as it arrives: provider bytes in (SSE or AWS event-stream,
 * split anywhere), client SSE text out. It never holds back a complete event.
 */
export interface StreamTranslator {
  /** Provider bytes in; the client events they complete, as SSE text (possibly empty). */
  push(chunk: Buffer): string;
  /**
   * The provider's stream ended: the client's closing events (finish reason, usage when asked
   * for, `[DONE]`), or an error event when the provider's stream ended without finishing.
   */
  end(): string;
  /** Usage reported so far. */
  readonly usage: UsageCount | undefined;
  readonly model: string | undefined;
  /** True once the stream ended in an error event (the provider's in-band error, or a stream that broke): nothing follows it. */
  readonly failed: boolean;
  /**
   * True once events carrying the answer went out (text, a tool call, a finish reason): the
   * commit point, before which a failed stream can still be retried elsewhere unseen.
   */
  readonly answered: boolean;
  /** When the stream failed: the error as an HTTP error answer in the client's schema (for a failure before the answer). */
  readonly failure: StreamFailure | undefined;
}

/** A failed stream's error as the HTTP error answer the client would get instead of the stream. */
export interface StreamFailure {
  status: number;
  /** The error body in the client's schema (the data of the stream's error event). */
  body: unknown;
}

/** One operation (chat, embeddings, model listing) from the client's schema to the provider's and back. */
export interface OperationTranslator {
  /**
   * The client's JSON body as the provider's. Throws a GatewayError (`unsupported_parameter`,
   * naming the field) for what the provider cannot do, rather than dropping it silently.
   */
  request(body: Record<string, unknown>, ctx: TranslateContext): Record<string, unknown>;
  /** The provider's JSON answer (status 2xx) as the client's. */
  response(body: unknown, ctx: TranslateContext): TranslatedAnswer;
  /** Present where the operation streams. */
  stream?(ctx: TranslateContext): StreamTranslator;
}

export type TranslatedOperation = 'chat' | 'embeddings' | 'models';

/** Everything between one client schema and one provider schema. */
export interface SchemaTranslator {
  client: ClientSchema;
  provider: ApiSchema;
  operations: Partial<Record<TranslatedOperation, OperationTranslator>>;
  /** A provider error answer (status >= 400) in the client's schema, with the status the client should see. */
  error(status: number, body: Buffer, headers: IncomingHttpHeaders): { status: number; body: unknown };
}
