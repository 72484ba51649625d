import type { ContentBlock, ImageBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock } from '../../apischema/anthropic.js';
import { GatewayError } from '../../core/errors.js';
import { isRecord } from './mapping.js';

/** An OpenAI conversation in Anthropic's terms: instructions apart, then alternating turns. */
export interface Conversation {
  system: TextBlock[];
  messages: Message[];
}

const unsupported = (message: string, param: string): GatewayError => new GatewayError('unsupported_parameter', message, { param });

/**
 * `system` and `developer` messages become the `system` blocks wherever they appear, in order;
 * `tool` messages become `tool_result` blocks of a user turn; consecutive turns of one role are
 * merged, because Anthropic requires user and assistant turns to alternate.
 */
export function conversation(messages: unknown): Conversation {
  if (!Array.isArray(messages)) throw unsupported('messages must be an array of chat messages', 'messages');
  const system: TextBlock[] = [];
  const turns: { role: Message['role']; content: ContentBlock[] }[] = [];
  const append = (role: Message['role'], blocks: ContentBlock[]): void => {
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((m: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(m)) throw unsupported(`${path} must be a message object`, path);
    switch (m.role) {
      case 'system':
      case 'developer':
        // Anthropic rejects empty text blocks; an empty instruction says nothing anyway.
        system.push(...texts(m.content, path).filter((text) => text !== '').map(textBlock));
        return;
      case 'user':
        append('user', userBlocks(m.content, path));
        return;
      case 'assistant':
        append('assistant', assistantBlocks(m, path));
        return;
      case 'tool':
        append('user', [toolResult(m, path)]);
        return;
      default:
        throw unsupported(`${path}.role ${JSON.stringify(m.role)} is not supported by Anthropic; use system, developer, user, assistant or tool`, `${path}.role`);
    }
  });

  // Anthropic wants a user turn's tool results before anything else in it.
  for (const turn of turns) if (turn.role === 'user') turn.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
  return { system, messages: turns };
}

const textBlock = (text: string): TextBlock => ({ type: 'text', text });

/** The texts of content that may only hold text (instructions, tool results). */
function texts(content: unknown, path: string): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) throw unsupported(`${path}.content must be a string or an array of content parts`, `${path}.content`);
  return content.map((part: unknown, j) => {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
    throw unsupported(`${path}.content[${j}]: only text parts are supported here`, `${path}.content[${j}]`);
  });
}

function userBlocks(content: unknown, path: string): ContentBlock[] {
  if (typeof content === 'string') return [textBlock(content)];
  if (!Array.isArray(content)) throw unsupported(`${path}.content must be a string or an array of content parts`, `${path}.content`);
  return content.map((part: unknown, j): ContentBlock => {
    const partPath = `${path}.content[${j}]`;
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return textBlock(part.text);
    if (isRecord(part) && part.type === 'image_url') return imageBlock(part.image_url, partPath);
    const type = isRecord(part) ? JSON.stringify(part.type) : 'without a type';
    throw unsupported(`${partPath}: content part ${type} is not supported by Anthropic; use text or image_url`, partPath);
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** `data:` URLs travel inline (base64); http(s) URLs are fetched by Anthropic itself. */
function imageBlock(image: unknown, path: string): ImageBlock {
  const url = isRecord(image) ? image.url : undefined;
  const param = `${path}.image_url.url`;
  if (typeof url !== 'string') throw unsupported(`${param} must be a string`, param);
  const inline = DATA_URL.exec(url);
  if (inline !== null) return { type: 'image', source: { type: 'base64', media_type: inline[1] ?? '', data: inline[2] ?? '' } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw unsupported(`${param}: Anthropic takes images as data:<type>;base64, URLs or http(s) URLs`, param);
}

function assistantBlocks(m: Record<string, unknown>, path: string): ContentBlock[] {
  // OpenAI clients send `content: ""` beside tool calls; Anthropic rejects empty text blocks.
  const blocks: ContentBlock[] = texts(m.content, path)
    .filter((text) => text !== '')
    .map(textBlock);
  const calls = m.tool_calls ?? [];
  if (!Array.isArray(calls)) throw unsupported(`${path}.tool_calls must be an array`, `${path}.tool_calls`);
  calls.forEach((call: unknown, k) => blocks.push(toolUse(call, `${path}.tool_calls[${k}]`)));
  return blocks;
}

function toolUse(call: unknown, path: string): ToolUseBlock {
  if (!isRecord(call) || call.type !== 'function' || !isRecord(call.function)) throw unsupported(`${path}: only function tool calls are supported`, `${path}.type`);
  const { id } = call;
  const { name, arguments: args } = call.function;
  if (typeof id !== 'string' || typeof name !== 'string') throw unsupported(`${path} needs a string id and function.name`, path);
  return { type: 'tool_use', id, name, input: toolInput(args, `${path}.function.arguments`) };
}

/** Anthropic takes a tool call's input as a JSON object, where OpenAI has the arguments' text. */
function toolInput(args: unknown, param: string): Record<string, unknown> {
  // An empty string is how some models call a function without parameters.
  if (args === '' || args === undefined) return {};
  let parsed: unknown;
  try {
    parsed = typeof args === 'string' ? JSON.parse(args) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) throw unsupported(`${param} must be the text of a JSON object: Anthropic takes tool inputs as objects`, param);
  return parsed;
}

function toolResult(m: Record<string, unknown>, path: string): ToolResultBlock {
  if (typeof m.tool_call_id !== 'string') throw unsupported(`${path}.tool_call_id must name the tool call answered`, `${path}.tool_call_id`);
  return { type: 'tool_result', tool_use_id: m.tool_call_id, content: texts(m.content, path).join('') };
}
