import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/json-body.ts';

/**
 * A caller that names a cluster (the gateway does) must name this one; curl users need not.
 * Answers 409 CLUSTER_MISMATCH and returns true when the request is refused. The peer links
 * are stricter and require the header (peer-stream.ts).
 */
export function refuseOtherCluster(req: IncomingMessage, res: ServerResponse, clusterId: string): boolean {
  const cluster = req.headers['x-raft-cluster'];
  if (cluster === undefined || cluster === clusterId) return false;
  req.resume();
  sendJson(res, 409, { error: `request for cluster ${String(cluster)}, this node is in cluster ${clusterId}`, code: 'CLUSTER_MISMATCH' });
  return true;
}
