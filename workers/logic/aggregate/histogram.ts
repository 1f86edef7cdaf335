/**
 * Size histogram on log2 buckets, used and free, counts and bytes.
 */
import { addUsedFree, isInUse, noUsedFree, type AllocationTable, type UsedFree } from '../../../src/model/allocations.ts';
import { bucketOf } from './size-classes.ts';

export interface HistogramBucket extends UsedFree {
  /** Sizes in [lo, hi). */
  lo: number;
  hi: number;
}

/** The empty bucket `k`: sizes in [2^k, 2^(k+1)) (bucket 0 from 0). */
export function emptyBucket(k: number): HistogramBucket {
  return { lo: k === 0 ? 0 : 2 ** k, hi: 2 ** (k + 1), ...noUsedFree() };
}

export function sizeHistogram(tables: AllocationTable[]): HistogramBucket[] {
  const buckets: HistogramBucket[] = [];
  let maxK = -1;
  let minK = Infinity;
  for (const t of tables) {
    const { size, state } = t;
    for (let i = 0; i < t.rows; i++) {
      const s = size[i];
      const k = bucketOf(s);
      addUsedFree((buckets[k] ??= emptyBucket(k)), isInUse(state[i]), s);
      if (k > maxK) maxK = k;
      if (k < minK) minK = k;
    }
  }
  // Dense range from the smallest to the largest bucket, empty buckets included.
  const out: HistogramBucket[] = [];
  for (let k = minK; k <= maxK; k++) {
    out.push(buckets[k] ?? emptyBucket(k));
  }
  return out;
}
