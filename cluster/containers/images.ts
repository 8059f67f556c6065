/**
 * `just images [--offline|--online]`: the project image, and where no registry answers, local
 * stand-ins for the public ones (a base made from the host's node, the project's proxy as
 * toxiproxy, Debian's prometheus). The choice is written to <data>/docker/images.env, which
 * every `--runtime docker` command hands to compose.
 *
 * Auto (no flag): a public base already present is used; otherwise one `docker pull` of it
 * decides. --offline never asks a registry.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../config.ts';
import { buildOfflineBase, offlineBaseTag } from './base-image.ts';
import { defaultImages } from './compose-file.ts';
import { run, runInherit, works } from './exec.ts';

export const publicBase = 'node:20-bookworm-slim';
export const standIns = { toxiproxy: 'raft-chaos-toxiproxy:local', prometheus: 'raft-chaos-prometheus:local' } as const;

export interface ImageChoice {
  readonly BASE_IMAGE: string;
  readonly PROJECT_IMAGE: string;
  readonly TOXIPROXY_IMAGE: string;
  readonly PROMETHEUS_IMAGE: string;
  readonly GRAFANA_IMAGE: string;
}

// The classic builder: compose 1.29 fails with BuildKit set, and no buildx plugin is needed.
const buildEnv = { ...process.env, DOCKER_BUILDKIT: '0' };

export function imageExists(ref: string): boolean {
  return works('docker', ['image', 'inspect', ref]);
}

export function imageId(ref: string): string | null {
  try {
    return run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]).trim();
  } catch {
    return null;
  }
}

function registryAnswers(log: (l: string) => void): boolean {
  if (imageExists(publicBase)) return true;
  log(`images: asking a registry for ${publicBase} (use --offline to skip)`);
  try {
    run('docker', ['pull', publicBase], { timeoutMs: 60_000 });
    return true;
  } catch (err) {
    log(`images: no registry answered (${(err as Error).message.slice(0, 160)}); building offline`);
    return false;
  }
}

function prometheusBinary(work: string): string {
  if (existsSync('/usr/bin/prometheus')) return '/usr/bin/prometheus';
  const dl = join(work, 'deb');
  mkdirSync(dl, { recursive: true });
  run('apt-get', ['download', 'prometheus'], { cwd: dl });
  const deb = readdirSync(dl).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download prometheus left no .deb');
  run('dpkg-deb', ['-x', join(dl, deb), join(dl, 'x')]);
  return join(dl, 'x', 'usr', 'bin', 'prometheus');
}

export async function buildImages(mode: 'auto' | 'offline' | 'online', log: (l: string) => void = console.log): Promise<ImageChoice> {
  if (!existsSync(join(repoRoot, 'node_modules', 'tsx'))) throw new Error('node_modules is missing: run npm ci first (the image copies it)');
  const online = mode === 'online' || (mode === 'auto' && registryAnswers(log));
  let base = publicBase;
  if (!online) {
    const t0 = Date.now();
    buildOfflineBase();
    base = offlineBaseTag;
    log(`images: ${offlineBaseTag} from the host's node ${process.version} + busybox in ${Date.now() - t0} ms`);
  }
  const t1 = Date.now();
  // PROJECT_IMAGE names the tag: worktrees sharing one dockerd otherwise overwrite each other's image.
  const project = process.env.PROJECT_IMAGE || defaultImages.project;
  await runInherit('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '-t', project, '.'], { cwd: repoRoot, env: buildEnv });
  log(`images: ${project} on ${base} in ${Date.now() - t1} ms`);
  const choice: ImageChoice = {
    BASE_IMAGE: base, PROJECT_IMAGE: project,
    TOXIPROXY_IMAGE: online ? defaultImages.toxiproxy : standIns.toxiproxy,
    PROMETHEUS_IMAGE: online ? defaultImages.prometheus : standIns.prometheus,
    GRAFANA_IMAGE: defaultImages.grafana,
  };
  if (!online) {
    const work = mkdtempSync(join(tmpdir(), 'raft-chaos-images-'));
    try {
      run('docker', ['build', '-q', '--build-arg', `PROJECT_IMAGE=${project}`, '-t', standIns.toxiproxy, '-f', join(repoRoot, 'cluster', 'containers', 'toxiproxy.Dockerfile'), work], { env: buildEnv });
      copyFileSync(prometheusBinary(work), join(work, 'prometheus'));
      run('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '-t', standIns.prometheus, '-f', join(repoRoot, 'monitoring', 'containers', 'prometheus.Dockerfile'), work], { env: buildEnv });
      log(`images: stand-ins ${standIns.toxiproxy} (the project's proxy) and ${standIns.prometheus} (Debian's binary); grafana needs a registry (profile "grafana")`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return choice;
}

export function writeImagesEnv(path: string, choice: ImageChoice): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${Object.entries(choice).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
}
