// Shared by the storage tests: temp dirs and entry builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../raft/messages.ts';

export function tempDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'raft-storage-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Entries [from, to] in `term`, with data that names them so mix-ups show in diffs. */
export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ index: i, term, kind: 'command', data: `cmd-${i}-t${term}` });
  return out;
}
