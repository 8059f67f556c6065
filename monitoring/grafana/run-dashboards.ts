// The dashboards of a run in progress: "Chaos experiment" (what the runner does and what its
// clients see) and "Benchmark" (what the generator meant to send, what it got back, and whether
// it kept up). Reports and the :8000 dashboard link here with the run's time range.
import { QueryVariableBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { datasource } from './dashboard-model.ts';
import { dashboard, quantile, rate, runQuantile, stat, stateTimeline, timeseries } from './sdk-kit.ts';

const half = { w: 12, h: 8 };
const third = { w: 8, h: 8 };

/** The run a link names (`var-run_id`); panels that show the run filter on it. */
const runVariable = (metric: string) => new QueryVariableBuilder('run_id').label('Run').datasource(datasource)
  .query(`label_values(${metric}, run_id)`).includeAll(true).allValue('.*').current({ text: 'All', value: '$__all' });

export const chaosExperimentDashboard = () => dashboard('chaos-experiment', 'Chaos experiment',
  'A chaos run as it happens: fault windows (annotations and the timeline), the trial in progress, election and unavailability per trial, and the clients\' operations by outcome.', ['chaos'])
  .withVariable(runVariable('chaos_run_info'))
  .withRow(new RowBuilder('Run'))
  .withPanel(stat('Run', 'The run in progress or shown: experiment, run id and seed.', [{ expr: 'chaos_run_info{run_id=~"$run_id"}', legend: '{{experiment}} {{run_id}} seed {{seed}}' }], { w: 12, h: 4 }, [{ value: null, color: 'blue' }], 'none', true))
  .withPanel(stat('Trial in progress', '0 between trials.', [{ expr: 'max(chaos_trial)', legend: 'trial' }], { w: 4, h: 4 }, [{ value: null, color: 'blue' }]))
  .withPanel(stat('Trials recovered', 'Trials after which the cluster came back healthy.', [{ expr: 'sum(chaos_trials_total{outcome="recovered"})', legend: 'recovered' }], { w: 4, h: 4 }, [{ value: null, color: 'green' }]))
  .withPanel(stat('Trials not recovered', 'Trials after which the cluster did not come back in time.', [{ expr: 'sum(chaos_trials_total{outcome="not-recovered"})', legend: 'not recovered' }], { w: 4, h: 4 }, [{ value: null, color: 'green' }, { value: 1, color: 'red' }]))
  .withPanel(stateTimeline('Faults applied', 'chaos_fault_active: each fault from inject to heal, per target.', [{ expr: 'chaos_fault_active', legend: '{{fault}} {{target}}' }],
    { 0: { text: 'healed', color: 'transparent' }, 1: { text: 'applied', color: 'red' } }, { w: 24, h: 6 }))
  .withRow(new RowBuilder('Recovery per trial'))
  .withPanel(timeseries('Election', 'Fault to the next leader\'s election, over the trials so far.', [
    { expr: runQuantile(0.5, 'chaos_election_seconds'), legend: 'p50' }, { expr: runQuantile(0.99, 'chaos_election_seconds'), legend: 'p99' }], 's', half, 0))
  .withPanel(timeseries('Unavailability', 'Fault to the first successful write invoked after it, over the trials so far.', [
    { expr: runQuantile(0.5, 'chaos_unavailability_seconds'), legend: 'p50' }, { expr: runQuantile(0.99, 'chaos_unavailability_seconds'), legend: 'p99' }], 's', half, 0))
  .withRow(new RowBuilder('Clients'))
  .withPanel(timeseries('Operations by outcome', 'ok: took effect; fail: certainly did not; info: unknown (a timeout). Per second.', [{ expr: rate('chaos_client_ops_total', 'type'), legend: '{{type}}' }], 'ops', third, 0))
  .withPanel(timeseries('Operations by function', 'Completed calls per second by function and outcome.', [{ expr: rate('chaos_client_ops_total', 'f, type'), legend: '{{f}} {{type}}' }], 'ops', third, 0))
  .withPanel(timeseries('Latency: corrected vs raw', 'p99 of successful calls, from the slot\'s due time (corrected) and from the send (raw).', [
    { expr: quantile(0.99, 'chaos_client_latency_seconds', ''), legend: 'corrected p99' }, { expr: quantile(0.99, 'chaos_client_raw_latency_seconds', ''), legend: 'raw p99' }], 's', third, 0));

export const benchmarkDashboard = () => dashboard('benchmark', 'Benchmark',
  'An open-loop benchmark as it runs: intended vs achieved rate, corrected and raw latency, the generator\'s own lag, and CPU per process.', ['bench'])
  .withVariable(runVariable('bench_run_info'))
  .withRow(new RowBuilder('Rate'))
  .withPanel(stat('Run', 'Scenario, run id and target.', [{ expr: 'bench_run_info{run_id=~"$run_id"}', legend: '{{scenario}} {{run_id}} → {{target}}' }], { w: 24, h: 3 }, [{ value: null, color: 'blue' }], 'none', true))
  .withPanel(timeseries('Intended vs achieved', 'The schedule\'s rate beside what was sent and what was answered ok, per second.', [
    { expr: 'bench_target_rate', legend: 'target' }, { expr: 'rate(bench_requests_intended_total[$__rate_interval])', legend: 'intended' },
    { expr: 'rate(bench_requests_sent_total[$__rate_interval])', legend: 'sent' }, { expr: 'sum(rate(bench_requests_answered_total{outcome="ok"}[$__rate_interval]))', legend: 'ok' }], 'reqps', half, 0))
  .withPanel(timeseries('Errors by kind', 'Slots that ended without an ok answer, per second.', [{ expr: 'sum by (outcome) (rate(bench_requests_answered_total{outcome!="ok"}[$__rate_interval]))', legend: '{{outcome}}' }], 'reqps', half, 0))
  .withRow(new RowBuilder('Latency'))
  .withPanel(timeseries('Corrected latency', 'From each slot\'s due time (wrk2\'s rule): a stalled server cannot hide here.', [
    { expr: quantile(0.5, 'bench_latency_corrected_seconds', ''), legend: 'p50' }, { expr: quantile(0.99, 'bench_latency_corrected_seconds', ''), legend: 'p99' },
    { expr: quantile(0.999, 'bench_latency_corrected_seconds', ''), legend: 'p99.9' }], 's', third, 0))
  .withPanel(timeseries('Raw latency', 'From the send: service time alone.', [
    { expr: quantile(0.5, 'bench_latency_raw_seconds', ''), legend: 'p50' }, { expr: quantile(0.99, 'bench_latency_raw_seconds', ''), legend: 'p99' }], 's', third, 0))
  .withPanel(timeseries('Generator send lag', 'Due time to send: when this grows, the generator (not the server) is the bottleneck.', [
    { expr: quantile(0.99, 'bench_send_lag_seconds', ''), legend: 'p99' }, { expr: quantile(0.5, 'bench_send_lag_seconds', ''), legend: 'p50' }], 's', third, 0))
  .withRow(new RowBuilder('Processes'))
  .withPanel(timeseries('CPU per process', 'Cores used by each node, the gateway and the generator.', [{ expr: rate('process_cpu_seconds_total', 'job, instance'), legend: '{{instance}}' }], 'percentunit', { w: 24, h: 8 }, 0));
