import type { Content, ContentRole, Part } from '../../apischema/gemini.js';
import type { ChatMessage, ToolCall } from '../../apischema/openai.js';
import { isPlainObject } from '../../core/json.js';
import { parseDataUrl } from '../common/data-url.js';
import { unsupported } from '../common/errors.js';
import { argumentsObject } from '../common/tool-arguments.js';
import { lookup } from '../common/values.js';

// OpenAI chat messages as Gemini contents: system text moves to `systemInstruction`, the
// assistant speaks as `model`, tool results go back as `functionResponse` parts of a user turn.

/**
 * A tool call as Gemini's OpenAI-compatible endpoint returns it: the function call's thought
 * signature rides along in `extra_content`, so a client that sends the message back unchanged
 * returns it too — Gemini 3 rejects a conversation whose current function calls lost theirs.
 */
export type SignedToolCall = ToolCall & { extra_content?: { google?: { thought_signature?: string } } };

/** Media types Gemini reads, by the extension of a URL's path; anything else is refused rather than guessed. */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

export function translateMessages(messages: unknown): { contents: Content[]; systemInstruction: Content | undefined } {
  if (!Array.isArray(messages)) throw unsupported('messages', 'messages must be an array of chat messages');
  const system: Part[] = [];
  const contents: Content[] = [];
  // Tool results name the call they answer by id; Gemini wants the function's name. Later
  // assistant turns overwrite earlier ones, so a reused id finds its latest call.
  const callNames = new Map<string, string>();
  messages.forEach((value: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isPlainObject(value)) throw unsupported(path, 'each message must be an object');
    const message = value as unknown as ChatMessage;
    switch (message.role) {
      case 'system':
      case 'developer':
        // Gemini has one system instruction, not system turns: every system message joins it, in order.
        system.push(...textOnly(message.content, `${path}.content`).map((text) => ({ text })));
        break;
      case 'user':
        append(contents, 'user', userParts(message.content, `${path}.content`));
        break;
      case 'assistant':
        append(contents, 'model', assistantParts(message, path, callNames));
        break;
      case 'tool':
        append(contents, 'user', [toolResultPart(message, path, callNames)]);
        break;
      default:
        throw unsupported(`${path}.role`, `messages with role ${JSON.stringify(message.role)} are not supported for Gemini; use tools and tool messages`);
    }
  });
  return { contents, systemInstruction: system.length > 0 ? { parts: system } : undefined };
}

/** Gemini wants turns to alternate: a turn of the same role as the last one joins it. */
function append(contents: Content[], role: ContentRole, parts: Part[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/** The texts of a content that may only hold text (system, assistant, tool); empty texts are left out, as Gemini rejects empty parts. */
function textOnly(content: unknown, path: string, allowRefusal = false): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (!Array.isArray(content)) throw unsupported(path, 'content must be a string or an array of content parts');
  return content.flatMap((part: unknown, j) => {
    if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [part.text];
    if (allowRefusal && isPlainObject(part) && part.type === 'refusal' && typeof part.refusal === 'string') return [part.refusal];
    throw unsupported(`${path}[${j}]`, 'only text parts are supported here');
  });
}

function userParts(content: unknown, path: string): Part[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw unsupported(path, 'content must be a string or an array of content parts');
  return content.flatMap((part: unknown, j): Part[] => {
    const at = `${path}[${j}]`;
    if (!isPlainObject(part)) throw unsupported(at, 'each content part must be an object');
    if (part.type === 'text' && typeof part.text === 'string') return part.text === '' ? [] : [{ text: part.text }];
    if (part.type === 'image_url' && isPlainObject(part.image_url) && typeof part.image_url.url === 'string') return [mediaPart(part.image_url.url, `${at}.image_url.url`)];
    if (part.type === 'input_audio' && isPlainObject(part.input_audio)) return [audioPart(part.input_audio, `${at}.input_audio`)];
    if (part.type === 'file' && isPlainObject(part.file)) return [filePart(part.file, `${at}.file`)];
    throw unsupported(`${at}.type`, `content parts of type ${JSON.stringify(part.type)} are not supported for Gemini`);
  });
}

/** A data URL becomes inline bytes; a web or Cloud Storage URL becomes a file reference Gemini fetches itself. */
function mediaPart(url: string, path: string): Part {
  const data = parseDataUrl(url);
  if (data !== undefined) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (url.startsWith('data:')) throw unsupported(path, 'only base64 data URLs are supported');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsupported(path, 'the image must be an http(s) or gs:// URL or a base64 data URL');
  }
  if (!['http:', 'https:', 'gs:'].includes(parsed.protocol)) throw unsupported(path, 'the image must be an http(s) or gs:// URL or a base64 data URL');
  const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase();
  const mimeType = lookup(IMAGE_TYPES, extension);
  if (mimeType === undefined) throw unsupported(path, `Gemini needs the image's media type, which cannot be told from ${JSON.stringify(url)}; use a .png/.jpg/.webp/.gif/.heic URL or a data URL`);
  return { fileData: { mimeType, fileUri: url } };
}

function audioPart(audio: Record<string, unknown>, path: string): Part {
  if (typeof audio.data !== 'string' || (audio.format !== 'wav' && audio.format !== 'mp3')) throw unsupported(path, 'input_audio needs base64 data and a format of wav or mp3');
  return { inlineData: { mimeType: audio.format === 'wav' ? 'audio/wav' : 'audio/mp3', data: audio.data } };
}

/** Files as data URLs are sent inline; OpenAI file ids mean nothing to Google. */
function filePart(file: Record<string, unknown>, path: string): Part {
  const data = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  if (data === undefined) throw unsupported(path, 'only files given inline as base64 data URLs (file_data) are supported for Gemini; file_id is not');
  return { inlineData: { mimeType: data.mediaType, data: data.data } };
}

function assistantParts(message: ChatMessage, path: string, callNames: Map<string, string>): Part[] {
  const parts: Part[] = textOnly(message.content, `${path}.content`, true).map((text) => ({ text }));
  const calls: unknown = message.tool_calls;
  if (calls === undefined || calls === null) return parts;
  if (!Array.isArray(calls)) throw unsupported(`${path}.tool_calls`, 'tool_calls must be an array');
  calls.forEach((value: unknown, j) => {
    const at = `${path}.tool_calls[${j}]`;
    if (!isPlainObject(value) || value.type !== 'function' || !isPlainObject(value.function) || typeof value.function.name !== 'string') {
      throw unsupported(at, 'only function tool calls with a name are supported for Gemini');
    }
    const call = value as unknown as SignedToolCall;
    const args = argumentsObject(call.function.arguments);
    if (args === undefined) throw unsupported(`${at}.function.arguments`, 'the arguments of a tool call sent to Gemini must be a JSON object');
    if (typeof call.id === 'string') callNames.set(call.id, call.function.name);
    const signature = call.extra_content?.google?.thought_signature;
    parts.push({
      functionCall: { name: call.function.name, args },
      ...(typeof signature === 'string' ? { thoughtSignature: signature } : {}),
    });
  });
  return parts;
}

/** A tool's answer: `{content}`, holding the JSON object the tool returned, else its text. */
function toolResultPart(message: ChatMessage, path: string, callNames: Map<string, string>): Part {
  const id = message.tool_call_id;
  const name = typeof id === 'string' ? callNames.get(id) : undefined;
  if (name === undefined) throw unsupported(`${path}.tool_call_id`, `no earlier assistant tool call has the id ${JSON.stringify(id)}; Gemini needs the function's name`);
  const text = textOnly(message.content, `${path}.content`).join('');
  return { functionResponse: { name, response: { content: jsonObjectOrText(text) } } };
}

function jsonObjectOrText(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? value : text;
  } catch {
    return text;
  }
}
