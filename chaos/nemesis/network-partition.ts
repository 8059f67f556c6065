/**
 * A partition under the proxy (Docker runtime, `--partition network`): the same grudge as the
 * proxy's partitions, cut in the network instead of by toxics.
 *
 * Exports: `injectNetworkPartition`, `networkCutPlan`, `networkUndoStep`, `NetworkPartitionDeps`.
 *
 *   a node the grudge isolates completely   disconnected from the cluster network (its endpoint,
 *                                           aliases and fixed address, saved for the reconnect)
 *   any other cut link from -> to           a DROP rule in `from`'s namespace on the packets to
 *                                           the proxy's listen port of that link: every peer
 *                                           message leaves through the proxy, so source
 *                                           addresses cannot tell peers apart, link ports can
 * Like the nemesis's own faults, the ledger entry with its undo steps is written before the cut.
 */
import type { ClusterView } from '../cluster-view.ts';
import { RuntimeError, type DropRule, type NetworkControl, type Runtime, type SavedEndpoint } from '../runtime/runtime.ts';
import { takeSnapshot } from './cluster-snapshot.ts';
import { NemesisError } from './errors.ts';
import type { AppliedFault, Fault, UndoStep } from './fault.ts';
import type { Ledger } from './ledger.ts';
import { grudgeRecord, resolvePartition } from './partitions.ts';
import type { Random } from './random-pick.ts';
import { undoFault } from './undo.ts';
import type { Toxiproxy } from 'toxiproxy-node-client';

export interface NetworkPartitionDeps {
  readonly runtime: Runtime;
  readonly toxiproxy: Toxiproxy;
  readonly view: ClusterView;
  readonly ledger: Ledger;
  readonly random: Random;
  /** The proxy member whose address the links' packets go to. */
  readonly proxyMember: string;
  /** The proxy's listen port (inside the network) of the directed link from -> to. */
  readonly linkPort: (from: string, to: string) => number;
  readonly now?: () => number;
  readonly leaderWaitMs?: number;
}

/** What a network cut records to undo (faults/network-undo-steps.ts runs them from the ledger). */
export type NetworkUndoStep =
  | { readonly kind: 'reconnect'; readonly member: string; readonly endpoint: SavedEndpoint }
  | { readonly kind: 'remove-drop'; readonly member: string; readonly rule: DropRule };

function network(runtime: Runtime) {
  if (!runtime.network) throw new NemesisError('INVALID_FAULT', `the ${runtime.kind} runtime cannot cut links under the proxy (--partition network needs --runtime docker)`);
  return runtime.network;
}

/** Undo steps and the action for one grudge (to -> the nodes it drops traffic from). */
export async function networkCutPlan(grudge: ReadonlyMap<string, ReadonlySet<string>>, deps: NetworkPartitionDeps): Promise<{ undo: UndoStep[]; apply: () => Promise<void>; how: string }> {
  const net = network(deps.runtime);
  const all = [...grudge.keys()];
  const cutOff = (x: string) => all.every((y) => y === x || (grudge.get(x)?.has(y) && grudge.get(y)?.has(x)));
  const isolated = all.filter((x) => all.length > 1 && cutOff(x));
  const undo: UndoStep[] = [];
  const actions: (() => Promise<unknown>)[] = [];
  for (const member of isolated) {
    const endpoint = await net.endpoint(member);
    if (!endpoint) throw new NemesisError('INVALID_FAULT', `${member} is not on the cluster network`);
    undo.push({ kind: 'reconnect', member, endpoint });
    actions.push(() => net.disconnect(member));
  }
  const proxyAddress = await net.address(deps.proxyMember);
  let drops = 0;
  for (const [to, froms] of grudge) {
    for (const from of froms) {
      if (isolated.includes(to) || isolated.includes(from)) continue;
      if (!proxyAddress) throw new NemesisError('INVALID_FAULT', `the proxy (${deps.proxyMember}) has no address on the cluster network`);
      const rule: DropRule = { chain: 'OUTPUT', args: ['-d', `${proxyAddress}/32`, '-p', 'tcp', '--dport', String(deps.linkPort(from, to))] };
      undo.push({ kind: 'remove-drop', member: from, rule });
      actions.push(() => net.addDrop(from, rule));
      drops++;
    }
  }
  if (undo.length === 0) throw new NemesisError('INVALID_FAULT', 'the partition cuts no link');
  const how = [isolated.length ? `disconnect ${isolated.join(', ')}` : '', drops ? `${drops} link drop rule(s)` : ''].filter(Boolean).join(' + ');
  return {
    undo, how,
    // All at once, so the partition takes effect as one event.
    apply: async () => {
      const results = await Promise.allSettled(actions.map((a) => a()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

let seq = 0;

/** Resolve the partition's roles, write the ledger, cut; on a failed cut, undo at once and rethrow. */
export async function injectNetworkPartition(fault: Extract<Fault, { kind: 'partition' }>, deps: NetworkPartitionDeps): Promise<AppliedFault> {
  const now = deps.now ?? Date.now;
  const needsLeader = ['isolate-leader', 'leader-minority', 'one-way'].includes(fault.shape);
  const snapshot = await takeSnapshot(deps.view, needsLeader ? (deps.leaderWaitMs ?? 5000) : 0);
  const p = resolvePartition(fault.shape, fault.nodes, snapshot, deps.random);
  const plan = await networkCutPlan(p.grudge, deps);
  const id = `f${now().toString(36)}-${process.pid}-n${++seq}`;
  const recorded: AppliedFault = {
    id, fault: { ...fault, via: 'network' }, describe: `${p.describe} (network: ${plan.how})`, nodes: p.nodes,
    grudge: grudgeRecord(p.grudge), appliedAtMs: now(), undo: plan.undo,
  };
  deps.ledger.recordInject(recorded);
  // Dated from when the cuts were sent: a disconnect's Engine call (60-110 ms) can outlast the
  // first missed heartbeats, and the cut cannot land before the request.
  const sentAtMs = now();
  try {
    await plan.apply();
  } catch (err) {
    const undone = await undoFault(recorded, deps);
    if (undone.errors.length === 0) deps.ledger.recordHealed(id);
    throw err;
  }
  return { ...recorded, appliedAtMs: sentAtMs };
}

/** The ledger's undo of a network cut; idempotent like every undo step. */
export async function networkUndoStep(step: NetworkUndoStep, runtime: Runtime): Promise<string> {
  const net = network(runtime);
  try {
    return await networkUndo(step, net);
  } catch (err) {
    // The cluster was taken down and its containers removed: no namespace, nothing cut.
    if (err instanceof RuntimeError && err.code === 'UNKNOWN_MEMBER') return `${step.member} no longer exists`;
    throw err;
  }
}

async function networkUndo(step: NetworkUndoStep, net: NetworkControl): Promise<string> {
  if (step.kind === 'reconnect') {
    const r = await net.reconnect(step.member, step.endpoint);
    return r === 'reconnected' ? `reconnected ${step.member} to ${step.endpoint.network}${step.endpoint.ipv4Address ? ` as ${step.endpoint.ipv4Address}` : ''}` : `${step.member} already on ${step.endpoint.network}`;
  }
  const r = await net.removeDrop(step.member, step.rule);
  return r === 'removed' ? `removed drop rule ${step.rule.args.join(' ')} in ${step.member}` : `drop rule ${step.rule.args.join(' ')} in ${step.member} already gone`;
}
