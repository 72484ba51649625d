// Amazon Bedrock Runtime wire types: the Converse and ConverseStream APIs
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html) and the
// Titan text embeddings body sent through InvokeModel. Field names are Bedrock's. The model id
// travels in the path (`/model/{modelId}/converse`), never in these bodies.

/** Image formats Converse accepts in an image block. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** An image carried inline. In the JSON API a blob is a base64 string. */
export interface ImageBlock {
  format: ImageFormat;
  source: { bytes: string };
}

export interface ToolUseBlock {
  toolUseId: string;
  name: string;
  /** A JSON document (an object for tool calls), not a string as in OpenAI. */
  input: unknown;
}

export type ToolResultContentBlock = { text: string } | { json: unknown } | { image: ImageBlock };

export interface ToolResultBlock {
  toolUseId: string;
  content: ToolResultContentBlock[];
  status?: 'success' | 'error';
}

export interface ReasoningContentBlock {
  reasoningText?: { text: string; signature?: string };
  /** Base64: reasoning the model provider encrypted. */
  redactedContent?: string;
}

/** A union: each block has exactly one of these members. */
export type ContentBlock =
  | { text: string }
  | { image: ImageBlock }
  | { toolUse: ToolUseBlock }
  | { toolResult: ToolResultBlock }
  | { reasoningContent: ReasoningContentBlock }
  | { cachePoint: { type: 'default' } };

export type ConversationRole = 'user' | 'assistant';

export interface Message {
  role: ConversationRole;
  content: ContentBlock[];
}

export type SystemContentBlock = { text: string } | { cachePoint: { type: 'default' } };

export interface InferenceConfiguration {
  maxTokens?: number;
  /** 0..1, unlike OpenAI's 0..2. */
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ToolSpecification {
  /** `^[a-zA-Z0-9_-]+$`, 1..64 characters. */
  name: string;
  /** Must not be empty when present. */
  description?: string;
  inputSchema: { json: Record<string, unknown> };
  strict?: boolean;
}

/** A union; there is no "none": a turn without tools is one without `toolConfig`. */
export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ToolConfiguration {
  tools: { toolSpec: ToolSpecification }[];
  toolChoice?: ToolChoice;
}

export interface ConverseRequest {
  messages: Message[];
  system?: SystemContentBlock[];
  inferenceConfig?: InferenceConfiguration;
  toolConfig?: ToolConfiguration;
}

export type StopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'malformed_model_output'
  | 'malformed_tool_use'
  | 'model_context_window_exceeded';

/**
 * `inputTokens` excludes cached prompt tokens: cache reads and writes are reported beside it
 * (and `totalTokens` counts all of them).
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output: { message?: Message };
  stopReason: StopReason;
  usage: TokenUsage;
  metrics?: { latencyMs: number };
  additionalModelResponseFields?: unknown;
}

// ConverseStream: each event is one AWS event-stream message whose `:event-type` header names
// it and whose payload is the JSON below (plus a random-length `p` padding field to ignore).

export interface MessageStartEvent {
  role: ConversationRole;
}

/** Only tool-use blocks announce themselves; text and reasoning blocks start with a delta. */
export interface ContentBlockStartEvent {
  contentBlockIndex: number;
  start: { toolUse?: { toolUseId: string; name: string } };
}

export interface ContentBlockDeltaEvent {
  contentBlockIndex: number;
  delta: {
    text?: string;
    /** A fragment of the tool input's JSON text: the fragments concatenate to it. */
    toolUse?: { input: string };
    reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
  };
}

export interface ContentBlockStopEvent {
  contentBlockIndex: number;
}

export interface MessageStopEvent {
  stopReason: StopReason;
  additionalModelResponseFields?: unknown;
}

/** Sent after `messageStop`: usage arrives last. */
export interface MetadataEvent {
  usage: TokenUsage;
  metrics?: { latencyMs: number };
}

export type StreamEventType = 'messageStart' | 'contentBlockStart' | 'contentBlockDelta' | 'contentBlockStop' | 'messageStop' | 'metadata';

/** The `:exception-type` of an exception message inside a stream (the HTTP status was already 200). */
export type StreamExceptionType =
  | 'internalServerException'
  | 'modelStreamErrorException'
  | 'validationException'
  | 'throttlingException'
  | 'serviceUnavailableException';

/**
 * An error answer (and an exception message's payload). The error's name is in the
 * `x-amzn-errortype` header, e.g. `ThrottlingException:http://internal.amazon.com/coral/…`.
 */
export interface ErrorBody {
  message?: string;
  /** Some AWS front ends capitalise it. */
  Message?: string;
  originalStatusCode?: number;
  originalMessage?: string;
}

/** Titan text embeddings (`amazon.titan-embed-text-v2:0`; v1 takes `inputText` only). */
export interface TitanEmbeddingRequest {
  inputText: string;
  /** v2: 1024 (default), 512 or 256. */
  dimensions?: number;
}

export interface TitanEmbeddingResponse {
  embedding?: number[];
  inputTextTokenCount: number;
  embeddingsByType?: { float?: number[] };
}
