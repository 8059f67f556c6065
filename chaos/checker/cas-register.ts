// A register per key with read, write and compare-and-set; null is "no value".
// read: input null, output the value read. write: input the value. cas: input [expected, new],
// and an ok cas is one that succeeded (a cas that found another value completes as fail).
import type { Value } from './history.ts';
import { UNKNOWN_OUTPUT, describeValue, hashValue, partitionByKey } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

export const casRegister: Model<Value> = {
  name: 'cas-register',
  readOnly: ['read'],
  validate(input: ModelInput): string | null {
    switch (input.f) {
      case 'read':
      case 'write':
        return null;
      case 'cas':
        return Array.isArray(input.value) && input.value.length === 2 ? null : 'cas value must be [expected, new]';
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
        // cas; an unknown cas that found another value is the same as one never applied, which the search also tries.
        const [expected, next] = input.value as readonly [Value, Value];
        return valuesEqual(state, expected) ? [true, next] : [false, state];
      }
    }
  },
  equal: valuesEqual,
  hash: hashValue,
  partition: partitionByKey,
  describeState: describeValue,
};
