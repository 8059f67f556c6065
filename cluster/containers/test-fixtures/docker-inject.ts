// A chaos runner that injects faults into the docker cluster and then hangs, for the tests that
// SIGKILL it: node --import tsx cluster/containers/test-fixtures/docker-inject.ts '<Fault[] json>' [proxy|network]
// Prints the AppliedFault[] as one JSON line once every fault is in.
import { dockerDir, readRecord } from '../docker-cluster.ts';
import { openDockerTarget } from '../docker-target.ts';
import type { Fault, PartitionVia } from '../../../chaos/nemesis/fault.ts';

// Referenced from the start: undici can leave a request to a published port on an unreferenced
// socket, and node would exit mid-await (code 13) before the faults are in.
setInterval(() => {}, 60_000);
const faults = JSON.parse(process.argv[2] ?? '[]') as Fault[];
const via = (process.argv[3] ?? 'network') as PartitionVia;
const dir = dockerDir();
const record = readRecord(dir);
if (!record) throw new Error(`no docker cluster recorded in ${dir}`);
const { target } = await openDockerTarget(record, dir, 42, via);
const applied = [];
for (const f of faults) applied.push(await target.nemesis.inject(f));
console.log(JSON.stringify(applied));

