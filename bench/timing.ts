/** Repeated wall-clock runs of a synchronous step, for the benchmarks that time one (never a pass/fail figure). */

/** `fn` run `n` times: the best, median and slowest run in ms, and what the last run returned. */
export function timeRuns<T>(n: number, fn: () => T): { best: number; median: number; max: number; value: T } {
  const t: number[] = [];
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    value = fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { best: t[0], median: t[t.length >> 1], max: t[t.length - 1], value };
}
