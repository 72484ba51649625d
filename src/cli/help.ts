/**
 * Each command's flags live in one table that both `parseArgs` reads and `--help` prints, so the
 * help cannot drift from what the parser accepts.
 */

/** One flag: what `parseArgs` reads, plus its line in the help. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string;
  /** What the help calls its value: `--admin-address HOST:PORT`. */
  value?: string;
  /** One line: what it does. */
  help: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** In every table: `parseArgs` must accept it, and the help lists it like any other flag. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h', help: 'show this help' } } as const satisfies FlagTable;

export interface CommandSpec {
  /** The command's forms, after `ai-gateway NAME`. */
  synopsis: readonly string[];
  /** One line, for the command list. */
  summary: string;
  options: FlagTable;
}

/** Descriptions start here; a flag wider than this gets its description on the next line. */
const MAX_COLUMN = 40;
/** Help lines wrap before this. */
const WIDTH = 100;

function flagName(name: string, spec: FlagSpec): string {
  const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
  return `  ${short}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
}

function flagLines(name: string, spec: FlagSpec, column: number): string[] {
  const left = flagName(name, spec);
  const indent = ' '.repeat(column);
  // The default is never split across lines.
  const words = [...spec.help.split(' '), ...(spec.default === undefined ? [] : [`(default ${spec.default})`])];
  const [first = '', ...rest] = wrap(words, WIDTH - column);
  if (left.length + 2 > column) return [left, indent + first, ...rest.map((l) => indent + l)];
  return [left.padEnd(column) + first, ...rest.map((l) => indent + l)];
}

/** Joins words into lines of at most `width` (a longer word gets a line of its own). */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

function synopsisLines(name: string, spec: CommandSpec): string[] {
  return spec.synopsis.map((form, i) => `${i === 0 ? 'Usage: ' : '       '}ai-gateway ${name} ${form}`);
}

/** `ai-gateway NAME --help`: its forms, what it does, and every flag with its default. */
export function commandHelp(name: string, spec: CommandSpec): string {
  const flags = Object.entries(spec.options);
  const widest = Math.max(...flags.map(([n, s]) => flagName(n, s).length + 2));
  const column = Math.min(widest, MAX_COLUMN);
  return [...synopsisLines(name, spec), '', spec.summary, '', 'Options:', ...flags.flatMap(([n, s]) => flagLines(n, s, column))].join('\n') + '\n';
}

/** What follows an error in a command's arguments: its forms and where the flags are. */
export function commandUsage(name: string, spec: CommandSpec): string {
  return [...synopsisLines(name, spec), `Run "ai-gateway ${name} --help" for its options.`].join('\n') + '\n';
}

/** `ai-gateway --help`: every command's forms and what it does. */
export function topUsage(commands: Readonly<Record<string, CommandSpec>>): string {
  const entries = Object.entries(commands).flatMap(([name, spec]) => [...spec.synopsis.map((form) => `  ai-gateway ${name} ${form}`), `      ${spec.summary}`]);
  return ['Usage:', ...entries, '', 'Run "ai-gateway COMMAND --help" for its options and their defaults.'].join('\n') + '\n';
}
