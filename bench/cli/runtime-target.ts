/**
 * `just bench <scenario> --runtime K` for a runtime registered from above this layer
 * (cluster/containers/register.ts): the running cluster of that runtime as the bench's target.
 */
import { RuntimeCommand } from '../../cluster/common/runtime-commands.ts';
import type { BenchTarget } from './bench-target.ts';

export const benchTargetCommand = new RuntimeCommand<[log: (line: string) => void], BenchTarget>('just bench');
