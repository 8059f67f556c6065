/**
 * Where a node's data lives, asked of the runtime (disk-loss, power-loss). Resolved at plan
 * time, so a runtime that cannot reach its nodes' disks refuses the fault before anything runs.
 */
import { NemesisError } from '../errors.ts';
import type { Runtime } from '../../runtime/runtime.ts';

export function nodeDataDir(runtime: Runtime, member: string, kind: string): string {
  const dir = runtime.dataDir?.(member) ?? null;
  if (dir === null) throw new NemesisError('INVALID_FAULT', `${kind}: the ${runtime.kind} runtime cannot tell where ${member}'s data lives`);
  return dir;
}
