// What the container tests share: why Docker cannot run here (null when it can), and a run of
// free host ports for a compose cluster's published ports.
import { join } from 'node:path';
import { createServer } from 'node:net';
import Docker from 'dockerode';
import { repoRoot } from '../config.ts';
import { readImagesEnv } from './docker-cluster.ts';
import { imageExists } from './images.ts';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free run of `count` consecutive ports (the nodes' published ports are consecutive), above the local tests' range. */
export async function freeDockerPorts(count: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const base = 31000 + Math.floor(Math.random() * 8000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free run of ports');
}

/** Why the container tests cannot run here, in one line; null when dockerd answers and the project image exists. */
export async function dockerUnavailable(): Promise<string | null> {
  try {
    await Promise.race([new Docker().ping(), new Promise((_, r) => setTimeout(() => r(new Error('no answer in 5 s')), 5000))]);
  } catch (err) {
    return `dockerd does not answer (${(err as Error).message}); start it or run tools/test-setup.d/20-docker.sh`;
  }
  const project = readImagesEnv(join(repoRoot, 'data', 'docker'))?.PROJECT_IMAGE ?? 'raft-chaos:local';
  return imageExists(project) ? null : `image ${project} is missing; run: npx just images --offline`;
}
