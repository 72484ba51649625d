import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../core/errors.js';

/**
 * Sends a coded error in the OpenAI shape. Once the response has started there is no way to
 * change its status, so the connection is cut instead and the client sees a truncated answer.
 */
export function sendError(res: ServerResponse, err: GatewayError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = err.toBody();
  res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
