/**
 * The Runtime over local child processes (cluster/local/process-manager.ts).
 *
 * Exports: `LocalRuntime` (implements Runtime; `new LocalRuntime(manager)`).
 *
 * Members are whatever the manager has a record of under `<dataDir>/run/` (node1…nodeN,
 * gateway), so a runtime built by a later process (`just heal`, the next runner) controls the
 * processes an earlier one started. A Docker runtime implements the same calls with dockerode
 * (kill, stop, pause/unpause, start); nothing here leaks process ids into the interface
 * except `MemberInfo.ref`, which is opaque to callers.
 *
 * Idempotence (the ledger's undo steps rely on it): start of a running or paused member,
 * resume of a member that is not paused or not running, stop/kill of a member that is not
 * running — all succeed without doing anything. pause of a member that is not running fails
 * (there is nothing to pause, and pretending would hide a wrong target).
 */
import { tailFile } from '../../cluster/local/log-tail.ts';
import { localNodeDir } from '../../cluster/local/wipe-node.ts';
import { ProcessManagerError } from '../../cluster/local/process-errors.ts';
import type { ProcessInfo, ProcessManager } from '../../cluster/local/process-manager.ts';
import { RuntimeError, type MemberInfo, type MemberState, type Runtime } from './runtime.ts';

export class LocalRuntime implements Runtime {
  readonly kind = 'local' as const;

  constructor(readonly manager: ProcessManager) {}

  async list(): Promise<MemberInfo[]> {
    return this.manager.list().map(toMember);
  }

  async info(name: string): Promise<MemberInfo> {
    return toMember(this.call(name, () => this.manager.info(name)));
  }

  async start(name: string): Promise<void> {
    const current = await this.info(name);
    if (current.state !== 'stopped') return;
    await this.callAsync(name, () => this.manager.start(name));
  }

  async stop(name: string): Promise<void> {
    await this.callAsync(name, () => this.manager.stop(name));
  }

  async kill(name: string): Promise<void> {
    await this.callAsync(name, () => this.manager.kill(name));
  }

  async pause(name: string): Promise<void> {
    const current = await this.info(name);
    if (current.state === 'paused') return;
    if (current.state === 'stopped') throw new RuntimeError('RUNTIME_FAILED', `cannot pause ${name}: it is not running`);
    await this.callAsync(name, () => this.manager.pause(name));
  }

  async resume(name: string): Promise<void> {
    const current = await this.info(name);
    if (current.state !== 'paused') return;
    await this.callAsync(name, () => this.manager.resume(name));
  }

  async restart(name: string): Promise<void> {
    await this.callAsync(name, () => this.manager.restart(name));
  }

  async logs(name: string, lines: number): Promise<string> {
    this.call(name, () => this.manager.info(name));
    return tailFile(this.manager.logPath(name), lines);
  }

  /** `<dataRoot>/<id>` for a node the manager knows (cluster/node/main.ts); null for others (the gateway). */
  dataDir(name: string): string | null {
    const info = this.call(name, () => this.manager.info(name));
    return /^node\d+$/.test(info.name) ? localNodeDir(this.manager.dataDir, name) : null;
  }

  private call<T>(name: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toRuntimeError(name, err);
    }
  }

  private async callAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toRuntimeError(name, err);
    }
  }
}

function toMember(p: ProcessInfo): MemberInfo {
  // `exited` and `stale` (the pid now belongs to someone else) are both "not ours, not running".
  const state: MemberState = p.status === 'running' ? 'running' : p.status === 'paused' ? 'paused' : 'stopped';
  return { name: p.name, state, ref: state === 'stopped' ? null : String(p.pid), uptimeMs: p.uptimeMs };
}

function toRuntimeError(name: string, err: unknown): Error {
  if (err instanceof RuntimeError) return err;
  if (err instanceof ProcessManagerError) {
    const code = err.code === 'PROCESS_UNKNOWN' ? 'UNKNOWN_MEMBER' : 'RUNTIME_FAILED';
    return new RuntimeError(code, err.message);
  }
  return new RuntimeError('RUNTIME_FAILED', `${name}: ${(err as Error)?.message ?? String(err)}`);
}
