// A register per key with read, write and compare-and-set; null is "no value".
// read: input null, output the value read. write: input the value. cas: input [expected, new].
// An ok cas's output says whether it swapped: `false` is a cas the register answered "did not
// swap" — it happened, and at its linearization point the value was not `expected`, which is
// itself an observation the search must honour. Any other ok output (`true`, or Jepsen's echo of
// [expected, new]) is a cas that swapped. Jepsen histories instead complete a cas that found
// another value as fail, which simply leaves it out.
import type { Operation, Value } from '../../reports/run-files/history-ops.ts';
import { UNKNOWN_OUTPUT, describeValue, hashValue, partitionByKey } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

export const casRegister: Model<Value> = {
  name: 'cas-register',
  readOnly: ['read'],
  validate(input: ModelInput, output: ModelOutput): string | null {
    switch (input.f) {
      case 'read':
      case 'write':
        return null;
      case 'cas':
        if (!(Array.isArray(input.value) && input.value.length === 2)) return 'cas value must be [expected, new]';
        // `false` is "did not swap"; true or the echoed [expected, new] is "swapped".
        return output === UNKNOWN_OUTPUT || output === true || output === false || Array.isArray(output) ? null : 'cas result must be true, false or [expected, new]';
      default:
        return `cas-register has no function ${input.f} (read, write, cas)`;
    }
  },
  init: () => null,
  step(state: Value, input: ModelInput, output: ModelOutput): [boolean, Value] {
    switch (input.f) {
      case 'read':
        return [output === UNKNOWN_OUTPUT || valuesEqual(state, output), state];
      case 'write':
        return [true, input.value];
      default: {
        const [expected, next] = input.value as readonly [Value, Value];
        const matches = valuesEqual(state, expected);
        // Answered "did not swap": legal only where the value differed; the state stays.
        if (output === false) return [!matches, state];
        // Swapped (ok), or unknown: an unknown cas that found another value is the same as one
        // never applied, which the search tries anyway (it may leave info calls out).
        return matches ? [true, next] : [false, state];
      }
    }
  },
  equal: valuesEqual,
  hash: hashValue,
  partition: partitionByKey,
  impossibleOps: [impossibleRead],
  describeState: describeValue,
};

/** An ok read of a value other than null that no write or cas of this key writes. */
function impossibleRead(ops: readonly Operation[]): Operation | null {
  const written = new Set<string>([JSON.stringify(null)]);
  for (const op of ops) {
    if (op.f === 'write') written.add(JSON.stringify(op.input));
    if (op.f === 'cas' && Array.isArray(op.input)) written.add(JSON.stringify(op.input[1]));
  }
  for (const op of ops) {
    if (op.f === 'read' && op.outcome === 'ok' && !written.has(JSON.stringify(op.output ?? null))) return op;
  }
  return null;
}
