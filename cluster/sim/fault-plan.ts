import type { NodeId } from '../raft/messages.ts';
import {
  bridgeGrudge, describeGrudge, grudgeKinds, isolateGrudge, oneWayGrudge, ringGrudge, splitGrudge,
  type Grudge, type GrudgeKind,
} from '../common/grudge.ts';
import type { Rng } from '../common/rng.ts';

export type FaultAction = { readonly atMs: number; readonly describe: string } & (
  | { readonly kind: 'partition'; readonly grudge: Grudge }
  | { readonly kind: 'heal-partition' }
  | { readonly kind: 'loss'; readonly rate: number }
  | { readonly kind: 'duplicate'; readonly rate: number }
  | { readonly kind: 'delay'; readonly maxMs: number }
  /** This share of messages arrives 20 ms to 1 s late, often after the term that sent it. */
  | { readonly kind: 'straggle'; readonly rate: number }
  /** Deliver again `count` messages drawn from everything sent so far (old terms included). */
  | { readonly kind: 'replay'; readonly count: number }
  /** From now on this share of sends also delivers an old message from the history (any term). */
  | { readonly kind: 'replay-rate'; readonly rate: number }
  | { readonly kind: 'crash'; readonly node: NodeId }
  | { readonly kind: 'restart'; readonly node: NodeId }
  /** Power loss in the middle of the node's next write: what it had not synced is lost or torn. */
  | { readonly kind: 'crash-in-write'; readonly node: NodeId }
  /** Power loss for the whole cluster: every node crashes at once (writes in flight are lost). */
  | { readonly kind: 'crash-all' }
  | { readonly kind: 'restart-all' }
  | { readonly kind: 'transfer' }
  /** Cut off whoever leads now (an established leader, with its pending entries) for `holdMs`, then heal. */
  | { readonly kind: 'isolate-leader'; readonly holdMs: number }
  /**
   * Give whoever leads now a proposal, let it reach at most a minority (`minority`: the others
   * are cut off; else whatever is in flight), crash the leader `afterMs` later, restart it `downMs` after.
   */
  | { readonly kind: 'crash-leader'; readonly minority: boolean; readonly afterMs: number; readonly downMs: number }
);

export interface FaultPlan {
  readonly actions: FaultAction[];
  /** Chance that persisting one ready batch is torn by a crash. */
  readonly tornWriteRate: number;
  /**
   * Figure-8 churn: chance that a newly elected leader is crashed or cut off 1-40 ms later, so
   * it replicated its no-op and first proposals to a minority at most; 0 when off.
   */
  readonly churnRate: number;
  /** How churn removes a leader: isolation keeps it alive, believing it leads, taking proposals. */
  readonly churnMode: 'crash' | 'isolate' | 'slow' | 'mixed';
  /** At each election, this many messages of older terms are delivered again to the cluster; 0 when off. */
  readonly electionReplays: number;
}

type Kind = FaultAction['kind'];

/**
 * Draw a whole fault schedule from one seed. Each seed also draws which kinds of fault it uses
 * and how hard, so some seeds hammer one mechanism and others mix everything (as VOPR does).
 */
export function planFaults(rng: Rng, ids: readonly NodeId[], faultMs: number): FaultPlan {
  const menu: Kind[] = [
    'partition', 'loss', 'duplicate', 'delay', 'straggle', 'replay', 'crash', 'crash-all', 'transfer', 'replay-rate',
    'isolate-leader', 'crash-leader',
  ];
  const enabled = menu.filter(() => rng.chance(0.6));
  if (enabled.length === 0) enabled.push(rng.pick(menu));
  const tornWriteRate = rng.chance(0.3) ? 0.0005 : 0;
  const churnRate = rng.chance(0.5) ? rng.pick([0.3, 0.6, 0.9]) : 0;
  const churnMode = rng.pick(['crash', 'isolate', 'isolate', 'slow', 'mixed', 'mixed'] as const);
  const electionReplays = rng.chance(0.5) ? rng.pick([5, 20, 60]) : 0;
  const actions: FaultAction[] = [];
  const down = new Set<NodeId>();
  let partitioned = false;
  let t = rng.int(100, 600);
  while (t < faultMs) {
    const kind = rng.pick(enabled);
    const at = t;
    switch (kind) {
      case 'partition':
        if (partitioned && rng.chance(0.5)) {
          actions.push({ atMs: at, kind: 'heal-partition', describe: `${at}ms heal partition` });
          partitioned = false;
        } else {
          const shape = rng.pick(grudgeKinds);
          const grudge = makeGrudge(rng, shape, ids);
          actions.push({ atMs: at, kind: 'partition', grudge, describe: `${at}ms partition ${shape} ${describeGrudge(grudge)}` });
          partitioned = true;
        }
        break;
      case 'loss': {
        const rate = rng.pick([0, 0.05, 0.2, 0.5]);
        actions.push({ atMs: at, kind: 'loss', rate, describe: `${at}ms loss ${rate}` });
        break;
      }
      case 'duplicate': {
        const rate = rng.pick([0, 0.05, 0.3]);
        actions.push({ atMs: at, kind: 'duplicate', rate, describe: `${at}ms duplicate ${rate}` });
        break;
      }
      case 'delay': {
        const maxMs = rng.pick([5, 20, 60, 120]);
        actions.push({ atMs: at, kind: 'delay', maxMs, describe: `${at}ms delay up to ${maxMs}ms (reorders)` });
        break;
      }
      case 'straggle': {
        const rate = rng.pick([0, 0.01, 0.05]);
        actions.push({ atMs: at, kind: 'straggle', rate, describe: `${at}ms ${rate} of messages straggle 20-1000ms` });
        break;
      }
      case 'replay': {
        const count = rng.int(5, 60);
        actions.push({ atMs: at, kind: 'replay', count, describe: `${at}ms replay ${count} old messages` });
        break;
      }
      case 'replay-rate': {
        const rate = rng.pick([0, 0.01, 0.05, 0.15, 0.3]);
        actions.push({ atMs: at, kind: 'replay-rate', rate, describe: `${at}ms ${rate} of sends also replay an old message` });
        break;
      }
      case 'crash-all': {
        // Restart together after a short outage; the next fault comes after the restart.
        const downMs = rng.int(10, 300);
        actions.push({ atMs: at, kind: 'crash-all', describe: `${at}ms crash all nodes` });
        actions.push({ atMs: at + downMs, kind: 'restart-all', describe: `${at + downMs}ms restart all nodes` });
        down.clear();
        t += downMs;
        break;
      }
      case 'crash': {
        const up = ids.filter((id) => !down.has(id));
        if (up.length > 0 && (down.size === 0 || rng.chance(0.5))) {
          const node = rng.pick(up);
          if (rng.chance(0.5)) {
            // Restarted by the simulation after the torn write, like any torn write.
            actions.push({ atMs: at, kind: 'crash-in-write', node, describe: `${at}ms crash ${node} during its next write` });
          } else {
            down.add(node);
            actions.push({ atMs: at, kind: 'crash', node, describe: `${at}ms crash ${node}` });
          }
        } else if (down.size > 0) {
          const node = rng.pick([...down]);
          down.delete(node);
          actions.push({ atMs: at, kind: 'restart', node, describe: `${at}ms restart ${node}` });
        }
        break;
      }
      case 'restart-all':
        break;
      case 'transfer':
        actions.push({ atMs: at, kind: 'transfer', describe: `${at}ms transfer leadership` });
        break;
      case 'isolate-leader': {
        const holdMs = rng.int(150, 1500);
        actions.push({ atMs: at, kind: 'isolate-leader', holdMs, describe: `${at}ms isolate the leader for ${holdMs}ms` });
        partitioned = false; // it heals to no partition at all
        break;
      }
      case 'crash-leader': {
        const minority = rng.chance(0.5);
        const afterMs = rng.int(0, 15);
        const downMs = rng.int(30, 800);
        actions.push({
          atMs: at, kind: 'crash-leader', minority, afterMs, downMs,
          describe: `${at}ms propose to the leader${minority ? ' cut to a minority' : ''}, crash it ${afterMs}ms later, restart ${downMs}ms after`,
        });
        break;
      }
    }
    t += rng.int(150, 1200);
  }
  return { actions, tornWriteRate, churnRate, churnMode, electionReplays };
}

function makeGrudge(rng: Rng, shape: GrudgeKind, ids: readonly NodeId[]): Grudge {
  const order = rng.shuffle(ids);
  switch (shape) {
    case 'isolate': return isolateGrudge(order[0]!, ids);
    case 'majority-minority': {
      const minority = Math.floor((ids.length - 1) / 2);
      return splitGrudge(order.slice(0, minority), order.slice(minority));
    }
    case 'bridge': return bridgeGrudge(order);
    case 'ring': return ringGrudge(order);
    case 'one-way': return oneWayGrudge(order[0]!, order[1]!);
  }
}
