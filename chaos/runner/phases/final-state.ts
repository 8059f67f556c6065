/**
 * Phase 5, final state: every node's committed log (after a run that got past steady state),
 * and the state machine records of acknowledged entries some node compacted away, stored in
 * final-logs.json so `just check` can judge the run again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { duplicateIndexes, type DuplicateProbe } from '../../checker/applied-once.ts';
import { pairOperations } from '../../../reports/run-files/history-file.ts';
import { leaderRecordReader, readCommittedLog } from '../final-logs.ts';
import type { RunContext } from '../run-context.ts';
import { finalLogsSchema } from '../../../reports/run-files/chaos-run-files.ts';
import { checkedRunFile } from '../../../reports/run-files/run-file-check.ts';

const compactedReadConcurrency = 16;

export async function finalState(ctx: RunContext): Promise<void> {
  if (ctx.loaded) {
    try {
      ctx.finalLogs = await Promise.all(ctx.target.nodes.map((n) => readCommittedLog(n)));
      ctx.finalLeader = (await ctx.target.view.leader()) ?? ctx.finalLogs[0]?.node ?? null;
    } catch (err) {
      ctx.runtimeChecks.push({ checker: 'final-reads', valid: 'unknown', reason: (err as Error).message });
    }
  }
  await Promise.all([ctx.appendLoad.close(), ctx.registerLoad.close(), ctx.pinnedLoad?.close()]);
  if (ctx.finalLogs.length === 0) return;
  const base = { leader: ctx.finalLeader, logs: ctx.finalLogs };
  try {
    const compacted = await compactedRecords(ctx, pairOperations(ctx.history.events));
    ctx.stored = { ...base, compacted: [...compacted], duplicateProbes: await duplicateProbes(ctx) };
  } catch (err) {
    // The leader could not say what compacted entries held: lost-writes cannot decide.
    ctx.stored = { ...base, compacted: [], compactedError: (err as Error).message };
  }
  // One line: three copies of every committed entry; indentation would double the file.
  writeFileSync(join(ctx.runDir, 'final-logs.json'), `${JSON.stringify(checkedRunFile(finalLogsSchema, 'final-logs.json', ctx.stored))}\n`);
}

/** State machine records for acknowledged entry ids that some node compacted out of its log. */
async function compactedRecords(ctx: RunContext, ops: ReturnType<typeof pairOperations>) {
  const out = new Map<number, { clientId: string | null; requestId: string | null } | null>();
  const maxSnapshot = Math.max(0, ...ctx.finalLogs.map((l) => l.snapshotIndex));
  const read = recordReader(ctx);
  if (maxSnapshot === 0 || !read) return out;
  const ids = new Set<number>();
  for (const op of ops) {
    if (op.outcome !== 'ok' || !Array.isArray(op.output) || typeof op.output[0] !== 'number') continue;
    if (op.output[0] <= maxSnapshot) ids.add(op.output[0]);
  }
  // One request per record (there is no batch read); a few at a time so the leader's read
  // barriers batch, but not thousands at once.
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) out.set(id, (await read(id)).record);
  };
  await Promise.all(Array.from({ length: compactedReadConcurrency }, worker));
  return out;
}

/** Reads from the final leader, following leadership if it moves (null: no leader known). */
function recordReader(ctx: RunContext) {
  const leader = ctx.target.nodes.find((n) => n.id === ctx.finalLeader);
  return leader ? leaderRecordReader(leader, ctx.target.nodes, () => ctx.target.view.leader()) : null;
}

/** At most this many duplicates are asked about; a run has a handful (gateway retries). */
const duplicateProbesMax = 200;

/**
 * Asks the leader's state machine about each committed command that repeats an earlier request
 * id: the exactly-once rule says it changed nothing, so there must be no record at its index.
 */
async function duplicateProbes(ctx: RunContext): Promise<DuplicateProbe[]> {
  const read = recordReader(ctx);
  const log = ctx.finalLogs.find((l) => l.node === ctx.finalLeader);
  if (!read || !log) return [];
  const probes: DuplicateProbe[] = [];
  for (const index of duplicateIndexes(log, ctx.clientId).slice(0, duplicateProbesMax)) {
    const { node, record } = await read(index);
    probes.push({ node, index, recorded: record !== null });
  }
  return probes;
}

