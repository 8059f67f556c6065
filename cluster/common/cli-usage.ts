import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Exit code of every CLI for a usage error (BSD sysexits EX_USAGE). Not 2: the chaos CLIs use 2
 * for an "unknown" verdict.
 */
export const usageExitCode = 64;

/** A mistake in how a command was called: reported as one line, exit code 64, no stack trace. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Run a CLI main; usage errors and operating errors become one line on stderr. */
export async function runCli(main: () => Promise<number>): Promise<never> {
  try {
    process.exit(await main());
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      process.exit(usageExitCode);
    }
    const code = (err as { code?: unknown }).code;
    console.error(`error: ${(err as Error).message ?? String(err)}${typeof code === 'string' ? ` (${code})` : ''}`);
    process.exit(1);
  }
}

/** node:util parseArgs, with its errors turned into UsageError. */
export function parseCliArgs<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
