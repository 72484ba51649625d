import type { ChatMessage, ContentPart, ImagePart, TextPart, ToolCall } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { unsupported } from '../common/errors.js';
import { argumentsText } from '../common/tool-arguments.js';
import { requireString } from '../common/request-fields.js';

// Anthropic turns as OpenAI chat messages. The shapes differ in three ways that matter:
// - tool results are blocks inside a user turn for Anthropic, separate `tool` messages for
//   OpenAI, which must come right after the assistant message that called the tools, so they
//   go before the rest of that user turn;
// - tool calls are `tool_use` blocks for Anthropic, `tool_calls` beside the text for OpenAI;
// - Anthropic's `cache_control` marks have no OpenAI counterpart: OpenAI-compatible servers
//   cache prompt prefixes on their own, so the marks are left out and change nothing else.

/** The system prompt as the first message. Text blocks are joined: not every OpenAI-compatible server takes parts in a system message. */
export function systemMessages(system: unknown): ChatMessage[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }];
  if (!Array.isArray(system)) throw unsupported('system', 'system must be a string or a list of text blocks');
  const texts = system.map((block: unknown, i) => {
    if (!isPlainObject(block) || block.type !== 'text') throw unsupported(`system[${i}]`, 'system blocks must be text blocks');
    return requireString(block.text, `system[${i}].text`);
  });
  const joined = texts.filter((t) => t !== '').join('\n\n');
  return joined === '' ? [] : [{ role: 'system', content: joined }];
}

export function chatMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) throw unsupported('messages', 'messages must be a list of messages');
  return messages.flatMap((message: unknown, i) => turnMessages(message, `messages[${i}]`));
}

function turnMessages(message: unknown, path: string): ChatMessage[] {
  if (!isPlainObject(message)) throw unsupported(path, `${path} must be a message object`);
  const { role, content } = message;
  if (role !== 'user' && role !== 'assistant') throw unsupported(`${path}.role`, `${path}.role must be "user" or "assistant"`);
  if (typeof content === 'string') return [{ role, content }];
  if (!Array.isArray(content)) throw unsupported(`${path}.content`, `${path}.content must be a string or a list of content blocks`);
  return role === 'user' ? userMessages(content, `${path}.content`) : assistantMessages(content, `${path}.content`);
}

function userMessages(blocks: unknown[], path: string): ChatMessage[] {
  const toolResults: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks.forEach((block, j) => {
    const at = `${path}[${j}]`;
    if (!isPlainObject(block)) throw unsupported(at, `${at} must be a content block`);
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, at));
        break;
      case 'image':
        parts.push(imagePart(block, at));
        break;
      case 'tool_result':
        toolResults.push(toolMessage(block, at));
        break;
      case 'thinking':
      case 'redacted_thinking':
        break; // Reasoning of Anthropic's models, signed for them: nothing another model can use.
      default:
        throw unsupportedBlock(block.type, at);
    }
  });
  if (parts.length === 0) return toolResults;
  return [...toolResults, { role: 'user', content: collapse(parts) }];
}

function assistantMessages(blocks: unknown[], path: string): ChatMessage[] {
  const parts: TextPart[] = [];
  const calls: ToolCall[] = [];
  blocks.forEach((block, j) => {
    const at = `${path}[${j}]`;
    if (!isPlainObject(block)) throw unsupported(at, `${at} must be a content block`);
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, at));
        break;
      case 'tool_use':
        calls.push({
          id: nonEmpty(block.id, `${at}.id`),
          type: 'function',
          function: { name: nonEmpty(block.name, `${at}.name`), arguments: argumentsText(block.input) },
        });
        break;
      case 'thinking':
      case 'redacted_thinking':
        break; // As in user turns: Anthropic's own reasoning, left out.
      default:
        throw unsupportedBlock(block.type, at);
    }
  });
  // A turn that held only reasoning leaves nothing to say; OpenAI needs no strict alternation.
  if (parts.length === 0 && calls.length === 0) return [];
  const message: ChatMessage = { role: 'assistant', content: parts.length === 0 ? null : collapse(parts) };
  if (calls.length > 0) message.tool_calls = calls;
  return [message];
}

/** One text part is sent as a plain string, which every OpenAI-compatible server accepts. */
function collapse<P extends ContentPart>(parts: P[]): string | P[] {
  const [only] = parts;
  return parts.length === 1 && only?.type === 'text' ? (only as TextPart).text : parts;
}

function textPart(block: Record<string, unknown>, at: string): TextPart {
  return { type: 'text', text: requireString(block.text, `${at}.text`) };
}

function imagePart(block: Record<string, unknown>, at: string): ImagePart {
  const source = block.source;
  if (!isPlainObject(source)) throw unsupported(`${at}.source`, `${at}.source must be an image source`);
  if (source.type === 'base64') {
    const mediaType = requireString(source.media_type, `${at}.source.media_type`);
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${requireString(source.data, `${at}.source.data`)}` } };
  }
  if (source.type === 'url') return { type: 'image_url', image_url: { url: requireString(source.url, `${at}.source.url`) } };
  throw unsupported(`${at}.source.type`, `image source type ${String(source.type)} cannot be sent to an OpenAI-compatible provider; send the image as base64 or a URL`);
}

/** A tool result as a `tool` message: OpenAI tool messages carry text only. */
function toolMessage(block: Record<string, unknown>, at: string): ChatMessage {
  const toolCallId = nonEmpty(block.tool_use_id, `${at}.tool_use_id`);
  let text: string;
  const content = block.content;
  if (content === undefined || content === null) text = '';
  else if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    text = content
      .map((inner: unknown, k) => {
        const innerAt = `${at}.content[${k}]`;
        if (isPlainObject(inner) && inner.type === 'text') return requireString(inner.text, `${innerAt}.text`);
        const type = isPlainObject(inner) ? String(inner.type) : typeof inner;
        throw unsupported(innerAt, `a ${type} block in a tool result cannot be sent to an OpenAI-compatible provider: its tool messages carry text only`);
      })
      .join('\n\n');
  } else throw unsupported(`${at}.content`, `${at}.content must be a string or a list of text blocks`);
  // OpenAI tool messages have no error flag; the model learns of the failure from the text.
  if (block.is_error === true) text = text === '' ? 'Error: the tool failed' : `Error: ${text}`;
  return { role: 'tool', tool_call_id: toolCallId, content: text };
}

function nonEmpty(value: unknown, param: string): string {
  const s = requireString(value, param);
  if (s === '') throw unsupported(param, `${param} must not be empty`);
  return s;
}

function unsupportedBlock(type: unknown, at: string): Error {
  const name = typeof type === 'string' ? type : 'untyped';
  return unsupported(at, `${name} content blocks cannot be sent to an OpenAI-compatible provider (text, image, tool_use and tool_result can)`);
}
