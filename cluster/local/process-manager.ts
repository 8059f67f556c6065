import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InvalidProcessNameError, ProcessNotRunningError, ProcessRunningError, SpawnFailedError, StopTimeoutError, UnknownProcessError,
} from './process-errors.ts';
import { pidExists, readProcCmdline, readProcStat } from './proc-stat.ts';

/**
 * Named child processes that outlive the process that started them.
 *
 * Everything a later invocation needs is on disk: `<dataDir>/run/<name>.pid` holds a JSON
 * record (pid, command, start time, identity) and `<dataDir>/logs/<name>.log` collects stdout
 * and stderr, appended across restarts. So a second CLI run, the chaos runner or a test can
 * find, signal and restart processes another one started. No CLI concerns live here.
 *
 * The record stays after the process ends (so `start(name)` can start it again with the same
 * command); `forget(name)` removes it.
 */

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Set on top of the manager's environment; recorded, so a restart uses the same values. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ProcessRecord extends Required<ProcessSpec> {
  readonly pid: number;
  readonly startedAtMs: number;
  /** /proc start time of the pid; null without procfs. */
  readonly startTicks: number | null;
  readonly cmdline: readonly string[] | null;
}

export type ProcessStatus = 'running' | 'paused' | 'exited' | 'stale';

export interface ProcessInfo {
  readonly name: string;
  readonly pid: number;
  /** True when the recorded pid is still this process (not gone, not a zombie, not reused). */
  readonly alive: boolean;
  readonly paused: boolean;
  /**
   * exited: the process is gone; stale: the pid now belongs to another process, so it must
   * never be signalled.
   */
  readonly status: ProcessStatus;
  readonly uptimeMs: number | null;
  readonly startedAtMs: number;
  readonly logPath: string;
}

export interface StopResult {
  readonly name: string;
  readonly pid: number;
  readonly wasRunning: boolean;
  /** The signal that ended it; null when it was not running. */
  readonly signal: 'SIGTERM' | 'SIGKILL' | null;
  readonly waitedMs: number;
}

export interface ProcessManagerOptions {
  /**
   * true (default): each child leads its own process group and survives its parent's group
   * being killed; signals go to the whole group. false: children stay in the caller's group
   * (a test runner that kills its group takes them along); signals go to the pid only, since
   * signalling the group would stop the caller too.
   */
  readonly ownGroup?: boolean;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const pollMs = 20;
const killWaitMs = 5000;

export class ProcessManager {
  readonly runDir: string;
  readonly logDir: string;
  private readonly ownGroup: boolean;
  private readonly stopTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;
  /** How children this manager started have exited, while this process still runs. */
  private readonly exits = new Map<number, { readonly code: number | null; readonly signal: NodeJS.Signals | null }>();

  constructor(readonly dataDir: string, options: ProcessManagerOptions = {}) {
    this.runDir = join(dataDir, 'run');
    this.logDir = join(dataDir, 'logs');
    this.ownGroup = options.ownGroup ?? true;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
  }

  logPath(name: string): string {
    checkName(name);
    return join(this.logDir, `${name}.log`);
  }

  pidPath(name: string): string {
    checkName(name);
    return join(this.runDir, `${name}.pid`);
  }

  /**
   * Starts `spec`, or (given a name) the command last recorded under that name.
   * Resolves once the command has been exec'd; it may still exit right after.
   */
  async start(specOrName: ProcessSpec | string): Promise<ProcessInfo> {
    const spec = typeof specOrName === 'string' ? this.requireRecord(specOrName) : specOrName;
    checkName(spec.name);
    const previous = this.record(spec.name);
    if (previous && this.isOurs(previous)) throw new ProcessRunningError(spec.name, previous.pid);

    mkdirSync(this.runDir, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
    const logPath = this.logPath(spec.name);
    const cwd = spec.cwd ?? process.cwd();
    const env = { ...(spec.env ?? {}) };
    appendFileSync(logPath, `--- ${new Date(this.now()).toISOString()} start ${spec.name}: ${[spec.command, ...spec.args].join(' ')}\n`);
    const fd = openSync(logPath, 'a');
    let pid: number | undefined;
    try {
      const child = spawn(spec.command, [...spec.args], {
        cwd, env: { ...this.env, ...env }, detached: this.ownGroup, stdio: ['ignore', fd, fd],
      });
      pid = child.pid;
      if (pid === undefined) {
        // spawn reports a failed exec (ENOENT, EACCES) asynchronously, with no pid.
        const err = await new Promise<Error>((resolve) => child.once('error', resolve));
        throw new SpawnFailedError(spec.name, err.message);
      }
      child.on('error', () => { /* exit is observed through the pid record */ });
      const childPid = pid;
      child.on('exit', (code, signal) => { this.exits.set(childPid, { code, signal }); });
      child.unref();
    } finally {
      closeSync(fd);
    }
    const record: ProcessRecord = {
      name: spec.name, command: spec.command, args: [...spec.args], cwd, env, pid,
      startedAtMs: this.now(), startTicks: readProcStat(pid)?.startTicks ?? null, cmdline: readProcCmdline(pid),
    };
    this.writeRecord(record);
    return this.infoOf(record);
  }

  /** SIGTERM, wait up to stopTimeoutMs, then SIGKILL. Not running is not an error. */
  async stop(name: string, timeoutMs = this.stopTimeoutMs): Promise<StopResult> {
    const record = this.requireRecord(name);
    if (!this.isOurs(record)) return { name, pid: record.pid, wasRunning: false, signal: null, waitedMs: 0 };
    const started = this.now();
    this.signal(record, 'SIGTERM');
    // A stopped process would keep SIGTERM pending (when it handles it) until continued.
    this.signal(record, 'SIGCONT');
    if (await this.waitGone(record, timeoutMs)) {
      return { name, pid: record.pid, wasRunning: true, signal: 'SIGTERM', waitedMs: this.now() - started };
    }
    this.signal(record, 'SIGKILL');
    if (!(await this.waitGone(record, killWaitMs))) throw new StopTimeoutError(name, record.pid, killWaitMs);
    return { name, pid: record.pid, wasRunning: true, signal: 'SIGKILL', waitedMs: this.now() - started };
  }

  /** SIGKILL (a crash), and wait until the pid is gone. Not running is not an error. */
  async kill(name: string): Promise<StopResult> {
    const record = this.requireRecord(name);
    if (!this.isOurs(record)) return { name, pid: record.pid, wasRunning: false, signal: null, waitedMs: 0 };
    const started = this.now();
    this.signal(record, 'SIGKILL');
    if (!(await this.waitGone(record, killWaitMs))) throw new StopTimeoutError(name, record.pid, killWaitMs);
    return { name, pid: record.pid, wasRunning: true, signal: 'SIGKILL', waitedMs: this.now() - started };
  }

  /** SIGSTOP; resolves once /proc shows the process stopped (where /proc exists). */
  async pause(name: string): Promise<ProcessInfo> {
    const record = this.requireRunning(name);
    this.signal(record, 'SIGSTOP');
    await this.waitFor(() => this.infoOf(record).paused || readProcStat(record.pid) === null, 2000);
    return this.infoOf(record);
  }

  async resume(name: string): Promise<ProcessInfo> {
    const record = this.requireRunning(name);
    this.signal(record, 'SIGCONT');
    await this.waitFor(() => !this.infoOf(record).paused, 2000);
    return this.infoOf(record);
  }

  /** stop() then start() with the recorded command. */
  async restart(name: string): Promise<ProcessInfo> {
    await this.stop(name);
    return this.start(name);
  }

  info(name: string): ProcessInfo {
    return this.infoOf(this.requireRecord(name));
  }

  /** Every recorded process, in natural name order (node2 before node10). */
  list(): ProcessInfo[] {
    return this.names().map((name) => this.record(name)).filter((r): r is ProcessRecord => r !== null).map((r) => this.infoOf(r));
  }

  names(): string[] {
    let files: string[];
    try {
      files = readdirSync(this.runDir);
    } catch {
      return [];
    }
    return files.filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)).filter((n) => namePattern.test(n))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }

  record(name: string): ProcessRecord | null {
    let text: string;
    try {
      text = readFileSync(this.pidPath(name), 'utf8');
    } catch {
      return null;
    }
    try {
      const r = JSON.parse(text) as ProcessRecord;
      return Number.isInteger(r.pid) && r.pid > 0 ? r : null;
    } catch {
      return null; // half-written or foreign file: treat as no record
    }
  }

  /** How `name` exited, when this manager started it and saw it end; undefined otherwise. */
  exitOf(name: string): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined {
    const record = this.record(name);
    return record ? this.exits.get(record.pid) : undefined;
  }

  /** Removes the record of a process that is not running. */
  forget(name: string): void {
    const record = this.record(name);
    if (record && this.isOurs(record)) throw new ProcessRunningError(name, record.pid);
    rmSync(this.pidPath(name), { force: true });
  }

  private infoOf(record: ProcessRecord): ProcessInfo {
    const stat = readProcStat(record.pid);
    const ours = this.isOurs(record);
    const paused = ours && stat !== null && (stat.state === 'T' || stat.state === 't');
    let status: ProcessStatus = 'exited';
    if (ours) status = paused ? 'paused' : 'running';
    else if (stat !== null && stat.state !== 'Z' && stat.state !== 'X') status = 'stale';
    return {
      name: record.name, pid: record.pid, alive: ours, paused, status,
      uptimeMs: ours ? this.now() - record.startedAtMs : null, startedAtMs: record.startedAtMs,
      logPath: this.logPath(record.name),
    };
  }

  /**
   * Whether the recorded pid still is the process we started: it exists, is not a zombie, and
   * has the recorded start time (so a reused pid is not ours). Without a recorded start time
   * the command line must match. Without procfs only existence can be checked.
   */
  private isOurs(record: ProcessRecord): boolean {
    const stat = readProcStat(record.pid);
    if (stat === null) return record.startTicks === null && pidExists(record.pid);
    if (stat.state === 'Z' || stat.state === 'X') return false;
    if (record.startTicks !== null) return stat.startTicks === record.startTicks;
    const cmdline = readProcCmdline(record.pid);
    return cmdline !== null && cmdline.join('\0') === [record.command, ...record.args].join('\0');
  }

  private requireRecord(name: string): ProcessRecord {
    const record = this.record(name);
    if (!record) throw new UnknownProcessError(name, this.names());
    return record;
  }

  private requireRunning(name: string): ProcessRecord {
    const record = this.requireRecord(name);
    if (!this.isOurs(record)) throw new ProcessNotRunningError(name);
    return record;
  }

  private signal(record: ProcessRecord, signal: NodeJS.Signals): void {
    try {
      process.kill(this.ownGroup ? -record.pid : record.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      // The group may be gone while the leader lingers; try the pid itself.
      try { process.kill(record.pid, signal); } catch { /* exited meanwhile */ }
    }
  }

  private waitGone(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => !this.isOurs(record), timeoutMs);
  }

  private async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private writeRecord(record: ProcessRecord): void {
    const path = this.pidPath(record.name);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(tmp, path); // readers never see a half-written record
  }
}

function checkName(name: string): void {
  if (!namePattern.test(name)) throw new InvalidProcessNameError(name);
}
