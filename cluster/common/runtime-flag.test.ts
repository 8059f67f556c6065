// --runtime and --partition are parsed before anything starts: bad values are one line and a
// usage exit, and --partition network is refused without the docker runtime.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { takeRuntimeFlag } from './runtime-flag.ts';

test('takeRuntimeFlag takes the flag out and defaults to local', () => {
  assert.equal(takeRuntimeFlag(['up', '--nodes', '5']), { runtime: 'local', rest: ['up', '--nodes', '5'] });
  assert.equal(takeRuntimeFlag(['--runtime', 'docker', '--nodes', '5']), { runtime: 'docker', rest: ['--nodes', '5'] });
  assert.equal(takeRuntimeFlag(['--runtime=docker']), { runtime: 'docker', rest: [] });
  assert.throws(() => takeRuntimeFlag(['--runtime', 'k8s']), /local or docker, got "k8s"/);
  assert.throws(() => takeRuntimeFlag(['--runtime']), /needs a value/);
});

const chaos = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'chaos/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

test('chaos: --partition network without --runtime docker is a usage error, and so are bad values', () => {
  const noDocker = chaos('partition-leader', '--partition', 'network');
  assert.is(noDocker.status, 64, noDocker.stderr);
  assert.match(noDocker.stderr, /--partition network .* needs --runtime docker/);
  const bad = chaos('partition-leader', '--runtime', 'docker', '--partition', 'iptables');
  assert.is(bad.status, 64);
  assert.match(bad.stderr, /--partition must be proxy or network/);
  const badRuntime = chaos('leader-kill', '--runtime', 'podman');
  assert.is(badRuntime.status, 64);
  assert.match(badRuntime.stderr, /--runtime must be local or docker/);
});

test('local cluster cli: an unknown runtime is one line and exit 64', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cluster/local/cli.ts', 'status', '--runtime', 'vm'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 64);
  assert.match(r.stderr.trim(), /^error: --runtime must be local or docker, got "vm"$/);
});

test.run();
