/** What a base64 `data:` URL holds. */
export interface DataUrl {
  /** The media type, in lower case (`image/png`); media types are case-insensitive. */
  mediaType: string;
  /** The base64 text, as it was. */
  data: string;
}

/** `data:<type>[;<parameter>…];base64,<data>`; parameters (`;name=a.pdf`) are allowed and left out. */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*?;base64,(.*)$/s;

/**
 * The media type and base64 data of a `data:` URL, or undefined for anything else: other URLs,
 * and data URLs whose data is not base64 (the providers take bytes as base64 only).
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = BASE64_DATA_URL.exec(url);
  if (match === null) return undefined;
  return { mediaType: (match[1] ?? '').trim().toLowerCase(), data: match[2] ?? '' };
}
