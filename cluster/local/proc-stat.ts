import { readFileSync } from 'node:fs';

/**
 * What /proc says about a pid (Linux). `null` means /proc has no such entry (process gone,
 * or no procfs on this platform; callers fall back to kill(pid, 0)).
 */
export interface ProcStat {
  /** One-letter scheduler state: R, S, D, T (stopped), t (traced), Z (zombie), X (dead), ... */
  readonly state: string;
  /**
   * Start time in clock ticks since boot. Fixed at fork, unchanged by exec or by the process
   * renaming itself, so (pid, startTicks) identifies one process even after pid reuse.
   */
  readonly startTicks: number;
  readonly processGroup: number;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTicks = Number(rest[19]);
  const processGroup = Number(rest[2]);
  if (state === undefined || !Number.isFinite(startTicks)) return null;
  return { state, startTicks, processGroup };
}

/** argv of a live process, or null when unreadable (gone, zombie, no procfs). */
export function readProcCmdline(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return null;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}

export function hasProcfs(): boolean {
  return readProcStat(process.pid) !== null;
}

/** kill(pid, 0): true when a process with that pid exists (possibly a zombie). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Gone, or a zombie: it runs no more, only its exit status waits to be collected (by its parent,
 * or by pid 1 after reparenting; an init that never reaps leaves zombies for good).
 */
export function hasEnded(pid: number): boolean {
  const stat = readProcStat(pid);
  if (stat === null) return !pidExists(pid);
  return stat.state === 'Z' || stat.state === 'X';
}
