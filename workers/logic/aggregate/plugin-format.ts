/**
 * Sizes printed the way the malloc_tracer gdb plugin's `heap_total` prints them,
 * so users can compare Heapscope's figures with the plugin's output line by line.
 */
import type { Sizes } from '../../../src/model/attribution.ts';

/** Python's `round(x / 1024**i, 2)` then `str()`, as malloc_tracer's `convert_size` prints, computed exactly. */
export function pluginSize(bytes: number): string {
  if (bytes === 0) return '0B';
  const names = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (i + 1 < names.length && 1024 ** (i + 1) <= bytes) i++;
  const q = BigInt(bytes) * 100n;
  const d = 1024n ** BigInt(i);
  let n = q / d;
  const rem = q % d;
  if (rem * 2n > d || (rem * 2n === d && n % 2n === 1n)) n += 1n; // half to even, on the exact value
  const v = Number(n) / 100;
  return `${Number.isInteger(v) ? v.toFixed(1) : String(v)}${names[i]}`;
}

/** Python's f"{user/count:.2f}" (half-even on the exact binary value of the quotient). */
export function pluginMean(user: number, count: number): string {
  const x = user / count;
  const s = x.toFixed(2);
  const three = x * 1000;
  if (Number.isInteger(three) && three % 10 === 5) {
    const down = Math.floor(x * 100);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return s;
}

/** `Sizes: User=…, Mem=…, Chunk=…; Count=…; PerAllocMean=…b` */
export function pluginSizesLine(s: Sizes): string {
  return `Sizes: User=${pluginSize(s.user)}, Mem=${pluginSize(s.mem)}, Chunk=${pluginSize(s.chunk)}; Count=${s.count}; PerAllocMean=${pluginMean(s.user, s.count)}b`;
}
