// Strict parsers for the quantities a bench command line carries. Each returns a number in the
// unit its name ends with, or throws UsageError with the offending text, so a typo never turns
// into a silent default (k6 and wrk read "30" as seconds; we ask for the unit instead).
import { UsageError } from '../../cluster/common/cli-usage.ts';

const durationUnitsMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "3s", "1.5m", "1h" → ms; a unit is required and the value must be > 0 (or ≥ 0 with allowZero). */
export function parseDurationMs(name: string, text: string, opts: { allowZero?: boolean; maxMs?: number } = {}): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (m === null) {
    const hint = /^-/.test(text.trim()) ? ' (durations cannot be negative)' : ' (e.g. 500ms, 30s, 10m, 1h)';
    throw new UsageError(`--${name} must be a duration with a unit, got "${text}"${hint}`);
  }
  const ms = Math.round(Number(m[1]) * durationUnitsMs[m[2]!]!);
  if (ms === 0 && !opts.allowZero) throw new UsageError(`--${name} must be longer than 0, got "${text}"`);
  const maxMs = opts.maxMs ?? 24 * 3_600_000;
  if (ms > maxMs) throw new UsageError(`--${name} must be at most ${maxMs / 1000} s, got "${text}"`);
  return ms;
}

/** "500rps" → 500. Whole or decimal requests per second, > 0, bounded by what one generator can schedule. */
export function parseRateRps(text: string, maxRps = 100_000): number {
  const m = /^(\d+(?:\.\d+)?)rps$/.exec(text);
  if (m === null) throw new UsageError(`malformed rate "${text}": expected <N>rps, e.g. 500rps`);
  const rps = Number(m[1]);
  if (!(rps > 0) || rps > maxRps) throw new UsageError(`rate must be above 0 and at most ${maxRps}rps, got "${text}"`);
  return rps;
}

/** A bare positive number (rates in lists, --rate). */
export function parsePositiveNumber(name: string, text: string, max: number): number {
  if (!/^\d+(?:\.\d+)?$/.test(text)) throw new UsageError(`--${name} must be a positive number, got "${text}"`);
  const n = Number(text);
  if (!(n > 0) || n > max) throw new UsageError(`--${name} must be above 0 and at most ${max}, got "${text}"`);
  return n;
}

/** "10%" or "0.1" → fraction (0.1). Percent sign optional only for values written as fractions ≤ 1. */
export function parseFraction(name: string, text: string): number {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct !== null) return Number(pct[1]) / 100;
  if (/^(0(?:\.\d+)?|1(?:\.0+)?)$/.test(text)) return Number(text);
  throw new UsageError(`--${name} must be a percentage such as 10%, got "${text}"`);
}

/** "100,250,500" → [100, 250, 500], strictly increasing. */
export function parseRateList(name: string, text: string, maxRps = 100_000): number[] {
  const parts = text.split(',').map((p) => p.trim().replace(/rps$/, ''));
  const rates = parts.map((p) => parsePositiveNumber(name, p, maxRps));
  for (let i = 1; i < rates.length; i++) {
    if (rates[i]! <= rates[i - 1]!) throw new UsageError(`--${name} must be increasing, got "${text}"`);
  }
  return rates;
}
