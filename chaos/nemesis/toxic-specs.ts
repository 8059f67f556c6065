/**
 * Ready-made ToxicSpecs for link-toxic faults, in Toxiproxy's units.
 *
 * Exports: `latencyToxic`, `bandwidthToxic`, `blackholeToxic`, `resetPeerToxic`, `partitionToxicType`.
 *
 * A spec without `stream` goes on `upstream`: on a peer link that is the sender's Raft
 * messages (the downstream only carries empty 204s); on a gateway link, the client requests.
 */
import type { ToxicSpec } from './fault.ts';

/** Every byte waits latencyMs ± jitterMs. */
export function latencyToxic(latencyMs: number, jitterMs = 0, stream?: ToxicSpec['stream']): ToxicSpec {
  return { type: 'latency', attributes: { latency: latencyMs, jitter: jitterMs }, ...(stream ? { stream } : {}) };
}

export function bandwidthToxic(rateKbPerSecond: number, stream?: ToxicSpec['stream']): ToxicSpec {
  return { type: 'bandwidth', attributes: { rate: rateKbPerSecond }, ...(stream ? { stream } : {}) };
}

/** Data vanishes and the connection stays open: a `timeout` toxic with timeout 0. */
export function blackholeToxic(stream?: ToxicSpec['stream']): ToxicSpec {
  return { type: 'timeout', attributes: { timeout: 0 }, ...(stream ? { stream } : {}) };
}

/** The first data is dropped and the connection reset (TCP RST) after timeoutMs. */
export function resetPeerToxic(timeoutMs = 0, stream?: ToxicSpec['stream']): ToxicSpec {
  return { type: 'reset_peer', attributes: { timeout: timeoutMs }, ...(stream ? { stream } : {}) };
}

/**
 * Partitions use `timeout` with timeout 0 on both streams of each silenced link, rather than
 * disabling the proxy: bytes vanish and TCP connections hang until the sender's own timeouts
 * fire, as in a real partition (a switch dropping packets), where nobody gets a quick
 * "connection refused" that would tell them the peer is unreachable. Disabling the proxy
 * closes the listener, so every connect fails at once — a crashed host, not a partition.
 * Removing the toxic closes the connections it swallowed bytes from, so after a heal both
 * sides reconnect with a clean stream.
 */
export const partitionToxicType = 'timeout' as const;
