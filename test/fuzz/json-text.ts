import fc from 'fast-check';

// JSON documents for the scanner properties, kept as a tree so that a reference can walk them in
// document order, and written out by a serializer that varies what JSON allows to vary: the
// whitespace between tokens and how each character of a string is written (as itself, or as an
// escape). JSON.parse of the text is the reference for what the text means.

export type JsonTree =
  | { t: 'object'; entries: [string, JsonTree][] }
  | { t: 'array'; items: JsonTree[] }
  | { t: 'string'; value: string }
  /** A number, true, false or null, as written. */
  | { t: 'literal'; text: string };

/** Strings that trip a byte scanner: key-like text, quotes, backslashes, brackets, lone surrogates, multi-byte characters. */
export const TRICKY_TEXT = [
  'model',
  'usage',
  '"model":',
  '"model" : "x"',
  '\\"model\\": "x"',
  '{"model":"x"}',
  '{"usage":{}}',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\\',
  '"',
  '\\"',
  '\\\\"',
  '/',
  '\u2028',
  '\u0000',
  '\n',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  'é',
  '\u00ff',
  '漢',
];

const trickyString = fc.oneof(
  fc.constantFrom(...TRICKY_TEXT),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.array(fc.constantFrom(...TRICKY_TEXT), { maxLength: 5 }).map((parts) => parts.join('')),
);

/** Object keys: often the ones the scanner looks for, or near misses, else tricky text. */
export function keyArb(options: { quotes: boolean }): fc.Arbitrary<string> {
  const keys = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'messages', 'content', 'models', 'Model', 'model ', 'xmodel', 'usage_', 'x"model', 'x"usage', 'mod\\el') },
    { weight: 1, arbitrary: fc.constantFrom('model', 'usage') },
    { weight: 2, arbitrary: trickyString },
  );
  return options.quotes ? keys : keys.filter((k) => !k.includes('"'));
}

const literal = fc.oneof(
  fc.constantFrom('0', '-0', '1', '-12.5E-2', '1e400', '123456789012345678901234567890', 'true', 'false', 'null'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

export function treeArb(key: fc.Arbitrary<string>): { value: fc.Arbitrary<JsonTree>; object: fc.Arbitrary<JsonTree>; array: fc.Arbitrary<JsonTree> } {
  return fc.letrec<{ value: JsonTree; object: JsonTree; array: JsonTree }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal.map((text): JsonTree => ({ t: 'literal', text })),
      trickyString.map((value): JsonTree => ({ t: 'string', value })),
      tie('object'),
      tie('array'),
    ),
    object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries): JsonTree => ({ t: 'object', entries })),
    array: fc.array(tie('value'), { maxLength: 5 }).map((items): JsonTree => ({ t: 'array', items })),
  }));
}

/** How a document is written: choices consumed one after another, cyclically. */
export const styleArb = fc.array(fc.nat(99), { minLength: 1, maxLength: 24 });

const SPACES = [' ', '\n', '\t', '\r\n  ', '  '];
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const unicodeEscape = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;

export class JsonWriter {
  private turn = 0;

  /** `escapeKeys`: whether key characters may be written as escapes too (JSON allows it; JSON.stringify never does). */
  constructor(
    private readonly style: readonly number[],
    private readonly escapeKeys: boolean,
  ) {}

  write(tree: JsonTree): string {
    return this.space() + this.value(tree) + this.space();
  }

  private next(): number {
    const choice = this.style[this.turn % this.style.length] ?? 0;
    this.turn++;
    return choice;
  }

  private space(): string {
    const c = this.next();
    return c < 60 ? '' : (SPACES[c % SPACES.length] ?? ' ');
  }

  private value(tree: JsonTree): string {
    switch (tree.t) {
      case 'literal':
        return tree.text;
      case 'string':
        return this.string(tree.value, true);
      case 'array':
        return `[${this.space()}${tree.items.map((item) => this.value(item)).join(`${this.space()},${this.space()}`)}${this.space()}]`;
      case 'object':
        return `{${this.space()}${tree.entries
          .map(([k, v]) => `${this.string(k, this.escapeKeys)}${this.space()}:${this.space()}${this.value(v)}`)
          .join(`${this.space()},${this.space()}`)}${this.space()}}`;
    }
  }

  private string(text: string, mayEscape: boolean): string {
    let out = '"';
    for (const ch of text) {
      const unit = ch.charCodeAt(0);
      const lone = ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff;
      const needed = ch === '"' || ch === '\\' || unit < 0x20 || lone;
      if (mayEscape && this.next() >= 75) {
        out += ch === '/' && this.next() >= 50 ? '\\/' : Array.from({ length: ch.length }, (_, i) => unicodeEscape(ch.charCodeAt(i))).join('');
      } else if (needed) out += SHORT_ESCAPES[ch] ?? unicodeEscape(unit);
      else out += ch;
    }
    return `${out}"`;
  }
}

/** The document's text: the tree as the style writes it. */
export function writeJson(tree: JsonTree, style: readonly number[], escapeKeys: boolean): string {
  return new JsonWriter(style, escapeKeys).write(tree);
}

/** Every object entry of the tree, in document order (an entry before what its value holds). */
export function* entriesInOrder(tree: JsonTree): Generator<[string, JsonTree]> {
  if (tree.t === 'object') {
    for (const entry of tree.entries) {
      yield entry;
      yield* entriesInOrder(entry[1]);
    }
  } else if (tree.t === 'array') for (const item of tree.items) yield* entriesInOrder(item);
}

/** What JSON.parse makes of a subtree, written plainly. */
export function parsedValue(tree: JsonTree): unknown {
  return JSON.parse(writeJson(tree, [0], false));
}
