// just check-history FILE --format jepsen-cas|jepsen-kv|jsonl [--model cas-register|kv] [--budget-ms N] [--max-memory-mb N]
// Exit: 0 linearizable, 1 not, 2 unknown (time or memory budget exhausted), 64 bad usage or unreadable input.
import { parseArgs } from 'node:util';
import { formatCounterexample } from './counterexample.ts';
import { CheckerError } from './errors.ts';
import { checkLinearizable, DEFAULT_BUDGET_MS, DEFAULT_MAX_MEMORY_BYTES } from './linearizability.ts';
import { FORMATS, MODELS, loadHistory } from './load-history.ts';
import type { HistoryFormat } from './load-history.ts';

const USAGE = `usage: just check-history FILE --format ${FORMATS.join('|')} [--model ${Object.keys(MODELS).join('|')}] [--budget-ms N] [--max-memory-mb N]`;
const EXIT_USAGE = 64;

function usageError(message: string): never {
  process.stderr.write(`check-history: ${message}\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}

// A reader that closed the pipe early (`| head`) is not an error of the check: keep its exit code.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit();
});

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { format: { type: 'string' }, model: { type: 'string' }, 'budget-ms': { type: 'string' }, 'max-memory-mb': { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (e) {
    usageError((e as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) usageError(positionals.length === 0 ? 'missing FILE' : `one FILE expected, got ${positionals.length}`);
  const file = positionals[0]!;
  const format = values.format;
  if (format === undefined) usageError('missing --format');
  if (!(FORMATS as readonly string[]).includes(format)) usageError(`unknown --format ${format}`);
  if (values.model !== undefined && format !== 'jsonl') usageError('--model is only for --format jsonl');
  let budgetMs = DEFAULT_BUDGET_MS;
  if (values['budget-ms'] !== undefined) {
    budgetMs = Number(values['budget-ms']);
    if (!/^\d+$/.test(values['budget-ms']) || !Number.isSafeInteger(budgetMs)) usageError(`--budget-ms must be a whole number of ms, got ${values['budget-ms']}`);
  }
  let maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES;
  if (values['max-memory-mb'] !== undefined) {
    const mb = Number(values['max-memory-mb']);
    if (!/^\d+$/.test(values['max-memory-mb']) || !Number.isSafeInteger(mb) || mb < 1) usageError(`--max-memory-mb must be a whole number of MiB (>= 1), got ${values['max-memory-mb']}`);
    maxMemoryBytes = mb * 2 ** 20;
  }

  let loaded;
  try {
    loaded = await loadHistory(file, format as HistoryFormat, values.model);
  } catch (e) {
    if (e instanceof CheckerError) usageError(`${file}: ${e.message}`);
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.code.startsWith('E')) usageError(`cannot read ${file}: ${err.code}`);
    throw e;
  }

  const result = checkLinearizable(loaded.model, loaded.ops, { budgetMs, maxMemoryBytes });
  const verdict = result.valid === true ? 'linearizable' : result.valid === false ? 'NOT linearizable' : `unknown (${result.reason})`;
  const partitions = result.partitionCount === 1 ? '1 partition' : `${result.partitionCount} partitions`;
  process.stdout.write(`${file}: ${verdict}  (${loaded.model.name}, ${result.opCount} ops, ${partitions}, ${result.elapsedMs.toFixed(1)} ms)\n`);
  if (result.counterexample !== undefined) process.stdout.write(`${formatCounterexample(result.counterexample)}\n`);
  if (result.valid === 'unknown') process.stdout.write(`undecided partitions: ${result.unknownKeys.map((k) => k ?? '(all)').join(', ')}\n`);
  process.exitCode = result.valid === true ? 0 : result.valid === false ? 1 : 2;
}

void main();
