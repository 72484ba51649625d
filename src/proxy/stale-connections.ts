import { subscribe } from 'node:diagnostics_channel';

/**
 * Which upstream failures happened on a reused pooled connection, from undici's diagnostics
 * channels: a request sent on a socket that already carried one, failing before its answer's
 * headers. That is the race between an upstream closing an idle keep-alive connection and the
 * pool reusing it, where the upstream never read the request.
 */
const sentOnSocket = new WeakMap<object, number>();
const onReusedSocket = new WeakSet<object>();
const staleErrors = new WeakSet<object>();

subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: object };
  const sent = (sentOnSocket.get(socket) ?? 0) + 1;
  sentOnSocket.set(socket, sent);
  if (sent > 1) onReusedSocket.add(request);
});

subscribe('undici:request:headers', (message) => {
  onReusedSocket.delete((message as { request: object }).request);
});

subscribe('undici:request:error', (message) => {
  const { request, error } = message as { request: object; error: unknown };
  if (onReusedSocket.has(request) && typeof error === 'object' && error !== null) staleErrors.add(error);
});

const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The error closed or reset a reused connection before any of the answer arrived. */
export function isStaleConnection(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !staleErrors.has(err)) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CLOSED.has(code);
}
