/** A small seeded PRNG (mulberry32): every case of a campaign is reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 2^32). */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return 0;
    return n <= 4294967296 ? Math.floor((this.u32() / 4294967296) * n) : Math.floor(Math.random() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Small numbers more often than large ones: [1, max], log-uniform. */
  logInt(max: number): number {
    return Math.max(1, Math.min(max, Math.floor(Math.exp((this.u32() / 4294967296) * Math.log(max + 1)))));
  }
}

/** Seed of case `i` of `target` in campaign `seed` (stable across runs and machines). */
export function caseSeed(seed: number, target: string, i: number): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let k = 0; k < target.length; k++) h = Math.imul(h ^ target.charCodeAt(k), 0x01000193) >>> 0;
  return (Math.imul(h ^ i, 0x85ebca6b) ^ (i * 0x9e3779b1)) >>> 0;
}
