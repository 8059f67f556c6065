// just generate-history --out FILE [--clients 50] [--ops 2000] [--keys 10] [--seed N] [--anomaly none|stale-read|lost-write|never-written]
// A seeded kv history in Jepsen's kv log format (no info calls, as Porcupine's kv test parser
// reads none), linearizable by construction or with one planted anomaly. Prints the seed first.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../cluster/common/rng.ts';
import { formatJepsenKv } from './format-jepsen-kv.ts';
import { generateHistory } from './history-generator.ts';
import { ANOMALIES, plantAnomaly } from './plant-anomaly.ts';
import type { Anomaly } from './plant-anomaly.ts';

const USAGE = `usage: just generate-history --out FILE [--clients N] [--ops N] [--keys N] [--seed N] [--anomaly none|${ANOMALIES.join('|')}]`;

function fail(message: string): never {
  process.stderr.write(`generate-history: ${message}\n${USAGE}\n`);
  process.exit(64);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      out: { type: 'string' }, clients: { type: 'string' }, ops: { type: 'string' }, keys: { type: 'string' },
      seed: { type: 'string' }, anomaly: { type: 'string' },
    },
  }));
} catch (e) {
  fail((e as Error).message.split('\n')[0]!);
}
const whole = (name: string, fallback: number, min: number): number => {
  const text = (values as Record<string, string | undefined>)[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) fail(`--${name} must be a whole number >= ${min}, got ${text}`);
  return n;
};
if (values.out === undefined) fail('missing --out');
const clients = whole('clients', 50, 1);
const ops = whole('ops', 2000, 1);
const keys = whole('keys', 10, 1);
const seed = whole('seed', Math.floor(Math.random() * 2 ** 31), 0);
const anomaly = values.anomaly ?? 'none';
if (anomaly !== 'none' && !(ANOMALIES as readonly string[]).includes(anomaly)) fail(`unknown --anomaly ${anomaly}`);
console.log(`seed ${seed}`);

const random = seededRandom(seed);
let events = generateHistory({ workload: 'kv', ops, clients, keys, infoRate: 0, jepsenKvShape: true, random });
if (anomaly !== 'none') {
  const planted = plantAnomaly(events, anomaly as Anomaly, Math.floor(random() * 2 ** 31));
  if (planted === null) fail(`this history has no place for a ${anomaly} (try more ops or another seed)`);
  events = planted;
}
writeFileSync(values.out, formatJepsenKv(events));
console.log(`${values.out}: ${ops} ops, ${clients} clients, ${keys} keys, anomaly ${anomaly}`);
