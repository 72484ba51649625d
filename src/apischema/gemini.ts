// Gemini API wire types (https://ai.google.dev/api/generate-content, /api/embeddings, /api/models)
// and the Vertex AI shapes that differ from them (text embeddings through `:predict`): the parts
// the gateway reads or writes when it translates. Field names are Google's (JSON, lowerCamelCase).
// Request bodies are type aliases rather than interfaces so they stay assignable to the plain
// JSON records the translators return.

/** Inline bytes: `data` is base64. */
export interface Blob {
  mimeType: string;
  data: string;
}

/** A file by URI (Files API, Cloud Storage or a public URL), with its media type. */
export interface FileData {
  mimeType: string;
  fileUri: string;
}

export interface FunctionCall {
  name: string;
  /** The arguments as a JSON object; absent for a call without arguments. */
  args?: Record<string, unknown>;
  id?: string;
}

export interface FunctionResponse {
  name: string;
  /** Any JSON object; by convention `output`/`error`, here `content` (see the request translator). */
  response: Record<string, unknown>;
  id?: string;
}

/**
 * One part of a content. Google's schema is a union: exactly one data field (`text`,
 * `inlineData`, `fileData`, `functionCall`, `functionResponse`) is set per part.
 */
export interface Part {
  text?: string;
  /** The part is the model's thinking (a summary, only sent when thoughts are asked for), not its answer. */
  thought?: boolean;
  /** Opaque proof of the model's thinking; Gemini 3 wants it back on the function calls it made. */
  thoughtSignature?: string;
  inlineData?: Blob;
  fileData?: FileData;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
}

export type ContentRole = 'user' | 'model';

export interface Content {
  role?: ContentRole;
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  /** The OpenAPI subset Gemini's own Schema type accepts. */
  parameters?: Record<string, unknown>;
  /** Full JSON Schema (mutually exclusive with `parameters`). */
  parametersJsonSchema?: Record<string, unknown>;
}

export interface Tool {
  functionDeclarations?: FunctionDeclaration[];
}

export type FunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface ToolConfig {
  functionCallingConfig?: { mode?: FunctionCallingMode; allowedFunctionNames?: string[] };
}

export interface ThinkingConfig {
  /** Tokens the model may think for: 0 turns thinking off where the model allows it, -1 lets it decide. */
  thinkingBudget?: number;
  includeThoughts?: boolean;
}

export interface GenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  /** The OpenAPI subset; `responseJsonSchema` takes full JSON Schema instead. */
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: ThinkingConfig;
}

/** `POST /{version}/models/{model}:generateContent` (and `:streamGenerateContent?alt=sse`). The model is in the path. */
export type GenerateContentRequest = {
  contents: Content[];
  systemInstruction?: Content;
  tools?: Tool[];
  toolConfig?: ToolConfig;
  generationConfig?: GenerationConfig;
};

export type FinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'IMAGE_RECITATION'
  | 'IMAGE_OTHER'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS';

export type BlockReason = 'BLOCK_REASON_UNSPECIFIED' | 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY';

export interface Candidate {
  /** Absent (or without parts) when the candidate was stopped before it said anything. */
  content?: { role?: ContentRole; parts?: Part[] };
  /** A FinishReason; absent on the pieces of a stream before the last. Read as a string: Google adds values. */
  finishReason?: string;
  /** Often omitted when 0. */
  index?: number;
  finishMessage?: string;
  safetyRatings?: unknown[];
}

export interface UsageMetadata {
  promptTokenCount?: number;
  /** Part of `promptTokenCount`: tokens read from a context cache. */
  cachedContentTokenCount?: number;
  /** The answer's tokens, without the thinking. */
  candidatesTokenCount?: number;
  /** Tokens the model spent thinking (billed as output). */
  thoughtsTokenCount?: number;
  /** Tokens of results from Google-run tools (search, code execution), read as input. */
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GenerateContentResponse {
  /** Absent when the prompt was blocked. */
  candidates?: Candidate[];
  promptFeedback?: { /** A BlockReason. */ blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: UsageMetadata;
  /** The model that answered, e.g. `gemini-2.5-flash`. */
  modelVersion?: string;
  responseId?: string;
}

/** A google.rpc.Status: every Google API error body is `{error: Status}`. */
export interface ErrorStatus {
  /** The HTTP status. */
  code: number;
  message: string;
  /** The google.rpc.Code name: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, `UNAVAILABLE`… */
  status: string;
  /** google.rpc error details; ErrorInfo carries a `reason` such as `API_KEY_INVALID`. */
  details?: { '@type'?: string; reason?: string; [field: string]: unknown }[];
}

export interface ErrorBody {
  error: ErrorStatus;
}

/** One text to embed in a `:batchEmbedContents` call; `model` is `models/<name>`. */
export type EmbedContentRequest = {
  model: string;
  content: Content;
  outputDimensionality?: number;
  taskType?: string;
};

/** `POST /{version}/models/{model}:batchEmbedContents` */
export type BatchEmbedContentsRequest = {
  requests: EmbedContentRequest[];
};

/** One embedding per request, in order. No token counts. */
export interface BatchEmbedContentsResponse {
  embeddings: { values: number[] }[];
}

/** Vertex AI: `POST .../publishers/google/models/{model}:predict` for text embeddings. */
export type VertexEmbeddingsRequest = {
  instances: { content: string; task_type?: string; title?: string }[];
  parameters?: { outputDimensionality?: number; autoTruncate?: boolean };
};

export interface VertexEmbeddingsResponse {
  predictions: { embeddings: { values: number[]; statistics?: { token_count: number; truncated: boolean } } }[];
  metadata?: { billableCharacterCount?: number };
}

/** `GET /{version}/models`, one page of it. */
export interface ModelList {
  models?: {
    /** `models/<id>` */
    name: string;
    baseModelId?: string;
    version?: string;
    displayName?: string;
    description?: string;
    inputTokenLimit?: number;
    outputTokenLimit?: number;
    supportedGenerationMethods?: string[];
  }[];
  nextPageToken?: string;
}
