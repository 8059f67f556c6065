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
  /** Cuts under the proxy (the Docker runtime): network disconnects and per-link drop rules. */
  readonly network?: NetworkControl;
}

/** What a disconnect saved, so the reconnect restores the member's name and address. */
export interface SavedEndpoint {
  readonly network: string;
  readonly aliases: readonly string[];
  readonly ipv4Address: string | null;
}

/** One iptables rule in a member's network namespace, as the arguments after -I/-D/-C CHAIN. */
export interface DropRule {
  readonly chain: 'OUTPUT' | 'INPUT';
  readonly args: readonly string[];
}

export interface NetworkControl {
  /** The member's address on the cluster network (null when not connected). */
  address(member: string): Promise<string | null>;
  /** What a reconnect needs to restore (null when not connected); saved in the ledger before a disconnect. */
  endpoint(member: string): Promise<SavedEndpoint | null>;
  /** No-op when the member is not on the network. */
  disconnect(member: string): Promise<'disconnected' | 'already'>;
  /** No-op when the member is already on the network. */
  reconnect(member: string, saved: SavedEndpoint): Promise<'reconnected' | 'already'>;
  addDrop(member: string, rule: DropRule): Promise<void>;
  /** 'absent' when the rule is not there (never added, or the namespace died with the container). */
  removeDrop(member: string, rule: DropRule): Promise<'removed' | 'absent'>;
  /** Members not on the cluster network, and each member's DROP rules: for the heal sweep. */
  leftovers(): Promise<{ disconnected: string[]; drops: { member: string; rule: DropRule }[] }>;
}


export class RuntimeError extends Error {
  constructor(readonly code: 'UNKNOWN_MEMBER' | 'RUNTIME_FAILED', message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}
