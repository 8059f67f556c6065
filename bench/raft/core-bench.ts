// Throughput of the pure Raft core: a 3-node cluster in memory, messages delivered instantly,
// persistence free. What is left is the core's own CPU per committed entry, measured as
// committed entries per CPU-second of this process (all three nodes run on it).
import { RaftNode } from '../../cluster/raft/raft.ts';
import type { Message } from '../../cluster/raft/messages.ts';
import { ReadyDriver } from '../../cluster/raft/ready-driver.ts';
import { Rng } from '../../cluster/common/rng.ts';

export interface CoreBenchCase {
  readonly batchEntries: number;
  readonly entries: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly committedPerCpuSecond: number;
  readonly messages: number;
}

export function runCoreBenchCase(batchEntries: number, entriesTarget: number, seed = 1): CoreBenchCase {
  const ids = ['n1', 'n2', 'n3'];
  const rng = new Rng(seed);
  const nodes = new Map(ids.map((id) => [id, new RaftNode(
    { id, peers: ids, random: () => rng.next() },
    { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] },
  )]));
  let queue: Message[] = [];
  let messages = 0;
  let leaderApplied = 0;
  // The hosts' own Ready loop over free storage and an instant network; applying is counting.
  const drivers = [...nodes.values()].map((n) => new ReadyDriver(n, {
    storage: { persist: () => undefined },
    transport: { send: (out) => { for (const m of out) queue.push(m); } },
    stateMachine: { restore: () => {}, apply: () => {} },
    observe: (rd) => { if (n.status().role === 'LEADER') leaderApplied += rd.committedEntries.length; },
  }));
  const drain = (): void => {
    for (let round = 0; round < 1000; round++) {
      for (const d of drivers) d.drain();
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      messages += batch.length;
      for (const m of batch) nodes.get(m.to)!.step(m);
    }
  };
  nodes.get('n1')!.campaign();
  drain();
  const leader = nodes.get('n1')!;
  if (leader.status().role !== 'LEADER') throw new Error('core bench: n1 did not become leader');
  const payload = 'x'.repeat(100);
  const commands = Array.from({ length: batchEntries }, () => payload);
  leaderApplied = 0;
  messages = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let proposed = 0;
  while (proposed < entriesTarget) {
    leader.propose(commands);
    proposed += batchEntries;
    drain();
    // Compact as the host would, so memory stays bounded and compaction cost is included.
    const st = leader.status();
    if (st.applied - st.snapshotIndex >= 10_000) {
      for (const n of nodes.values()) {
        const s = n.status();
        const term = n.committedEntry(s.applied)?.term;
        if (term !== undefined) n.compact({ index: s.applied, term, data: '' });
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const wallMs = performance.now() - wall0;
  return { batchEntries, entries: leaderApplied, cpuMs, wallMs, committedPerCpuSecond: leaderApplied / (cpuMs / 1000), messages };
}
