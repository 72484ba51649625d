import { jsonStringEnd } from '../common/json-literal.js';

const HEAD = '{"type":"content_block_delta","index":';
const DELTA = ',"delta":{"type":"text_delta","text":';

/**
 * Most events of a streamed answer are one token of text, and Anthropic writes them always
 * alike: `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`.
 * For one written exactly so, the block index and the text's JSON literal, read without parsing
 * (the literal checked to be valid JSON); anything else, undefined, and the event is parsed.
 */
export function textDelta(data: string): { index: number; literal: string } | undefined {
  if (!data.startsWith(HEAD)) return undefined;
  let i = HEAD.length;
  let index = 0;
  for (; i < data.length && i < HEAD.length + 6; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    index = index * 10 + (c - 0x30);
  }
  if (i === HEAD.length || !data.startsWith(DELTA, i)) return undefined;
  const start = i + DELTA.length;
  const end = jsonStringEnd(data, start);
  if (end === -1 || end !== data.length - 2 || !data.endsWith('}}')) return undefined;
  return { index, literal: data.slice(start, end) };
}
