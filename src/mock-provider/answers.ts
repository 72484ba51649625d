import { createHash } from 'node:crypto';

/** Deterministic stand-ins for model output, so the quickstart and tests need no network. */

export const MOCK_MODELS = ['gpt-3.5-turbo', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'];

export function countTokens(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | undefined;
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}

export function promptText(messages: unknown): string {
  return Array.isArray(messages) ? messages.map((m) => contentText((m as { content?: unknown }).content)).join(' ') : '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join(' ');
  return '';
}

/** A short poem about what was asked, so the seed's recursion prompt gets a recognisable answer. */
export function composeAnswer(question: string): string {
  const topic = question.trim() === '' ? 'your question' : `"${question.trim().slice(0, 80)}"`;
  return [
    `You asked about ${topic}, and here is my reply:`,
    'A function calls itself, a mirror in a mirror,',
    'each call a smaller problem, each step a little clearer,',
    'until the base case answers and the calls unwind in turn.',
    '(This answer comes from the ai-gateway mock provider.)',
  ].join('\n');
}

/** A unit-length vector derived from the input text. */
export function embed(text: string, dimensions: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < dimensions; i++) {
    const digest = createHash('sha256').update(`${i}:${text}`).digest();
    for (let j = 0; j + 1 < digest.length && out.length < dimensions; j += 2) out.push(digest.readInt16BE(j) / 32768);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => v / norm);
}
