/**
 * Choices drawn from an injected uniform generator (`() => number` in [0, 1), e.g. mulberry32
 * from a printed seed), never Math.random, so a run's targets repeat from its seed.
 *
 * Exports: `Random`, `pick`, `shuffled`.
 */
export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
}

/** Fisher–Yates on a copy; the input order must itself be deterministic (sorted ids). */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
