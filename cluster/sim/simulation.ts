import { RaftError } from '../raft/errors.ts';
import type { Message, NodeId } from '../raft/messages.ts';
import { EventQueue } from './event-queue.ts';
import { planFaults, type FaultAction } from './fault-plan.ts';
import { drops, type Grudge } from './grudge.ts';
import { InvariantChecker, type Violation } from './invariants.ts';
import { Rng } from './rng.ts';
import { SimNode, type DriverFactory } from './sim-node.ts';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: 3 | 5;
  /** Simulated time with faults, then everything heals. */
  readonly faultMs: number;
  /** After healing, a leader must be elected and a proposal committed everywhere within this. */
  readonly livenessMs: number;
  readonly tickMs: number;
  readonly snapshotEntries: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** The hosts' Ready loop; only tests replace the shared driver (to plant ordering bugs). */
  readonly driver?: DriverFactory;
}

export const simDefaults: Omit<SimOptions, 'seed'> = {
  nodes: 3, faultMs: 6_000, livenessMs: 10_000, tickMs: 10, snapshotEntries: 40, preVote: true, checkQuorum: true,
};

export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly faults: readonly string[];
  readonly violations: readonly Violation[];
  readonly stats: {
    readonly proposed: number;
    readonly acknowledged: number;
    readonly reads: number;
    readonly elections: number;
    readonly maxTerm: number;
    readonly committedIndex: number;
    readonly messagesSent: number;
    readonly messagesDropped: number;
    readonly crashes: number;
    readonly snapshotsInstalled: number;
    readonly simulatedMs: number;
    /** Synced writes took 1..diskMsMax ms of simulated time (0: they finished at once). */
    readonly diskMsMax: number;
    /** Messages stepped into a node while its write was in flight. */
    readonly stepsDuringWrites: number;
  };
}

type SimEvent =
  | { kind: 'tick'; node: NodeId }
  | { kind: 'deliver'; msg: Message }
  | { kind: 'disk'; node: NodeId; seq: number }
  | { kind: 'client' }
  | { kind: 'read' }
  | { kind: 'fault'; action: FaultAction }
  | { kind: 'check' };

interface Pending {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

/**
 * One deterministic run: the real Raft core on N simulated hosts, a seeded network (delay,
 * reordering, loss, duplication, partitions), crashes that tear the last write, and clients
 * that propose and read. Safety is checked all along; liveness only after every fault healed.
 */
export function runSimulation(partial: Partial<SimOptions> & { seed: number }): SimResult {
  const o: SimOptions = { ...simDefaults, ...partial };
  const root = new Rng(o.seed);
  const netRng = root.fork('network');
  const clientRng = root.fork('client');
  const crashRng = root.fork('crash');
  const ids = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
  const plan = planFaults(root.fork('faults'), ids, o.faultMs);
  const checker = new InvariantChecker();
  const queue = new EventQueue<SimEvent>();

  let now = 0;
  let grudge: Grudge = new Map();
  let lossRate = 0;
  let dupRate = 0;
  let delayMsMax = 5;
  let messagesSent = 0;
  let messagesDropped = 0;
  let crashes = 0;
  let snapshotsInstalled = 0;
  let stepsDuringWrites = 0;
  let elections = 0;
  let maxTerm = 0;
  let proposed = 0;
  let acknowledged = 0;
  let reads = 0;
  let maxAcked = 0;
  let healed = false;
  const pending = new Map<NodeId, Pending[]>();
  const readsInFlight = new Map<string, number>();

  // Small batches and windows split replication into many partial appends, which is where
  // commit-rule mistakes (Figure 8) show up.
  const flow = root.fork('flow');
  const maxEntriesPerAppend = flow.pick([1, 2, 8, 1024]);
  const maxInflightAppends = flow.pick([1, 4, 64]);
  // Some seeds give every synced write a duration, during which messages are stepped into the
  // core and a crash loses the write: the real host's interleaving (raft-host.ts).
  // Not 10 ms with one entry per append and one append in flight: a write per entry per round
  // trip falls behind the clients, and the run fails liveness for capacity, not for a bug.
  const disk = root.fork('disk');
  const diskMsMax = disk.pick(maxEntriesPerAppend === 1 && maxInflightAppends === 1 ? [0, 0, 2] : [0, 0, 2, 10]);
  const nodes = new Map<NodeId, SimNode>();
  for (const id of ids) {
    nodes.set(id, new SimNode(
      {
        id, peers: ids, rng: root.fork(`node-${id}`), snapshotEntries: o.snapshotEntries, preVote: o.preVote,
        checkQuorum: o.checkQuorum, maxEntriesPerAppend, maxInflightAppends, driver: o.driver,
      },
      {
        send: (m) => {
          messagesSent++;
          if (!healed && (netRng.chance(lossRate) || drops(grudge, m.from, m.to))) {
            messagesDropped++;
            return;
          }
          queue.push(now + netRng.int(1, delayMsMax), { kind: 'deliver', msg: m });
          if (!healed && netRng.chance(dupRate)) queue.push(now + netRng.int(1, delayMsMax * 3), { kind: 'deliver', msg: m });
        },
        applied: (node, entry, hash) => {
          checker.applied(node.id, entry, hash);
          const mine = pending.get(node.id);
          while (mine && mine.length > 0 && mine[0]!.index <= entry.index) {
            const p = mine.shift()!;
            if (p.index === entry.index && p.term === entry.term) {
              // The client hears "ok" only now, when its leader applied the entry.
              checker.acknowledged(p.index, p.data);
              acknowledged++;
              if (p.index > maxAcked) maxAcked = p.index;
            }
          }
        },
        snapshotApplied: (node, snap, hash) => {
          snapshotsInstalled++;
          checker.snapshotApplied(node.id, snap, hash);
        },
        events: (node, events) => {
          for (const ev of events) {
            if (ev.kind === 'elected') {
              elections++;
              maxTerm = Math.max(maxTerm, ev.term);
              checker.elected(node.id, ev.term);
              checker.leaderComplete(node);
            } else if (ev.kind === 'step-down' || ev.kind === 'role') {
              // A leader that lost its role will never answer its pending proposals.
              if (ev.kind === 'step-down') pending.delete(node.id);
            }
          }
        },
        readStates: (node, states) => {
          for (const rs of states) {
            const before = readsInFlight.get(rs.ctx);
            if (before === undefined) continue;
            readsInFlight.delete(rs.ctx);
            checker.readServed(node.id, rs.index, before);
          }
        },
        outOfOrder: (node, got, applied) => checker.applyOrder(node.id, got, applied),
        writeStarted: (node, seq) => {
          if (diskMsMax === 0) return false;
          queue.push(now + disk.int(1, diskMsMax), { kind: 'disk', node: node.id, seq });
          return true;
        },
      },
    ));
  }

  const leaders = (): SimNode[] => [...nodes.values()].filter((n) => n.raft?.status().role === 'LEADER');
  const tearNow = (node: SimNode): boolean =>
    !healed && plan.tornWriteRate > 0 && node.alive && crashRng.chance(plan.tornWriteRate);
  const process = (node: SimNode): void => {
    const tear = node.raft?.hasReady() === true && tearNow(node);
    node.process(tear ? crashRng : null);
    afterTear(node, tear);
  };
  /** A torn write crashed the node (a write left in flight was not torn): restart it later. */
  const afterTear = (node: SimNode, tear: boolean): void => {
    if (tear && !node.alive) {
      crashes++;
      pending.delete(node.id);
      const at = now + crashRng.int(50, 500);
      queue.push(at, { kind: 'fault', action: { atMs: at, kind: 'restart', node: node.id, describe: `${at}ms restart ${node.id} after a torn write` } });
    }
  };

  // Ticks at a per-node phase, so nodes' timers are not in lockstep.
  for (const id of ids) queue.push(root.int(0, o.tickMs - 1), { kind: 'tick', node: id });
  queue.push(5, { kind: 'client' });
  queue.push(7, { kind: 'read' });
  queue.push(50, { kind: 'check' });
  for (const f of plan.actions) queue.push(f.atMs, { kind: 'fault', action: f });

  let seq = 0;
  const propose = (): void => {
    const candidates = leaders();
    if (candidates.length === 0) return;
    const leader = clientRng.pick(candidates); // a stale leader may be picked: it must not ack
    const count = clientRng.int(1, 3);
    const data = Array.from({ length: count }, () => `c${++seq}`);
    try {
      const r = leader.raft!.propose(data);
      proposed += count;
      const list = pending.get(leader.id) ?? [];
      for (let i = 0; i < count; i++) list.push({ index: r.firstIndex + i, term: r.term, data: data[i]! });
      pending.set(leader.id, list);
      process(leader);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
    }
  };

  const endFaultsAt = o.faultMs;
  const deadline = o.faultMs + o.livenessMs;
  let liveAt: number | null = null;
  const livenessTargets: { index: number; data: string }[] = [];
  let lastLivenessProposalMs = -Infinity;

  while (queue.size > 0) {
    const ev = queue.pop()!;
    now = ev.at;
    checker.now = now;
    if (now > deadline) break;
    if (!healed && now >= endFaultsAt) {
      healed = true;
      grudge = new Map();
      lossRate = 0;
      dupRate = 0;
      delayMsMax = 5;
      for (const n of nodes.values()) if (!n.alive) { n.start(); process(n); }
    }
    const item = ev.item;
    switch (item.kind) {
      case 'tick': {
        const n = nodes.get(item.node)!;
        if (n.raft) {
          n.raft.tick();
          process(n);
        }
        queue.push(now + o.tickMs, item);
        break;
      }
      case 'disk': {
        const n = nodes.get(item.node)!;
        const tear = tearNow(n);
        n.finishWrite(item.seq, tear ? crashRng : null);
        afterTear(n, tear);
        break;
      }
      case 'deliver': {
        const n = nodes.get(item.msg.to)!;
        if (n.raft) {
          if (n.writeInFlight) stepsDuringWrites++;
          n.raft.step(item.msg);
          process(n);
        }
        break;
      }
      case 'client':
        if (!healed) propose();
        else if (now - lastLivenessProposalMs >= 200) {
          // After healing, keep proposing (a proposal to a stale leader is lawfully lost) until one
          // is committed and applied on every node.
          const [leader] = leaders();
          if (leader) {
            try {
              const data = `liveness-${livenessTargets.length}`;
              const r = leader.raft!.propose([data]);
              livenessTargets.push({ index: r.firstIndex, data });
              lastLivenessProposalMs = now;
              process(leader);
            } catch (err) {
              if (!(err instanceof RaftError)) throw err;
            }
          }
        }
        queue.push(now + clientRng.int(2, 15), item);
        break;
      case 'read': {
        const candidates = leaders();
        if (candidates.length > 0 && !healed) {
          const leader = clientRng.pick(candidates);
          const ctx = `r${reads++}`;
          readsInFlight.set(ctx, maxAcked);
          try {
            leader.raft!.readIndex(ctx);
            process(leader);
          } catch (err) {
            if (!(err instanceof RaftError)) throw err;
          }
        }
        queue.push(now + clientRng.int(10, 40), item);
        break;
      }
      case 'fault': {
        const a = item.action;
        if (healed) break;
        switch (a.kind) {
          case 'partition': grudge = a.grudge; break;
          case 'heal-partition': grudge = new Map(); break;
          case 'loss': lossRate = a.rate; break;
          case 'duplicate': dupRate = a.rate; break;
          case 'delay': delayMsMax = a.maxMs; break;
          case 'crash': {
            const n = nodes.get(a.node)!;
            if (n.alive) { n.crash(); crashes++; pending.delete(n.id); }
            break;
          }
          case 'restart': {
            const n = nodes.get(a.node)!;
            if (!n.alive) { n.start(); process(n); }
            break;
          }
          case 'transfer': {
            const [leader] = leaders();
            if (leader) {
              const target = ids.find((x) => x !== leader.id && nodes.get(x)!.alive);
              if (target) { leader.raft!.transferLeadership(target); process(leader); }
            }
            break;
          }
        }
        break;
      }
      case 'check':
        checker.logMatching([...nodes.values()]);
        queue.push(now + 50, item);
        break;
    }
    if (checker.violations.length > 0) break;
    if (healed && livenessTargets.length > 0) {
      const done = livenessTargets.some((t) => checker.committedEntry(t.index)?.data === t.data &&
        [...nodes.values()].every((n) => n.appliedIndex >= t.index));
      if (done) {
        liveAt = now;
        break;
      }
    }
  }
  if (checker.violations.length === 0 && liveAt === null) {
    checker.now = now;
    checker.violations.push({
      invariant: 'liveness',
      atMs: now,
      detail: `no proposal committed on every node within ${o.livenessMs} ms of healing: ${[...nodes.values()].map((n) => describeNode(n)).join('; ')}`,
    });
  }
  return {
    seed: o.seed, nodes: o.nodes, faults: plan.actions.map((a) => a.describe), violations: checker.violations,
    stats: {
      proposed, acknowledged, reads, elections, maxTerm, committedIndex: checker.committedIndex(),
      messagesSent, messagesDropped, crashes, snapshotsInstalled, simulatedMs: now, diskMsMax, stepsDuringWrites,
    },
  };
}

function describeNode(n: SimNode): string {
  if (!n.raft) return `${n.id} down`;
  const s = n.raft.status();
  const peers = s.progress.map((p) => `${p.id}:${p.state} m${p.match} n${p.next} i${p.inflight}`).join(' ');
  const writing = n.writeInFlight ? ' (write in flight)' : '';
  return `${n.id} ${s.role} t${s.term} c${s.commit} a${s.applied} last${s.lastIndex} snap${s.snapshotIndex}${writing}${peers ? ` [${peers}]` : ''}`;
}
