import type { ContentBlock, ImageBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock } from '../../apischema/anthropic.js';
import { isPlainObject } from '../../core/json.js';
import { parseDataUrl } from '../common/data-url.js';
import { unsupported } from '../common/errors.js';
import { argumentsObject } from '../common/tool-arguments.js';

/** An OpenAI conversation in Anthropic's terms: instructions apart, then alternating turns. */
export interface Conversation {
  system: TextBlock[];
  messages: Message[];
}

/**
 * `system` and `developer` messages become the `system` blocks wherever they appear, in order;
 * `tool` messages become `tool_result` blocks of a user turn; consecutive turns of one role are
 * merged, because Anthropic requires user and assistant turns to alternate. Anthropic answers
 * 400 to an empty text block and to a turn without content, which OpenAI clients send (`""`
 * beside tool calls, an empty user message): those say nothing, and are left out.
 */
export function conversation(messages: unknown): Conversation {
  if (!Array.isArray(messages)) throw unsupported('messages', 'messages must be an array of chat messages');
  const system: TextBlock[] = [];
  const turns: { role: Message['role']; content: ContentBlock[] }[] = [];
  const append = (role: Message['role'], blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((m: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isPlainObject(m)) throw unsupported(path, `${path} must be a message object`);
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...texts(m.content, `${path}.content`).map(textBlock));
        return;
      case 'user':
        append('user', userBlocks(m.content, `${path}.content`));
        return;
      case 'assistant':
        append('assistant', assistantBlocks(m, path));
        return;
      case 'tool':
        append('user', [toolResult(m, path)]);
        return;
      default:
        throw unsupported(`${path}.role`, `${path}.role ${JSON.stringify(m.role)} is not supported by Anthropic; use system, developer, user, assistant or tool`);
    }
  });

  // Anthropic wants a user turn's tool results before anything else in it.
  for (const turn of turns) if (turn.role === 'user') turn.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
  return { system, messages: turns };
}

const textBlock = (text: string): TextBlock => ({ type: 'text', text });

/** The non-empty texts of content that may only hold text (instructions, assistant text, tool results). */
function texts(content: unknown, path: string): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j) => {
    if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [part.text];
    throw unsupported(`${path}[${j}]`, `${path}[${j}]: only text parts are supported here`);
  });
}

function userBlocks(content: unknown, path: string): ContentBlock[] {
  if (content === undefined || content === null || typeof content === 'string') return texts(content, path).map(textBlock);
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j): ContentBlock[] => {
    const partPath = `${path}[${j}]`;
    if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [textBlock(part.text)];
    if (isPlainObject(part) && part.type === 'image_url') return [imageBlock(part.image_url, partPath)];
    const type = isPlainObject(part) ? JSON.stringify(part.type) : 'without a type';
    throw unsupported(partPath, `${partPath}: content part ${type} is not supported by Anthropic; use text or image_url`);
  });
}

/** `data:` URLs travel inline (base64); http(s) URLs are fetched by Anthropic itself. */
function imageBlock(image: unknown, path: string): ImageBlock {
  const url = isPlainObject(image) ? image.url : undefined;
  const param = `${path}.image_url.url`;
  if (typeof url !== 'string') throw unsupported(param, `${param} must be a string`);
  const inline = parseDataUrl(url);
  if (inline !== undefined) return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw unsupported(param, `${param}: Anthropic takes images as data:<type>;base64, URLs or http(s) URLs`);
}

function assistantBlocks(m: Record<string, unknown>, path: string): ContentBlock[] {
  const blocks: ContentBlock[] = texts(m.content, `${path}.content`).map(textBlock);
  const calls = m.tool_calls ?? [];
  if (!Array.isArray(calls)) throw unsupported(`${path}.tool_calls`, `${path}.tool_calls must be an array`);
  calls.forEach((call: unknown, k) => blocks.push(toolUse(call, `${path}.tool_calls[${k}]`)));
  return blocks;
}

function toolUse(call: unknown, path: string): ToolUseBlock {
  if (!isPlainObject(call) || call.type !== 'function' || !isPlainObject(call.function)) throw unsupported(`${path}.type`, `${path}: only function tool calls are supported`);
  const { id } = call;
  const { name, arguments: args } = call.function;
  if (typeof id !== 'string' || typeof name !== 'string') throw unsupported(path, `${path} needs a string id and function.name`);
  const input = argumentsObject(args);
  if (input === undefined) throw unsupported(`${path}.function.arguments`, `${path}.function.arguments must be the text of a JSON object: Anthropic takes tool inputs as objects`);
  return { type: 'tool_use', id, name, input };
}

/** A tool's answer. One that said nothing has no content: Anthropic refuses an empty text. */
function toolResult(m: Record<string, unknown>, path: string): ToolResultBlock {
  if (typeof m.tool_call_id !== 'string') throw unsupported(`${path}.tool_call_id`, `${path}.tool_call_id must name the tool call answered`);
  const text = texts(m.content, `${path}.content`).join('');
  return text === '' ? { type: 'tool_result', tool_use_id: m.tool_call_id } : { type: 'tool_result', tool_use_id: m.tool_call_id, content: text };
}
