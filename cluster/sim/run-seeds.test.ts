import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runSeeds } from './run-seeds.ts';
import { runSimulation } from './simulation.ts';

test('a core that never returns fails its seed (no-return) and the next seed still runs', async () => {
  const out = await runSeeds([{ seed: 1, nodes: 3 }, { seed: 2, nodes: 3 }], {
    budgetMs: 1_500, jobs: 1, preload: new URL('./fixtures/plant-endless-loop.ts', import.meta.url),
  });
  assert.is(out.length, 2);
  for (const o of out) {
    assert.is(o.result, null, `seed ${o.seed} should not have finished`);
    if (o.result === null) {
      assert.is(o.invariant, 'no-return');
      assert.match(o.detail, /CPU time/);
    }
  }
});

test('seeds in worker threads give the same results as in-process runs, in seed order', async () => {
  const seen: number[] = [];
  const out = await runSeeds([{ seed: 7, nodes: 3 }, { seed: 8, nodes: 5 }, { seed: 9, nodes: 3 }], { budgetMs: 60_000, jobs: 2, onOutcome: (o) => seen.push(o.seed) });
  assert.equal(seen, [7, 8, 9]);
  assert.equal(out[0]!.result, runSimulation({ seed: 7, nodes: 3 }));
  assert.equal(out[1]!.result, runSimulation({ seed: 8, nodes: 5 }));
});

test.run();
