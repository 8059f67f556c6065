// The docker runtime reaches the CLIs only through its registration: every `--runtime docker`
// command is provided by register.ts, the justfile preloads it for every CLI, and without it a
// CLI says how to load it instead of failing obscurely.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { clusterCommand, healCommand } from '../common/runtime-commands.ts';
import { chaosCommand } from '../../chaos/runtime/chaos-command.ts';
import { benchTargetCommand } from '../../bench/cli/runtime-target.ts';

test('without register.ts nothing provides docker, and a CLI names the preload', () => {
  for (const c of [clusterCommand, healCommand, chaosCommand, benchTargetCommand]) assert.not.ok(c.provided('docker'), c.name);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'chaos/heal-cli.ts', '--runtime', 'docker'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /docker runtime is not registered in this process; run it as node --import tsx --import \.\/cluster\/containers\/register\.ts/);
});

test('register.ts provides every docker command, each a loadable handler', async () => {
  await import('./register.ts');
  for (const c of [clusterCommand, healCommand, chaosCommand, benchTargetCommand]) assert.ok(c.provided('docker'), c.name);
  // A usage error from the docker CLI itself proves the handler was loaded and called (no Docker needed).
  const err = await clusterCommand.run('docker', 'no-such-verb', []).then(() => null, (e: Error) => e.message);
  assert.match(err ?? '', /unknown command "no-such-verb" for --runtime docker/);
});

test('the justfile preloads register.ts for the ts and bench-generator commands', () => {
  const justfile = readFileSync(join(repoRoot, 'justfile'), 'utf8');
  for (const v of ['ts', 'gen']) assert.match(justfile, new RegExp(`^${v} := "node [^"]*--import tsx --import \\./cluster/containers/register\\.ts"`, 'm'), v);
});

test.run();
