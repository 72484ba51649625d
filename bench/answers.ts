/**
 * What the fixed upstream answers, built once at start: OpenAI and Anthropic, JSON and SSE.
 * The probe imports the texts too, so it knows what a correct answer through a hop contains.
 */

/** The content of every JSON answer, OpenAI's and Anthropic's alike. */
export const TEXT = 'A function calls itself, a mirror in a mirror,\nuntil the base case answers and the calls unwind.';

const POEM =
  'A function calls itself, a mirror held to a mirror, each frame a smaller question waiting on the next. ' +
  'Down the stack the problem shrinks, a staircase cut from the same stone, until the base case answers plainly ' +
  'and the waiting frames wake one by one, folding their small results into the larger answer they were asked for.';

/** How many content pieces a stream has; with the role and finish chunks, 200 in all. */
export const STREAM_PIECES_COUNT = 198;

/**
 * The streamed answer, piece by piece as a model sends its tokens: one word, then two, and so on
 * (the poem repeats as long as needed), each but the first with its leading space.
 */
export const STREAM_PIECES: readonly string[] = streamPieces(POEM.split(' '), STREAM_PIECES_COUNT);
export const STREAM_TEXT = STREAM_PIECES.join('');

function streamPieces(words: readonly string[], count: number): string[] {
  const pieces: string[] = [];
  let next = 0;
  const word = (): string => words[next++ % words.length] ?? '';
  for (let i = 0; i < count; i++) {
    const text = i % 2 === 0 ? word() : `${word()} ${word()}`;
    pieces.push(i === 0 ? text : ` ${text}`);
  }
  return pieces;
}

/** Token counts of the answers (the same for OpenAI and Anthropic): the prompt, the JSON answer, the stream. */
const PROMPT_TOKENS = 39;
const JSON_TOKENS = 35;
const STREAM_TOKENS = STREAM_PIECES_COUNT;

// ---- OpenAI ----

const OPENAI_ID = 'chatcmpl-bench0000000000000000000000';
const OPENAI_MODEL = 'gpt-4o-mini-2024-07-18';
const CREATED = 1_700_000_000;

function openAiUsage(completion: number): Record<string, unknown> {
  return {
    prompt_tokens: PROMPT_TOKENS,
    completion_tokens: completion,
    total_tokens: PROMPT_TOKENS + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export const OPENAI_JSON = Buffer.from(
  JSON.stringify({
    id: OPENAI_ID,
    object: 'chat.completion',
    created: CREATED,
    model: OPENAI_MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: openAiUsage(JSON_TOKENS),
    system_fingerprint: 'fp_bench',
  }),
);

/** One chunk as OpenAI streams it when usage was asked for: `usage: null` on all but the last. */
function openAiChunk(choices: unknown[], usage: unknown = null): string {
  const chunk = { id: OPENAI_ID, object: 'chat.completion.chunk', created: CREATED, model: OPENAI_MODEL, service_tier: 'default', system_fingerprint: 'fp_bench', choices, usage };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const delta = (d: Record<string, unknown>, finish: string | null = null): unknown => ({ index: 0, delta: d, logprobs: null, finish_reason: finish });

/** Role chunk, the content pieces, finish chunk, usage chunk, `[DONE]` (`stream_options.include_usage`). */
export const OPENAI_STREAM = Buffer.from(
  openAiChunk([delta({ role: 'assistant', content: '', refusal: null })]) +
    STREAM_PIECES.map((p) => openAiChunk([delta({ content: p })])).join('') +
    openAiChunk([delta({}, 'stop')]) +
    openAiChunk([], openAiUsage(STREAM_TOKENS)) +
    'data: [DONE]\n\n',
);

// ---- Anthropic ----

const ANTHROPIC_ID = 'msg_bench000000000000000000';
const ANTHROPIC_MODEL = 'claude-3-5-haiku-20241022';

/** A Messages API answer with one text block. */
export function anthropicMessage(text: string, outputTokens: number): string {
  return JSON.stringify({
    id: ANTHROPIC_ID,
    type: 'message',
    role: 'assistant',
    model: ANTHROPIC_MODEL,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: PROMPT_TOKENS, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  });
}

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** A Messages stream of one text block, events framed as Anthropic frames them (`event:` then `data:`). */
export function anthropicStream(pieces: readonly string[], outputTokens: number): string {
  const start = {
    type: 'message_start',
    message: {
      id: ANTHROPIC_ID,
      type: 'message',
      role: 'assistant',
      model: ANTHROPIC_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    },
  };
  return (
    event('message_start', start) +
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
    // Anthropic sends a ping early in every stream; the gateway must skip it.
    event('ping', { type: 'ping' }) +
    pieces.map((text) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })).join('') +
    event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
    event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }) +
    event('message_stop', { type: 'message_stop' })
  );
}

export const ANTHROPIC_JSON = Buffer.from(anthropicMessage(TEXT, JSON_TOKENS));
export const ANTHROPIC_STREAM = Buffer.from(anthropicStream(STREAM_PIECES, STREAM_TOKENS));

// ---- Echo (the probe's requests only) ----

/** The request headers an echo reports: the credential each provider expects, and Anthropic's version. */
export const ECHO_HEADERS = ['authorization', 'x-api-key', 'anthropic-version'] as const;

/** What the upstream saw on an echo request. */
export interface Echo {
  path: string;
  headers: Partial<Record<string, string | null>>;
  model: unknown;
}
