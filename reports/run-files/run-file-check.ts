// Validating a run file against its schema, for writers (throw: a writer bug) and readers (one line).
import type { z } from 'zod';

/** A file that does not match its schema: which file and the first problem, in one line. */
export function schemaProblem(file: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `${file}${where}: ${issue?.message ?? 'does not match its schema'}`;
}

/**
 * What a writer calls before it writes a run file: the value itself, unchanged (key order kept),
 * once it matches the schema; a mismatch is a bug in the writer and throws, naming the file.
 */
export function checkedRunFile<T>(schema: z.ZodType, file: string, value: T): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`run file invariant violated: ${schemaProblem(file, parsed.error)}`);
  return value;
}
