// A 3-member etcd cluster on 127.0.0.1 for reference runs: Debian's etcd-server (3.4), default
// settings (fsync on every commit, 100 ms heartbeat), members' data in one temp dir removed on
// stop. Members are killed if this process exits without stopping them. With `tls`, client and
// peer ports speak only mutual TLS, with a CA and per-member certificates made like the
// cluster's own (cluster/auth/cluster-certs.ts, openssl) in that temp dir, plus one for the bench.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { ensureClusterCerts, readNodeTls, tlsDir } from '../../cluster/auth/cluster-certs.ts';
import { UsageError } from '../../cluster/common/cli-usage.ts';
import { findFreePortRange } from '../../cluster/local/port-check.ts';

export interface EtcdMember { name: string; clientUrl: string; pid: number }

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly version: string;
  readonly dataDir: string;
  /** With tls: the bench's client certificate and the CA (members refuse clients without one). */
  readonly clientTls: { ca: Buffer; cert: Buffer; key: Buffer } | null;
  /** The member that leads now (a put there takes no forwarding hop). */
  leader(): Promise<EtcdMember>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

/** `etcd --version`'s first line, or a usage error naming the package when etcd is missing. */
export function etcdVersion(binary = 'etcd'): string {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new UsageError(`${binary} not found or not runnable: install Debian's etcd-server (apt-get install etcd-server); nothing was sent`);
  return /etcd Version: (\S+)/.exec(r.stdout)?.[1] ?? r.stdout.split('\n')[0]!.trim();
}

/**
 * Why a member stopped, in one line, from its log: the first zap entry at level error or worse
 * ("msg: error"), else the first plain-text line (a flag error comes before the usage text).
 */
export function failureFromLog(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      if (j.level === 'error' || j.level === 'fatal' || j.level === 'panic') return [j.msg, j.error].filter(Boolean).join(': ');
    } catch { /* not JSON after all */ }
  }
  return (lines.find((l) => !l.startsWith('{')) ?? '').slice(0, 300);
}

function failureOf(path: string): string {
  try { return failureFromLog(readFileSync(path, 'utf8')); } catch { return ''; }
}

async function postJson(url: string, body: unknown, dispatcher: Agent | undefined, timeoutMs = 1000): Promise<Record<string, any>> {
  const res = await request(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), ...(dispatcher ? { dispatcher } : {}) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  return JSON.parse(text) as Record<string, any>;
}

/** The name of the bench's own client certificate under an etcd-tls run's CA. */
export const etcdBenchClientName = 'bench-client';

export async function startEtcdCluster(size = 3, binary = 'etcd', readyTimeoutMs = 20_000, extraFlags: readonly string[] = [], tls = false): Promise<EtcdCluster> {
  const version = etcdVersion(binary);
  const base = await findFreePortRange(2 * size);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-etcd-'));
  const names = Array.from({ length: size }, (_, i) => `etcd${i + 1}`);
  const scheme = tls ? 'https' : 'http';
  let clientTls: EtcdCluster['clientTls'] = null;
  let dispatcher: Agent | undefined;
  if (tls) {
    try {
      ensureClusterCerts(dataDir, [...names, etcdBenchClientName], '127.0.0.1', `etcd-${base}`);
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    clientTls = readNodeTls(dataDir, etcdBenchClientName);
    dispatcher = new Agent({ connect: { ...clientTls } });
  }
  const tlsFlags = (name: string): string[] => {
    if (!tls) return [];
    const dir = tlsDir(dataDir);
    const [ca, cert, key] = [join(dir, 'ca.crt'), join(dir, `${name}.crt`), join(dir, `${name}.key`)];
    return ['--cert-file', cert, '--key-file', key, '--trusted-ca-file', ca, '--client-cert-auth',
      '--peer-cert-file', cert, '--peer-key-file', key, '--peer-trusted-ca-file', ca, '--peer-client-cert-auth'];
  };
  const peerUrl = (i: number): string => `${scheme}://127.0.0.1:${base + size + i}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const children: ChildProcess[] = [];
  const members: EtcdMember[] = names.map((name, i) => {
    const clientUrl = `${scheme}://127.0.0.1:${base + i}`;
    mkdirSync(join(dataDir, name));
    const log = openSync(join(dataDir, `${name}.log`), 'a');
    const child = spawn(binary, [
      '--name', name, '--data-dir', join(dataDir, name),
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl(i), '--initial-advertise-peer-urls', peerUrl(i),
      '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `bench-${base}`,
      '--logger', 'zap', '--log-level', 'warn', ...tlsFlags(name), ...extraFlags,
    ], { stdio: ['ignore', log, log] });
    children.push(child);
    live.add(child);
    return { name, clientUrl, pid: child.pid! };
  });
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) { resolve(); return; }
      const force = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => { clearTimeout(force); resolve(); });
      c.kill('SIGTERM');
    })));
    for (const c of children) live.delete(c);
    await dispatcher?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const leader = async (): Promise<EtcdMember> => {
    for (const m of members) {
      const st = await postJson(`${m.clientUrl}/v3/maintenance/status`, {}, dispatcher).catch(() => null);
      if (st !== null && st.leader !== undefined && st.leader === st.header?.member_id) return m;
    }
    throw new Error('no etcd member leads');
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const exited = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (exited) {
      const name = members[children.indexOf(exited)]!.name;
      const why = failureOf(join(dataDir, `${name}.log`));
      await stop();
      throw new Error(`etcd member ${name} exited during start${why ? `: ${why}` : ''}`);
    }
    const found = await leader().catch(() => null);
    // A leader is not enough: a put must go through (the members agree on the cluster).
    if (found && await postJson(`${found.clientUrl}/v3/kv/put`, { key: Buffer.from('bench-ready').toString('base64'), value: '' }, dispatcher).then(() => true, () => false)) {
      return { members, version, dataDir, clientTls, leader, stop };
    }
    if (Date.now() > deadline) { await stop(); throw new Error(`etcd cluster had no leader taking writes within ${readyTimeoutMs} ms`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}
