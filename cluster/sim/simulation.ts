import type { Message, NodeId } from '../raft/messages.ts';
import { EventQueue } from './event-queue.ts';
import { isolateGrudge, splitGrudge } from '../common/grudge.ts';
import { planFaults, type FaultAction, type FaultPlan } from './fault-plan.ts';
import { InvariantChecker, type Violation } from './invariants.ts';
import { Rng } from '../common/rng.ts';
import { SimClients } from './sim-clients.ts';
import { SimNetwork } from './sim-network.ts';
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
  /** Unset: drawn from the seed (off in a quarter of the seeds, so a cut-off leader keeps leading). */
  readonly checkQuorum?: boolean;
  /** A bound on simulated events: a run that exceeds it (a message storm, a livelock) fails liveness. */
  readonly maxEvents: number;
  /** The hosts' Ready loop; only tests replace the shared driver (to plant ordering bugs). */
  readonly driver?: DriverFactory;
}

export const simDefaults: Omit<SimOptions, 'seed'> = {
  nodes: 3, faultMs: 6_000, livenessMs: 10_000, tickMs: 10, snapshotEntries: 40, preVote: true, maxEvents: 2_000_000,
};

/** Cluster size drawn from the seed alone, for runs that mix sizes (a quarter of the seeds get 5 nodes). */
export function drawNodes(seed: number): 3 | 5 {
  return new Rng(seed).fork('size').chance(0.25) ? 5 : 3;
}

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
  /** Figure-8 churn: remove `node` if it still leads `term`; then bring it back. */
  | { kind: 'churn'; node: NodeId; term: number }
  | { kind: 'churn-heal'; node: NodeId }
  /** A scheduled leader crash (crash-leader): crash, optionally heal the cut, restart later. */
  | { kind: 'crash-now'; node: NodeId; healPartition: boolean; downMs: number }
  | { kind: 'check' };

/**
 * One deterministic run: the real Raft core and the hosts' own Ready loop on N simulated hosts,
 * a seeded network (delay, reordering, loss, duplication, stragglers, replays of old messages,
 * partitions), crashes of one node or of all at once that lose or tear writes, and clients that
 * propose and read. Safety is checked all along; liveness only after every fault healed.
 */
export function runSimulation(partial: Partial<SimOptions> & { seed: number }): SimResult {
  return new Simulation({ ...simDefaults, ...partial }).run();
}

/** Counters for the result that no single piece owns. */
interface HostStats {
  elections: number;
  maxTerm: number;
  crashes: number;
  snapshotsInstalled: number;
  stepsDuringWrites: number;
}

class Simulation {
  private now = 0;
  private healed = false;
  private readonly ids: NodeId[];
  private readonly root: Rng;
  private readonly crashRng: Rng;
  private readonly disk: Rng;
  private readonly plan: FaultPlan;
  private readonly checker = new InvariantChecker();
  private readonly queue = new EventQueue<SimEvent>();
  private readonly net: SimNetwork;
  private readonly clients: SimClients;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly stats: HostStats = { elections: 0, maxTerm: 0, crashes: 0, snapshotsInstalled: 0, stepsDuringWrites: 0 };
  private readonly diskMsMax: number;
  /** Nodes whose next write a power cut tears (crash-in-write faults). */
  private readonly doomed = new Set<NodeId>();
  private readonly churnRng: Rng;
  /** Faults drawn while running (churn), in the order they happened. */
  private readonly dynamicFaults: string[] = [];
  private readonly checkQuorum: boolean;
  private readonly maxEntriesPerAppend: number;
  private events = 0;

  constructor(private readonly o: SimOptions) {
    this.root = new Rng(o.seed);
    const netRng = this.root.fork('network');
    const clientRng = this.root.fork('client');
    this.crashRng = this.root.fork('crash');
    this.ids = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
    this.plan = planFaults(this.root.fork('faults'), this.ids, o.faultMs);
    this.churnRng = this.root.fork('churn');
    this.net = new SimNetwork(netRng, this.root.fork('replay'), (at, msg) => this.queue.push(at, { kind: 'deliver', msg }));
    this.clients = new SimClients(clientRng, this.checker);
    // Small batches and windows split replication into many partial appends, which is where
    // commit-rule mistakes (Figure 8, a follower committing past what it verified) show up.
    const flow = this.root.fork('flow');
    const maxEntriesPerAppend = flow.pick([1, 1, 2, 3, 8, 1024]);
    const maxInflightAppends = flow.pick([1, 4, 64]);
    this.maxEntriesPerAppend = maxEntriesPerAppend;
    this.checkQuorum = o.checkQuorum ?? flow.chance(0.75);
    const checkQuorum = this.checkQuorum;
    // Some seeds give every synced write a duration, during which messages are stepped into the
    // core and a crash loses the write: the real host's interleaving (raft-host.ts).
    // Not 10 ms with one entry per append and one append in flight: a write per entry per round
    // trip falls behind the clients, and the run fails liveness for capacity, not for a bug.
    this.disk = this.root.fork('disk');
    this.diskMsMax = this.disk.pick(maxEntriesPerAppend === 1 && maxInflightAppends === 1 ? [0, 0, 2] : [0, 0, 2, 10]);
    for (const id of this.ids) {
      this.nodes.set(id, new SimNode(
        {
          id, peers: this.ids, rng: this.root.fork(`node-${id}`), snapshotEntries: o.snapshotEntries, preVote: o.preVote,
          checkQuorum, maxEntriesPerAppend, maxInflightAppends, driver: o.driver,
        },
        this.hostHooks(),
      ));
    }
  }

  run(): SimResult {
    this.schedule();
    const liveAt = this.loop();
    if (this.checker.violations.length === 0 && liveAt === null) this.failLiveness();
    return this.result();
  }

  // ---------------------------------------------------------------- pieces

  /** What the simulated hosts report: applied entries, snapshots, events, reads, disk writes. */
  private hostHooks(): ConstructorParameters<typeof SimNode>[1] {
    const { checker, clients, stats } = this;
    return {
      send: (m) => this.net.send(this.now, m),
      applied: (node, entry, hash) => {
        checker.applied(node.id, entry, hash);
        // The client hears "ok" only now, when its leader applied the entry.
        clients.applied(node.id, entry);
      },
      snapshotApplied: (node, snap, hash) => {
        stats.snapshotsInstalled++;
        checker.snapshotApplied(node.id, snap, hash);
      },
      events: (node, events) => {
        for (const ev of events) {
          if (ev.kind === 'elected') {
            stats.elections++;
            stats.maxTerm = Math.max(stats.maxTerm, ev.term);
            checker.elected(node.id, ev.term);
            checker.leaderComplete(node);
            this.maybeChurn(node.id, ev.term);
          } else if (ev.kind === 'step-down') {
            clients.forget(node.id);
          }
        }
      },
      readStates: (node, states) => clients.readStates(node.id, states),
      outOfOrder: (node, got, applied) => checker.applyOrder(node.id, got, applied),
      writeStarted: (node, seq) => {
        if (this.diskMsMax === 0) return false;
        this.queue.push(this.now + this.disk.int(1, this.diskMsMax), { kind: 'disk', node: node.id, seq });
        return true;
      },
    };
  }

  /** The first events: ticks at a per-node phase (timers not in lockstep), clients, checks, faults. */
  private schedule(): void {
    for (const id of this.ids) this.queue.push(this.root.int(0, this.o.tickMs - 1), { kind: 'tick', node: id });
    this.queue.push(5, { kind: 'client' });
    this.queue.push(7, { kind: 'read' });
    this.queue.push(50, { kind: 'check' });
    for (const f of this.plan.actions) this.queue.push(f.atMs, { kind: 'fault', action: f });
  }

  /** Run events until a violation, liveness reached after healing, or the deadline; returns when live. */
  private loop(): number | null {
    const deadline = this.o.faultMs + this.o.livenessMs;
    while (this.queue.size > 0) {
      if (++this.events > this.o.maxEvents) {
        this.checker.violations.push({
          invariant: 'liveness', atMs: this.now,
          detail: `more than ${this.o.maxEvents} events by ${this.now} ms (a message storm or livelock): ${[...this.nodes.values()].map((n) => describeNode(n)).join('; ')}`,
        });
        break;
      }
      const ev = this.queue.pop()!;
      this.now = ev.at;
      this.checker.now = ev.at;
      if (this.now > deadline) break;
      if (!this.healed && this.now >= this.o.faultMs) this.heal();
      try {
        this.handle(ev.item);
      } catch (err) {
        // A core invariant tripped: a real node would crash on it.
        this.checker.violations.push({ invariant: 'node-crash', atMs: this.now, detail: (err as Error).message });
      }
      if (this.checker.violations.length > 0) break;
      if (this.healed && this.clients.live([...this.nodes.values()])) return this.now;
    }
    return null;
  }

  private handle(item: SimEvent): void {
    switch (item.kind) {
      case 'tick': {
        const n = this.nodes.get(item.node)!;
        if (n.raft) {
          n.raft.tick();
          this.process(n);
        }
        this.queue.push(this.now + this.o.tickMs, item);
        return;
      }
      case 'disk': {
        const n = this.nodes.get(item.node)!;
        const tear = this.tearNow(n);
        n.finishWrite(item.seq, tear ? this.crashRng : null);
        this.afterTear(n, tear);
        return;
      }
      case 'deliver': {
        const n = this.nodes.get(item.msg.to)!;
        if (this.net.cutNow(item.msg)) return;
        if (n.raft) {
          if (n.writeInFlight) this.stats.stepsDuringWrites++;
          n.raft.step(item.msg);
          this.process(n);
        }
        return;
      }
      case 'client':
        if (!this.healed) this.clients.propose(this.leaders(), this.processFn);
        else this.clients.proposeForLiveness(this.now, this.leaders()[0], this.processFn);
        this.queue.push(this.now + this.clientRngDelay(2, 15), item);
        return;
      case 'read':
        if (!this.healed) this.clients.read(this.leaders(), this.processFn);
        this.queue.push(this.now + this.clientRngDelay(3, 25), item);
        return;
      case 'fault':
        if (!this.healed) this.fault(item.action);
        return;
      case 'churn': this.churn(item.node, item.term); return;
      case 'churn-heal':
        if (this.healed) return;
        this.net.setGrudge(new Map());
        this.dynamicFaults.push(`${this.now}ms churn heals ${item.node}'s isolation`);
        return;
      case 'crash-now': {
        if (this.healed) return;
        const n = this.nodes.get(item.node)!;
        this.crash(n);
        if (item.healPartition) this.net.setGrudge(new Map());
        const at = this.now + item.downMs;
        this.queue.push(at, { kind: 'fault', action: { atMs: at, kind: 'restart', node: item.node, describe: `${at}ms restart ${item.node}` } });
        return;
      }
      case 'check':
        this.checker.logMatching([...this.nodes.values()]);
        this.queue.push(this.now + 50, item);
        return;
    }
  }

  private fault(a: FaultAction): void {
    if (this.net.apply(this.now, a)) return;
    switch (a.kind) {
      case 'crash': this.crash(this.nodes.get(a.node)!); break;
      case 'restart': this.restart(this.nodes.get(a.node)!); break;
      case 'crash-in-write': if (this.nodes.get(a.node)!.alive) this.doomed.add(a.node); break;
      case 'crash-all': for (const n of this.nodes.values()) this.crash(n); break;
      case 'restart-all': for (const n of this.nodes.values()) this.restart(n); break;
      case 'isolate-leader': {
        const leader = this.newestLeader();
        if (!leader) break;
        this.net.setGrudge(isolateGrudge(leader.id, this.ids));
        this.dynamicFaults.push(`${this.now}ms isolates leader ${leader.id} of term ${leader.raft!.status().term} until ${this.now + a.holdMs}ms`);
        this.queue.push(this.now + a.holdMs, { kind: 'churn-heal', node: leader.id });
        break;
      }
      case 'crash-leader': {
        const leader = this.newestLeader();
        if (!leader) break;
        if (a.minority) {
          const others = this.ids.filter((x) => x !== leader.id);
          const keep = this.crashRng.shuffle(others).slice(0, Math.floor((this.ids.length - 1) / 2) - 1);
          this.net.setGrudge(splitGrudge([leader.id, ...keep], others.filter((x) => !keep.includes(x))));
        }
        this.clients.propose([leader], this.processFn);
        const at = this.now + a.afterMs;
        this.dynamicFaults.push(`${this.now}ms leader ${leader.id} of term ${leader.raft!.status().term} takes a proposal${a.minority ? ' cut to a minority' : ''}, crashes at ${at}ms`);
        this.queue.push(at, { kind: 'crash-now', node: leader.id, healPartition: a.minority, downMs: a.downMs });
        break;
      }
      case 'transfer': {
        const [leader] = this.leaders();
        if (!leader) break;
        const target = this.ids.find((x) => x !== leader.id && this.nodes.get(x)!.alive);
        if (target) {
          leader.raft!.transferLeadership(target);
          this.process(leader);
        }
        break;
      }
      default: break;
    }
  }

  /** End of the fault period: the network heals and every node is up again. */
  private heal(): void {
    this.healed = true;
    this.doomed.clear();
    this.net.heal();
    for (const n of this.nodes.values()) this.restart(n);
  }

  /** A new leader is, with the seed's churn rate, removed 1-40 ms into its term (Figure 8). */
  private maybeChurn(node: NodeId, term: number): void {
    if (!this.healed && this.plan.electionReplays > 0) this.net.replayOlderTerms(this.now, this.plan.electionReplays);
    if (this.healed || this.plan.churnRate === 0 || !this.churnRng.chance(this.plan.churnRate)) return;
    // A third of them at once: the no-op and first proposals still in flight are lost with it.
    const afterMs = this.churnRng.chance(0.3) ? 0 : this.churnRng.int(1, 40);
    this.queue.push(this.now + afterMs, { kind: 'churn', node, term });
  }

  private churn(id: NodeId, term: number): void {
    const n = this.nodes.get(id)!;
    const s = n.raft?.status();
    if (this.healed || !s || s.role !== 'LEADER' || s.term !== term) return;
    const mode = this.plan.churnMode === 'mixed' ? this.churnRng.pick(['crash', 'isolate', 'slow'] as const) : this.plan.churnMode;
    // The deposed leader's last appends (dropped or not) arrive again during the next election.
    if (this.plan.electionReplays > 0) {
      for (let i = 0; i < 3; i++) this.net.replayOlderTerms(this.now + this.churnRng.int(0, 300), Math.ceil(this.plan.electionReplays / 3));
    }
    if (mode === 'crash') {
      this.crash(n);
      const at = this.now + this.churnRng.int(20, 400);
      this.dynamicFaults.push(`${this.now}ms churn crashes leader ${id} of term ${term}, restart at ${at}ms`);
      this.queue.push(at, { kind: 'fault', action: { atMs: at, kind: 'restart', node: id, describe: `${at}ms restart ${id}` } });
    } else if (mode === 'slow') {
      // A paused leader: alive, proposed to, its sends (new entries included) arrive 50-600 ms late.
      const until = this.now + this.churnRng.int(200, 800);
      const extra = this.churnRng.int(200, 600);
      this.net.slowSender(id, until, extra);
      this.dynamicFaults.push(`${this.now}ms churn slows leader ${id} of term ${term}: its sends until ${until}ms arrive up to ${extra}ms late`);
    } else {
      // Cut off but alive: clients keep proposing to it and it keeps sending, into the void.
      this.net.setGrudge(isolateGrudge(id, this.ids));
      const at = this.now + this.churnRng.int(100, 1200);
      this.dynamicFaults.push(`${this.now}ms churn isolates leader ${id} of term ${term} until ${at}ms`);
      this.queue.push(at, { kind: 'churn-heal', node: id });
    }
  }

  private crash(n: SimNode): void {
    if (!n.alive) return;
    n.crash();
    this.stats.crashes++;
    this.clients.forget(n.id);
  }

  private restart(n: SimNode): void {
    if (n.alive) return;
    n.start();
    this.process(n);
  }

  private readonly processFn = (n: SimNode): void => this.process(n);

  /** Drain a node's ready batches; now and then the first write is torn by a crash. */
  private process(node: SimNode): void {
    const tear = node.raft?.hasReady() === true && this.tearNow(node);
    node.process(tear ? this.crashRng : null);
    this.afterTear(node, tear);
  }

  private tearNow(node: SimNode): boolean {
    if (!this.healed && node.alive && this.doomed.has(node.id)) return true;
    return !this.healed && this.plan.tornWriteRate > 0 && node.alive && this.crashRng.chance(this.plan.tornWriteRate);
  }

  /** A torn write crashed the node (a write left in flight was not torn yet): restart it later. */
  private afterTear(node: SimNode, tear: boolean): void {
    if (!tear || node.alive) return;
    this.doomed.delete(node.id);
    this.stats.crashes++;
    this.clients.forget(node.id);
    const at = this.now + this.crashRng.int(50, 500);
    this.queue.push(at, { kind: 'fault', action: { atMs: at, kind: 'restart', node: node.id, describe: `${at}ms restart ${node.id} after a torn write` } });
  }

  /** The leader of the highest term, if any node believes it leads. */
  private newestLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.leaders()) if (!best || n.raft!.status().term > best.raft!.status().term) best = n;
    return best;
  }

  private leaders(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.raft?.status().role === 'LEADER');
  }

  private clientRngDelay(lo: number, hi: number): number {
    return this.clients.delay(lo, hi);
  }

  private failLiveness(): void {
    this.checker.violations.push({
      invariant: 'liveness',
      atMs: this.now,
      detail: `no proposal committed on every node within ${this.o.livenessMs} ms of healing: ${[...this.nodes.values()].map((n) => describeNode(n)).join('; ')}`,
    });
  }

  /** The seed's drawn settings, printed with its faults. */
  private drawsLine(): string {
    const p = this.plan;
    return `draws: ${this.o.nodes} nodes, maxEntriesPerAppend ${this.maxEntriesPerAppend}, checkQuorum ${this.checkQuorum}, ` +
      `disk up to ${this.diskMsMax} ms, churn ${p.churnRate}${p.churnRate > 0 ? ` (${p.churnMode})` : ''}, old-term replays per election ${p.electionReplays}, torn writes ${p.tornWriteRate}`;
  }

  private result(): SimResult {
    const { o, stats, clients, net } = this;
    return {
      seed: o.seed, nodes: o.nodes, faults: [...this.plan.actions.map((a) => a.describe), ...this.dynamicFaults, this.drawsLine()], violations: this.checker.violations,
      stats: {
        proposed: clients.proposed, acknowledged: clients.acknowledged, reads: clients.reads, elections: stats.elections,
        maxTerm: stats.maxTerm, committedIndex: this.checker.committedIndex(), messagesSent: net.sent,
        messagesDropped: net.dropped, crashes: stats.crashes, snapshotsInstalled: stats.snapshotsInstalled,
        simulatedMs: this.now, diskMsMax: this.diskMsMax, stepsDuringWrites: stats.stepsDuringWrites,
      },
    };
  }
}

function describeNode(n: SimNode): string {
  if (!n.raft) return `${n.id} down`;
  const s = n.raft.status();
  const peers = s.progress.map((p) => `${p.id}:${p.state} m${p.match} n${p.next} i${p.inflight}`).join(' ');
  const writing = n.writeInFlight ? ' (write in flight)' : '';
  return `${n.id} ${s.role} t${s.term} c${s.commit} a${s.applied} last${s.lastIndex} snap${s.snapshotIndex}${writing}${peers ? ` [${peers}]` : ''}`;
}
