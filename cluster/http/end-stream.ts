import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Ends a long-lived NDJSON stream (peer link, batch stream) the sender broke: nothing more it
 * sends is read, one final line `{error, code}` says why, then the connection goes.
 */
export function endStreamWithError(req: IncomingMessage, res: ServerResponse, error: string, code: string): void {
  req.removeAllListeners('data');
  req.resume();
  res.end(`${JSON.stringify({ error, code })}\n`, () => req.socket.destroy());
}
