// The seed fixes the schedule: the same seed draws the same faults in the same order, another seed another.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../cluster/common/rng.ts';
import type { AppliedFault, Fault } from '../nemesis/fault.ts';
import type { ClusterView } from '../cluster-view.ts';
import type { TrialContext } from './experiment.ts';
import { randomMix } from './random-mix.ts';

/** Runs `trials` trials of the random mix against a stand-in cluster and returns the faults asked for. */
async function schedule(seed: number, trials: number): Promise<Fault[]> {
  const asked: Fault[] = [];
  const root = new Rng(seed);
  for (let trial = 1; trial <= trials; trial++) {
    const ctx: TrialContext = {
      trial, rng: root.fork(`trial-${trial}`), nodeIds: ['node1', 'node2', 'node3'], holdMs: 0, recoveryTimeoutMs: 10,
      faults: {
        inject: async (fault) => {
          asked.push(fault);
          return { id: `f${asked.length}`, fault, describe: fault.kind, nodes: ['node1'], appliedAtMs: Date.now(), undo: [] } satisfies AppliedFault;
        },
        heal: async () => undefined,
      },
      view: {} as ClusterView,
      leader: async () => ({ id: 'node1', term: trial }),
      waitForLeader: async () => ({ id: 'node2', term: trial + 1 }),
      waitForHealthy: async () => true,
      sleep: async () => undefined,
    };
    await randomMix.trial(ctx);
  }
  return asked;
}

test('same seed, same faults; another seed, another schedule', async () => {
  const a = await schedule(7, 12);
  const b = await schedule(7, 12);
  assert.is(a.length, 12);
  assert.equal(a, b);
  const c = await schedule(8, 12);
  assert.not.equal(JSON.stringify(a), JSON.stringify(c));
  // A dozen draws from seven experiments hit more than one kind of fault.
  assert.ok(new Set(a.map((f) => f.kind)).size > 1, JSON.stringify(a.map((f) => f.kind)));
});

test.run();
