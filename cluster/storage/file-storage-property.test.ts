// Random sequences of persist (single and pipelined), compact, install-snapshot and reload on a
// real directory, compared at every reload with the memory twin. Seed printed first; rerun with
// STORAGE_PROPERTY_SEED=<seed>.
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Entry, Snapshot } from '../raft/messages.ts';
import { FileStorage } from './file-storage.ts';
import { MemoryStorage } from './memory-storage.ts';
import type { DurableState, PersistBatch } from './raft-storage.ts';
import { tempDir } from './storage-fixtures.ts';

const seed = Number(process.env.STORAGE_PROPERTY_SEED ?? (Date.now() % 2 ** 31));
const numRuns = Number(process.env.STORAGE_PROPERTY_RUNS ?? 60);
console.log(`storage property test: seed ${seed}, ${numRuns} runs (STORAGE_PROPERTY_SEED=${seed} to rerun)`);

type Op =
  | { kind: 'append'; back: number; count: number; hard: boolean; dataBytes: number }
  | { kind: 'burst'; n: number }
  | { kind: 'compact'; at: number }
  | { kind: 'install'; match: boolean; at: number; ahead: number; follow: number }
  | { kind: 'reload' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), back: fc.nat(4), count: fc.nat(4), hard: fc.boolean(), dataBytes: fc.nat(60) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('burst' as const), n: fc.integer({ min: 2, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), at: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('install' as const), match: fc.boolean(), at: fc.nat(100), ahead: fc.integer({ min: 1, max: 5 }), follow: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reload' as const) }) },
);

const scenarioArb = fc.record({
  segmentBytesMax: fc.constantFrom(120, 400, 4096),
  fsync: fc.constantFrom('always' as const, 'never' as const, 'never' as const),
  ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
});

/** Turns abstract ops into calls that are valid for the twin's current state. */
class Driver {
  term = 1;
  constructor(readonly twin: MemoryStorage) {}

  private bounds(): { base: number; last: number; state: DurableState } {
    const state = this.twin.current();
    const base = state.snapshot?.index ?? 0;
    return { base, last: base + state.entries.length, state };
  }

  private termAt(state: DurableState, index: number): number {
    if (index === (state.snapshot?.index ?? 0)) return state.snapshot?.term ?? 0;
    return state.entries[index - (state.snapshot?.index ?? 0) - 1]!.term;
  }

  private make(from: number, count: number, dataBytes: number): Entry[] {
    const out: Entry[] = [];
    for (let i = 0; i < count; i++) {
      out.push({ index: from + i, term: this.term, kind: i % 5 === 4 ? 'noop' : 'command', data: `${from + i}:${this.term}:`.padEnd(dataBytes, 'x') });
    }
    return out;
  }

  append(op: Extract<Op, { kind: 'append' }>): PersistBatch {
    const { base, last } = this.bounds();
    const from = Math.max(base + 1, last + 1 - op.back);
    if (from <= last) this.term++; // a conflicting suffix comes from a newer leader
    return {
      entries: this.make(from, op.count, op.dataBytes),
      hardState: op.hard ? { term: this.term, vote: this.term % 2 ? 'n1' : null, commit: base } : null,
      snapshot: null,
    };
  }

  next(): PersistBatch {
    const { last } = this.bounds();
    return { entries: this.make(last + 1, 1, 10), hardState: null, snapshot: null };
  }

  compact(op: Extract<Op, { kind: 'compact' }>): Snapshot | null {
    const { base, last, state } = this.bounds();
    if (last === base) return null;
    const index = base + 1 + Math.floor((op.at / 101) * (last - base));
    return { index, term: this.termAt(state, index), data: `sm@${index}` };
  }

  install(op: Extract<Op, { kind: 'install' }>): PersistBatch {
    const { base, last, state } = this.bounds();
    let snapshot: Snapshot;
    if (op.match && last > base) {
      const index = base + 1 + Math.floor((op.at / 101) * (last - base));
      snapshot = { index, term: this.termAt(state, index), data: `leader@${index}` };
    } else {
      this.term++;
      snapshot = { index: last + op.ahead, term: this.term, data: `leader@${last + op.ahead}` };
    }
    const after = op.match ? Math.max(last, snapshot.index) : snapshot.index;
    return {
      snapshot,
      entries: op.match ? [] : this.make(after + 1, op.follow, 5),
      hardState: { term: this.term, vote: null, commit: snapshot.index },
    };
  }
}

test('file storage agrees with the memory twin across random persist / compact / install / reload', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ segmentBytesMax, fsync, ops }) => {
      const t = tempDir();
      const dir = join(t.dir, 'data');
      const open = async (): Promise<{ file: FileStorage; loaded: DurableState }> => {
        const file = new FileStorage({ dir, segmentBytesMax, fsync });
        return { file, loaded: await file.load() };
      };
      const twin = new MemoryStorage();
      await twin.load();
      const driver = new Driver(twin);
      let { file } = await open();
      try {
        for (const op of ops) {
          switch (op.kind) {
            case 'append': {
              const b = driver.append(op);
              await twin.persist(b);
              await file.persist(b);
              break;
            }
            case 'burst': {
              const pending: Promise<boolean>[] = [];
              for (let i = 0; i < op.n; i++) {
                const b = driver.next();
                await twin.persist(b);
                pending.push(file.persist(b)); // not awaited: these coalesce
              }
              await Promise.all(pending);
              break;
            }
            case 'compact': {
              const s = driver.compact(op);
              if (!s) break;
              await twin.compact(s);
              await file.compact(s);
              break;
            }
            case 'install': {
              const b = driver.install(op);
              await twin.persist(b);
              await file.persist(b);
              break;
            }
            case 'reload': {
              await file.close();
              const reopened = await open();
              file = reopened.file;
              assert.equal(reopened.loaded, twin.current());
              break;
            }
          }
        }
        await file.close();
        const final = await open();
        file = final.file;
        assert.equal(final.loaded, twin.current());
      } finally {
        await file.close();
        t.remove();
      }
    }),
    { seed, numRuns },
  );
});

test.run();
