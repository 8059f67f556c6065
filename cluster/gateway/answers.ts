import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/json-body.ts';
import { toGatewayError } from './errors.ts';
import type { Forwarded } from './forwarder.ts';

/** A node's answer passed on, with which node gave it after how many attempts. */
export function sendForwarded(res: ServerResponse, answer: Forwarded): void {
  sendJson(res, answer.status, answer.body, { 'x-gateway-node': answer.nodeId, 'x-gateway-attempts': String(answer.attempts) });
}

/** The gateway's own error answer; a bug is logged and answered 500, a half-sent answer cut. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = toGatewayError(err);
  if (e.code === 'INTERNAL') console.error('gateway: internal error:', err);
  if (res.headersSent) { res.destroy(); return; }
  sendJson(res, e.status, e.toBody());
}
