// The gateway workloads a scenario can drive, as request builders of the request index.
//   write     POST /api/write {data, source}: an append to the replicated log
//   kv-read   GET /api/kv/:key over a fixed key set (linearizable reads through the leader)
//   kv-mixed  90% kv-read, 10% PUT /api/kv/:key on the same key set
//   kv-write  PUT /api/kv/:key over 1,000 keys: the operation the etcd reference does (puts of
//             100-byte values over 1,000 keys), so `--alternate etcd` compares like with like;
//             `write` appends records, a state that grows with every request
// Read workloads need their keys to exist (a missing key answers 404, an error): prepareWorkload
// writes them once before the measured run, outside of any histogram.
import { request } from 'undici';
import type { RequestBuilder } from '../request-spec.ts';

export const workloadNames = ['write', 'kv-read', 'kv-mixed', 'kv-write'] as const;
export type WorkloadName = (typeof workloadNames)[number];

export const keyCount = 100;
/** 100 bytes of data per write, like the storage bench's entries. */
const payload = 'x'.repeat(100);
const json = { 'content-type': 'application/json' };
const keyOf = (i: number): string => `bench-${i % keyCount}`;
/** As many keys as the etcd reference writes (bench/etcd/etcd-target.ts). */
export const writeKeyCount = 1000;
const putBody = `{"value":"${payload}"}`;

export class WorkloadPrepareError extends Error {
  readonly code = 'BENCH_WORKLOAD_PREPARE';
}

export function workloadRequests(name: WorkloadName): RequestBuilder {
  switch (name) {
    case 'write':
      return () => ({ method: 'POST', path: '/api/write', headers: json, body: `{"data":"${payload}","source":"bench"}` });
    case 'kv-read':
      return (i) => ({ method: 'GET', path: `/api/kv/${keyOf(i)}` });
    case 'kv-mixed':
      // Every tenth request writes; the key stride differs from reads so writes spread over keys.
      return (i) => (i % 10 === 0
        ? { method: 'PUT', path: `/api/kv/${keyOf(i / 10)}`, headers: json, body: putBody }
        : { method: 'GET', path: `/api/kv/${keyOf(i)}` });
    case 'kv-write':
      return (i) => ({ method: 'PUT', path: `/api/kv/bench-w${i % writeKeyCount}`, headers: json, body: putBody });
  }
}

/** Writes the key set for read workloads, a few at a time; bounded by timeoutMs per request. */
export async function prepareWorkload(name: WorkloadName, target: string, signal: AbortSignal, timeoutMs = 10_000): Promise<void> {
  // Writes need no keys to exist.
  if (name === 'write' || name === 'kv-write') return;
  const concurrency = 8;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keyCount && !signal.aborted) {
      const key = `bench-${next++}`;
      const res = await request(`${target}/api/kv/${key}`, {
        method: 'PUT', headers: json, body: putBody,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await res.body.text();
      if (res.statusCode >= 400) throw new WorkloadPrepareError(`writing key ${key} for ${name} failed: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
