import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SimResult } from './simulation.ts';

export interface SeedRequest {
  readonly seed: number;
  readonly nodes: 3 | 5;
  readonly faultMs?: number;
}

/** A seed's end: its result, or why it gave none (it never returned, or its thread died). */
export type SeedOutcome =
  | { readonly seed: number; readonly nodes: 3 | 5; readonly result: SimResult }
  | { readonly seed: number; readonly nodes: 3 | 5; readonly result: null; readonly invariant: 'no-return' | 'thread-died'; readonly detail: string };

export interface RunSeedsOptions {
  /** Wall-clock bound per seed; a seed still running then is stopped and reported (a seed takes well under 1 s). */
  readonly budgetMs: number;
  /** Seeds run side by side in this many threads; results are still reported in seed order. */
  readonly jobs?: number;
  /** Heap bound of each thread, so a core that allocates forever fails its seed instead of the run. */
  readonly heapMb?: number;
  /** Called once per seed, in the order of `seeds`. */
  readonly onOutcome?: (o: SeedOutcome) => void;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** The worker module, loaded through tsx's hooks (a worker does not inherit the parent's --import). */
function spawnWorker(heapMb: number): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./seed-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
}

/** A started worker, once it has loaded the simulator (startup is not charged to a seed's budget). */
function readyWorker(heapMb: number): Promise<Worker> {
  const w = spawnWorker(heapMb);
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => { if (m === 'ready') { w.off('error', onError); resolve(w); } };
    const onError = (err: Error): void => reject(err);
    w.once('message', onMessage).once('error', onError);
  });
}

type Attempt = { readonly result: SimResult } | { readonly result: null; readonly invariant: 'no-return' | 'thread-died'; readonly detail: string };

/** One seed in `w`; on a timeout or a dead thread the worker is terminated (the caller drops it). */
function attempt(w: Worker, req: SeedRequest, budgetMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const done = (out: Attempt): void => {
      clearTimeout(timer);
      w.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (out.result === null) void w.terminate();
      resolve(out);
    };
    const timer = setTimeout(() => done({
      result: null, invariant: 'no-return',
      detail: `the seed did not finish within ${budgetMs} ms of wall-clock time, twice: a call into the core or the driver that never returns (an infinite loop)`,
    }), budgetMs);
    const onMessage = (result: SimResult): void => done({ result });
    const onError = (err: Error): void => done({ result: null, invariant: 'thread-died', detail: `the seed's thread died: ${err.message}` });
    const onExit = (code: number): void => done({ result: null, invariant: 'thread-died', detail: `the seed's thread exited with code ${code}` });
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
    w.postMessage(req);
  });
}

/**
 * Run seeds in worker threads, each under a wall-clock budget. The simulation itself stays
 * deterministic; only a seed that does not finish (the core looping inside one call, which no
 * event bound can interrupt) or kills its thread (out of memory) depends on the budget. Such a
 * seed is run once more in a fresh thread with twice the budget (a loaded machine is slow, not
 * stuck) and, if it fails again, reported as that seed's failure instead of hanging the run.
 */
export async function runSeeds(seeds: readonly SeedRequest[], o: RunSeedsOptions): Promise<SeedOutcome[]> {
  const outcomes: (SeedOutcome | undefined)[] = new Array(seeds.length);
  const heapMb = o.heapMb ?? 1024;
  let next = 0;
  let reported = 0;
  const flush = (): void => {
    while (reported < seeds.length && outcomes[reported] !== undefined) o.onOutcome?.(outcomes[reported++]!);
  };
  const lane = async (): Promise<void> => {
    let worker: Worker | null = null;
    try {
      while (next < seeds.length) {
        const at = next++;
        const req = seeds[at]!;
        let out: Attempt | null = null;
        for (const budgetMs of [o.budgetMs, 2 * o.budgetMs]) {
          worker ??= await readyWorker(heapMb);
          out = await attempt(worker, req, budgetMs);
          if (out.result !== null) break;
          worker = null;
        }
        outcomes[at] = { ...req, ...out! } as SeedOutcome;
        flush();
      }
    } finally {
      if (worker) await (worker as Worker).terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? defaultJobs()) }, lane));
  flush();
  return outcomes as SeedOutcome[];
}
