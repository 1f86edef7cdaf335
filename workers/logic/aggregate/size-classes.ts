/**
 * Size classes and log-scale histogram buckets.
 *
 * Size class: exact size up to 1 KiB (glibc's usable sizes are 16 bytes apart, so
 * each class is one chunk size, the way chap users read them); above that, four
 * classes per power of two ([1024, 1280), [1280, 1536), [1536, 1792), [1792, 2048), …).
 * Histogram bucket: one per power of two, bucket k holding sizes in [2^k, 2^(k+1)),
 * bucket 0 also holding size 0.
 */

export const EXACT_LIMIT = 1024;

export interface SizeClass {
  /** Inclusive lower bound. */
  lo: number;
  /** Exclusive upper bound. */
  hi: number;
}

export function sizeClassOf(size: number): SizeClass {
  if (size <= EXACT_LIMIT) return { lo: size, hi: size + 1 };
  const k = Math.floor(Math.log2(size));
  let base = 2 ** k;
  if (base > size) base /= 2; // guard against log2 rounding up
  else if (base * 2 <= size) base *= 2;
  const step = base / 4;
  const lo = base + Math.floor((size - base) / step) * step;
  return { lo, hi: lo + step };
}

/** Stable numeric key of a size class (its lower bound); no object made (it runs once per allocation). */
export function sizeClassKey(size: number): number {
  if (size <= EXACT_LIMIT) return size;
  if (size < 4294967296 && size === Math.floor(size)) {
    // A whole size below 2^32: its power of two from the leading zeros, a quarter of it the step.
    const k = 31 - Math.clz32(size);
    const base = 2 ** k;
    const step = base / 4;
    return base + Math.floor((size - base) / step) * step;
  }
  return sizeClassOf(size).lo;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

export function sizeClassLabel(c: SizeClass): string {
  if (c.hi === c.lo + 1) return `${c.lo} B (0x${c.lo.toString(16)})`;
  return `${formatBytes(c.lo)} – ${formatBytes(c.hi)}`;
}

export function bucketOf(size: number): number {
  if (size < 2) return 0;
  // A whole size below 2^32 (every allocation but the largest): the index of its top bit.
  if (size < 4294967296 && size === Math.floor(size)) return 31 - Math.clz32(size);
  let k = Math.floor(Math.log2(size));
  if (2 ** k > size) k--;
  else if (2 ** (k + 1) <= size) k++;
  return k;
}
