/**
 * `just chaos <experiment> --runtime K` for a runtime registered from above this layer
 * (cluster/containers/register.ts): the experiment, the chaos CLI's one parse of its options
 * (chaos/cli-options.ts) and the raw arguments for run.json; the run's exit code.
 */
import { RuntimeCommand } from '../../cluster/common/runtime-commands.ts';
import type { ChaosOptions } from '../cli-options.ts';
import type { Experiment } from '../experiments/experiment.ts';

export const chaosCommand = new RuntimeCommand<[experiment: Experiment, options: ChaosOptions, argv: readonly string[]], number>('just chaos');
