/**
 * mulberry32: a 32-bit seeded PRNG, plenty for election jitter in tests. Each test node gets
 * its own stream (seed + node ordinal) so timeouts differ between nodes but every run of a
 * seed is identical.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
