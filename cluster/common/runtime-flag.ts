import { UsageError } from './cli-usage.ts';

export type RuntimeKind = 'local' | 'docker';

/** Takes `--runtime local|docker` (or `--runtime=...`) out of a command's arguments; local by default. */
export function takeRuntimeFlag(args: readonly string[]): { runtime: RuntimeKind; rest: string[] } {
  const rest: string[] = [];
  let runtime: string = 'local';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--runtime') {
      const v = args[++i];
      if (v === undefined) throw new UsageError('--runtime needs a value: local or docker');
      runtime = v;
    } else if (a.startsWith('--runtime=')) runtime = a.slice('--runtime='.length);
    else rest.push(a);
  }
  if (runtime !== 'local' && runtime !== 'docker') throw new UsageError(`--runtime must be local or docker, got "${runtime}"`);
  return { runtime, rest };
}
