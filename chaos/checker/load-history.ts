// Reads a history file in one of the formats the checker knows, and picks the model it implies.
import { readFileSync } from 'node:fs';
import { casRegister } from './cas-register.ts';
import { CheckerError } from './errors.ts';
import { pairOperations } from '../../reports/run-files/history-ops.ts';
import type { Operation } from '../../reports/run-files/history-ops.ts';
import { kv } from './kv.ts';
import type { Model } from './model.ts';
import { parseJepsenCas } from './parse-jepsen-cas.ts';
import { parseJepsenKv } from './parse-jepsen-kv.ts';

export const FORMATS = ['jepsen-cas', 'jepsen-kv', 'jsonl'] as const;
export type HistoryFormat = (typeof FORMATS)[number];

export const MODELS: Record<string, Model<never>> = {
  'cas-register': casRegister as Model<never>,
  kv: kv as Model<never>,
};

export interface LoadedHistory {
  ops: Operation[];
  model: Model<never>;
}

/** A Jepsen log, read synchronously. Throws CheckerError (with the source line) for content problems; fs errors pass through. */
export function loadJepsenHistory(path: string, format: 'jepsen-cas' | 'jepsen-kv'): LoadedHistory {
  const text = readFileSync(path, 'utf8');
  if (format === 'jepsen-cas') {
    const parsed = parseJepsenCas(text);
    return { ops: pairOperations(parsed.events, { lineOf: parsed.lineOf }), model: casRegister as Model<never> };
  }
  const parsed = parseJepsenKv(text);
  return { ops: pairOperations(parsed.events, { lineOf: parsed.lineOf }), model: kv as Model<never> };
}

/**
 * Any format; errors as loadJepsenHistory. Async only for jsonl: its zod schema is imported when
 * needed, since loading zod costs more CPU than checking a quick Jepsen refutation
 * (docs/perf/2026-12-07-checker-vs-porcupine.md).
 */
export async function loadHistory(path: string, format: HistoryFormat, modelName?: string): Promise<LoadedHistory> {
  if (format !== 'jsonl') return loadJepsenHistory(path, format);
  const model = modelName === undefined ? undefined : MODELS[modelName];
  if (model === undefined) {
    throw new CheckerError('HISTORY_INVALID', `jsonl needs --model ${Object.keys(MODELS).join('|')}`);
  }
  const text = readFileSync(path, 'utf8');
  const { parseHistoryJsonl } = await import('../../reports/run-files/history-file.ts');
  return { ops: pairOperations(parseHistoryJsonl(text)), model };
}
