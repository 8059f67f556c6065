// The load generator watching itself. An open-loop number is only meaningful if the generator
// sent on schedule; when it did not, the latency it reports is partly its own and the run says so.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { createLatencyHistogram, percentileTable, recordMs } from '../cluster/common/histograms.ts';
import type { Histogram } from '../cluster/common/histograms.ts';

export interface BottleneckBounds {
  /** Sends behind schedule by more than this at p99 mean the generator could not keep up. */
  lagMsP99Max: number;
  /** Percent of one core; Node runs the scheduler on one thread, so 100 is the ceiling. */
  cpuPercentMax: number;
}

export const DEFAULT_BOUNDS: BottleneckBounds = { lagMsP99Max: 10, cpuPercentMax: 90 };

export interface GeneratorHealthReport {
  wallMs: number;
  /** user + system CPU of this process over the wall time, in percent of one core. */
  cpuPercent: number;
  /** Actual send − intended send; absent for closed-loop runs, which have no schedule. */
  scheduleLag: { p50Ms: number; p99Ms: number; maxMs: number; count: number } | null;
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  bottleneck: boolean;
  warnings: string[];
}

export class GeneratorHealth {
  readonly lag: Histogram = createLatencyHistogram();
  readonly #bounds: BottleneckBounds;
  readonly #loop: IntervalHistogram;
  #cpuStart: NodeJS.CpuUsage | null = null;
  #wallStartMs = 0;
  #report: GeneratorHealthReport | null = null;

  constructor(
    private readonly now: () => number,
    bounds: Partial<BottleneckBounds> = {},
    private readonly scheduled = true,
  ) {
    this.#bounds = { ...DEFAULT_BOUNDS, ...bounds };
    this.#loop = monitorEventLoopDelay({ resolution: 1 });
  }

  start(): void {
    this.#cpuStart = process.cpuUsage();
    this.#wallStartMs = this.now();
    this.#loop.enable();
  }

  recordLagMs(lagMs: number): void {
    recordMs(this.lag, lagMs);
  }

  /** Idempotent: the first call freezes the figures. */
  stop(): GeneratorHealthReport {
    if (this.#report !== null) return this.#report;
    if (this.#cpuStart === null) throw new Error('GeneratorHealth.stop() before start()');
    this.#loop.disable();
    const wallMs = Math.max(1e-3, this.now() - this.#wallStartMs);
    const cpu = process.cpuUsage(this.#cpuStart);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    const nsToMs = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const eventLoopDelay = {
      p50Ms: nsToMs(this.#loop.percentile(50)),
      p99Ms: nsToMs(this.#loop.percentile(99)),
      maxMs: nsToMs(this.#loop.max),
    };
    const t = percentileTable(this.lag);
    const scheduleLag = this.scheduled ? { p50Ms: t.p50Ms, p99Ms: t.p99Ms, maxMs: t.maxMs, count: t.count } : null;
    const warnings: string[] = [];
    if (scheduleLag !== null && scheduleLag.p99Ms > this.#bounds.lagMsP99Max) {
      warnings.push(`generator fell behind schedule: send lag p99 ${scheduleLag.p99Ms.toFixed(1)} ms > ${this.#bounds.lagMsP99Max} ms (max ${scheduleLag.maxMs.toFixed(1)} ms)`);
    }
    if (cpuPercent > this.#bounds.cpuPercentMax) {
      warnings.push(`generator CPU ${cpuPercent.toFixed(0)}% of one core > ${this.#bounds.cpuPercentMax}%`);
    }
    if (warnings.length > 0) warnings.unshift('the generator was the bottleneck: latency figures include its own delay');
    this.#report = { wallMs, cpuPercent, scheduleLag, eventLoopDelay, bottleneck: warnings.length > 0, warnings };
    return this.#report;
  }
}
