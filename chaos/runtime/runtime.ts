/**
 * One vocabulary for the processes or containers of a cluster, whatever runs them. The local
 * runtime (child processes) implements it now, a Docker runtime (dockerode) next; experiments
 * and the nemesis only ever see this interface.
 *
 * Members are named as in the cluster: `node1`…`nodeN`, `gateway`, and `toxiproxy` when the
 * runtime runs the proxy itself.
 */
export type MemberState = 'running' | 'paused' | 'stopped';

export interface MemberInfo {
  readonly name: string;
  readonly state: MemberState;
  /** Process id (local) or container id (docker), when running or paused. */
  readonly ref: string | null;
  readonly uptimeMs: number | null;
}

export interface Runtime {
  readonly kind: 'local' | 'docker';
  list(): Promise<MemberInfo[]>;
  info(name: string): Promise<MemberInfo>;
  /** Start a stopped member with its recorded command/configuration; no-op if running. */
  start(name: string): Promise<void>;
  /** Graceful: SIGTERM (docker stop), escalating to SIGKILL after a timeout. */
  stop(name: string): Promise<void>;
  /** SIGKILL (docker kill): no chance to flush or say goodbye. */
  kill(name: string): Promise<void>;
  /** SIGSTOP (docker pause): alive, holding its sockets, answering nothing. */
  pause(name: string): Promise<void>;
  /** SIGCONT (docker unpause). */
  resume(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** The last `lines` lines of the member's log. */
  logs(name: string, lines: number): Promise<string>;
  /**
   * Where a node's data lives on this machine (disk-loss and power-loss act on it while the
   * node is down); absent or null when the runtime cannot reach it.
   */
  dataDir?(name: string): string | null;
}

export class RuntimeError extends Error {
  constructor(readonly code: 'UNKNOWN_MEMBER' | 'RUNTIME_FAILED', message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}
