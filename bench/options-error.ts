import type { z } from 'zod';

export class BenchOptionsError extends Error {
  readonly code = 'BENCH_BAD_OPTIONS';
  constructor(engine: string, issues: string[]) {
    super(`${engine}: invalid options: ${issues.join('; ')}`);
    this.name = 'BenchOptionsError';
  }
}

/** Parses options up front so a bad scenario fails before any load is sent, naming each field. */
export function parseOptions<T extends z.ZodType>(engine: string, schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new BenchOptionsError(engine, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}
