// A string per key with get, put and append (concatenation); a missing key reads as "".
// get: output the value read (null also means ""). put/append: input the string.
import { CheckerError } from './errors.ts';
import { UNKNOWN_OUTPUT, hashString, partitionByKey } from './model.ts';
import type { Model, ModelInput, ModelOutput } from './model.ts';

export const kv: Model<string> = {
  name: 'kv',
  readOnly: ['get'],
  validate(input: ModelInput, output: ModelOutput): string | null {
    switch (input.f) {
      case 'get':
        return output === UNKNOWN_OUTPUT || output === null || typeof output === 'string' ? null : 'get must return a string or nil';
      case 'put':
      case 'append':
        return typeof input.value === 'string' ? null : `${input.f} value must be a string`;
      default:
        return `kv has no function ${input.f} (get, put, append)`;
    }
  },
  init: () => '',
  step(state: string, input: ModelInput, output: ModelOutput): [boolean, string] {
    switch (input.f) {
      case 'get':
        return [output === UNKNOWN_OUTPUT || state === (output ?? ''), state];
      case 'put':
        return [true, input.value as string];
      case 'append':
        return [true, state + (input.value as string)];
      default:
        throw new CheckerError('UNKNOWN_FUNCTION', `kv has no function ${input.f}`);
    }
  },
  equal: (a, b) => a === b,
  hash: hashString,
  // A V8 string: a header and, for these ASCII values, a byte a character.
  stateBytes: (s) => 24 + s.length,
  partition: partitionByKey,
  describeState: (s) => JSON.stringify(s),
};
