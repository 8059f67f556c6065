/**
 * `just chaos <experiment> --runtime docker`: the local runner's flow on the containerised
 * cluster. Uses the docker cluster that is up, or starts one for the run (and takes it down
 * afterwards unless --keep-cluster); same run folder, report, checker and exit codes.
 * run.json also records the compose project, the images' ids and how partitions were cut.
 */
import type { Experiment } from '../../chaos/experiments/experiment.ts';
import type { ChaosOptions } from '../../chaos/cli-options.ts';
import { runFromCli } from '../../chaos/runner/cli-run.ts';
import { upWith } from './cli.ts';
import { assertDockerAnswers, dockerDir, dockerRuntime, DockerClusterError, readRecord, runCompose, type DockerClusterRecord } from './docker-cluster.ts';
import { openDockerTarget } from './docker-target.ts';
import { imageId } from './images.ts';

/**
 * The local runner allows 15 s; a killed container's restart is a container start (network
 * endpoint, port proxy, init) plus the node's own start, on a machine shared with other work.
 */
const dockerRecoveryTimeoutMs = 30_000;

/** The recorded docker cluster when every member runs (paused counts: a heal resumes it); null when none is up. */
export async function runningDockerCluster(dir: string): Promise<DockerClusterRecord | null> {
  const record = readRecord(dir);
  if (!record) return null;
  const members = await dockerRuntime(record).list();
  const up = members.filter((m) => m.state !== 'stopped');
  if (up.length === 0) return null;
  const expected = record.nodeCount + 2;
  if (up.length < expected) {
    const down = members.filter((m) => m.state === 'stopped').map((m) => m.name);
    throw new DockerClusterError('CLUSTER_STATE', `the docker cluster is partly up (${down.length ? `${down.join(', ')} stopped` : `${expected - up.length} member(s) missing`}); run: npx just heal --runtime docker (or npx just up --runtime docker)`);
  }
  return record;
}

export async function runDockerChaos(experiment: Experiment, o: ChaosOptions, argv: readonly string[]): Promise<number> {
  // A request to a published port whose container does not answer (paused, starting) can sit on
  // an unreferenced socket; without a referenced handle node would exit mid-await (code 13).
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await dockerChaos(experiment, o, argv);
  } finally {
    clearInterval(keepAlive);
  }
}

async function dockerChaos(experiment: Experiment, o: ChaosOptions, argv: readonly string[]): Promise<number> {
  await assertDockerAnswers();
  const dir = dockerDir();
  let record = await runningDockerCluster(dir);
  const started = record === null;
  const nodeEnv = experiment.clusterEnv ?? {};
  if (record === null) {
    const envNote = Object.entries(nodeEnv).map(([k, v]) => ` ${k}=${v}`).join('');
    console.log(`no docker cluster is up: starting one for this run${envNote}`);
    await upWith({ nodeEnv });
    record = readRecord(dir)!;
  } else {
    const missing = Object.entries(nodeEnv).filter(([k, v]) => record!.env[k] !== v).map(([k, v]) => `${k}=${v}`);
    if (missing.length > 0) throw new DockerClusterError('CLUSTER_STATE', `${experiment.name} needs the nodes started with ${missing.join(' ')}, but the running docker cluster lacks it; run: npx just down --runtime docker (the runner then starts one)`);
  }
  const images = Object.fromEntries(['PROJECT_IMAGE', 'TOXIPROXY_IMAGE', 'PROMETHEUS_IMAGE', 'BASE_IMAGE']
    .map((k) => [k, { ref: record!.env[k] ?? null, id: record!.env[k] ? imageId(record!.env[k]!) : null }]));
  const cluster = record;
  return runFromCli({
    experiment, options: o, argv,
    open: () => openDockerTarget(cluster, dir, o.seed, o.partition),
    describe: () => `runtime docker (compose project ${cluster.project}), partitions via ${o.partition}`,
    recoveryTimeoutMsDefault: dockerRecoveryTimeoutMs,
    started,
    stopStarted: async () => { runCompose(cluster, ['down', '--remove-orphans', '-t', '5']); },
    clusterNoun: 'docker cluster', stoppedVerb: 'took down',
    runInfo: { docker: { project: cluster.project, composeFiles: cluster.composeFiles, images, partitionVia: o.partition } },
  });
}
