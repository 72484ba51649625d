import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, Socket, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { GatewayError } from '../../src/core/errors.js';
import { readBody, sendError } from '../../src/core/http.js';
import { params } from './support.js';

// readBody (src/core/http.ts) on bodies cut into any chunks, arriving at any pace: it gives the
// bytes sent when they fit the limit, refuses them with body_too_large when they do not (at once
// when Content-Length says so), settles exactly once, never hangs, leaves no listener behind,
// and lets a refused body drain.

const HANG_MS = 2000;

/** A promise's outcome, or `hung` when it takes longer than HANG_MS. */
async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), HANG_MS);
  });
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const isTooLarge = (err: unknown): boolean => err instanceof GatewayError && err.code === 'body_too_large' && err.status === 413;

/** A request as the HTTP server makes it, its body pushed by the test instead of read from a socket. */
function fakeRequest(headers: IncomingHttpHeaders): IncomingMessage {
  const socket = new Socket();
  socket.on('error', () => undefined);
  const req = new IncomingMessage(socket);
  req.headers = headers;
  return req;
}

const pause = (kind: number): Promise<void> =>
  kind === 0 ? Promise.resolve() : new Promise((resolve) => (kind === 1 ? setImmediate(resolve) : setTimeout(resolve, 0)));

const LISTENED = ['data', 'end', 'error'] as const;
const listeners = (req: IncomingMessage): number[] => LISTENED.map((e) => req.listenerCount(e));

const bodyCase = fc.record({
  chunks: fc.array(fc.uint8Array({ maxLength: 48 }), { maxLength: 16 }),
  limit: fc.nat(400),
  /** Content-Length: none, the true length, a number, or any text. */
  declared: fc.oneof(fc.constant(undefined), fc.constant('true'), fc.nat(600).map(String), fc.string({ maxLength: 6 })),
  /** Chunks pushed before readBody is called (they wait in the stream's buffer). */
  early: fc.nat(4),
  /** Between pushes: nothing, a microtask, setImmediate or a timer. */
  pauses: fc.array(fc.nat(2), { minLength: 1, maxLength: 8 }),
  /** The body ends, or the connection fails before the end. */
  ending: fc.constantFrom('end', 'end', 'end', 'error'),
});

test('readBody: the bytes sent within the limit, else body_too_large (up front from Content-Length); settled once, never hung, listeners removed', async () => {
  await fc.assert(
    fc.asyncProperty(bodyCase, async ({ chunks, limit, declared, early, pauses, ending }) => {
      const body = Buffer.concat(chunks);
      const contentLength = declared === 'true' ? String(body.length) : declared;
      const req = fakeRequest(contentLength === undefined ? {} : { 'content-length': contentLength });
      const idle = listeners(req);
      const pushed = chunks.slice(0, early);
      for (const c of pushed) req.push(Buffer.from(c));

      let settlements = 0;
      const reading = readBody(req, limit);
      reading.then(
        () => settlements++,
        () => settlements++,
      );
      const boom = new Error('connection reset');
      for (const [i, c] of chunks.slice(early).entries()) {
        await pause(pauses[i % pauses.length] ?? 0);
        req.push(Buffer.from(c));
      }
      await pause(pauses.at(-1) ?? 0);
      if (ending === 'end') req.push(null);
      else req.destroy(boom);

      const result = await outcome(reading);
      assert.notEqual(result, 'hung', 'readBody settles');
      if (result === 'hung') return;
      await pause(2);
      assert.equal(settlements, 1);
      assert.deepEqual(listeners(req), idle, 'no listener of readBody is left on the request');

      if (Number(contentLength ?? Number.NaN) > limit) {
        assert.ok(!result.ok && isTooLarge(result.error), 'a declared length over the limit is refused');
        assert.ok(req.readableFlowing !== true, 'refused before reading anything');
        return;
      }
      if (body.length > limit) {
        if (result.ok) assert.fail(`resolved with ${result.value.length} bytes over a limit of ${limit}`);
        if (ending === 'end') {
          assert.ok(isTooLarge(result.error), String(result.error));
          // The rest of a refused body is read and dropped, so the connection can serve the answer.
          await outcome(req.readableEnded ? Promise.resolve() : new Promise((resolve) => req.once('end', resolve)));
          assert.ok(req.readableEnded, 'a refused body still drains to its end');
        } else assert.ok(isTooLarge(result.error) || result.error === boom, String(result.error));
        return;
      }
      if (ending === 'error') {
        assert.ok(!result.ok && result.error === boom, 'a body cut off by a failed connection is never taken for a whole one');
        return;
      }
      assert.ok(result.ok, `rejected: ${result.ok ? '' : String(result.error)}`);
      assert.ok(result.value.equals(body), 'the bytes sent, in order');
    }),
    params(300),
  );
});

// The same through a real server and a raw TCP client: the client writes its request in
// random pieces, with Content-Length or chunked transfer encoding cut into random chunks.

let server: Server;
let port = 0;

before(async () => {
  server = createServer((req, res) => {
    readBody(req, Number(req.headers['x-limit'])).then(
      (body) => {
        const text = `${body.length} ${createHash('sha256').update(body).digest('hex')}`;
        res.writeHead(200, { 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (err: unknown) => sendError(res, err instanceof GatewayError ? err : new GatewayError('internal_error', String(err))),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Writes the request in the given pieces and reads the response's status line and body. */
async function exchange(pieces: Buffer[], gaps: readonly number[]): Promise<{ status: number; body: string }> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  for (const [i, piece] of pieces.entries()) {
    if (socket.destroyed) break;
    socket.write(piece);
    await pause(gaps[i % gaps.length] ?? 0);
  }
  // Wait for the whole response (its Content-Length says how long), then hang up.
  const deadline = Date.now() + HANG_MS;
  for (;;) {
    const text = Buffer.concat(received).toString('latin1');
    const head = text.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(text)?.[1];
    if (head !== -1 && length !== undefined && text.length >= head + 4 + Number(length)) {
      socket.destroy();
      await closed;
      return { status: Number(text.slice(9, 12)), body: Buffer.concat(received).subarray(head + 4).toString('utf8') };
    }
    if (Date.now() > deadline || socket.destroyed) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  socket.destroy();
  throw new Error(`no complete response: ${JSON.stringify(Buffer.concat(received).toString('latin1'))}`);
}

/** Cuts `bytes` at the given points. */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of at) {
    if (p > start) out.push(bytes.subarray(start, p));
    start = Math.max(start, p);
  }
  out.push(bytes.subarray(start));
  return out;
}

test('readBody behind a real HTTP server: any framing and any write pattern give the bytes sent, or 413 past the limit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 3000 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }),
      async (bytes, limit, chunked, chunkCuts, writeCuts, gaps) => {
        const body = Buffer.from(bytes);
        const framing = chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`;
        const head = Buffer.from(`POST /v1/chat/completions HTTP/1.1\r\nhost: fuzz\r\nx-limit: ${limit}\r\n${framing}\r\n\r\n`);
        const payload = chunked
          ? Buffer.concat([...cut(body, chunkCuts).filter((c) => c.length > 0).flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')])
          : body;
        const request = Buffer.concat([head, payload]);
        const answer = await exchange(cut(request, writeCuts), gaps);
        if (body.length > limit) {
          assert.equal(answer.status, 413, answer.body);
          assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'body_too_large');
        } else {
          assert.equal(answer.status, 200, answer.body);
          assert.equal(answer.body, `${body.length} ${createHash('sha256').update(body).digest('hex')}`);
        }
      },
    ),
    params(40),
  );
});
