// Bad invocations of `just bench`: one line on stderr, exit 64, nothing on stdout, and not one
// request sent — checked with a counting server as the target (even the target probe counts).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerOk, closedPort, startServer } from '../test-servers.ts';
import { benchCli } from './test-spawn.ts';
import type { CliRun } from './test-spawn.ts';

const server = await startServer(answerOk);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-bad-input-'));
const nowhere = await closedPort();
// No cluster answers at the default target, so a run that got past parsing would start one in
// dataDir's place; none may.
const env = { GATEWAY_PORT: String(nowhere), RAFT_DATA_DIR: dataDir };

test.after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function refused(run: CliRun, pattern: RegExp): void {
  assert.is(run.code, 64, `exit ${run.code}; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.is(run.stdout, '', 'nothing on stdout');
  const lines = run.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, pattern);
}

const cases: [string[], RegExp][] = [
  [['fast'], /^error: unknown scenario "fast"/],
  [['abcrps'], /^error: malformed rate "abcrps"/],
  [['0rps'], /rate must be above 0/],
  [['500rps', '--duration', '-5s'], /--duration .*cannot be negative/],
  [['500rps', '--duration=-5s'], /--duration .*cannot be negative/],
  [['soak', '--duration', '-10m'], /--duration .*cannot be negative/],
  [['500rps', '--duration', '30'], /--duration must be a duration with a unit/],
  [['500rps', '--slo', 'p99<10'], /bad --slo rule "p99<10"/],
  [['500rps', '--slo', 'p99<10ms,errors<lots'], /bad --slo rule "errors<lots"/],
  [['max', '--rates', '100,200'], /--rates does not apply to max/],
  [['500rps', '--workload', 'scan'], /unknown --workload "scan"/],
  [['500rps', '--frobnicate'], /frobnicate/],
];

test('bad input: exit 64, one line, nothing sent to the target', async () => {
  for (const [args, pattern] of cases) {
    refused(await benchCli([...args, '--target', server.url], env), pattern);
  }
  assert.is(server.arrivalsMs.length, 0, 'the target received requests');
});

test('bad input without --target starts no cluster', async () => {
  refused(await benchCli(['abcrps'], env), /malformed rate/);
  assert.equal(readdirSync(dataDir), [], 'nothing written to the data dir');
});

test('an unreachable --target: exit 64, one line, before any run folder', async () => {
  const run = await benchCli(['200rps', '--duration', '3s', '--target', `http://127.0.0.1:${nowhere}`], env);
  refused(run, new RegExp(`target http://127.0.0.1:${nowhere} is unreachable \\(ECONNREFUSED\\); nothing was sent`));
});

test('a --target that answers but is neither a gateway nor a node is refused the same way', async () => {
  const before = server.arrivalsMs.length;
  const run = await benchCli(['200rps', '--duration', '3s', '--target', server.url], env);
  refused(run, /is unreachable \(GET \/api\/status did not answer JSON/);
  assert.is(server.arrivalsMs.length - before, 2, 'only the probe reached it (GET /api/status, then GET /raft/status)');
});

test.run();
