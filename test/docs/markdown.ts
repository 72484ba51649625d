import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A fenced code block: its info string (` ```sh runnable ` gives `sh runnable`), its text and the line its fence opens on. */
export interface FencedBlock {
  info: string;
  text: string;
  line: number;
}

/**
 * The fenced code blocks of a Markdown document, in order. Fences of three or more backticks or
 * tildes, indented by up to three spaces (so blocks inside list items are found too); a block
 * closes at a fence of the same character at least as long.
 */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  let open: { fence: string; info: string; line: number; indent: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    if (open === undefined) {
      const m = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (m !== null) open = { fence: m[2] ?? '', info: (m[3] ?? '').trim(), line: i + 1, indent: (m[1] ?? '').length, body: [] };
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close !== null && close[1]?.[0] === open.fence[0] && (close[1]?.length ?? 0) >= open.fence.length) {
      blocks.push({ info: open.info, text: open.body.join('\n'), line: open.line });
      open = undefined;
      return;
    }
    // Content inside a list item is indented like its fence; take that indentation off.
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    open.body.push(line.slice(Math.min(indent, open.indent)));
  });
  return blocks;
}

/** Every Markdown file of the repository (not node_modules, dist or dot-directories), relative to `root`, sorted. */
export function markdownFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.isDirectory()) return e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'dist' ? [] : markdownFiles(root, join(dir, e.name));
      return e.name.endsWith('.md') ? [relative(root, join(dir, e.name))] : [];
    })
    .sort();
}

/** The rows of the first table after `heading` (a whole line, e.g. `### Providers`), as trimmed cells. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const at = lines.indexOf(heading);
  if (at === -1) throw new Error(`no heading "${heading}"`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  if (start === -1) throw new Error(`no table after "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** The text of each code span in a table cell or line: `` `a`, `b` `` gives `['a', 'b']`. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}
