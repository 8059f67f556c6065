/**
 * Registers the docker runtime's commands with the CLIs below it (cluster/common/runtime-commands.ts):
 * `--runtime docker` for up/status/down/logs/clean/images, chaos, heal and bench. Preloaded by the
 * justfile (`node --import tsx --import ./cluster/containers/register.ts`); each handler is loaded
 * only when asked for, so other commands do not pay for dockerode.
 */
import { clusterCommand, healCommand } from '../common/runtime-commands.ts';
import { chaosCommand } from '../../chaos/runtime/chaos-command.ts';
import { benchTargetCommand } from '../../bench/cli/runtime-target.ts';

clusterCommand.provide('docker', async () => (await import('./cli.ts')).dockerCli);
chaosCommand.provide('docker', async () => (await import('./docker-chaos.ts')).runDockerChaos);
healCommand.provide('docker', async () => (await import('./docker-heal.ts')).healDocker);
benchTargetCommand.provide('docker', async () => (await import('./docker-bench.ts')).dockerBenchTarget);
