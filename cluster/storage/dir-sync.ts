import { open } from 'node:fs/promises';
import { noteDirSynced } from './sync-ledger.ts';

/**
 * fsync a directory so that file creations, renames and deletions in it survive a crash; on
 * Linux a file's own fsync does not make its directory entry durable.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
  noteDirSynced(dir);
}
