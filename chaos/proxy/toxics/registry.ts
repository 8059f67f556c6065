// Toxic kinds by the type name the API uses. A new toxic is one file exporting a ToxicKind, added here.
import { bandwidth } from './bandwidth.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import type { ToxicKind } from './stage.ts';
import { timeout } from './timeout.ts';

const kinds = new Map<string, ToxicKind>(
  [noop, latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData].map((k) => [k.type, k]),
);

export function toxicKind(type: string): ToxicKind | undefined {
  return kinds.get(type);
}

export function toxicTypes(): string[] {
  return [...kinds.keys()];
}
