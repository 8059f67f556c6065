import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runSeeds } from './run-seeds.ts';
import type { SeedOutcome } from './run-seeds.ts';
import { runSimulation } from './simulation.ts';

// Imported only into the workers: from its 500th tick a node spins inside tick() forever.
const endlessCore = new URL('./fixtures/plant-endless-loop.ts', import.meta.url);

function assertNoReturn(o: SeedOutcome): void {
  assert.is(o.result, null, `seed ${o.seed} should not have finished`);
  if (o.result === null) {
    assert.is(o.invariant, 'no-return');
    assert.match(o.detail, /CPU time/);
  }
}

test('seeds in worker threads give the same results as in-process runs, in seed order', async () => {
  const seen: number[] = [];
  const out = await runSeeds([{ seed: 7, nodes: 3 }, { seed: 8, nodes: 5 }, { seed: 9, nodes: 3 }], { budgetMs: 60_000, jobs: 2, onOutcome: (o) => seen.push(o.seed) });
  assert.equal(seen, [7, 8, 9]);
  assert.equal(out[0]!.result, runSimulation({ seed: 7, nodes: 3 }));
  assert.equal(out[1]!.result, runSimulation({ seed: 8, nodes: 5 }));
});

// Without onOutcome: the case that once spun forever in the result queue, after the first seed ended.
test('a core that never returns fails its seed (no-return) and the next seed still runs', async () => {
  const out = await runSeeds([{ seed: 1, nodes: 3 }, { seed: 2, nodes: 3 }], { budgetMs: 1_500, jobs: 1, preload: endlessCore });
  assert.equal(out.map((o) => o.seed), [1, 2]);
  for (const o of out) assertNoReturn(o);
});

test('a process whose seeds never return ends by itself once they are reported', () => {
  // A worker left running would keep the child alive; the kill timeout only turns a hang into a failure.
  const script = `
    import { runSeeds } from ${JSON.stringify(new URL('./run-seeds.ts', import.meta.url).href)};
    const out = await runSeeds([{ seed: 3, nodes: 3 }, { seed: 4, nodes: 5 }], { budgetMs: 1_500, jobs: 2, preload: new URL(${JSON.stringify(endlessCore.href)}) });
    console.log(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  assert.is(child.signal, null, `the child did not exit by itself: ${child.stderr}`);
  assert.is(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as SeedOutcome[];
  assert.equal(out.map((o) => o.seed), [3, 4]);
  for (const o of out) assertNoReturn(o);
});

test.run();
