import { execFileSync } from 'node:child_process';

export interface GitState {
  sha: string | null;
  dirty: boolean | null;
}

/** The commit a run was made from, and whether the work tree differed from it; nulls outside a git checkout. */
export function gitState(cwd: string): GitState {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { sha, dirty: status.trim() !== '' };
  } catch {
    return { sha: null, dirty: null };
  }
}
