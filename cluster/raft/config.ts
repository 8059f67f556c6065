import { RaftError } from './errors.ts';
import type { NodeId } from './messages.ts';

/**
 * The core counts time in ticks; the host decides how long a tick is (10 ms by default, so the
 * defaults below are the 150–300 ms election timeout and 50 ms heartbeat of the design).
 */
export interface RaftConfig {
  readonly id: NodeId;
  /** Every voter, this node included. */
  readonly peers: readonly NodeId[];
  /** Randomised election timeout is drawn from [electionTicksMin, electionTicksMax). */
  readonly electionTicksMin: number;
  readonly electionTicksMax: number;
  readonly heartbeatTicks: number;
  /** §9.6: a rejoining node asks first whether it could win, so it cannot depose a live leader. */
  readonly preVote: boolean;
  /** A leader that has not heard from a majority for electionTicksMin steps down. */
  readonly checkQuorum: boolean;
  /** Pipelining bound: append messages in flight to one follower. */
  readonly maxInflightAppends: number;
  readonly maxEntriesPerAppend: number;
  readonly maxBytesPerAppend: number;
  /** Upper bound on committed entries handed to the host in one Ready. */
  readonly maxApplyEntries: number;
  /** Seeded source of randomness in [0, 1): the core never calls Math.random. */
  readonly random: () => number;
}

export const raftDefaults = {
  electionTicksMin: 15,
  electionTicksMax: 30,
  heartbeatTicks: 5,
  preVote: true,
  checkQuorum: true,
  maxInflightAppends: 64,
  maxEntriesPerAppend: 1024,
  maxBytesPerAppend: 1024 * 1024,
  maxApplyEntries: 4096,
} as const;

export type RaftOptions = Pick<RaftConfig, 'id' | 'peers' | 'random'> &
  Partial<Omit<RaftConfig, 'id' | 'peers' | 'random'>>;

export function resolveRaftConfig(options: RaftOptions): RaftConfig {
  const config: RaftConfig = { ...raftDefaults, ...options };
  const fail = (message: string): never => {
    throw new RaftError('INVALID_ARGUMENT', `raft config: ${message}`);
  };
  if (!config.peers.includes(config.id)) fail(`peers must include the node itself (${config.id})`);
  if (new Set(config.peers).size !== config.peers.length) fail('peers must be distinct');
  for (const key of ['electionTicksMin', 'electionTicksMax', 'heartbeatTicks', 'maxInflightAppends', 'maxEntriesPerAppend', 'maxBytesPerAppend', 'maxApplyEntries'] as const) {
    if (!Number.isSafeInteger(config[key])) fail(`${key} must be a whole number, got ${String(config[key])}`);
  }
  if (typeof config.random !== 'function') fail('random must be a seeded function returning [0, 1)');
  if (!(config.maxBytesPerAppend >= 1)) fail('maxBytesPerAppend must be >= 1');
  if (!(config.heartbeatTicks >= 1)) fail('heartbeatTicks must be >= 1');
  if (!(config.electionTicksMin > config.heartbeatTicks)) fail('electionTicksMin must exceed heartbeatTicks');
  if (!(config.electionTicksMax > config.electionTicksMin)) fail('electionTicksMax must exceed electionTicksMin');
  if (!(config.maxInflightAppends >= 1)) fail('maxInflightAppends must be >= 1');
  if (!(config.maxEntriesPerAppend >= 1)) fail('maxEntriesPerAppend must be >= 1');
  if (!(config.maxApplyEntries >= 1)) fail('maxApplyEntries must be >= 1');
  return config;
}
