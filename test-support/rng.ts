/** Seeded generators for tests and benchmarks: the same inputs on every run, so a failure can be replayed. */

/** xorshift32 (Marsaglia) as numbers in [0, 1): successive draws are not correlated the way an LCG's low bits are. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
