// Worker side of run-seeds.ts: runs one seed per request and posts its result back. Kept in a
// thread of its own so a core that never returns (an infinite loop inside one step) can be
// stopped from outside and reported as that seed's failure.
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { runSimulation } from './simulation.ts';
import type { SeedRequest } from './run-seeds.ts';

/** This thread's id on Linux (/proc/thread-self -> /proc/<pid>/task/<tid>), so the parent can read its CPU time. */
function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

parentPort!.postMessage({ ready: true, tid: threadId() });
parentPort!.on('message', (req: SeedRequest) => {
  const result = runSimulation({ seed: req.seed, nodes: req.nodes, ...(req.faultMs === undefined ? {} : { faultMs: req.faultMs }) });
  parentPort!.postMessage(result);
});
