import { randomBytes } from 'node:crypto';

/**
 * Ids for client writes that came without them, so the gateway's own retries are still
 * exactly-once. The clientId is random per gateway process (a restarted gateway must not reuse
 * a session the state machine remembers); requestIds count up within it.
 */
export class RequestIds {
  readonly gatewayClientId = `gateway-${randomBytes(6).toString('hex')}`;
  private next = 1;

  /**
   * Fills in what the client left out (validation has refused a requestId without clientId).
   * A client that sent a clientId but no requestId gets one prefixed with this gateway's id,
   * which cannot collide with the client's own numbering.
   */
  complete(clientId: string | undefined, requestId: string | undefined): { clientId: string; requestId: string } {
    if (clientId !== undefined && requestId !== undefined) return { clientId, requestId };
    const n = this.next++;
    if (clientId !== undefined) return { clientId, requestId: `${this.gatewayClientId}-${n}` };
    return { clientId: this.gatewayClientId, requestId: String(n) };
  }
}
