import type { ContentBlock, ConversationRole, ImageBlock, ImageFormat, Message, SystemContentBlock } from '../../apischema/bedrock.js';
import { GatewayError } from '../../core/errors.js';
import { isRecord } from './mapping.js';

/** An OpenAI conversation as Converse holds it: the system prompt apart, turns alternating. */
export interface ConverseConversation {
  system: SystemContentBlock[];
  messages: Message[];
  /** Some turn holds a tool call or a tool result: Bedrock then insists on `toolConfig`. */
  holdsToolBlocks: boolean;
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_parameter', message, { param });
}

/**
 * OpenAI's messages as Converse's. System and developer messages become the `system` prompt.
 * Tool results travel in user turns, and Converse wants turns to alternate, so consecutive
 * turns of one role are merged into one.
 */
export function converseConversation(messages: unknown): ConverseConversation {
  if (!Array.isArray(messages)) throw unsupported('messages', 'messages must be an array of chat messages');
  const out: ConverseConversation = { system: [], messages: [], holdsToolBlocks: false };
  messages.forEach((message: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(message)) throw unsupported(path, `${path} must be a message object`);
    const { role } = message;
    if (role === 'system' || role === 'developer') {
      for (const text of texts(message.content, `${path}.content`)) out.system.push({ text });
    } else if (role === 'user') {
      append(out.messages, 'user', userBlocks(message.content, `${path}.content`));
    } else if (role === 'assistant') {
      const calls = toolUses(message.tool_calls, `${path}.tool_calls`);
      if (calls.length > 0) out.holdsToolBlocks = true;
      append(out.messages, 'assistant', [...texts(message.content, `${path}.content`).map((text) => ({ text })), ...calls]);
    } else if (role === 'tool') {
      out.holdsToolBlocks = true;
      append(out.messages, 'user', [toolResult(message, path)]);
    } else {
      throw unsupported(`${path}.role`, `the message role ${JSON.stringify(role)} has no Converse equivalent (use system, developer, user, assistant or tool)`);
    }
  });
  return out;
}

/** Adds a turn, or extends the last one when it has the same role. Empty turns are left out. */
function append(messages: Message[], role: ConversationRole, blocks: ContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/**
 * The texts of a content that may only hold text: a string, or text parts (an assistant's
 * refusal parts are its words too). Empty texts are left out: Converse rejects blank text blocks.
 */
function texts(content: unknown, path: string): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j) => {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [part.text];
    if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal === '' ? [] : [part.refusal];
    throw unsupported(`${path}[${j}]`, `only text parts are supported here; ${path}[${j}] is ${describePart(part)}`);
  });
}

function userBlocks(content: unknown, path: string): ContentBlock[] {
  if (typeof content === 'string' || content === undefined || content === null) return texts(content, path).map((text) => ({ text }));
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j): ContentBlock[] => {
    const partPath = `${path}[${j}]`;
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [{ text: part.text }];
    if (isRecord(part) && part.type === 'image_url') return [{ image: imageBlock(part.image_url, `${partPath}.image_url`) }];
    throw unsupported(partPath, `Bedrock's Converse API takes text and image parts; ${partPath} is ${describePart(part)}`);
  });
}

function describePart(part: unknown): string {
  return isRecord(part) && typeof part.type === 'string' ? `a ${JSON.stringify(part.type)} part` : 'not a content part';
}

const DATA_URL = /^data:image\/([a-z0-9.+-]+);base64,/i;
const IMAGE_FORMATS: Record<string, ImageFormat> = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', gif: 'gif', webp: 'webp' };

/** Converse takes image bytes (base64 in the JSON body) or an S3 location, never a web URL. */
function imageBlock(imageUrl: unknown, path: string): ImageBlock {
  const url = isRecord(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== 'string') throw unsupported(`${path}.url`, `${path}.url must be a string`);
  const match = DATA_URL.exec(url);
  if (match === null) {
    const what = /^https?:/i.test(url) ? 'an http(s) URL' : 'not a base64 data: URL';
    throw unsupported(`${path}.url`, `Bedrock's Converse API takes image bytes, not image URLs, and the gateway does not fetch them: ${path}.url is ${what}; send the image as data:image/<png|jpeg|gif|webp>;base64,…`);
  }
  const format = IMAGE_FORMATS[(match[1] ?? '').toLowerCase()];
  if (format === undefined) throw unsupported(`${path}.url`, `Converse accepts png, jpeg, gif and webp images; ${path}.url is image/${match[1] ?? ''}`);
  return { format, source: { bytes: url.slice(match[0].length) } };
}

/** OpenAI's tool calls carry their input as JSON text; Converse's toolUse carries the object itself. */
function toolUses(toolCalls: unknown, path: string): ContentBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw unsupported(path, `${path} must be an array`);
  return toolCalls.map((call: unknown, k) => {
    const callPath = `${path}[${k}]`;
    if (!isRecord(call) || call.type !== 'function' || !isRecord(call.function)) {
      throw unsupported(callPath, `${callPath} must be a function tool call; Converse has no other kind`);
    }
    const { id } = call;
    const { name, arguments: args } = call.function;
    if (typeof id !== 'string' || typeof name !== 'string') throw unsupported(callPath, `${callPath} needs a string id and function.name`);
    return { toolUse: { toolUseId: id, name, input: toolInput(args, `${callPath}.function.arguments`) } };
  });
}

function toolInput(args: unknown, path: string): Record<string, unknown> {
  // A call without arguments is often sent with empty text.
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  let parsed: unknown = args;
  if (typeof args === 'string') {
    try {
      parsed = JSON.parse(args);
    } catch {
      parsed = undefined;
    }
  }
  if (!isRecord(parsed)) throw unsupported(path, `Converse needs a tool call's input as a JSON object; ${path} is not the JSON text of an object`);
  return parsed;
}

function toolResult(message: Record<string, unknown>, path: string): ContentBlock {
  const id = message.tool_call_id;
  if (typeof id !== 'string') throw unsupported(`${path}.tool_call_id`, `${path}.tool_call_id must name the tool call it answers`);
  const content = message.content;
  // A result is sent as the client's text, even when it is JSON: that is exactly what the tool said.
  const parts = typeof content === 'string' ? [content] : texts(content, `${path}.content`);
  return { toolResult: { toolUseId: id, content: parts.map((text) => ({ text })) } };
}
