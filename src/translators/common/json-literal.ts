/**
 * The end of the JSON string literal starting at `start` (the index after its closing quote),
 * or -1 when what starts there is not one exactly as JSON defines it: a quote, then characters
 * none of which is a control character or an unescaped quote or backslash, escapes among
 * `\" \\ \/ \b \f \n \r \t \uXXXX`, and a closing quote. A literal that passes can be copied into
 * other JSON as it is, with no parse and no re-serialization.
 */
export function jsonStringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x22) return -1;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c !== 0x5c) continue;
    const e = text.charCodeAt(++i);
    if (e === 0x75) {
      for (let k = 1; k <= 4; k++) if (!isHex(text.charCodeAt(i + k))) return -1;
      i += 4;
    } else if (!ESCAPES.has(e)) return -1;
  }
  return -1;
}

/** `" \ / b f n r t` */
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
