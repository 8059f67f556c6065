// Both compose implementations accept the committed docker-compose.yml and a generated --nodes 5
// override on top of it: `docker compose` (v2 plugin) and Debian's `docker-compose` 1.29, the real
// binaries (`config -q` parses, interpolates and validates without touching the engine).
// tools/test-setup.d/20-docker.sh installs both. A missing binary fails under CI=true with the
// reason, and is a skip with the reason outside CI. A file with an unknown service key must be
// rejected by each, so a binary that accepted anything would fail here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../config.ts';
import { containerConfig } from './compose-file.ts';
import { committed, writeOverride } from './generated-files.ts';

interface Impl { readonly label: string; readonly command: string; readonly prefix: readonly string[] }
const impls: readonly Impl[] = [
  { label: 'docker compose (v2)', command: 'docker', prefix: ['compose'] },
  { label: 'docker-compose (1.29)', command: 'docker-compose', prefix: [] },
];

// Without BuildKit variables (1.29 fails with them set), and no project/file variables from the caller.
const env: NodeJS.ProcessEnv = { ...process.env };
for (const k of ['DOCKER_BUILDKIT', 'COMPOSE_DOCKER_CLI_BUILD', 'COMPOSE_FILE', 'COMPOSE_PROJECT_NAME']) delete env[k];

function config(impl: Impl, files: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(impl.command, [...impl.prefix, '-p', 'composecheck', ...files.flatMap((f) => ['-f', f]), 'config', '-q'],
    { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.error ? null : r.status, out: `${r.error?.message ?? ''}${r.stderr ?? ''}${r.stdout ?? ''}`.trim() };
}

function version(impl: Impl): string | null {
  const r = spawnSync(impl.command, [...impl.prefix, 'version'], { env, encoding: 'utf8', timeout: 20_000 });
  return !r.error && r.status === 0 ? r.stdout.trim().split('\n')[0]! : null;
}

const dir = mkdtempSync(join(tmpdir(), 'compose-config-'));
const override = writeOverride(join(dir, 'override'), containerConfig(5));
const broken = join(dir, 'broken.yml');
writeFileSync(broken, 'services:\n  node1:\n    no_such_key: 1\n');

for (const impl of impls) {
  const v = version(impl);
  if (v === null) {
    const reason = `${impl.label} does not run here (\`${[impl.command, ...impl.prefix].join(' ')} version\` failed); tools/test-setup.d/20-docker.sh installs it`;
    if (process.env.CI === 'true') test(`${impl.label} accepts the compose files`, () => { assert.unreachable(reason); });
    else {
      console.log(`[skip] ${reason}`);
      test.skip(`${impl.label} accepts the compose files`, () => {});
    }
    continue;
  }

  test(`${impl.label} accepts docker-compose.yml (${v})`, () => {
    const r = config(impl, [committed.compose]);
    assert.is(r.status, 0, r.out);
  });

  test(`${impl.label} accepts docker-compose.yml + the generated --nodes 5 override`, () => {
    const r = config(impl, [committed.compose, override]);
    assert.is(r.status, 0, r.out);
  });

  test(`${impl.label} rejects a service with an unknown key (the check is real)`, () => {
    const r = config(impl, [committed.compose, broken]);
    assert.is.not(r.status, 0, 'an unknown key was accepted');
    assert.match(r.out, /no_such_key/);
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
