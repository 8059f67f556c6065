/**
 * A base image made without a registry: the host's own `node` binary with the libraries `ldd`
 * lists, Debian's static busybox (for /bin/sh and RUN steps), and a `node` user, imported as one
 * layer (`docker import`). It stands in for node:20-bookworm-slim where no registry answers; the
 * project's node_modules come from the host, so the same node and glibc run them.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './exec.ts';

export const offlineBaseTag = 'raft-chaos-base:offline';

/** The shared libraries a binary loads, as absolute paths (the loader included). */
export function sharedLibraries(binary: string): string[] {
  const out = run('ldd', [binary]);
  const paths = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) paths.add(m[1]!);
  }
  return [...paths];
}

/** Debian's busybox-static binary: the host's if installed, else fetched with apt-get download. */
function busyboxBinary(work: string): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(p) && run('file', ['-L', p]).includes('statically linked')) return p;
  }
  const dl = join(work, 'deb');
  mkdirSync(dl, { recursive: true });
  run('apt-get', ['download', 'busybox-static'], { cwd: dl });
  const deb = readdirSync(dl).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download busybox-static left no .deb');
  run('dpkg-deb', ['-x', join(dl, deb), join(dl, 'x')]);
  return join(dl, 'x', 'bin', 'busybox');
}

function copyInto(root: string, path: string, as: string = path): void {
  mkdirSync(join(root, dirname(as)), { recursive: true });
  copyFileSync(path, join(root, as)); // follows symlinks: the image gets the file itself
  chmodSync(join(root, as), 0o755);
}

/** Builds the rootfs and imports it as `tag`; returns the image id. */
export function buildOfflineBase(tag = offlineBaseTag, nodeBinary = process.execPath): string {
  const work = mkdtempSync(join(tmpdir(), 'raft-chaos-base-'));
  try {
    const root = join(work, 'root');
    copyInto(root, nodeBinary, '/usr/local/bin/node');
    for (const lib of sharedLibraries(nodeBinary)) copyInto(root, lib);
    copyInto(root, busyboxBinary(work), '/bin/busybox');
    const applets = run(join(root, 'bin', 'busybox'), ['--list']).split('\n').filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== 'busybox');
    for (const a of applets) if (!existsSync(join(root, 'bin', a))) symlinkSync('busybox', join(root, 'bin', a));
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
    writeFileSync(join(root, 'etc', 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    for (const d of ['tmp', 'root', 'home/node', 'usr/bin']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    symlinkSync('/bin/env', join(root, 'usr', 'bin', 'env'));
    const tarball = join(work, 'root.tar');
    run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
    run('docker', ['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', '--change', 'CMD ["node"]', tarball, tag]);
    return run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]).trim();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
