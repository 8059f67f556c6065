import { existsSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The `disk-loss` fault's mechanism: everything a stopped node wrote is gone, identity included,
 * as if its disk was replaced. The directory itself stays (a Docker volume's mount point cannot
 * be removed), only its contents go. The node must be stopped: a live process would keep
 * writing through open descriptors to files no longer in the directory.
 */
export async function wipeNodeData(nodeDir: string): Promise<{ removed: string[] }> {
  const dir = resolve(nodeDir);
  if (dir === '/' || dir.split('/').filter(Boolean).length < 2) throw new Error(`refusing to wipe ${dir}: not a node data directory`);
  if (!existsSync(dir)) return { removed: [] };
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  const removed = await readdir(dir);
  for (const name of removed) await rm(join(dir, name), { recursive: true, force: true });
  return { removed };
}

/** Local runtime: node `id`'s data lives in `<dataRoot>/<id>` (cluster/node/main.ts). */
export function localNodeDir(dataRoot: string, id: string): string {
  return join(dataRoot, id);
}
