/**
 * Heal on Ctrl-C and SIGTERM: the runner installs this once it may inject faults.
 *
 * Exports: `installHealOnExit(heal, options?) -> uninstall()`.
 *
 * On the first SIGINT/SIGTERM it runs `heal` (bounded by `deadlineMs`; typically
 * `() => nemesis.healAll()`), reports through `log`, and exits 130 (SIGINT) or 143 (SIGTERM);
 * exit 1 if the heal threw, ran out of time or returned a HealReport with failures, with
 * a hint to run `just heal`. A second signal while healing exits at once (the ledger still
 * holds whatever was not healed, and the next start or `just heal` undoes it). SIGKILL cannot
 * be caught: that case is the ledger's, healed at the next start or by `just heal`.
 */
import type { HealReport } from './heal.ts';

export interface HealOnExitOptions {
  readonly signals?: readonly NodeJS.Signals[];
  readonly deadlineMs?: number;
  readonly log?: (line: string) => void;
  /** Injected for tests; process.exit otherwise. */
  readonly exit?: (code: number) => void;
}

const exitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function installHealOnExit(heal: () => Promise<unknown>, options: HealOnExitOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? 20_000;
  let healing = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (healing) {
      log(`${signal} again: exiting without finishing the heal; run: just heal`);
      exit(1);
      return;
    }
    healing = true;
    log(`${signal}: healing every injected fault before exit`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`heal did not finish within ${deadlineMs} ms`)), deadlineMs);
    });
    Promise.race([heal(), late]).then(
      (result) => {
        const failed = (result as Partial<HealReport> | undefined)?.failed ?? [];
        for (const f of failed) log(`not healed: ${f.describe}: ${f.errors.join('; ')}; run: just heal`);
        exit(failed.length > 0 ? 1 : exitCodes[signal] ?? 1);
      },
      (err: unknown) => {
        log(`heal failed: ${(err as Error)?.message ?? String(err)}; run: just heal`);
        exit(1);
      },
    ).finally(() => clearTimeout(timer));
  };

  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
