// A history as a file: one JSON event a line, validated with zod. The op model itself (types,
// pairOperations) is history-ops.ts, re-exported here for the files that read both.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CheckerError } from './history-error.ts';
import type { HistoryEvent, Value } from './history-ops.ts';

export { pairOperations } from './history-ops.ts';
export type { EventType, HistoryEvent, Operation, Outcome, PairOptions, Value } from './history-ops.ts';

export const valueSchema: z.ZodType<Value> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(valueSchema)]),
);

const eventSchema = z.object({
  process: z.number().int(),
  type: z.enum(['invoke', 'ok', 'fail', 'info']),
  f: z.string().min(1),
  key: z.string().optional(),
  value: valueSchema,
  timeNs: z.number().finite(),
  index: z.number().int().nonnegative(),
}).strict();

/** One event per line; blank lines are ignored. */
export function parseHistoryJsonl(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new CheckerError('HISTORY_PARSE', 'not valid JSON', i + 1);
    }
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CheckerError('HISTORY_PARSE', `bad event: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`, i + 1);
    }
    const event = parsed.data as HistoryEvent;
    events.push(event);
  }
  return events;
}

export function formatHistoryJsonl(events: readonly HistoryEvent[]): string {
  return events.map((e) => JSON.stringify(e) + '\n').join('');
}

export function readHistoryJsonl(path: string): HistoryEvent[] {
  return parseHistoryJsonl(readFileSync(path, 'utf8'));
}

export function writeHistoryJsonl(path: string, events: readonly HistoryEvent[]): void {
  writeFileSync(path, formatHistoryJsonl(events));
}
