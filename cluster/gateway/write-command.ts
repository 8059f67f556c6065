import type { Command } from '../node/state-machine.ts';

/** A client write as the gateway forwards it: always with ids, so any retry is exactly-once. */
export type WriteCommand = Command & { readonly clientId: string; readonly requestId: string };

/** The single-op endpoint a write maps to when it is not coalesced into a batch. */
export function singleWriteRequest(command: WriteCommand): { method: 'POST' | 'PUT'; path: string; body: string } {
  switch (command.op) {
    case 'append':
      return {
        method: 'POST', path: '/api/write',
        body: JSON.stringify({ data: command.data, source: command.source, clientId: command.clientId, requestId: command.requestId }),
      };
    case 'put':
      return {
        method: 'PUT', path: `/api/kv/${encodeURIComponent(command.key)}`,
        body: JSON.stringify({ value: command.value, clientId: command.clientId, requestId: command.requestId }),
      };
    case 'cas':
      return {
        method: 'POST', path: `/api/kv/${encodeURIComponent(command.key)}/cas`,
        body: JSON.stringify({ expect: command.expect, value: command.value, clientId: command.clientId, requestId: command.requestId }),
      };
  }
}
