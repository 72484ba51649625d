import type { ContentBlock, ConversationRole, ImageBlock, ImageFormat, Message, SystemContentBlock, ToolResultContentBlock } from '../../apischema/bedrock.js';
import { isPlainObject } from '../../core/json.js';
import { parseDataUrl } from '../common/data-url.js';
import { unsupported } from '../common/errors.js';
import { argumentsObject } from '../common/tool-arguments.js';
import { lookup } from '../common/values.js';

/** An OpenAI conversation as Converse holds it: the system prompt apart, turns alternating. */
export interface ConverseConversation {
  system: SystemContentBlock[];
  messages: Message[];
  /** Some turn holds a tool call or a tool result: Bedrock then insists on `toolConfig`. */
  holdsToolBlocks: boolean;
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
    if (!isPlainObject(message)) throw unsupported(path, `${path} must be a message object`);
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

/** Converse calls a text of nothing but whitespace blank, and rejects it as it rejects an empty one. */
const blank = (text: string): boolean => text.trim() === '';

/**
 * The texts of a content that may only hold text: a string, or text parts (an assistant's
 * refusal parts are its words too). Blank texts are left out: Converse rejects blank text blocks.
 */
function texts(content: unknown, path: string): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return blank(content) ? [] : [content];
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j) => {
    if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string') return blank(part.text) ? [] : [part.text];
    if (isPlainObject(part) && part.type === 'refusal' && typeof part.refusal === 'string') return blank(part.refusal) ? [] : [part.refusal];
    throw unsupported(`${path}[${j}]`, `only text parts are supported here; ${path}[${j}] is ${describePart(part)}`);
  });
}

function userBlocks(content: unknown, path: string): ContentBlock[] {
  if (typeof content === 'string' || content === undefined || content === null) return texts(content, path).map((text) => ({ text }));
  if (!Array.isArray(content)) throw unsupported(path, `${path} must be a string or an array of content parts`);
  return content.flatMap((part: unknown, j): ContentBlock[] => {
    const partPath = `${path}[${j}]`;
    if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string') return blank(part.text) ? [] : [{ text: part.text }];
    if (isPlainObject(part) && part.type === 'image_url') return [{ image: imageBlock(part.image_url, `${partPath}.image_url`) }];
    throw unsupported(partPath, `Bedrock's Converse API takes text and image parts; ${partPath} is ${describePart(part)}`);
  });
}

function describePart(part: unknown): string {
  return isPlainObject(part) && typeof part.type === 'string' ? `a ${JSON.stringify(part.type)} part` : 'not a content part';
}

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** Converse takes image bytes (base64 in the JSON body) or an S3 location, never a web URL. */
function imageBlock(imageUrl: unknown, path: string): ImageBlock {
  const url = isPlainObject(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== 'string') throw unsupported(`${path}.url`, `${path}.url must be a string`);
  const inline = parseDataUrl(url);
  if (inline === undefined) {
    const what = /^https?:/i.test(url) ? 'an http(s) URL' : 'not a base64 data: URL';
    throw unsupported(`${path}.url`, `Bedrock's Converse API takes image bytes, not image URLs, and the gateway does not fetch them: ${path}.url is ${what}; send the image as data:image/<png|jpeg|gif|webp>;base64,…`);
  }
  const format = lookup(IMAGE_FORMATS, inline.mediaType);
  if (format === undefined) throw unsupported(`${path}.url`, `Converse accepts png, jpeg, gif and webp images; ${path}.url is ${inline.mediaType}`);
  return { format, source: { bytes: inline.data } };
}

/** OpenAI's tool calls carry their input as JSON text; Converse's toolUse carries the object itself. */
function toolUses(toolCalls: unknown, path: string): ContentBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw unsupported(path, `${path} must be an array`);
  return toolCalls.map((call: unknown, k) => {
    const callPath = `${path}[${k}]`;
    if (!isPlainObject(call) || call.type !== 'function' || !isPlainObject(call.function)) {
      throw unsupported(callPath, `${callPath} must be a function tool call; Converse has no other kind`);
    }
    const { id } = call;
    const { name, arguments: args } = call.function;
    if (typeof id !== 'string' || typeof name !== 'string') throw unsupported(callPath, `${callPath} needs a string id and function.name`);
    const input = argumentsObject(args);
    if (input === undefined) throw unsupported(`${callPath}.function.arguments`, `Converse needs a tool call's input as a JSON object; ${callPath}.function.arguments is not the JSON text of an object`);
    return { toolUse: { toolUseId: id, name, input } };
  });
}

/**
 * A tool's answer. Converse rejects a blank text block, and a result must hold something:
 * a tool that said nothing is sent as an empty JSON object, which says the same.
 */
function toolResult(message: Record<string, unknown>, path: string): ContentBlock {
  const id = message.tool_call_id;
  if (typeof id !== 'string') throw unsupported(`${path}.tool_call_id`, `${path}.tool_call_id must name the tool call it answers`);
  // A result is sent as the client's text, even when it is JSON: that is exactly what the tool said.
  const parts = texts(message.content, `${path}.content`);
  const content: ToolResultContentBlock[] = parts.length > 0 ? parts.map((text) => ({ text })) : [{ json: {} }];
  return { toolResult: { toolUseId: id, content } };
}
