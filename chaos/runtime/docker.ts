/**
 * The Runtime over the containers of one compose project, through dockerode (the Engine API on
 * /var/run/docker.sock or DOCKER_HOST).
 *
 * Exports: `DockerRuntime` (implements Runtime), `DockerRuntimeOptions`, `composeLabels`.
 *
 * Members are compose services, found by the labels com.docker.compose.project and
 * com.docker.compose.service, never by container name (compose 1.x names them proj_svc_1,
 * 2.x proj-svc-1). Each call looks the container up again, so a runtime built by a later
 * process (`just heal`, the next runner) controls what an earlier one touched.
 *
 * Same idempotence as the local runtime (the ledger's undo relies on it): start of a running or
 * paused member, resume of one that is not paused, stop/kill of one that is not running all
 * succeed without doing anything; pause of a stopped member fails.
 *
 * `network` cuts links under the proxy: disconnect/reconnect from the cluster network (with
 * the endpoint's aliases and fixed address saved, or it would come back nameless on a new IP),
 * and one-way drops as iptables rules inside a container's network namespace (nsenter).
 */
import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RuntimeError, type DropRule, type MemberInfo, type MemberState, type NetworkControl, type Runtime, type SavedEndpoint } from './runtime.ts';

const execFileAsync = promisify(execFile);

export const composeLabels = { project: 'com.docker.compose.project', service: 'com.docker.compose.service', oneoff: 'com.docker.compose.oneoff' } as const;

export interface DockerRuntimeOptions {
  readonly docker?: Docker;
  /** The compose project name (`-p`). */
  readonly project: string;
  /** The services that are members (nodes, gateway, toxiproxy); others in the project are ignored. */
  readonly services: readonly string[];
  /** The compose network the cluster talks on, without the project prefix (docker-compose.yml: raft). */
  readonly network: string;
  /** Seconds a graceful stop waits before SIGKILL. Default 5. */
  readonly stopTimeoutS?: number;
  /** Where a member's data lives on the host (a bind mount), null when not reachable: Runtime.dataDir. */
  readonly dataDir?: (service: string) => string | null;
  /**
   * Runs before a stopped member is started: the host may have written into its data as another
   * user (a power cut rewrites files as root), so ownership is given back to the container's user.
   */
  readonly beforeStart?: (service: string) => void;
}

export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  readonly docker: Docker;
  readonly network: NetworkControl;
  /**
   * When the last kill/stop/pause of each member took effect. An Engine call takes 100-500 ms
   * to return, longer than an election: a kill or stop is dated by the container's own exit
   * time (State.FinishedAt), a pause (13-85 ms) by when it was sent.
   */
  readonly issuedAtMs = new Map<string, number>();

  constructor(readonly o: DockerRuntimeOptions) {
    this.docker = o.docker ?? new Docker();
    this.network = new ContainerNetwork(this);
  }

  /** The project's network as docker names it (compose prefixes the project). */
  get networkName(): string {
    return `${this.o.project}_${this.o.network}`;
  }

  async containers(): Promise<Docker.ContainerInfo[]> {
    const all = await this.docker.listContainers({ all: true, filters: { label: [`${composeLabels.project}=${this.o.project}`] } });
    return all.filter((c) => this.o.services.includes(c.Labels[composeLabels.service] ?? '') && c.Labels[composeLabels.oneoff] !== 'True');
  }

  async list(): Promise<MemberInfo[]> {
    const found = await this.containers();
    const out: MemberInfo[] = [];
    for (const service of this.o.services) {
      const c = found.find((x) => x.Labels[composeLabels.service] === service);
      if (c) out.push(await this.info(service));
    }
    return out;
  }

  async info(name: string): Promise<MemberInfo> {
    const s = await this.inspect(name);
    const state: MemberState = s.State.Paused ? 'paused' : s.State.Running ? 'running' : 'stopped';
    const started = Date.parse(s.State.StartedAt);
    return { name, state, ref: state === 'stopped' ? null : s.Id, uptimeMs: state === 'stopped' || !Number.isFinite(started) ? null : Math.max(0, Date.now() - started) };
  }

  async inspect(name: string): Promise<Docker.ContainerInspectInfo> {
    return this.call(name, async () => (await this.container(name)).inspect());
  }

  async container(name: string): Promise<Docker.Container> {
    if (!this.o.services.includes(name)) throw new RuntimeError('UNKNOWN_MEMBER', `unknown member "${name}" (members: ${this.o.services.join(', ')})`);
    const found = (await this.containers()).filter((c) => c.Labels[composeLabels.service] === name);
    if (found.length === 0) throw new RuntimeError('UNKNOWN_MEMBER', `no container for service "${name}" in compose project ${this.o.project}`);
    return this.docker.getContainer(found[0]!.Id);
  }

  async start(name: string): Promise<void> {
    if ((await this.info(name)).state !== 'stopped') return;
    await this.call(name, async () => {
      this.o.beforeStart?.(name);
      await (await this.container(name)).start();
    });
  }

  dataDir(name: string): string | null {
    if (!this.o.services.includes(name)) throw new RuntimeError('UNKNOWN_MEMBER', `unknown member "${name}" (members: ${this.o.services.join(', ')})`);
    return this.o.dataDir?.(name) ?? null;
  }

  async stop(name: string): Promise<void> {
    const state = (await this.info(name)).state;
    if (state === 'stopped') return;
    // A frozen process cannot see SIGTERM: thaw it first, so the stop is a graceful one.
    if (state === 'paused') await this.resume(name);
    await this.call(name, async () => {
      const c = await this.container(name);
      this.issuedAtMs.set(name, Date.now());
      await c.stop({ t: this.o.stopTimeoutS ?? 5 });
      await this.noteExit(name, c);
    });
  }

  async kill(name: string): Promise<void> {
    if ((await this.info(name)).state === 'stopped') return;
    await this.call(name, async () => {
      const c = await this.container(name);
      this.issuedAtMs.set(name, Date.now());
      await c.kill({ signal: 'SIGKILL' });
      await this.noteExit(name, c);
    });
  }

  private async noteExit(name: string, c: Docker.Container): Promise<void> {
    const sent = this.issuedAtMs.get(name) ?? 0;
    for (let i = 0; i < 20; i++) {
      const s = await c.inspect();
      const exitedAtMs = Date.parse(s.State.FinishedAt);
      if (!s.State.Running && Number.isFinite(exitedAtMs) && exitedAtMs >= sent - 1000) {
        this.issuedAtMs.set(name, Math.max(sent, exitedAtMs));
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async pause(name: string): Promise<void> {
    const state = (await this.info(name)).state;
    if (state === 'paused') return;
    if (state === 'stopped') throw new RuntimeError('RUNTIME_FAILED', `cannot pause ${name}: it is not running`);
    // The cgroup v1 freezer gives up ("unable to freeze") while a task sits in an uninterruptible
    // wait, e.g. a node's fsync on a busy disk; runc has thawed it again, so a retry is safe.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call(name, async () => {
          const c = await this.container(name);
          this.issuedAtMs.set(name, Date.now());
          return c.pause();
        });
        return;
      } catch (err) {
        if (attempt >= 5 || !/unable to freeze/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async resume(name: string): Promise<void> {
    if ((await this.info(name)).state !== 'paused') return;
    await this.call(name, async () => (await this.container(name)).unpause());
  }

  async restart(name: string): Promise<void> {
    if ((await this.info(name)).state === 'paused') await this.resume(name);
    await this.call(name, async () => (await this.container(name)).restart({ t: this.o.stopTimeoutS ?? 5 }));
  }

  async logs(name: string, lines: number): Promise<string> {
    const raw = await this.call(name, async () => (await this.container(name)).logs({ stdout: true, stderr: true, tail: lines, follow: false }));
    return demux(raw as unknown as Buffer).replace(/\n$/, '');
  }

  async call<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RuntimeError) throw err;
      const status = (err as { statusCode?: number }).statusCode;
      // 304: already in the asked state (start of a started container, stop of a stopped one).
      if (status === 304) return undefined as T;
      throw new RuntimeError('RUNTIME_FAILED', `${name}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}

/** The Engine's log stream without a TTY: frames of [stream, 0, 0, 0, size32be] + payload. */
export function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    if (buf[at]! > 2 || buf[at + 1] !== 0) return buf.toString('utf8'); // not framed (TTY)
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

class ContainerNetwork implements NetworkControl {
  constructor(private readonly rt: DockerRuntime) {}

  private endpoint_(s: Docker.ContainerInspectInfo) {
    return s.NetworkSettings.Networks[this.rt.networkName] ?? null;
  }

  async address(member: string): Promise<string | null> {
    return this.endpoint_(await this.rt.inspect(member))?.IPAddress || null;
  }

  async endpoint(member: string): Promise<SavedEndpoint | null> {
    const s = await this.rt.inspect(member);
    const ep = this.endpoint_(s);
    if (!ep) return null;
    return {
      network: this.rt.networkName,
      // The container's short id is an alias docker adds itself; the service name is what matters.
      aliases: (ep.Aliases ?? []).filter((a: string) => !s.Id.startsWith(a)),
      ipv4Address: ep.IPAMConfig?.IPv4Address || null,
    };
  }

  async disconnect(member: string): Promise<'disconnected' | 'already'> {
    const s = await this.rt.inspect(member);
    if (!this.endpoint_(s)) return 'already';
    await this.rt.call(member, () => this.rt.docker.getNetwork(this.rt.networkName).disconnect({ Container: s.Id, Force: true }));
    return 'disconnected';
  }

  async reconnect(member: string, saved: SavedEndpoint): Promise<'reconnected' | 'already'> {
    const s = await this.rt.inspect(member);
    if (s.NetworkSettings.Networks[saved.network]) return 'already';
    await this.rt.call(member, () => this.rt.docker.getNetwork(saved.network).connect({
      Container: s.Id,
      EndpointConfig: { Aliases: [...saved.aliases], ...(saved.ipv4Address ? { IPAMConfig: { IPv4Address: saved.ipv4Address } } : {}) },
    }));
    return 'reconnected';
  }

  private async iptables(member: string, op: '-I' | '-D' | '-C', rule: DropRule): Promise<boolean> {
    const s = await this.rt.inspect(member);
    if (!s.State.Running || !s.State.Pid) return false; // no process, no namespace, no rule
    try {
      await execFileAsync('nsenter', ['-t', String(s.State.Pid), '-n', 'iptables', '-w', '5', op, rule.chain, ...rule.args, '-j', 'DROP'], { timeout: 10_000 });
      return true;
    } catch (err) {
      // -C and -D exit 1 when the rule is not there.
      if (op !== '-I' && (err as { code?: unknown }).code === 1) return false;
      throw new RuntimeError('RUNTIME_FAILED', `${member}: iptables ${op} ${rule.chain} ${rule.args.join(' ')}: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
    }
  }

  async addDrop(member: string, rule: DropRule): Promise<void> {
    if (await this.iptables(member, '-C', rule)) return;
    if (!(await this.iptables(member, '-I', rule))) throw new RuntimeError('RUNTIME_FAILED', `cannot cut ${member}'s link: it is not running`);
  }

  async removeDrop(member: string, rule: DropRule): Promise<'removed' | 'absent'> {
    let removed = false;
    // -D removes one copy; a retried apply may have inserted it twice.
    while (await this.iptables(member, '-D', rule)) removed = true;
    return removed ? 'removed' : 'absent';
  }

  async leftovers(): Promise<{ disconnected: string[]; drops: { member: string; rule: DropRule }[] }> {
    const disconnected: string[] = [];
    const drops: { member: string; rule: DropRule }[] = [];
    for (const m of await this.rt.list()) {
      const s = await this.rt.inspect(m.name);
      if (!this.endpoint_(s)) disconnected.push(m.name);
      if (!s.State.Running || !s.State.Pid) continue;
      const { stdout } = await execFileAsync('nsenter', ['-t', String(s.State.Pid), '-n', 'iptables', '-w', '5', '-S'], { timeout: 10_000 });
      for (const line of stdout.split('\n')) {
        const m2 = /^-A (INPUT|OUTPUT) (.*) -j DROP$/.exec(line.trim());
        if (m2) drops.push({ member: m.name, rule: { chain: m2[1] as 'INPUT' | 'OUTPUT', args: m2[2]!.split(' ') } });
      }
    }
    return { disconnected, drops };
  }
}
