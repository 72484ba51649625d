import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsKeys } from './backend-credential.js';

/** What createHash and createHmac both return, as far as signing needs it. */
interface Digest {
  update(data: string | Buffer): unknown;
  digest(): Buffer;
}

/** SHA-256 (or HMAC-SHA-256 with a key) from node:crypto, in the shape the signer asks for. */
class NodeSha256 {
  private hash: Digest;

  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Digest {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', typeof this.secret === 'string' ? this.secret : toBuffer(this.secret));
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

export interface SignableRequest {
  method: string;
  /** `https://host[:port]`. */
  origin: string;
  /** The path exactly as it will be sent (segments already percent-encoded), with its query. */
  path: string;
  /** The headers that will be sent, lower-case names; all of them are signed. */
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * AWS Signature Version 4 over the final request: the bytes and headers that go out are the
 * ones signed. Returns the headers to add: `authorization`, `x-amz-date`, and
 * `x-amz-security-token` with temporary keys.
 */
export async function signAwsRequest(request: SignableRequest, keys: AwsKeys, scope: { region: string; service: string }, now: Date): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }) },
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    // Non-S3 services sign each path segment encoded once more than it is sent.
    uriEscapePath: true,
    // No `x-amz-content-sha256` header: only S3 wants it; the payload hash is still signed.
    applyChecksum: false,
  });
  const url = new URL(request.path, request.origin);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const before = query[k];
    query[k] = before === undefined ? v : Array.isArray(before) ? [...before, v] : [before, v];
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: rawPath(request.path),
      query,
      headers: { ...request.headers, host: url.host },
      ...(request.body === null ? {} : { body: request.body }),
    },
    { signingDate: now },
  );
  const added: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower.startsWith('x-amz-')) added[lower] = value;
  }
  return added;
}

/** The path without its query, as sent (not decoded: the signer encodes it once more). */
function rawPath(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
