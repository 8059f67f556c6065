import type { IncomingMessage } from 'node:http';

const jsonTypes = /^application\/(json|x-ndjson)\s*(;.*)?$/i;

/**
 * Null when a state-changing request is JSON (or carries no body and no type); else the problem.
 * A web page can POST a form or text to any local port without a CORS preflight, never JSON:
 * refusing other types closes that door (CSRF) on every route that changes the cluster.
 */
export function notJsonProblem(req: IncomingMessage): string | null {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  const type = req.headers['content-type'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (type === undefined) return hasBody ? `${method} with a body needs content-type application/json` : null;
  return jsonTypes.test(type) ? null : `${method} accepts only application/json, got ${type}`;
}
