import { readFileSync } from 'node:fs';
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
  /**
   * CPU-time bound per seed (a seed takes 0.1-2 s of CPU); a seed still running then is stopped
   * and reported. CPU time, not wall-clock: a machine shared by many jobs slows a seed ten-fold.
   */
  readonly budgetMs: number;
  /** Seeds run side by side in this many threads; results are still reported in seed order. */
  readonly jobs?: number;
  /** Heap bound of each thread, so a core that allocates forever fails its seed instead of the run. */
  readonly heapMb?: number;
  /** A module each worker imports before its first seed (tests only: it plants a bug in the core). */
  readonly preload?: URL;
  /** Called once per seed, in the order of `seeds`. */
  readonly onOutcome?: (o: SeedOutcome) => void;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** The worker module, loaded through tsx's hooks (a worker does not inherit the parent's --import). */
function spawnWorker(heapMb: number, preload: URL | undefined): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./seed-worker.ts', import.meta.url).href;
  const first = preload ? `.then(() => import(${JSON.stringify(preload.href)}))` : '';
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); })${first}.then(() => import(${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
}

interface Lane {
  readonly worker: Worker;
  /** CPU time used so far by the worker's thread (Linux), else by the whole process. */
  readonly cpuMs: () => number;
}

/** A started worker, once it has loaded the simulator (startup is not charged to a seed's budget). */
function readyWorker(heapMb: number, jobs: number, preload: URL | undefined): Promise<Lane> {
  const w = spawnWorker(heapMb, preload);
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready: true; tid: number | null }): void => {
      w.off('error', onError);
      resolve({ worker: w, cpuMs: m.tid !== null ? () => threadCpuMs(m.tid!) : () => processCpuMs() / jobs });
    };
    const onError = (err: Error): void => reject(err);
    w.once('message', onMessage).once('error', onError);
  });
}

/** utime + stime of one thread, from /proc (clock ticks of 10 ms); the process's if it cannot be read. */
function threadCpuMs(tid: number): number {
  try {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return processCpuMs();
  }
}

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

type Attempt = { readonly result: SimResult } | { readonly result: null; readonly invariant: 'no-return' | 'thread-died'; readonly detail: string };

/** One seed in the lane's worker; on a timeout or a dead thread the worker is terminated (the caller drops it). */
function attempt(lane: Lane, req: SeedRequest, budgetMs: number): Promise<Attempt> {
  const w = lane.worker;
  const cpuAtStart = lane.cpuMs();
  return new Promise((resolve) => {
    const done = (out: Attempt): void => {
      clearInterval(timer);
      w.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (out.result === null) void w.terminate();
      resolve(out);
    };
    const timer = setInterval(() => {
      const used = lane.cpuMs() - cpuAtStart;
      if (used <= budgetMs) return;
      done({
        result: null, invariant: 'no-return',
        detail: `the seed used more than ${budgetMs} ms of CPU time without finishing: a call into the core or the driver that never returns (an infinite loop)`,
      });
    }, 250);
    const onMessage = (result: SimResult): void => done({ result });
    const onError = (err: Error): void => done({ result: null, invariant: 'thread-died', detail: `the seed's thread died: ${err.message}` });
    const onExit = (code: number): void => done({ result: null, invariant: 'thread-died', detail: `the seed's thread exited with code ${code}` });
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
    w.postMessage(req);
  });
}

/**
 * Run seeds in worker threads, each under a CPU-time budget. The simulation itself stays
 * deterministic; a seed that does not finish (the core looping inside one call, which no event
 * bound can interrupt) or kills its thread (out of memory) is reported as that seed's failure
 * instead of hanging the run.
 */
export async function runSeeds(seeds: readonly SeedRequest[], o: RunSeedsOptions): Promise<SeedOutcome[]> {
  const outcomes: (SeedOutcome | undefined)[] = new Array(seeds.length);
  const heapMb = o.heapMb ?? 1024;
  let next = 0;
  let reported = 0;
  const flush = (): void => {
    // The index moves outside the optional call: `onOutcome?.(outcomes[reported++])` skips its
    // argument, increment included, when no callback is given, and this loop then never ends.
    while (reported < seeds.length && outcomes[reported] !== undefined) {
      const outcome = outcomes[reported++]!;
      o.onOutcome?.(outcome);
    }
  };
  const jobs = Math.max(1, o.jobs ?? defaultJobs());
  const runLane = async (): Promise<void> => {
    let lane: Lane | null = null;
    try {
      while (next < seeds.length) {
        const at = next++;
        const req = seeds[at]!;
        lane ??= await readyWorker(heapMb, jobs, o.preload);
        const out = await attempt(lane, req, o.budgetMs);
        if (out.result === null) lane = null;
        outcomes[at] = { ...req, ...out } as SeedOutcome;
        flush();
      }
    } finally {
      if (lane) await (lane as Lane).worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: jobs }, runLane));
  flush();
  return outcomes as SeedOutcome[];
}
